/** Money as the API sends it: a decimal string amount (never a float) and an ISO currency. */
export interface Money {
  amount: string;
  currency: string;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export class InvalidMoneyError extends Error {
  constructor(value: string) {
    super(`not a decimal amount: ${JSON.stringify(value)}`);
    this.name = "InvalidMoneyError";
  }
}

/**
 * Formats an amount for people, e.g. `{amount: "1234.5", currency: "EUR"}` → "€1,234.50".
 * The decimal string is handed to Intl as a string so no digit is lost to float rounding.
 */
export function formatMoney(money: Money, locale = "en-GB"): string {
  if (!DECIMAL.test(money.amount)) throw new InvalidMoneyError(money.amount);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency });
  return format.format(money.amount as Intl.StringNumericLiteral);
}

/** Parses a shopper's typed amount ("12", "12.5") into a MoneyInput amount, or null. */
export function parseAmount(text: string): string | null {
  const trimmed = text.trim();
  return /^\d+(\.\d{1,2})?$/.test(trimmed) ? trimmed : null;
}
