import { describe, expect, it } from "vitest";
import { memorySessionStore } from "@/lib/auth/session";
import { TokenKeeper, type AuthResult } from "@/lib/auth/token-keeper";

function tokens(n: number, expiresIn = 900): AuthResult {
  return { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn, errors: [] };
}

/** A fake of the API's rotating refresh: each refresh token works once. */
function rotatingApi() {
  let issued = 1;
  const used = new Set<string>();
  const calls: string[] = [];
  const refresh = async (refreshToken: string): Promise<AuthResult> => {
    calls.push(refreshToken);
    await Promise.resolve();
    if (used.has(refreshToken)) return { errors: [{ code: "TOKEN_REUSED", message: "reused" }] };
    used.add(refreshToken);
    issued += 1;
    return tokens(issued);
  };
  return { refresh, calls };
}

describe("TokenKeeper", () => {
  it("returns the current access token while it is fresh", async () => {
    let now = 0;
    const api = rotatingApi();
    const keeper = new TokenKeeper(memorySessionStore(), api.refresh, () => now);
    keeper.signIn(tokens(1));
    now = 60_000;
    expect(await keeper.accessToken()).toBe("access-1");
    expect(api.calls).toEqual([]);
  });

  it("rotates an access token about to expire before using it", async () => {
    let now = 0;
    const api = rotatingApi();
    const store = memorySessionStore();
    const keeper = new TokenKeeper(store, api.refresh, () => now);
    keeper.signIn(tokens(1, 60));
    now = 45_000;
    expect(await keeper.accessToken()).toBe("access-2");
    expect(store.load()?.refreshToken).toBe("refresh-2");
  });

  it("shares one refresh between concurrent requests, so a rotated token is never reused", async () => {
    const api = rotatingApi();
    const keeper = new TokenKeeper(memorySessionStore(), api.refresh);
    keeper.signIn(tokens(1));
    const results = await Promise.all([keeper.refreshNow(), keeper.refreshNow(), keeper.refreshNow()]);
    expect(results).toEqual(["access-2", "access-2", "access-2"]);
    expect(api.calls).toEqual(["refresh-1"]);
    expect(keeper.signedIn).toBe(true);
  });

  it("signs out when the API refuses the refresh token", async () => {
    const keeper = new TokenKeeper(memorySessionStore(), async () => ({ errors: [{ code: "TOKEN_REUSED", message: "reused" }] }));
    keeper.signIn(tokens(1));
    const seen: boolean[] = [];
    keeper.subscribe((signedIn) => seen.push(signedIn));
    expect(await keeper.refreshNow()).toBeNull();
    expect(keeper.signedIn).toBe(false);
    expect(seen).toEqual([false]);
  });

  it("has no token when signed out and never calls the API", async () => {
    const api = rotatingApi();
    const keeper = new TokenKeeper(memorySessionStore(), api.refresh);
    expect(await keeper.accessToken()).toBeNull();
    expect(api.calls).toEqual([]);
  });
});
