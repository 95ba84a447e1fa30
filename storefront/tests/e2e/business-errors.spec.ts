import { expect, test } from "@playwright/test";
import { addToCart, fillCheckout, LONDON, newShopper, openAProductInStock, register, snap } from "./support";

test("an address the API refuses shows the error next to its field and makes no order", async ({ page }, testInfo) => {
  await register(page, newShopper());
  await expect(page.getByRole("heading", { level: 1, name: /^Hello/ })).toBeVisible();
  await openAProductInStock(page);
  await addToCart(page);

  await page.goto("/checkout");
  await fillCheckout(page, { ...LONDON, country: "XX" }, "Test Visa (succeeds)");
  await page.getByRole("button", { name: "Place order" }).click();
  const country = page.getByLabel("Country code (e.g. GB)");
  await expect(country).toHaveAccessibleDescription(/ISO 3166-1 alpha-2/);
  await expect(country).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("City")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/checkout$/);
  await snap(page, testInfo, "address-error");

  await page.goto("/account");
  await expect(page.getByText("No orders yet.")).toBeVisible();
});

test("a weak password is explained next to the password field", async ({ page }, testInfo) => {
  await register(page, { ...newShopper(), password: "short" });
  const password = page.getByRole("form", { name: "Create account" }).getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/.+/);
  await snap(page, testInfo, "weak-password");
});
