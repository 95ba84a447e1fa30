/**
 * A small in-process cache for catalog reads on the server, so a page view does not wait for
 * the router every time: an entry is fresh for `freshMs`; after that, until `staleMs`, it is
 * still served while one background load replaces it (stale-while-revalidate); after that it
 * is loaded again before answering. Concurrent misses share one load; failures are never kept.
 *
 * Kept in memory rather than in Next's data cache on disk, which outlives the platform it
 * was filled from (a new `make dev` stack would first be shown the previous stack's stock).
 */
export interface CatalogCacheOptions {
  freshMs: number;
  staleMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  value: Promise<T>;
  loadedAt: number;
  refreshing: boolean;
}

export class CatalogCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;

  constructor(private readonly options: CatalogCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    const age = entry ? this.now() - entry.loadedAt : Infinity;
    if (entry && age < this.options.freshMs) return entry.value;
    if (entry && age < this.options.staleMs) {
      if (!entry.refreshing) this.refresh(key, entry, load);
      return entry.value;
    }
    return this.start(key, load);
  }

  private start(key: string, load: () => Promise<T>): Promise<T> {
    const value = load();
    const entry: Entry<T> = { value, loadedAt: this.now(), refreshing: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evictOldest();
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  private refresh(key: string, entry: Entry<T>, load: () => Promise<T>): void {
    entry.refreshing = true;
    load().then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        this.entries.set(key, { value: Promise.resolve(value), loadedAt: this.now(), refreshing: false });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  private evictOldest(): void {
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}
