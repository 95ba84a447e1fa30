"use client";

import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import { useQuery } from "urql";
import { formatMoney } from "@/lib/money";
import { OrderHistoryQuery } from "@/operations/account";
import { RequestProblemAlert } from "../RequestProblemAlert";

export function OrderHistory() {
  const [{ data, error, fetching }, reload] = useQuery({ query: OrderHistoryQuery, variables: { first: 20 }, requestPolicy: "cache-and-network" });
  if (error) return <RequestProblemAlert error={error} onRetry={() => reload({ requestPolicy: "network-only" })} />;
  if (!data && fetching) return <Typography role="status">Loading your orders…</Typography>;
  const orders = data?.me?.orders.edges ?? [];
  if (orders.length === 0) return <Typography>No orders yet.</Typography>;
  return (
    <List aria-label="Your orders">
      {orders.map(({ node }) => (
        <ListItem key={node.id} divider data-testid="order-row">
          <Link href={`/orders/${node.id}`}>
            {new Date(node.createdAt).toLocaleDateString("en-GB")} · {node.items.map((i) => `${i.quantity} × ${i.name}`).join(", ")}
          </Link>
          &nbsp;— {formatMoney(node.total)} — <span data-status={node.status}>{node.status}</span>
        </ListItem>
      ))}
    </List>
  );
}
