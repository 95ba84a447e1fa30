import Link from "next/link";
import type { ProductCardFieldsFragment } from "@/gql/graphql";
import { formatMoney } from "@/lib/money";
import { Rating } from "./Rating";

export function ProductCard({ product, highlight }: { product: ProductCardFieldsFragment; highlight?: string }) {
  const image = product.images[0];
  return (
    <article className="card">
      {image && (
        // eslint-disable-next-line @next/next/no-img-element -- catalog images come from any host
        <img src={image.url} alt={image.altText ?? product.name} width={320} height={200} loading="lazy" />
      )}
      <h3><Link href={`/product/${product.slug}`}>{product.name}</Link></h3>
      <p className="price" data-testid="price">{formatMoney(product.price)}</p>
      {highlight && <p dangerouslySetInnerHTML={{ __html: sanitizeHighlight(highlight) }} />}
      <Rating average={product.rating.average ?? null} count={product.rating.count} />
      <p className={product.stock.inStock ? "in-stock" : "out-of-stock"}>{product.stock.inStock ? "In stock" : "Out of stock"}</p>
    </article>
  );
}

/** Search highlights mark matches with <em>; everything else is shown as text. */
function sanitizeHighlight(html: string): string {
  const escaped = html.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/&lt;em&gt;/g, "<mark>").replace(/&lt;\/em&gt;/g, "</mark>");
}
