import Grid from "@mui/material/Grid";
import type { ProductCardFieldsFragment } from "@/gql/graphql";
import { ProductCard } from "./ProductCard";

export function ProductGrid({ products, highlights }: { products: ProductCardFieldsFragment[]; highlights?: (string | undefined)[] }) {
  return (
    <Grid container spacing={2} component="ul" sx={{ listStyle: "none", p: 0 }}>
      {products.map((product, index) => (
        <Grid key={product.id} size={{ xs: 12, sm: 6, md: 3 }} component="li">
          <ProductCard product={product} highlight={highlights?.[index]} />
        </Grid>
      ))}
    </Grid>
  );
}
