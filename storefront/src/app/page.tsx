import Typography from "@mui/material/Typography";
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
      <Typography variant="h4" component="h1" gutterBottom>Featured products</Typography>
      <ProductGrid products={data.products.edges.map((e) => e.node)} />
      <Typography variant="h5" component="h2" sx={{ mt: 4 }} gutterBottom>Categories</Typography>
      <nav aria-label="Categories">
        <ul style={{ columns: 3 }}>
          {data.categories.map((category) => (
            <li key={category.id}><Link href={`/category/${category.slug}`}>{category.name}</Link></li>
          ))}
        </ul>
      </nav>
    </>
  );
}
