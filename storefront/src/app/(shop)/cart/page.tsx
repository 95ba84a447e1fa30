import Typography from "@mui/material/Typography";
import type { Metadata } from "next";
import { CartView } from "@/components/cart/CartView";

export const metadata: Metadata = { title: "Your cart", description: "The products in your ShopGraph cart." };

export default function CartPage() {
  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom>Your cart</Typography>
      <CartView />
    </>
  );
}
