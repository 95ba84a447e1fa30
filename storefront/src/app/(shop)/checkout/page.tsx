import Typography from "@mui/material/Typography";
import type { Metadata } from "next";
import { CheckoutForm } from "@/components/checkout/CheckoutForm";

export const metadata: Metadata = { title: "Checkout", description: "Pay for the products in your cart." };

export default function CheckoutPage() {
  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom>Checkout</Typography>
      <CheckoutForm />
    </>
  );
}
