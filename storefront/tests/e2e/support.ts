import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { randomUUID } from "node:crypto";

/** Saves a full-page screenshot of the current page as a test artifact. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${String(testInfo.attachments.length + 1).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

export interface Shopper {
  firstName: string;
  email: string;
  password: string;
}

export function newShopper(): Shopper {
  return { firstName: "Ada", email: `ada-${randomUUID()}@example.com`, password: "correct horse battery staple" };
}

/** Registers through the account page; lands back on `next` (or the account page). */
export async function register(page: Page, shopper: Shopper, next?: string): Promise<void> {
  await page.goto(next ? `/account?next=${encodeURIComponent(next)}` : "/account");
  await page.getByRole("tab", { name: "Create account" }).click();
  const form = page.getByRole("form", { name: "Create account" });
  await form.getByLabel("First name").fill(shopper.firstName);
  await form.getByLabel("Last name").fill("Lovelace");
  await form.getByLabel("Email").fill(shopper.email);
  await form.getByLabel("Password").fill(shopper.password);
  await form.getByRole("button", { name: "Create account" }).click();
}

/** Opens the first in-stock product of the first category, from the home page. */
export async function openAProductInStock(page: Page): Promise<string> {
  await page.goto("/");
  const category = page.getByRole("navigation", { name: "Categories" }).getByRole("link").first();
  const categoryName = (await category.innerText()).trim();
  await category.click();
  await expect(page).toHaveURL(/\/category\//);
  await expect(page.getByRole("heading", { level: 1, name: categoryName })).toBeVisible();
  const card = page.getByRole("article").filter({ hasText: "In stock" }).first();
  const name = (await card.getByRole("heading").innerText()).trim();
  await card.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}

/**
 * Searches for `word` from the header's box, narrows the results to products in stock with the
 * Availability facet, and opens the first result. Returns the product's name.
 */
export async function searchInStockAndOpen(page: Page, word: string): Promise<string> {
  const box = page.getByRole("combobox", { name: "Search products" });
  await box.fill(word);
  await expect(page.getByRole("listbox", { name: "Suggestions" }).getByRole("option").first()).toBeVisible();
  await box.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}$`));
  await expect(page.getByRole("heading", { level: 1, name: `Results for “${word}”` })).toBeVisible();

  const availability = page.getByRole("complementary", { name: "Filters" }).getByRole("region", { name: "Availability" });
  await availability.getByRole("link", { name: /In stock/ }).click();
  await expect(page).toHaveURL(/f\.inStock=true/);
  await expect(availability.locator("a[aria-current='true']")).toContainText("In stock");
  const cards = page.getByRole("article");
  await expect(cards.first()).toBeVisible();
  await expect(cards.filter({ hasText: "Out of stock" })).toHaveCount(0);

  const card = cards.first();
  const name = (await card.getByRole("heading").innerText()).trim();
  expect(name.toLowerCase()).toContain(word);
  await card.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}

export async function addToCart(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added to your cart" })).toBeVisible();
}

export interface Address {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

export const LONDON: Address = { name: "Ada Lovelace", line1: "1 Main St", city: "London", postalCode: "N1 9GU", country: "GB" };

export async function fillCheckout(page: Page, address: Address, card: string): Promise<void> {
  const form = page.getByRole("form", { name: "Checkout" });
  await form.getByLabel("Full name").fill(address.name);
  await form.getByLabel("Address line 1").fill(address.line1);
  await form.getByLabel("City").fill(address.city);
  await form.getByLabel("Postal code").fill(address.postalCode);
  await form.getByLabel("Country code (e.g. GB)").fill(address.country);
  await form.getByLabel("Card").click();
  await page.getByRole("option", { name: card }).click();
}

/** The number the product page shows in "In stock (N available)". */
export async function availableStock(page: Page): Promise<number> {
  // The server-rendered figure may be a cached one; the page replaces it with the current one.
  const stock = page.locator("[data-testid='stock'][data-current='true']");
  await expect(stock).toBeVisible();
  const text = await stock.innerText();
  const match = /\((\d+) available\)/.exec(text);
  if (!match) throw new Error(`no stock count in ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/** Staff actions the storefront has no screen for, through the same GraphQL endpoint. */
export async function asAdmin<T>(request: APIRequestContext, query: string, variables: Record<string, unknown>): Promise<T> {
  const email = process.env.SHOPGRAPH_ADMIN_EMAIL ?? "admin@shopgraph.dev";
  const password = process.env.SHOPGRAPH_ADMIN_PASSWORD ?? "e2e-admin-password";
  const login = await request.post("/api/graphql", {
    data: { query: "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { message } } }", variables: { i: { email, password } } },
  });
  const token = ((await login.json()) as { data: { login: { accessToken: string | null } } }).data.login.accessToken;
  expect(token, "admin sign-in").toBeTruthy();
  const response = await request.post("/api/graphql", { data: { query, variables }, headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors ?? []).toEqual([]);
  return body.data;
}
