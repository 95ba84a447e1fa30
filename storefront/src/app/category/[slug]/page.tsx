import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { ProductGrid } from "@/components/catalog/ProductGrid";
import { catalogData } from "@/lib/graphql/require-data";
import { CategoryPageQuery, CategoryProductsQuery } from "@/operations/catalog";

const PAGE_SIZE = 12;

interface Props {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ after?: string; page?: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const { category } = await catalogData(CategoryPageQuery, { slug });
  if (!category) return { title: "Category not found" };
  return { title: category.name, description: category.description ?? `Shop ${category.name} at ShopGraph.` };
}

export default async function CategoryPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const { after, page } = await searchParams;
  const { category } = await catalogData(CategoryPageQuery, { slug });
  if (!category) notFound();
  const { products } = await catalogData(CategoryProductsQuery, { categoryId: category.id, first: PAGE_SIZE, after: after ?? null });
  const pageNumber = Math.max(1, Number(page ?? "1") || 1);
  const pages = Math.max(1, Math.ceil((products.totalCount ?? 0) / PAGE_SIZE));
  return (
    <>
      <nav aria-label="Breadcrumb">
        <Link href="/">Home</Link>
        {category.breadcrumbs.map((crumb) => (
          <span key={crumb.id}> / <Link href={`/category/${crumb.slug}`}>{crumb.name}</Link></span>
        ))}
      </nav>
      <h1>{category.name}</h1>
      {category.description && <p>{category.description}</p>}
      {products.edges.length === 0 ? (
        <p>No products in this category yet.</p>
      ) : (
        <ProductGrid products={products.edges.map((e) => e.node)} />
      )}
      <nav aria-label="Pages" className="pager">
        {pageNumber > 1 && <Link href={`/category/${slug}`}>First page</Link>}
        <span>Page {pageNumber} of {pages}</span>
        {products.pageInfo.hasNextPage && products.pageInfo.endCursor && (
          <Link href={`/category/${slug}?after=${encodeURIComponent(products.pageInfo.endCursor)}&page=${pageNumber + 1}`} rel="next">
            Next page
          </Link>
        )}
      </nav>
    </>
  );
}
