import { expect, test } from "@playwright/test";
import { snap } from "./support";

test("a guest's cart keeps every product added", async ({ page }, testInfo) => {
  await page.goto("/");
  const names: string[] = [];
  for (const index of [0, 1]) {
    await page.goto("/");
    const card = page.getByRole("article").filter({ hasText: "In stock" }).nth(index);
    const name = (await card.getByRole("heading").innerText()).trim();
    await card.getByRole("link", { name }).click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Added to your cart" })).toBeVisible();
    names.push(name);
  }
  await page.goto("/cart");
  const cart = page.getByRole("table", { name: "Cart contents" });
  for (const name of names) await expect(cart.getByRole("link", { name })).toBeVisible();
  await snap(page, testInfo, "guest-cart");
});
