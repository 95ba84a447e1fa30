import { describe, expect, it } from "vitest";
import { CheckoutAttempts } from "@/lib/checkout/attempt";

describe("CheckoutAttempts", () => {
  const address = { name: "Ada", line1: "1 Main St", city: "London", postalCode: "N1", country: "GB" };

  it("reuses the key when the same checkout is submitted again (double click, retry)", () => {
    let n = 0;
    const attempts = new CheckoutAttempts(() => String(++n));
    const first = attempts.keyFor({ address, paymentMethod: "pm_card_visa" });
    expect(attempts.keyFor({ address: { ...address }, paymentMethod: "pm_card_visa" })).toBe(first);
  });

  it("starts a new attempt when what is submitted changes", () => {
    let n = 0;
    const attempts = new CheckoutAttempts(() => String(++n));
    const first = attempts.keyFor({ address, paymentMethod: "pm_card_chargeDeclined" });
    const second = attempts.keyFor({ address, paymentMethod: "pm_card_visa" });
    expect(second).not.toBe(first);
  });
});
