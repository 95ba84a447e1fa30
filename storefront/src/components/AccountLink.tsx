"use client";

import Link from "next/link";
import { useShop } from "./ShopProvider";

export function AccountLink() {
  const { signedIn } = useShop();
  return (
    <Link href="/account" style={{ color: "inherit" }}>
      {signedIn ? "Account" : "Sign in"}
    </Link>
  );
}
