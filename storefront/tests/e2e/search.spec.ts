import { expect, test } from "@playwright/test";
import { addToCart, snap } from "./support";

test("a shopper finds a product with autocomplete, a facet and sorting", async ({ page }, testInfo) => {
  await page.goto("/");
  const box = page.getByRole("combobox", { name: "Search products" });
  await box.fill("ca");
  await expect(page.getByRole("listbox").getByRole("option").first()).toBeVisible();
  await snap(page, testInfo, "autocomplete");
  await box.fill("");
  await box.press("Enter");

  await expect(page).toHaveURL(/\/search\?q=/);
  const filters = page.getByRole("complementary", { name: "Filters" });
  const facetValue = filters.getByRole("link").first();
  await facetValue.click();
  await expect(page).toHaveURL(/f\.[^=]+=/);
  await expect(filters.locator("a[aria-current='true']")).toHaveCount(1);
  await page.getByLabel("Sort by").selectOption("PRICE_ASC");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/sort=PRICE_ASC/);
  await snap(page, testInfo, "search-results");

  const card = page.getByRole("article").first();
  const name = (await card.getByRole("heading").innerText()).trim();
  await card.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await addToCart(page);
});
