import type { CartTokenStore } from "../cart/cart-token";
import type { TokenKeeper } from "./token-keeper";

/** True when a GraphQL response says the access token was not accepted. */
async function rejectedToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (!(response.headers.get("content-type") ?? "").includes("json")) return false;
  try {
    const body = (await response.clone().json()) as { errors?: { extensions?: { code?: unknown } }[] };
    return (body.errors ?? []).some((e) => e.extensions?.code === "UNAUTHENTICATED");
  } catch {
    return false;
  }
}

/**
 * A `fetch` for the GraphQL client: adds the shopper's bearer token and guest cart token, and
 * when the API rejects the token (it expired early, or was revoked) rotates it once and
 * repeats the request, so the shopper never sees a refresh happen.
 */
export function authFetch(keeper: TokenKeeper, cartTokens: CartTokenStore, baseFetch: typeof fetch = fetch): typeof fetch {
  const send = async (input: RequestInfo | URL, init: RequestInit | undefined, token: string | null) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    const cartToken = cartTokens.load();
    if (cartToken) headers.set("x-cart-token", cartToken);
    return baseFetch(input, { ...init, headers });
  };
  return async (input, init) => {
    const token = await keeper.accessToken();
    const response = await send(input, init, token);
    if (token === null || !(await rejectedToken(response))) return response;
    const rotated = await keeper.refreshNow();
    return send(input, init, rotated);
  };
}
