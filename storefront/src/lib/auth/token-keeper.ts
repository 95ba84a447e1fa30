import type { Session, SessionStore } from "./session";

/** What the API's `refreshToken` / `login` / `register` mutations return. */
export interface AuthResult {
  accessToken?: string | null;
  refreshToken?: string | null;
  expiresIn?: number | null;
  errors: readonly { code: string; message: string }[];
}

export type RefreshCall = (refreshToken: string) => Promise<AuthResult>;

/** Refresh this long before the access token expires, so a request never races its expiry. */
const EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_TTL_SECONDS = 15 * 60;

/**
 * Holds the shopper's tokens and rotates them transparently.
 *
 * The API rotates refresh tokens and revokes the whole family when an old one is reused, so
 * concurrent requests must share one refresh: the first caller starts it, the others await
 * the same promise. A refresh the API refuses (expired, reused) signs the shopper out.
 */
export class TokenKeeper {
  private inFlight: Promise<string | null> | null = null;
  private readonly listeners = new Set<(signedIn: boolean) => void>();

  constructor(
    private readonly store: SessionStore,
    private readonly refresh: RefreshCall,
    private readonly now: () => number = Date.now,
  ) {}

  get signedIn(): boolean {
    return this.store.load() !== null;
  }

  /** Stores the tokens of a successful login or register. */
  signIn(result: AuthResult): void {
    const session = this.sessionFrom(result);
    if (session === null) throw new Error("sign-in result carries no tokens");
    this.store.save(session);
    this.notify();
  }

  signOut(): void {
    this.store.save(null);
    this.notify();
  }

  currentRefreshToken(): string | null {
    return this.store.load()?.refreshToken ?? null;
  }

  /** A valid access token (refreshed first when about to expire), or null when signed out. */
  async accessToken(): Promise<string | null> {
    const session = this.store.load();
    if (session === null) return null;
    if (session.expiresAt - EXPIRY_MARGIN_MS > this.now()) return session.accessToken;
    return this.refreshNow();
  }

  /** Rotates the tokens now (e.g. after the API answered UNAUTHENTICATED). */
  refreshNow(): Promise<string | null> {
    if (this.inFlight === null) {
      this.inFlight = this.rotate().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  subscribe(listener: (signedIn: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async rotate(): Promise<string | null> {
    const session = this.store.load();
    if (session === null) return null;
    const result = await this.refresh(session.refreshToken);
    const next = result.errors.length === 0 ? this.sessionFrom(result) : null;
    if (next === null) {
      this.signOut();
      return null;
    }
    this.store.save(next);
    return next.accessToken;
  }

  private sessionFrom(result: AuthResult): Session | null {
    if (!result.accessToken || !result.refreshToken) return null;
    const ttl = result.expiresIn ?? DEFAULT_TTL_SECONDS;
    return { accessToken: result.accessToken, refreshToken: result.refreshToken, expiresAt: this.now() + ttl * 1000 };
  }

  private notify(): void {
    const signedIn = this.signedIn;
    for (const listener of this.listeners) listener(signedIn);
  }
}
