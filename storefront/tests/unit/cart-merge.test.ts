import { describe, expect, it } from "vitest";
import { memoryCartTokenStore, rememberCartToken } from "@/lib/cart/cart-token";
import { mergeGuestCart } from "@/lib/cart/merge";

describe("mergeGuestCart", () => {
  it("merges the guest cart into the account and forgets the guest token", async () => {
    const store = memoryCartTokenStore("guest-1");
    const merged: string[] = [];
    const outcome = await mergeGuestCart(store, async (token) => {
      merged.push(token);
      return { errors: [] };
    });
    expect(outcome).toBe("merged");
    expect(merged).toEqual(["guest-1"]);
    expect(store.load()).toBeNull();
  });

  it("does nothing without a guest cart", async () => {
    let called = false;
    const outcome = await mergeGuestCart(memoryCartTokenStore(), async () => {
      called = true;
      return { errors: [] };
    });
    expect(outcome).toBe("nothing-to-merge");
    expect(called).toBe(false);
  });

  it("keeps the token to retry when the merge failed in transit", async () => {
    const store = memoryCartTokenStore("guest-1");
    const outcome = await mergeGuestCart(store, async () => {
      throw new Error("network down");
    });
    expect(outcome).toBe("failed");
    expect(store.load()).toBe("guest-1");
  });

  it("drops a token the API refuses to merge", async () => {
    const store = memoryCartTokenStore("guest-1");
    const outcome = await mergeGuestCart(store, async () => ({ errors: [{ code: "CART_NOT_FOUND", message: "gone" }] }));
    expect(outcome).toBe("failed");
    expect(store.load()).toBeNull();
  });
});

describe("rememberCartToken", () => {
  it("keeps a guest's token and ignores a signed-in payload without one", () => {
    const store = memoryCartTokenStore();
    rememberCartToken(store, "guest-2");
    rememberCartToken(store, null);
    expect(store.load()).toBe("guest-2");
  });
});
