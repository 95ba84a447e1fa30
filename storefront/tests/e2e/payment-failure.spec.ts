import { expect, test } from "@playwright/test";
import { addToCart, availableStock, fillCheckout, LONDON, newShopper, openAProductInStock, register, snap } from "./support";

test("a declined card ends PAYMENT_FAILED live and the stock comes back", async ({ page }, testInfo) => {
  await register(page, newShopper());
  await expect(page.getByRole("heading", { level: 1, name: /^Hello/ })).toBeVisible();

  const product = await openAProductInStock(page);
  const before = await availableStock(page);
  const productUrl = page.url();
  await addToCart(page);

  await page.goto("/checkout");
  await fillCheckout(page, LONDON, "Test card (declined)");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\//);
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "PAYMENT_FAILED");
  await expect(page.getByText("your card was declined")).toBeVisible();
  await expect(page.getByRole("table", { name: "Order items" })).toContainText(product);
  await snap(page, testInfo, "payment-failed");

  // The reservation is released by the inventory worker after PaymentFailed.
  await expect(async () => {
    await page.goto(productUrl);
    expect(await availableStock(page)).toBe(before);
  }).toPass();
  await snap(page, testInfo, "stock-back");
});
