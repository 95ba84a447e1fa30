"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Provider as UrqlProvider, stringifyDocument } from "urql";
import { storageCartTokenStore, type CartTokenStore, memoryCartTokenStore } from "@/lib/cart/cart-token";
import { memorySessionStore, storageSessionStore } from "@/lib/auth/session";
import { TokenKeeper, type AuthResult } from "@/lib/auth/token-keeper";
import { createShopClient } from "@/lib/graphql/client";
import { RefreshTokenMutation } from "@/operations/account";

const GRAPHQL_PATH = "/api/graphql";

interface Shop {
  keeper: TokenKeeper;
  cartTokens: CartTokenStore;
  signedIn: boolean;
  /** Starts from an empty cache (e.g. after the guest cart was merged into the shopper's). */
  resetClient: () => void;
}

const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (shop === null) throw new Error("useShop must be used inside <ShopProvider>");
  return shop;
}

/** Refreshes through the proxy with plain fetch: the client's own fetch would recurse. */
async function refreshCall(refreshToken: string): Promise<AuthResult> {
  const response = await fetch(GRAPHQL_PATH, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: stringifyDocument(RefreshTokenMutation), variables: { refreshToken } }),
  });
  const body = (await response.json()) as { data?: { refreshToken: AuthResult } };
  if (!body.data) throw new Error(`token refresh failed (${response.status})`);
  return body.data.refreshToken;
}

function browserStores() {
  if (typeof window === "undefined") return { sessions: memorySessionStore(), cartTokens: memoryCartTokenStore() };
  return { sessions: storageSessionStore(window.localStorage), cartTokens: storageCartTokenStore(window.localStorage) };
}

export function ShopProvider({ subscriptionsUrl, children }: { subscriptionsUrl: string; children: ReactNode }) {
  const [{ keeper, cartTokens }] = useState(() => {
    const stores = browserStores();
    return { keeper: new TokenKeeper(stores.sessions, refreshCall), cartTokens: stores.cartTokens };
  });
  const [signedIn, setSignedIn] = useState(false);
  const makeClient = useCallback(
    () => createShopClient({ graphqlPath: GRAPHQL_PATH, subscriptionsUrl, keeper, cartTokens }),
    [subscriptionsUrl, keeper, cartTokens],
  );
  const [client, setClient] = useState(makeClient);

  useEffect(() => {
    setSignedIn(keeper.signedIn);
    // A new identity starts from an empty cache: nothing of the previous shopper is shown.
    return keeper.subscribe((now) => {
      setSignedIn(now);
      setClient(makeClient());
    });
  }, [keeper, makeClient]);

  const resetClient = useCallback(() => setClient(makeClient()), [makeClient]);
  const shop = useMemo(() => ({ keeper, cartTokens, signedIn, resetClient }), [keeper, cartTokens, signedIn, resetClient]);
  return (
    <ShopContext.Provider value={shop}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </ShopContext.Provider>
  );
}
