import type { Metadata } from "next";
import { OrderView } from "@/components/orders/OrderView";

export const metadata: Metadata = { title: "Your order", description: "The status of your ShopGraph order." };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  return <OrderView orderId={(await params).id} />;
}
