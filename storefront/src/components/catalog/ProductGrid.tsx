import type { ProductCardFieldsFragment } from "@/gql/graphql";
import { ProductCard } from "./ProductCard";

export function ProductGrid({ products, highlights }: { products: ProductCardFieldsFragment[]; highlights?: (string | undefined)[] }) {
  return (
    <ul className="grid">
      {products.map((product, index) => (
        <li key={product.id}>
          <ProductCard product={product} highlight={highlights?.[index]} />
        </li>
      ))}
    </ul>
  );
}
