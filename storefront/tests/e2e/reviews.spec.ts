import { expect, test } from "@playwright/test";
import { asAdmin, newShopper, openAProductInStock, register, snap } from "./support";

test("a review held by moderation appears on the product page once staff approve it", async ({ page, request }, testInfo) => {
  await register(page, newShopper());
  await expect(page.getByRole("heading", { level: 1, name: /^Hello/ })).toBeVisible();
  await openAProductInStock(page);
  const productUrl = page.url();
  const title = `Lovely, more at example.com ${Date.now()}`;

  const form = page.getByRole("form", { name: "Write a review" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Review").fill("Exactly as described; I would buy it again.");
  await form.getByRole("button", { name: "Submit review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "once it has been approved" })).toBeVisible();
  await page.reload();
  await expect(page.getByText(title)).toHaveCount(0);

  const queue = await asAdmin<{ moderationQueue: { edges: { node: { id: string; title: string } }[] } }>(
    request,
    "{ moderationQueue(first: 100) { edges { node { id title } } } }",
    {},
  );
  const held = queue.moderationQueue.edges.find((e) => e.node.title === title);
  expect(held, "the review waits in the moderation queue").toBeDefined();
  await asAdmin(request, "mutation($id: ID!) { approveReview(id: $id) { errors { message } } }", { id: held!.node.id });

  await page.goto(productUrl);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await snap(page, testInfo, "review-approved");
});
