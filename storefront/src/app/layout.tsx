import type { Metadata } from "next";
import "./globals.css";
import type { ReactNode } from "react";
import { ShopProvider } from "@/components/ShopProvider";
import { Header } from "@/components/Header";
import { routerSubscriptionsUrl } from "@/lib/graphql/router";

// Every page reads live catalog data from the router at request time (nothing is prerendered
// at build time, so building needs no running platform).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "ShopGraph", template: "%s · ShopGraph" },
  description: "ShopGraph demo shop: browse the catalog, search, and check out.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ShopProvider subscriptionsUrl={routerSubscriptionsUrl()}>
          <Header />
          <main id="main" className="page">
            {children}
          </main>
        </ShopProvider>
      </body>
    </html>
  );
}
