import { describe, expect, it } from "vitest";
import { searchFilter, searchSort, toggleFacetHref } from "@/lib/search/params";
import { safeNextPath } from "@/lib/safe-next";

describe("search URL state", () => {
  it("maps selected facets onto the search filter", () => {
    const filter = searchFilter({ q: "mug", "f.category": ["c1", "c2"], "f.inStock": "true", "f.color": "red", min: "5", max: "x" });
    expect(filter).toEqual({
      categoryIds: ["c1", "c2"],
      inStock: true,
      attributes: [{ name: "color", values: ["red"] }],
      priceMin: { amount: "5", currency: "EUR" },
    });
  });

  it("toggles a facet value on and off, keeping the query and dropping the page cursor", () => {
    const on = toggleFacetHref({ q: "mug", after: "abc" }, "color", "red");
    expect(on).toBe("/search?q=mug&f.color=red");
    const off = toggleFacetHref({ q: "mug", "f.color": ["red", "blue"] }, "color", "red");
    expect(off).toBe("/search?q=mug&f.color=blue");
  });

  it("falls back to relevance for an unknown sort", () => {
    expect(searchSort({ sort: "PRICE_ASC" })).toBe("PRICE_ASC");
    expect(searchSort({ sort: "DROP TABLE" })).toBe("RELEVANCE");
  });
});

describe("safeNextPath", () => {
  it("only follows paths of this site after sign-in", () => {
    expect(safeNextPath("/checkout")).toBe("/checkout");
    expect(safeNextPath("//evil.example")).toBe("/account");
    expect(safeNextPath("https://evil.example")).toBe("/account");
    expect(safeNextPath(null)).toBe("/account");
  });
});
