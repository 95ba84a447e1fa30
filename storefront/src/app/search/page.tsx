import Link from "next/link";
import type { Metadata } from "next";
import { ProductGrid } from "@/components/catalog/ProductGrid";
import { queryRouter, RouterUnavailableError } from "@/lib/graphql/router";
import { pageHref, searchFilter, searchSort, SORTS, toggleFacetHref, type SearchParams } from "@/lib/search/params";
import { SearchPageQuery } from "@/operations/search";

interface Props {
  searchParams: Promise<SearchParams>;
}

function queryText(params: SearchParams): string {
  const q = params.q;
  return (Array.isArray(q) ? q[0] : q)?.trim() ?? "";
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const q = queryText(await searchParams);
  return { title: q ? `Search: ${q}` : "Search", description: "Search the ShopGraph catalog with filters and sorting." };
}

export default async function SearchPage({ searchParams }: Props) {
  const params = await searchParams;
  const q = queryText(params);
  const sort = searchSort(params);
  const after = Array.isArray(params.after) ? params.after[0] : params.after;
  const result = await queryRouter(SearchPageQuery, { query: q || null, filter: searchFilter(params), sort, first: 20, after: after ?? null });
  if (!result.data) {
    // The API refuses some queries (e.g. one with no letter or digit): say why, next to the box.
    const refused = result.errors.filter((e) => e.extensions?.code === "BAD_USER_INPUT");
    if (refused.length === 0) throw new RouterUnavailableError(`search failed: ${result.errors.map((e) => e.message).join("; ")}`);
    return (
      <>
        <h1>Search</h1>
        <p className="alert alert-error" role="alert">{refused.map((e) => e.message).join(" ")}</p>
        <p><Link href="/search">Browse all products</Link></p>
      </>
    );
  }
  const { search } = result.data;
  return (
    <>
      <h1>{q ? `Results for “${q}”` : "All products"}</h1>
      {search.correctedQuery && (
        <p>Showing results for <Link href={`/search?q=${encodeURIComponent(search.correctedQuery)}`}>{search.correctedQuery}</Link></p>
      )}
      <p role="status">{search.totalCount} product{search.totalCount === 1 ? "" : "s"}</p>
      <form method="get" action="/search" style={{ margin: "16px 0" }}>
        <input type="hidden" name="q" value={q} />
        {Object.entries(params).filter(([k]) => k.startsWith("f.") || k === "min" || k === "max").flatMap(([k, v]) => (Array.isArray(v) ? v : [v ?? ""]).map((value) => (
          <input key={`${k}=${value}`} type="hidden" name={k} value={value} />
        )))}
        <label htmlFor="sort">Sort by </label>
        <select id="sort" name="sort" defaultValue={sort}>
          {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>{" "}
        <button type="submit">Apply</button>
      </form>
      <div className="search-layout">
        <aside aria-label="Filters" className="facets">
          {search.facets.map((facet) => (
            <section key={facet.field} aria-labelledby={`facet-${facet.field}`}>
              <h2 id={`facet-${facet.field}`}>{facet.label}</h2>
              <ul>
                {facet.values.map((v) => (
                  <li key={v.value}>
                    <Link href={toggleFacetHref(params, facet.field, v.value)} aria-current={v.selected ? "true" : undefined}>
                      {v.selected ? "☑" : "☐"} {v.label} ({v.count})
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </aside>
        <div>
          {search.edges.length === 0 ? (
            <p>No products match. Try fewer filters or another word.</p>
          ) : (
            <ProductGrid products={search.edges.map((e) => e.node)} highlights={search.edges.map((e) => e.highlights[0])} />
          )}
          {search.pageInfo.hasNextPage && search.pageInfo.endCursor && (
            <p><Link href={pageHref(params, search.pageInfo.endCursor)} rel="next">Next page</Link></p>
          )}
        </div>
      </div>
    </>
  );
}
