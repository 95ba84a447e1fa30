/**
 * One idempotency key per checkout attempt.
 *
 * Submitting the same address and payment method again (a double click, a retry after a
 * network error) reuses the key, so the API returns the order it already made instead of a
 * second one; changing what is submitted is a new attempt with a new key.
 */
export class CheckoutAttempts {
  private last: { fingerprint: string; key: string } | null = null;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(submission: unknown): string {
    const fingerprint = JSON.stringify(submission);
    if (this.last?.fingerprint !== fingerprint) this.last = { fingerprint, key: `checkout-${this.newKey()}` };
    return this.last.key;
  }
}
