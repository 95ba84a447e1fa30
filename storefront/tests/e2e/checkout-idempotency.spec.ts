import { expect, test } from "@playwright/test";
import { addToCart, fillCheckout, LONDON, newShopper, openAProductInStock, register } from "./support";

test("a double click on Place order makes one order", async ({ page }) => {
  await register(page, newShopper());
  await expect(page.getByRole("heading", { level: 1, name: /^Hello/ })).toBeVisible();
  await openAProductInStock(page);
  await addToCart(page);

  await page.goto("/checkout");
  await fillCheckout(page, LONDON, "Test Visa (succeeds)");
  await page.getByRole("button", { name: "Place order" }).dblclick();
  await expect(page).toHaveURL(/\/orders\//);
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "PAID");

  await page.goto("/account");
  await expect(page.getByTestId("order-row").first()).toBeVisible();
  await expect(page.getByTestId("order-row")).toHaveCount(1);
});
