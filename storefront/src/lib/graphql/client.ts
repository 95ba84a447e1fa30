import type { Client as WsClient } from "graphql-ws";
import { Client, fetchExchange, subscriptionExchange } from "urql";
import type { CartTokenStore } from "../cart/cart-token";
import { authFetch } from "../auth/auth-fetch";
import type { TokenKeeper } from "../auth/token-keeper";
import { shopCacheExchange } from "./cache";

export interface ShopClientOptions {
  /** Same-origin path of the storefront's GraphQL proxy to the router. */
  graphqlPath: string;
  /** The router's WebSocket endpoint (graphql-transport-ws). */
  subscriptionsUrl: string;
  keeper: TokenKeeper;
  cartTokens: CartTokenStore;
}

/** The browser's GraphQL client: normalized cache, auth-aware fetch, subscriptions over WS. */
export function createShopClient(options: ShopClientOptions): Client {
  // graphql-ws is loaded on the first subscription (the order page), not on every page.
  let ws: Promise<WsClient> | null = null;
  const connect = () =>
    (ws ??= import("graphql-ws").then(({ createClient }) =>
      createClient({
        url: options.subscriptionsUrl,
        lazy: true,
        retryAttempts: 5,
        connectionParams: async () => {
          const token = await options.keeper.accessToken();
          return token ? { Authorization: `Bearer ${token}` } : {};
        },
      }),
    ));
  return new Client({
    url: options.graphqlPath,
    fetch: authFetch(options.keeper, options.cartTokens),
    preferGetMethod: false,
    exchanges: [
      shopCacheExchange(),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              let unsubscribe: (() => void) | null = null;
              let cancelled = false;
              void connect().then((client) => {
                if (!cancelled) unsubscribe = client.subscribe(input, sink);
              });
              return {
                unsubscribe() {
                  cancelled = true;
                  unsubscribe?.();
                },
              };
            },
          };
        },
      }),
    ],
  });
}
