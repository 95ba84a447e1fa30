"""``provider_for(settings)``: the payment provider the settings select.

``SHOPGRAPH_PAYMENT_PROVIDER=stripe`` needs ``SHOPGRAPH_STRIPE_API_KEY`` (and
``SHOPGRAPH_STRIPE_API_BASE`` to talk to stripe-mock); ``sandbox`` takes test tokens and moves
no money. Left unset, the sandbox is used outside production; in production the process
refuses to start, so a deployment never takes orders through the sandbox by omission.
"""

from __future__ import annotations

from shopgraph.logging import get_logger
from shopgraph.settings import PaymentProviderName, Settings, SettingsError
from subgraphs.payments.provider import PaymentProvider, SandboxProvider
from subgraphs.payments.stripe_provider import StripeProvider

log = get_logger(__name__)

SANDBOX_REFUSED = (
    "SHOPGRAPH_PAYMENT_PROVIDER is not set: production refuses the sandbox payment provider "
    "(test tokens, no money moves). Set SHOPGRAPH_PAYMENT_PROVIDER=stripe with "
    "SHOPGRAPH_STRIPE_API_KEY and SHOPGRAPH_STRIPE_WEBHOOK_SECRET, or "
    "SHOPGRAPH_PAYMENT_PROVIDER=sandbox to take test payments on purpose"
)


def provider_for(settings: Settings) -> PaymentProvider:
    """The configured provider; raises :class:`SettingsError` naming what is missing."""
    chosen = settings.payment_provider
    if chosen is None and settings.is_production:
        raise SettingsError(SANDBOX_REFUSED)
    if chosen is PaymentProviderName.STRIPE:
        if not settings.stripe_api_key:
            raise SettingsError(
                "SHOPGRAPH_STRIPE_API_KEY is required with SHOPGRAPH_PAYMENT_PROVIDER=stripe"
            )
        return StripeProvider.connect(settings.stripe_api_key, api_base=settings.stripe_api_base)
    if settings.is_production:
        log.warning(
            "sandbox_payment_provider",
            detail="SHOPGRAPH_PAYMENT_PROVIDER=sandbox in production: test tokens, no money moves",
        )
    return SandboxProvider()
