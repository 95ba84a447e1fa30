import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

/** Where the server (SSR pages and the /api/graphql proxy) reaches the router. */
export function routerUrl(): string {
  return process.env.SHOPGRAPH_ROUTER_URL ?? "http://127.0.0.1:4000/graphql";
}

/** The router's WebSocket URL as the browser sees it (both run on 127.0.0.1 in make dev). */
export function routerSubscriptionsUrl(): string {
  return process.env.SHOPGRAPH_ROUTER_WS_URL ?? routerUrl().replace(/^http/, "ws");
}

/** The router did not answer, or answered with a server error: worth retrying later. */
export class RouterUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouterUnavailableError";
  }
}

export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string };
}

export interface RouterResult<TData> {
  data: TData | null;
  errors: GraphQLErrorLike[];
}

/** Runs a typed operation against the router from the server (public catalog data only). */
export async function queryRouter<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<RouterResult<TData>> {
  let response: Response;
  try {
    response = await fetch(routerUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: print(document), variables }),
      cache: "no-store",
    });
  } catch (error) {
    throw new RouterUnavailableError(`the router at ${routerUrl()} is unreachable: ${String(error)}`);
  }
  if (response.status >= 500) throw new RouterUnavailableError(`the router answered ${response.status}`);
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLErrorLike[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
