"use client";

import Link from "next/link";
import { useState } from "react";
import { useMutation } from "urql";
import { rememberCartToken } from "@/lib/cart/cart-token";
import { describeRequestError } from "@/lib/errors";
import { AddToCartMutation } from "@/operations/cart";
import { useShop } from "../ShopProvider";

// Plain HTML (no UI library): this island is on every product page.
export function AddToCart({ productId, inStock }: { productId: string; inStock: boolean }) {
  const { cartTokens } = useShop();
  const [quantity, setQuantity] = useState("1");
  const [added, setAdded] = useState(false);
  const [result, addToCart] = useMutation(AddToCartMutation);
  const errors = result.data?.addToCart.errors ?? [];
  const quantityError = errors.find((e) => e.field === "quantity")?.message;
  const problem = result.error ? describeRequestError(result.error) : null;

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
      className="add-to-cart"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="quantity">
        Quantity
        <input
          type="number"
          name="quantity"
          min={1}
          max={99}
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          aria-invalid={quantityError ? true : undefined}
          aria-describedby={quantityError ? "quantity-error" : undefined}
        />
      </label>
      <button type="submit" className="button button-primary" disabled={!inStock || result.fetching}>
        Add to cart
      </button>
      {quantityError && <p id="quantity-error" role="alert" className="alert alert-error">{quantityError}</p>}
      {errors.filter((e) => e.field !== "quantity").map((e) => (
        <p key={e.code} role="alert" className="alert alert-error">{e.message}</p>
      ))}
      {problem && (
        <p role="alert" className="alert alert-error">
          {problem.message}{" "}
          {problem.retryable && <button type="button" className="button" onClick={() => void submit()}>Try again</button>}
        </p>
      )}
      {added && (
        <p role="status" className="alert alert-success">
          Added to your cart. <Link href="/cart">View cart</Link>
        </p>
      )}
    </form>
  );
}
