import { queryRouter, RouterUnavailableError } from "./router";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

/**
 * Server-side catalog read that either returns data or throws: a failure reaches the
 * app's error boundary, which offers a retry instead of a blank page.
 */
export async function catalogData<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const result = await queryRouter(document, variables);
  if (result.data === null || result.errors.length > 0) {
    const codes = result.errors.map((e) => e.extensions?.code ?? "ERROR").join(", ");
    throw new RouterUnavailableError(`the catalog query failed: ${codes}`);
  }
  return result.data;
}
