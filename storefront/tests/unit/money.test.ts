import { describe, expect, it } from "vitest";
import { formatMoney, InvalidMoneyError, parseAmount } from "@/lib/money";

describe("formatMoney", () => {
  it("formats decimal strings with the currency's symbol and two decimals", () => {
    expect(formatMoney({ amount: "1234.5", currency: "EUR" })).toBe("€1,234.50");
    expect(formatMoney({ amount: "19.99", currency: "GBP" })).toBe("£19.99");
  });

  it("keeps every digit of amounts a float would round", () => {
    expect(formatMoney({ amount: "90071992547409.93", currency: "USD" })).toBe("US$90,071,992,547,409.93");
  });

  it("follows the locale", () => {
    expect(formatMoney({ amount: "1234.5", currency: "EUR" }, "de-DE")).toBe("1.234,50\u00a0€");
  });

  it("refuses an amount that is not a decimal string", () => {
    expect(() => formatMoney({ amount: "12,50", currency: "EUR" })).toThrow(InvalidMoneyError);
    expect(() => formatMoney({ amount: "NaN", currency: "EUR" })).toThrow(InvalidMoneyError);
  });
});

describe("parseAmount", () => {
  it("accepts whole and two-decimal amounts, rejects anything else", () => {
    expect(parseAmount(" 12.5 ")).toBe("12.5");
    expect(parseAmount("12")).toBe("12");
    expect(parseAmount("12.345")).toBeNull();
    expect(parseAmount("-3")).toBeNull();
    expect(parseAmount("ten")).toBeNull();
  });
});
