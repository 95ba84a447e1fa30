import type { ProductSearchFilter, ProductSearchSort } from "@/gql/graphql";

/** The search page's URL: `q`, `sort`, `after`, and one `f.<facet field>` per selected value. */
export type SearchParams = Record<string, string | string[] | undefined>;

export const SORTS: { value: ProductSearchSort; label: string }[] = [
  { value: "RELEVANCE", label: "Relevance" },
  { value: "PRICE_ASC", label: "Price: low to high" },
  { value: "PRICE_DESC", label: "Price: high to low" },
  { value: "NEWEST", label: "Newest" },
  { value: "RATING", label: "Best rated" },
];

const FACET_PREFIX = "f.";

function values(params: SearchParams, key: string): string[] {
  const value = params[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function selectedFacets(params: SearchParams): Map<string, string[]> {
  const selected = new Map<string, string[]>();
  for (const key of Object.keys(params)) {
    if (key.startsWith(FACET_PREFIX)) selected.set(key.slice(FACET_PREFIX.length), values(params, key));
  }
  return selected;
}

export function searchSort(params: SearchParams): ProductSearchSort {
  const sort = values(params, "sort")[0];
  return SORTS.find((s) => s.value === sort)?.value ?? "RELEVANCE";
}

/** Maps selected facet values onto the search filter: known fields by name, others as attributes. */
export function searchFilter(params: SearchParams, currency = "EUR"): ProductSearchFilter {
  const filter: ProductSearchFilter = {};
  const attributes: { name: string; values: string[] }[] = [];
  for (const [field, chosen] of selectedFacets(params)) {
    if (field === "category" || field === "categoryId" || field === "categoryIds") filter.categoryIds = chosen;
    else if (field === "inStock") filter.inStock = chosen.includes("true");
    else if (field === "rating" || field === "minRating") filter.minRating = Math.max(...chosen.map(Number).filter(Number.isFinite));
    else attributes.push({ name: field, values: chosen });
  }
  const min = values(params, "min")[0];
  const max = values(params, "max")[0];
  if (min && /^\d+(\.\d{1,2})?$/.test(min)) filter.priceMin = { amount: min, currency };
  if (max && /^\d+(\.\d{1,2})?$/.test(max)) filter.priceMax = { amount: max, currency };
  if (attributes.length > 0) filter.attributes = attributes;
  return filter;
}

/** The URL that toggles one facet value, keeping the query, sort and other facets (and restarting paging). */
export function toggleFacetHref(params: SearchParams, field: string, value: string): string {
  const next = new URLSearchParams();
  for (const key of Object.keys(params)) {
    if (key === "after") continue;
    for (const v of values(params, key)) {
      if (!(key === FACET_PREFIX + field && v === value)) next.append(key, v);
    }
  }
  if (!values(params, FACET_PREFIX + field).includes(value)) next.append(FACET_PREFIX + field, value);
  return `/search?${next.toString()}`;
}

export function pageHref(params: SearchParams, after: string): string {
  const next = new URLSearchParams();
  for (const key of Object.keys(params)) if (key !== "after") for (const v of values(params, key)) next.append(key, v);
  next.set("after", after);
  return `/search?${next.toString()}`;
}
