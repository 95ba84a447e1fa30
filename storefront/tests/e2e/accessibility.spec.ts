import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

// axe-core's WCAG 2.1 A/AA rules (labels, names, contrast, landmarks) on every kind of page.
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

test("catalog, cart and account pages meet WCAG 2.1 AA as axe checks it", async ({ page }) => {
  await page.goto("/");
  expect(await violations(page)).toEqual([]);

  await page.getByRole("navigation", { name: "Categories" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/category\//);
  expect(await violations(page)).toEqual([]);

  await page.getByRole("article").first().getByRole("heading").getByRole("link").click();
  await expect(page).toHaveURL(/\/product\//);
  expect(await violations(page)).toEqual([]);

  await page.goto("/cart");
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  expect(await violations(page)).toEqual([]);

  await page.goto("/account");
  await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
