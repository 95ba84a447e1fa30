import { expect, test } from "@playwright/test";

// Catalog pages are server-rendered: names and prices are in the HTML before any script runs.
test("catalog pages carry product names, prices, a title and a description in their HTML", async ({ request }) => {
  const home = await request.get("/");
  expect(home.status()).toBe(200);
  const html = await home.text();
  expect(html).toMatch(/<title>ShopGraph — featured products<\/title>/);
  expect(html).toMatch(/<meta name="description" content="[^"]+"/);
  const productPath = /href="(\/product\/[^"]+)"/.exec(html)?.[1];
  expect(productPath).toBeDefined();
  const categoryPath = /href="(\/category\/[^"]+)"/.exec(html)?.[1];
  expect(categoryPath).toBeDefined();

  const product = await (await request.get(productPath!)).text();
  expect(product).toMatch(/<h1[^>]*>[^<]+<\/h1>/);
  expect(product).toMatch(/data-testid="price"[^>]*>[^<]*\d/);
  expect(product).toMatch(/<title>[^<]+ · ShopGraph<\/title>/);

  const category = await (await request.get(categoryPath!)).text();
  expect(category).toMatch(/data-testid="price"[^>]*>[^<]*\d/);
});

test("an unknown product is a 404 page, not a blank one", async ({ page }) => {
  const response = await page.goto("/product/no-such-product");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("every page works from the keyboard: a skip link leads to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
});
