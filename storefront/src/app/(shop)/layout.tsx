import type { ReactNode } from "react";
import { ThemeRegistry } from "@/components/ThemeRegistry";

// The shopper's own screens (cart, checkout, account, orders) are built from MUI components;
// the catalog pages outside this group are plain server-rendered HTML and send no MUI code.
export default function ShopLayout({ children }: { children: ReactNode }) {
  return <ThemeRegistry>{children}</ThemeRegistry>;
}
