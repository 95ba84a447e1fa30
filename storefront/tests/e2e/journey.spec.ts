import { expect, test } from "@playwright/test";
import { addToCart, fillCheckout, LONDON, newShopper, register, searchInStockAndOpen, snap } from "./support";

test("a guest searches with a facet, adds to cart, registers (cart kept), pays and watches the order become PAID", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Featured products" })).toBeVisible();
  await snap(page, testInfo, "home");

  const product = await searchInStockAndOpen(page, "mug");
  await snap(page, testInfo, "product");
  await addToCart(page);

  const shopper = newShopper();
  await register(page, shopper);
  await expect(page.getByRole("heading", { level: 1, name: `Hello, ${shopper.firstName}` })).toBeVisible();
  await snap(page, testInfo, "account");

  await page.getByRole("link", { name: /^Cart/ }).click();
  await expect(page.getByRole("table", { name: "Cart contents" }).getByRole("link", { name: product })).toBeVisible();
  await snap(page, testInfo, "cart");

  await page.getByRole("link", { name: "Checkout" }).click();
  await fillCheckout(page, LONDON, "Test Visa (succeeds)");
  await snap(page, testInfo, "checkout");
  await page.getByRole("button", { name: "Place order" }).click();

  // The confirmation page is never reloaded: PAID arrives over the orderStatusChanged subscription.
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const status = page.getByTestId("order-status");
  await expect(status).toHaveAttribute("data-status", "PAID");
  await expect(page.getByRole("table", { name: "Order items" })).toContainText(product);
  await snap(page, testInfo, "confirmation");
  const orderUrl = page.url();

  await page.getByRole("link", { name: "Your orders" }).click();
  const row = page.getByTestId("order-row").first();
  await expect(row).toContainText(product);
  await expect(row).toContainText("PAID");
  await snap(page, testInfo, "order-history");
  await row.getByRole("link").click();
  await expect(page).toHaveURL(orderUrl);
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "PAID");
});
