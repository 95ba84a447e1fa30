from __future__ import annotations

from pathlib import Path

import pytest

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.settings import Settings, load_settings


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def other_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(environment="test", data_dir=tmp_path)


@pytest.fixture
def issuer(settings: Settings, signing_key: SigningKey) -> TokenIssuer:
    return TokenIssuer.from_settings(settings, signing_key)


@pytest.fixture
def verifier(settings: Settings, signing_key: SigningKey) -> TokenVerifier:
    return TokenVerifier.from_settings(settings, [signing_key])
