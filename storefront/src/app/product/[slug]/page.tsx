import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { cache } from "react";
import { ProductAvailability } from "@/components/product/ProductAvailability";
import { ProductReviews } from "@/components/product/ProductReviews";
import { Reviewing } from "@/components/product/Reviewing";
import { Rating } from "@/components/catalog/Rating";
import { catalogData } from "@/lib/graphql/require-data";
import { formatMoney } from "@/lib/money";
import { ProductPageQuery } from "@/operations/catalog";

interface Props {
  params: Promise<{ slug: string }>;
}

// Metadata and page share one catalog read per request (itself cached for a few seconds).
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
    <article className="product">
      <div>
        {image ? (
          // eslint-disable-next-line @next/next/no-img-element -- catalog images come from any host
          <img src={image.url} alt={image.altText ?? product.name} width={600} height={400} />
        ) : (
          <p>No image</p>
        )}
      </div>
      <div>
        {product.category && (
          <nav aria-label="Breadcrumb"><Link href={`/category/${product.category.slug}`}>{product.category.name}</Link></nav>
        )}
        <h1>{product.name}</h1>
        <p className="price price-large" data-testid="price">{formatMoney(product.price)}</p>
        <Rating average={product.rating.average ?? null} count={product.rating.count} />
        {product.description && <p>{product.description}</p>}
        {product.attributes.length > 0 && (
          <dl className="attributes">
            {product.attributes.map((a) => (
              <div key={a.name}><dt>{a.name}:</dt> <dd>{a.value}</dd></div>
            ))}
          </dl>
        )}
        <ProductAvailability productId={product.id} rendered={product.stock} />
      </div>
      <section aria-labelledby="reviews-heading" className="reviews">
        <h2 id="reviews-heading">Reviews</h2>
        <ProductReviews productId={product.id} />
        <Reviewing productId={product.id} />
      </section>
    </article>
  );
}
