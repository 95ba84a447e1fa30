import { describe, expect, it } from "vitest";
import { searchFilter, searchSort, toggleFacetHref } from "@/lib/search/params";
import { safeNextPath } from "@/lib/safe-next";

describe("search URL state", () => {
  it("maps the search API's facet fields onto its filter", () => {
    const filter = searchFilter({ q: "mug", "f.category": ["c1", "c2"], "f.inStock": "true", "f.attribute:Color": ["Red", "Blue"], "f.rating": "4" });
    expect(filter).toEqual({
      categoryIds: ["c1", "c2"],
      inStock: true,
      minRating: 4,
      attributes: [{ name: "Color", values: ["Red", "Blue"] }],
    });
  });

  it("turns a price bucket in minor units into inclusive decimal bounds in the shop's currency", () => {
    expect(searchFilter({ "f.price": "2500-4999" }, "USD")).toEqual({
      priceMin: { amount: "25.00", currency: "USD" },
      priceMax: { amount: "49.99", currency: "USD" },
    });
    expect(searchFilter({ "f.price": "20000-" }, "USD")).toEqual({ priceMin: { amount: "200.00", currency: "USD" } });
    expect(searchFilter({ "f.price": "0-2499" }, "JPY")).toEqual({
      priceMin: { amount: "0", currency: "JPY" },
      priceMax: { amount: "2499", currency: "JPY" },
    });
  });

  it("leaves out what the API would refuse instead of failing the page", () => {
    expect(searchFilter({ "f.price": "cheap", "f.rating": "9", "f.inStock": "maybe", "f.colour": "red", "f.attribute:": "x", min: "5", max: "x" }, "USD")).toEqual({
      priceMin: { amount: "5", currency: "USD" },
    });
  });

  it("toggles a facet value on and off, keeping the query and dropping the page cursor", () => {
    const on = toggleFacetHref({ q: "mug", after: "abc" }, "attribute:Color", "Red");
    expect(on).toBe("/search?q=mug&f.attribute%3AColor=Red");
    const off = toggleFacetHref({ q: "mug", "f.attribute:Color": ["Red", "Blue"] }, "attribute:Color", "Red");
    expect(off).toBe("/search?q=mug&f.attribute%3AColor=Blue");
  });

  it("replaces the value of a facet the API takes one value of", () => {
    expect(toggleFacetHref({ "f.price": "0-2499", min: "3" }, "price", "2500-4999")).toBe("/search?f.price=2500-4999");
    expect(toggleFacetHref({ "f.rating": "4" }, "rating", "3")).toBe("/search?f.rating=3");
    expect(toggleFacetHref({ "f.rating": "4" }, "rating", "4")).toBe("/search?");
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
