import Link from "next/link";
import type { Metadata } from "next";
import { ProductGrid } from "@/components/catalog/ProductGrid";
import { catalogData } from "@/lib/graphql/require-data";
import { HomePageQuery } from "@/operations/catalog";

export const metadata: Metadata = {
  title: "ShopGraph — featured products",
  description: "New and featured products and every category of the ShopGraph demo shop.",
};

export default async function HomePage() {
  const data = await catalogData(HomePageQuery, { first: 8 });
  return (
    <>
      <h1>Featured products</h1>
      <ProductGrid products={data.products.edges.map((e) => e.node)} />
      <h2>Categories</h2>
      <nav aria-label="Categories">
        <ul className="columns">
          {data.categories.map((category) => (
            <li key={category.id}><Link href={`/category/${category.slug}`}>{category.name}</Link></li>
          ))}
        </ul>
      </nav>
    </>
  );
}
