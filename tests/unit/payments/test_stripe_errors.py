"""How Stripe's errors become port results: declines are data, the rest is not."""

from __future__ import annotations

import pytest
import stripe

from subgraphs.payments.stripe_provider import decline_of


def test_a_card_error_is_a_decline_with_stripes_decline_code() -> None:
    error = stripe.CardError("Your card has insufficient funds.", "payment_method", "card_declined")
    error.decline_code = "insufficient_funds"  # type: ignore[attr-defined]
    assert decline_of(error) == "insufficient_funds"


def test_a_card_error_without_decline_code_uses_its_code() -> None:
    assert decline_of(stripe.CardError("expired", None, "expired_card")) == "expired_card"


def test_an_unusable_payment_method_is_a_decline() -> None:
    error = stripe.InvalidRequestError("No such PaymentMethod: 'pm_x'", "payment_method")
    assert decline_of(error) == "invalid_payment_method"


@pytest.mark.parametrize(
    "error",
    [
        stripe.InvalidRequestError("Invalid integer: abc", "amount"),
        stripe.APIConnectionError("connection refused"),
    ],
)
def test_other_errors_are_not_declines(error: stripe.StripeError) -> None:
    assert decline_of(error) is None
