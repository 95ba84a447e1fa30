"use client";

import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import { useMutation, useQuery } from "urql";
import { rememberCartToken } from "@/lib/cart/cart-token";
import { formatMoney } from "@/lib/money";
import { CartQuery, UpdateCartItemMutation } from "@/operations/cart";
import { RequestProblemAlert } from "../RequestProblemAlert";
import { useShop } from "../ShopProvider";

export function CartView() {
  const { cartTokens } = useShop();
  const [{ data, error, fetching }, reload] = useQuery({ query: CartQuery, requestPolicy: "cache-and-network" });
  const [update, updateItem] = useMutation(UpdateCartItemMutation);

  const setQuantity = async (productId: string, quantity: number) => {
    const response = await updateItem({ input: { productId, quantity } });
    rememberCartToken(cartTokens, response.data?.updateCartItem.cartToken);
  };

  if (error) return <RequestProblemAlert error={error} onRetry={() => reload({ requestPolicy: "network-only" })} />;
  if (!data && fetching) return <Typography role="status">Loading your cart…</Typography>;
  const cart = data?.cart;
  if (!cart || cart.lines.length === 0) {
    return <Typography>Your cart is empty. <Link href="/">Continue shopping</Link></Typography>;
  }
  return (
    <>
      {update.data?.updateCartItem.errors.map((e) => <Alert key={e.code} severity="error" role="alert">{e.message}</Alert>)}
      {update.error && <RequestProblemAlert error={update.error} />}
      <Table aria-label="Cart contents">
        <TableHead>
          <TableRow><TableCell>Product</TableCell><TableCell>Quantity</TableCell><TableCell align="right">Price</TableCell><TableCell /></TableRow>
        </TableHead>
        <TableBody>
          {cart.lines.map((line) => (
            <TableRow key={line.productId}>
              <TableCell><Link href={`/product/${line.product.slug}`}>{line.product.name}</Link>{!line.available && " (no longer available)"}</TableCell>
              <TableCell>
                <Button size="small" aria-label={`One fewer ${line.product.name}`} onClick={() => void setQuantity(line.productId, line.quantity - 1)}>−</Button>
                <span data-testid="quantity">{line.quantity}</span>
                <Button size="small" aria-label={`One more ${line.product.name}`} onClick={() => void setQuantity(line.productId, line.quantity + 1)}>+</Button>
              </TableCell>
              <TableCell align="right">{line.lineTotal ? formatMoney(line.lineTotal) : "—"}</TableCell>
              <TableCell><Button size="small" onClick={() => void setQuantity(line.productId, 0)}>Remove</Button></TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="h6" component="p" sx={{ mt: 2 }} data-testid="subtotal">
        Subtotal: {cart.subtotal ? formatMoney(cart.subtotal) : "—"}
      </Typography>
      <Button href="/checkout" variant="contained" sx={{ mt: 2 }}>Checkout</Button>
    </>
  );
}
