"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useShop } from "../ShopProvider";

// The form (MUI) is only sent to shoppers who are signed in and can use it.
const ReviewForm = dynamic(() => import("./ReviewForm").then((m) => m.ReviewForm), { ssr: false });

export function Reviewing({ productId }: { productId: string }) {
  const { signedIn } = useShop();
  if (!signedIn) return <p><Link href="/account">Sign in</Link> to write a review.</p>;
  return <ReviewForm productId={productId} />;
}
