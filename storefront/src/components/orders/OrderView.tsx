"use client";

import Alert from "@mui/material/Alert";
import Chip from "@mui/material/Chip";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import { useQuery, useSubscription } from "urql";
import { formatMoney } from "@/lib/money";
import { OrderQuery, OrderStatusSubscription } from "@/operations/orders";
import { RequestProblemAlert } from "../RequestProblemAlert";
import { useShop } from "../ShopProvider";

const STATUS_TEXT: Record<string, string> = {
  PENDING: "Waiting for payment",
  PAID: "Paid — thank you!",
  PAYMENT_FAILED: "Payment failed: your card was declined",
  CANCELLED: "Cancelled",
  FULFILLED: "Shipped",
};

/** An order with its status kept live by `orderStatusChanged` (no reload needed). */
export function OrderView({ orderId }: { orderId: string }) {
  const { signedIn } = useShop();
  const [{ data, error, fetching }, reload] = useQuery({ query: OrderQuery, variables: { id: orderId }, pause: !signedIn });
  const [live] = useSubscription({ query: OrderStatusSubscription, variables: { orderId }, pause: !signedIn });

  if (!signedIn) return <Typography><Link href="/account">Sign in</Link> to see this order.</Typography>;
  if (error) return <RequestProblemAlert error={error} onRetry={() => reload({ requestPolicy: "network-only" })} />;
  if (!data && fetching) return <Typography role="status">Loading your order…</Typography>;
  const order = data?.order;
  if (!order) return <Typography>We could not find this order.</Typography>;
  const status = live.data?.orderStatusChanged.status ?? order.status;

  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom>Order {order.id.slice(0, 8)}</Typography>
      <div role="status" aria-live="polite">
        <Chip data-testid="order-status" data-status={status} label={status} color={status === "PAID" || status === "FULFILLED" ? "success" : status === "PENDING" ? "default" : "error"} />{" "}
        <span>{STATUS_TEXT[status] ?? status}</span>
      </div>
      {status === "PAYMENT_FAILED" && (
        <Alert severity="warning" sx={{ mt: 2 }}>The items were put back on the shelf. You can try again with another card.</Alert>
      )}
      {live.error && <Typography variant="body2" sx={{ mt: 1 }}>Live updates paused; reload to see the latest status.</Typography>}
      <Table aria-label="Order items" sx={{ mt: 2 }}>
        <TableBody>
          {order.items.map((item) => (
            <TableRow key={item.productId}>
              <TableCell>{item.name}</TableCell>
              <TableCell>× {item.quantity}</TableCell>
              <TableCell align="right">{formatMoney(item.lineTotal)}</TableCell>
            </TableRow>
          ))}
          <TableRow><TableCell colSpan={2}>Shipping</TableCell><TableCell align="right">{formatMoney(order.shipping)}</TableCell></TableRow>
          <TableRow><TableCell colSpan={2}><strong>Total</strong></TableCell><TableCell align="right"><strong>{formatMoney(order.total)}</strong></TableCell></TableRow>
        </TableBody>
      </Table>
      <Typography sx={{ mt: 2 }}>
        Shipping to {order.shippingAddress.name}, {order.shippingAddress.line1}, {order.shippingAddress.city} {order.shippingAddress.postalCode}, {order.shippingAddress.country}
      </Typography>
      <Typography sx={{ mt: 2 }}><Link href="/account">Your orders</Link></Typography>
    </>
  );
}
