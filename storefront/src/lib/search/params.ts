import type { ProductSearchFilter, ProductSearchSort } from "@/gql/graphql";

/**
 * The search page's URL: `q`, `sort`, `after`, `min`/`max` (typed price bounds), and one
 * `f.<facet field>` per selected facet value. Facet fields are the search API's own
 * (subgraphs/search/README.md): `category`, `price`, `inStock`, `rating`, `attribute:<name>`.
 */
export type SearchParams = Record<string, string | string[] | undefined>;

export const SORTS: { value: ProductSearchSort; label: string }[] = [
  { value: "RELEVANCE", label: "Relevance" },
  { value: "PRICE_ASC", label: "Price: low to high" },
  { value: "PRICE_DESC", label: "Price: high to low" },
  { value: "NEWEST", label: "Newest" },
  { value: "RATING", label: "Best rated" },
];

/** The catalog's currency: price facets and typed price bounds are in it. */
export const SHOP_CURRENCY = process.env.NEXT_PUBLIC_SHOPGRAPH_CURRENCY ?? "USD";

const FACET_PREFIX = "f.";
const ATTRIBUTE_PREFIX = "attribute:";
/** Facets whose values are alternatives the API takes only one of: choosing one replaces the other. */
const SINGLE_VALUE_FACETS = new Set(["price", "inStock", "rating"]);
const PRICE_BUCKET = /^(\d+)-(\d*)$/;
const TYPED_AMOUNT = /^\d+(\.\d{1,2})?$/;

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

/** "12345" minor units of USD → "123.45" (the currency's own number of decimals). */
export function minorToAmount(minor: string, currency: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  if (digits === 0) return String(BigInt(minor));
  const padded = minor.padStart(digits + 1, "0");
  return `${BigInt(padded.slice(0, -digits)).toString()}.${padded.slice(-digits)}`;
}

/** A price facet value ("2500-4999", "20000-": minor units, inclusive) as filter bounds. */
function priceBucket(value: string, currency: string): Pick<ProductSearchFilter, "priceMin" | "priceMax"> {
  const match = PRICE_BUCKET.exec(value);
  const low = match?.[1];
  const high = match?.[2];
  if (low === undefined) return {};
  return {
    priceMin: { amount: minorToAmount(low, currency), currency },
    ...(high ? { priceMax: { amount: minorToAmount(high, currency), currency } } : {}),
  };
}

/**
 * Maps the URL onto the search API's filter. Values the API would refuse (an unknown facet
 * field, a malformed price bucket or rating) are left out rather than failing the page.
 */
export function searchFilter(params: SearchParams, currency = SHOP_CURRENCY): ProductSearchFilter {
  let filter: ProductSearchFilter = {};
  const attributes: { name: string; values: string[] }[] = [];
  for (const [field, chosen] of selectedFacets(params)) {
    const last = chosen[chosen.length - 1];
    if (field === "category") filter.categoryIds = chosen;
    else if (field === "inStock" && (last === "true" || last === "false")) filter.inStock = last === "true";
    else if (field === "rating" && /^[0-5]$/.test(last ?? "")) filter.minRating = Number(last);
    else if (field === "price" && last) filter = { ...filter, ...priceBucket(last, currency) };
    else if (field.startsWith(ATTRIBUTE_PREFIX) && field.length > ATTRIBUTE_PREFIX.length) {
      attributes.push({ name: field.slice(ATTRIBUTE_PREFIX.length), values: chosen });
    }
  }
  const min = values(params, "min")[0];
  const max = values(params, "max")[0];
  if (min && TYPED_AMOUNT.test(min)) filter.priceMin = { amount: min, currency };
  if (max && TYPED_AMOUNT.test(max)) filter.priceMax = { amount: max, currency };
  if (attributes.length > 0) filter.attributes = attributes;
  return filter;
}

/** The URL that toggles one facet value, keeping the query, sort and other facets (and restarting paging). */
export function toggleFacetHref(params: SearchParams, field: string, value: string): string {
  const key = FACET_PREFIX + field;
  const wasSelected = values(params, key).includes(value);
  const next = new URLSearchParams();
  for (const name of Object.keys(params)) {
    if (name === "after") continue;
    if (name === key && SINGLE_VALUE_FACETS.has(field)) continue;
    if (field === "price" && (name === "min" || name === "max")) continue;
    for (const v of values(params, name)) {
      if (!(name === key && v === value)) next.append(name, v);
    }
  }
  if (!wasSelected) next.append(key, value);
  return `/search?${next.toString()}`;
}

export function pageHref(params: SearchParams, after: string): string {
  const next = new URLSearchParams();
  for (const key of Object.keys(params)) if (key !== "after") for (const v of values(params, key)) next.append(key, v);
  next.set("after", after);
  return `/search?${next.toString()}`;
}
