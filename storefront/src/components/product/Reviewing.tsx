"use client";

import Typography from "@mui/material/Typography";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useShop } from "../ShopProvider";

// The form's code is only sent to shoppers who are signed in and can use it.
const ReviewForm = dynamic(() => import("./ReviewForm").then((m) => m.ReviewForm), { ssr: false });

export function Reviewing({ productId }: { productId: string }) {
  const { signedIn } = useShop();
  if (!signedIn) return <Typography><Link href="/account">Sign in</Link> to write a review.</Typography>;
  return <ReviewForm productId={productId} />;
}
