import { cacheExchange, type Cache } from "@urql/exchange-graphcache";
import type { Data } from "@urql/exchange-graphcache";

// Value types without an id are stored inside their parent rather than normalized.
const EMBEDDED = [
  "Money", "Stock", "ProductRating", "RatingBucket", "PageInfo", "ProductImage", "ProductAttribute",
  "ShippingAddress", "ShippingEstimate", "UserError", "AuthPayload", "CartPayload", "OrderPayload",
  "ReviewPayload", "LogoutPayload", "OrderStatusChange", "OrderStatusEvent", "ProductConnection",
  "ProductEdge", "OrderConnection", "OrderEdge", "ReviewConnection", "ReviewEdge", "CartLine", "OrderItem",
  "ProductSearchResult", "ProductSearchEdge", "Facet", "FacetValue", "SearchSuggestion",
] as const;

const keys = Object.fromEntries(EMBEDDED.map((name) => [name, () => null]));

function linkCart(field: string) {
  return (result: Data, _args: unknown, cache: Cache) => {
    const payload = result[field] as { cart?: Data | null } | undefined;
    if (payload?.cart) cache.link("Query", "cart", payload.cart);
  };
}

/** The normalized cache: a cart mutation's cart becomes the cart every page shows. */
export function shopCacheExchange() {
  return cacheExchange({
    keys,
    updates: {
      Mutation: {
        addToCart: linkCart("addToCart"),
        updateCartItem: linkCart("updateCartItem"),
        mergeCart: linkCart("mergeCart"),
        // The carts worker empties the cart of a placed order; show it empty right away.
        placeOrder: (result: Data, _args: unknown, cache: Cache) => {
          const payload = result.placeOrder as { order?: Data | null } | undefined;
          if (payload?.order) cache.link("Query", "cart", null);
        },
      },
    },
  });
}
