import { describe, expect, it } from "vitest";
import { authFetch } from "@/lib/auth/auth-fetch";
import { memorySessionStore } from "@/lib/auth/session";
import { TokenKeeper } from "@/lib/auth/token-keeper";
import { memoryCartTokenStore } from "@/lib/cart/cart-token";

const unauthenticated = () =>
  new Response(JSON.stringify({ errors: [{ message: "expired", extensions: { code: "UNAUTHENTICATED" } }] }), {
    headers: { "content-type": "application/json" },
  });
const ok = () => new Response(JSON.stringify({ data: { me: { id: "1" } } }), { headers: { "content-type": "application/json" } });

function keeperWith(accessToken: string | null) {
  let refreshed = 0;
  const keeper = new TokenKeeper(memorySessionStore(), async () => {
    refreshed += 1;
    return { accessToken: `fresh-${refreshed}`, refreshToken: `refresh-${refreshed}`, expiresIn: 900, errors: [] };
  });
  if (accessToken) keeper.signIn({ accessToken, refreshToken: "refresh-0", expiresIn: 900, errors: [] });
  return { keeper, refreshes: () => refreshed };
}

describe("authFetch", () => {
  it("sends the bearer token and the guest cart token", async () => {
    const { keeper } = keeperWith("token-a");
    const seen: Headers[] = [];
    const fetcher = authFetch(keeper, memoryCartTokenStore("cart-1"), async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return ok();
    });
    await fetcher("/api/graphql", { method: "POST", headers: { "content-type": "application/json" } });
    expect(seen[0]?.get("authorization")).toBe("Bearer token-a");
    expect(seen[0]?.get("x-cart-token")).toBe("cart-1");
    expect(seen[0]?.get("content-type")).toBe("application/json");
  });

  it("rotates a rejected token once and repeats the request with the new one", async () => {
    const { keeper, refreshes } = keeperWith("stale");
    const sent: (string | null)[] = [];
    const fetcher = authFetch(keeper, memoryCartTokenStore(), async (_input, init) => {
      const auth = new Headers(init?.headers).get("authorization");
      sent.push(auth);
      return auth === "Bearer stale" ? unauthenticated() : ok();
    });
    const response = await fetcher("/api/graphql", { method: "POST" });
    expect(await response.json()).toEqual({ data: { me: { id: "1" } } });
    expect(sent).toEqual(["Bearer stale", "Bearer fresh-1"]);
    expect(refreshes()).toBe(1);
  });

  it("does not refresh for a guest", async () => {
    const { keeper, refreshes } = keeperWith(null);
    const fetcher = authFetch(keeper, memoryCartTokenStore(), async () => unauthenticated());
    await fetcher("/api/graphql", { method: "POST" });
    expect(refreshes()).toBe(0);
  });
});
