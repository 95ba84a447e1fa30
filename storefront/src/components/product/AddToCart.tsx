"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Link from "next/link";
import { useState } from "react";
import { useMutation } from "urql";
import { rememberCartToken } from "@/lib/cart/cart-token";
import { AddToCartMutation } from "@/operations/cart";
import { RequestProblemAlert } from "../RequestProblemAlert";
import { useShop } from "../ShopProvider";

export function AddToCart({ productId, inStock }: { productId: string; inStock: boolean }) {
  const { cartTokens } = useShop();
  const [quantity, setQuantity] = useState("1");
  const [added, setAdded] = useState(false);
  const [result, addToCart] = useMutation(AddToCartMutation);
  const errors = result.data?.addToCart.errors ?? [];

  const submit = async () => {
    setAdded(false);
    const response = await addToCart({ input: { productId, quantity: Number(quantity) } });
    const payload = response.data?.addToCart;
    if (!payload) return;
    rememberCartToken(cartTokens, payload.cartToken);
    setAdded(payload.errors.length === 0);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack direction="row" spacing={2} sx={{ my: 2 }}>
        <TextField
          label="Quantity"
          type="number"
          size="small"
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          slotProps={{ htmlInput: { min: 1, max: 99 } }}
          error={errors.some((e) => e.field === "quantity")}
          helperText={errors.find((e) => e.field === "quantity")?.message}
          sx={{ width: 110 }}
        />
        <Button type="submit" variant="contained" disabled={!inStock || result.fetching}>
          Add to cart
        </Button>
      </Stack>
      {errors.filter((e) => e.field !== "quantity").map((e) => (
        <Alert key={e.code} severity="error" role="alert">{e.message}</Alert>
      ))}
      {result.error && <RequestProblemAlert error={result.error} onRetry={() => void submit()} />}
      {added && (
        <Alert severity="success" role="status">
          Added to your cart. <Link href="/cart">View cart</Link>
        </Alert>
      )}
    </form>
  );
}
