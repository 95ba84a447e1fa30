import Grid from "@mui/material/Grid";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { cache } from "react";
import { AddToCart } from "@/components/product/AddToCart";
import { Reviewing } from "@/components/product/Reviewing";
import { Rating } from "@/components/catalog/Rating";
import { catalogData } from "@/lib/graphql/require-data";
import { formatMoney } from "@/lib/money";
import { ProductPageQuery } from "@/operations/catalog";

interface Props {
  params: Promise<{ slug: string }>;
}

// Metadata and page share one router call per request.
const loadProduct = cache(async (slug: string) => (await catalogData(ProductPageQuery, { slug })).product);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await loadProduct((await params).slug);
  if (!product) return { title: "Product not found" };
  const description = product.description ?? `${product.name} for ${formatMoney(product.price)} at ShopGraph.`;
  return { title: product.name, description: description.slice(0, 160) };
}

export default async function ProductPage({ params }: Props) {
  const product = await loadProduct((await params).slug);
  if (!product || product.status !== "ACTIVE") notFound();
  const image = product.images[0];
  return (
    <Grid container spacing={4} component="article">
      <Grid size={{ xs: 12, md: 6 }}>
        {image ? (
          // eslint-disable-next-line @next/next/no-img-element -- catalog images come from any host
          <img src={image.url} alt={image.altText ?? product.name} width={600} height={400} style={{ width: "100%", height: "auto" }} />
        ) : (
          <Typography>No image</Typography>
        )}
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        {product.category && (
          <nav aria-label="Breadcrumb"><Link href={`/category/${product.category.slug}`}>{product.category.name}</Link></nav>
        )}
        <Typography variant="h4" component="h1">{product.name}</Typography>
        <Typography variant="h5" component="p" data-testid="price">{formatMoney(product.price)}</Typography>
        <Rating average={product.rating.average ?? null} count={product.rating.count} />
        <Typography data-testid="stock" color={product.stock.inStock ? "success.dark" : "error.dark"}>
          {product.stock.inStock ? `In stock (${product.stock.available} available)` : "Out of stock"}
        </Typography>
        {product.description && <Typography sx={{ my: 2 }}>{product.description}</Typography>}
        {product.attributes.length > 0 && (
          <dl>
            {product.attributes.map((a) => (
              <div key={a.name} style={{ display: "flex", gap: 8 }}><dt>{a.name}:</dt><dd style={{ margin: 0 }}>{a.value}</dd></div>
            ))}
          </dl>
        )}
        <AddToCart productId={product.id} inStock={product.stock.inStock} />
      </Grid>
      <Grid size={12} component="section" aria-labelledby="reviews-heading">
        <Typography id="reviews-heading" variant="h5" component="h2">Reviews</Typography>
        {product.reviews.edges.length === 0 && <Typography>No reviews yet.</Typography>}
        <ul style={{ paddingLeft: 0, listStyle: "none" }}>
          {product.reviews.edges.map(({ node }) => (
            <li key={node.id} style={{ marginBottom: 16 }}>
              <Typography component="h3" fontWeight={700}>{node.title}</Typography>
              <Rating average={node.rating} count={1} />
              <Typography>{node.body}</Typography>
              <Typography variant="body2">
                {node.author.firstName}{node.verifiedPurchase ? " · verified purchase" : ""}
              </Typography>
            </li>
          ))}
        </ul>
        <Reviewing productId={product.id} />
      </Grid>
    </Grid>
  );
}
