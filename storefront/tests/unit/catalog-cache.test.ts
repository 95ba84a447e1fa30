import { describe, expect, it } from "vitest";
import { CatalogCache } from "@/lib/graphql/catalog-cache";

function setup() {
  let now = 0;
  const cache = new CatalogCache<string>({ freshMs: 5_000, staleMs: 60_000, maxEntries: 2, now: () => now });
  let loads = 0;
  const load = (value: string) => () => {
    loads += 1;
    return Promise.resolve(`${value}#${loads}`);
  };
  return { cache, load, advance: (ms: number) => { now += ms; }, loads: () => loads };
}

describe("catalog cache", () => {
  it("answers from memory while an entry is fresh", async () => {
    const { cache, load, advance, loads } = setup();
    expect(await cache.get("p", load("v"))).toBe("v#1");
    advance(4_999);
    expect(await cache.get("p", load("v"))).toBe("v#1");
    expect(loads()).toBe(1);
  });

  it("serves a stale entry once while reloading it in the background, then the new value", async () => {
    const { cache, load, advance, loads } = setup();
    await cache.get("p", load("v"));
    advance(6_000);
    expect(await cache.get("p", load("v"))).toBe("v#1");
    await Promise.resolve();
    expect(await cache.get("p", load("v"))).toBe("v#2");
    expect(loads()).toBe(2);
  });

  it("loads again before answering once an entry is older than the stale limit", async () => {
    const { cache, load, advance } = setup();
    await cache.get("p", load("v"));
    advance(60_000);
    expect(await cache.get("p", load("v"))).toBe("v#2");
  });

  it("shares one load between concurrent misses", async () => {
    const { cache, load, loads } = setup();
    const [a, b] = await Promise.all([cache.get("p", load("v")), cache.get("p", load("v"))]);
    expect([a, b]).toEqual(["v#1", "v#1"]);
    expect(loads()).toBe(1);
  });

  it("never keeps a failure: the next read tries again", async () => {
    const { cache, load } = setup();
    await expect(cache.get("p", () => Promise.reject(new Error("router down")))).rejects.toThrow("router down");
    expect(await cache.get("p", load("v"))).toBe("v#1");
  });

  it("keeps a stale value when its background reload fails", async () => {
    const { cache, load, advance } = setup();
    await cache.get("p", load("v"));
    advance(6_000);
    expect(await cache.get("p", () => Promise.reject(new Error("router down")))).toBe("v#1");
    await Promise.resolve();
    expect(await cache.get("p", load("v"))).toBe("v#1");
  });

  it("forgets the oldest entries beyond its size", async () => {
    const { cache, load } = setup();
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("c", load("c"));
    expect(await cache.get("a", load("a"))).toBe("a#4");
  });
});
