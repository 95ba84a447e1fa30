import { describe, expect, it } from "vitest";
import { CombinedError } from "urql";
import { describeRequestError, formErrors } from "@/lib/errors";

describe("formErrors", () => {
  it("puts a business error next to its input and the rest above the form", () => {
    const errors = formErrors(
      [
        { code: "INVALID_ADDRESS", field: "shippingAddress.country", message: "country must be an ISO code" },
        { code: "CART_EMPTY", field: null, message: "Your cart is empty" },
      ],
      ["name", "country"],
    );
    expect(errors.byField).toEqual({ country: "country must be an ISO code" });
    expect(errors.general).toEqual(["Your cart is empty"]);
  });
});

describe("describeRequestError", () => {
  it("offers a retry for network failures and server errors", () => {
    expect(describeRequestError(new CombinedError({ networkError: new Error("offline") })).retryable).toBe(true);
    const masked = new CombinedError({ graphQLErrors: [{ message: "x", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(describeRequestError(masked).retryable).toBe(true);
  });

  it("shows a request's own message when retrying cannot help", () => {
    const bad = new CombinedError({ graphQLErrors: [{ message: "Variable $id is invalid", extensions: { code: "BAD_USER_INPUT" } }] });
    expect(describeRequestError(bad)).toEqual({ message: "Variable $id is invalid", retryable: false });
  });
});
