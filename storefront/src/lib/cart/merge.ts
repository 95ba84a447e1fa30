import type { CartTokenStore } from "./cart-token";

export type MergeCartCall = (cartToken: string) => Promise<{ errors: readonly { code: string; message: string }[] }>;

export type MergeOutcome = "nothing-to-merge" | "merged" | "failed";

/**
 * After sign-in, moves the guest cart into the shopper's own cart and forgets the guest token.
 *
 * The API's merge is idempotent (merging a token twice changes nothing), so when the call
 * fails in transit the token is kept and the next sign-in or page load retries it; a business
 * error means the guest cart cannot be merged and the token is dropped.
 */
export async function mergeGuestCart(store: CartTokenStore, mergeCart: MergeCartCall): Promise<MergeOutcome> {
  const token = store.load();
  if (token === null) return "nothing-to-merge";
  let result: Awaited<ReturnType<MergeCartCall>>;
  try {
    result = await mergeCart(token);
  } catch {
    return "failed";
  }
  store.save(null);
  return result.errors.length === 0 ? "merged" : "failed";
}
