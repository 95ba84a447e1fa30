/** The guest cart's token: the API returns it from `addToCart`, we send it as X-Cart-Token. */
export interface CartTokenStore {
  load(): string | null;
  save(token: string | null): void;
}

const KEY = "shopgraph.cartToken";

export function storageCartTokenStore(storage: Storage): CartTokenStore {
  return {
    load: () => storage.getItem(KEY),
    save: (token) => (token === null ? storage.removeItem(KEY) : storage.setItem(KEY, token)),
  };
}

export function memoryCartTokenStore(initial: string | null = null): CartTokenStore {
  let current = initial;
  return {
    load: () => current,
    save: (token) => {
      current = token;
    },
  };
}

/** Keeps the token a guest's cart mutation returned; a signed-in shopper's payload has none. */
export function rememberCartToken(store: CartTokenStore, cartToken: string | null | undefined): void {
  if (cartToken) store.save(cartToken);
}
