/** A signed-in shopper's tokens. `expiresAt` is when the access token expires (ms epoch). */
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface SessionStore {
  load(): Session | null;
  save(session: Session | null): void;
}

const KEY = "shopgraph.session";

/** Keeps the session in `localStorage` so it survives reloads and is shared by tabs. */
export function storageSessionStore(storage: Storage): SessionStore {
  return {
    load() {
      const raw = storage.getItem(KEY);
      if (raw === null) return null;
      try {
        const value = JSON.parse(raw) as Partial<Session>;
        if (typeof value.accessToken === "string" && typeof value.refreshToken === "string" && typeof value.expiresAt === "number") {
          return { accessToken: value.accessToken, refreshToken: value.refreshToken, expiresAt: value.expiresAt };
        }
      } catch {
        // A corrupt entry is treated as signed out.
      }
      return null;
    },
    save(session) {
      if (session === null) storage.removeItem(KEY);
      else storage.setItem(KEY, JSON.stringify(session));
    },
  };
}

export function memorySessionStore(initial: Session | null = null): SessionStore {
  let current = initial;
  return {
    load: () => current,
    save: (session) => {
      current = session;
    },
  };
}
