import { print } from "graphql";
import { queryRouter, RouterUnavailableError } from "./router";
import { CatalogCache } from "./catalog-cache";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

// Catalog data (public: the same for every shopper) may be a few seconds old; stock and
// prices change through the API, so an entry is fresh for 5 s and never served after 60 s.
const catalogCache = new CatalogCache<unknown>({ freshMs: 5_000, staleMs: 60_000, maxEntries: 1_000 });

const printed = new WeakMap<object, string>();

function documentText(document: TypedDocumentNode<unknown, never>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

async function load<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const result = await queryRouter(document, variables);
  if (result.data === null || result.errors.length > 0) {
    const codes = result.errors.map((e) => e.extensions?.code ?? "ERROR").join(", ");
    throw new RouterUnavailableError(`the catalog query failed: ${codes}`);
  }
  return result.data;
}

/**
 * Server-side catalog read that either returns data or throws: a failure reaches the
 * app's error boundary, which offers a retry instead of a blank page.
 */
export async function catalogData<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const key = JSON.stringify([documentText(document as TypedDocumentNode<unknown, never>), variables]);
  return (await catalogCache.get(key, () => load(document, variables))) as TData;
}
