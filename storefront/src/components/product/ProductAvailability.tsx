"use client";

import { useQuery } from "urql";
import { ProductStockQuery } from "@/operations/catalog";
import { AddToCart } from "./AddToCart";

interface Stock {
  inStock: boolean;
  available: number;
}

/**
 * Stock and the add-to-cart form. The server-rendered figure comes from the catalog cache
 * (up to a minute old); the browser asks for the current one as soon as the page runs, so
 * a shopper never acts on a stale count. `data-current` tells which one is shown.
 */
export function ProductAvailability({ productId, rendered }: { productId: string; rendered: Stock }) {
  const [{ data }] = useQuery({ query: ProductStockQuery, variables: { id: productId }, requestPolicy: "network-only", pause: typeof window === "undefined" });
  const current = data?.product?.stock;
  const stock = current ?? rendered;
  return (
    <>
      <p data-testid="stock" data-current={current ? "true" : "false"} className={stock.inStock ? "in-stock" : "out-of-stock"}>
        {stock.inStock ? `In stock (${stock.available} available)` : "Out of stock"}
      </p>
      <AddToCart productId={productId} inStock={stock.inStock} />
    </>
  );
}
