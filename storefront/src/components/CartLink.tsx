"use client";

import Link from "next/link";
import { useQuery } from "urql";
import { CartQuery } from "@/operations/cart";

export function CartLink() {
  const [{ data }] = useQuery({ query: CartQuery });
  const count = data?.cart?.itemCount ?? 0;
  return (
    <Link href="/cart" style={{ color: "inherit" }} aria-label={`Cart, ${count} item${count === 1 ? "" : "s"}`}>
      Cart ({count})
    </Link>
  );
}
