"""Which payment provider the settings select, and what production refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopgraph.settings import SettingsError, load_settings
from subgraphs.payments.app import create_app
from subgraphs.payments.provider import SandboxProvider
from subgraphs.payments.provider_choice import provider_for
from subgraphs.payments.stripe_provider import StripeProvider


def test_dev_without_a_choice_uses_the_sandbox(tmp_path: Path) -> None:
    assert isinstance(provider_for(load_settings(data_dir=tmp_path)), SandboxProvider)


def test_production_refuses_to_start_on_the_sandbox_by_omission(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environment="production")
    with pytest.raises(SettingsError, match="SHOPGRAPH_PAYMENT_PROVIDER is not set"):
        create_app(settings)
    with pytest.raises(SettingsError, match="SHOPGRAPH_PAYMENT_PROVIDER is not set"):
        provider_for(settings)


def test_production_takes_the_sandbox_when_it_is_chosen_explicitly(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, environment="production", payment_provider="sandbox"
    )
    assert isinstance(provider_for(settings), SandboxProvider)


def test_stripe_needs_an_api_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SHOPGRAPH_STRIPE_API_KEY"):
        provider_for(load_settings(data_dir=tmp_path, payment_provider="stripe"))
    chosen = provider_for(
        load_settings(data_dir=tmp_path, payment_provider="stripe", stripe_api_key="sk_test_1")
    )
    assert isinstance(chosen, StripeProvider)


def test_production_stripe_needs_the_webhook_secret(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        environment="production",
        payment_provider="stripe",
        stripe_api_key="sk_live_x",
    )
    with pytest.raises(SettingsError, match="SHOPGRAPH_STRIPE_WEBHOOK_SECRET"):
        create_app(settings)


def test_an_unknown_provider_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SHOPGRAPH_PAYMENT_PROVIDER"):
        load_settings(data_dir=tmp_path, payment_provider="paypal")
