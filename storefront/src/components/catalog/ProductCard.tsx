import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Typography from "@mui/material/Typography";
import Link from "next/link";
import type { ProductCardFieldsFragment } from "@/gql/graphql";
import { formatMoney } from "@/lib/money";
import { Rating } from "./Rating";

export function ProductCard({ product, highlight }: { product: ProductCardFieldsFragment; highlight?: string }) {
  const image = product.images[0];
  return (
    <Card component="article" variant="outlined" sx={{ height: "100%" }}>
      {image && (
        // eslint-disable-next-line @next/next/no-img-element -- catalog images come from any host
        <img src={image.url} alt={image.altText ?? product.name} width={320} height={200} style={{ width: "100%", height: 200, objectFit: "cover" }} loading="lazy" />
      )}
      <CardContent>
        <Typography variant="h6" component="h3">
          <Link href={`/product/${product.slug}`}>{product.name}</Link>
        </Typography>
        <Typography data-testid="price">{formatMoney(product.price)}</Typography>
        {highlight && <Typography variant="body2" dangerouslySetInnerHTML={{ __html: sanitizeHighlight(highlight) }} />}
        <Rating average={product.rating.average ?? null} count={product.rating.count} />
        <Typography variant="body2" color={product.stock.inStock ? "success.dark" : "error.dark"}>
          {product.stock.inStock ? "In stock" : "Out of stock"}
        </Typography>
      </CardContent>
    </Card>
  );
}

/** Search highlights mark matches with <em>; everything else is shown as text. */
function sanitizeHighlight(html: string): string {
  const escaped = html.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/&lt;em&gt;/g, "<mark>").replace(/&lt;\/em&gt;/g, "</mark>");
}
