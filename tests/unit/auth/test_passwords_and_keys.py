from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type

from shopgraph.auth.keys import (
    KeyConfigError,
    SigningKey,
    jwks_document,
    load_signing_key,
    rsa_thumbprint,
)
from shopgraph.auth.password_policy import check_password_policy
from shopgraph.auth.passwords import HashingParameters, PasswordHasher
from shopgraph.errors import DomainError
from shopgraph.settings import SettingsError, load_settings


async def test_hashes_are_argon2id_and_verify() -> None:
    hasher = PasswordHasher(HashingParameters())
    stored = await hasher.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP's minimum by default
    assert "correct horse" not in stored
    assert await hasher.verify(stored, "correct horse battery")
    assert not await hasher.verify(stored, "wrong horse battery")
    assert not await hasher.verify("not-a-hash", "anything")
    assert not await hasher.verify(None, "correct horse battery")  # unknown user: still fails
    assert not hasher.needs_rehash(stored)
    assert await hasher.hash("same-password") != await hasher.hash("same-password")  # salted
    hasher.close()


async def test_parameters_come_from_settings(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        password_hash_memory_kib=4096,
        password_hash_time_cost=1,
        password_hash_parallelism=2,
    )
    hasher = PasswordHasher.from_settings(settings)
    stored = await hasher.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=4096,t=1,p=2$")
    assert PasswordHasher(HashingParameters()).needs_rehash(stored)
    hasher.close()


def test_other_parameters_or_types_need_rehash() -> None:
    hasher = PasswordHasher(HashingParameters())
    weak = Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    assert hasher.needs_rehash(weak.hash("whatever123"))
    argon2i = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.I)
    assert hasher.needs_rehash(argon2i.hash("whatever123"))
    assert hasher.needs_rehash("not-a-hash")
    hasher.close()


def test_impossible_parameters_stop_start_up(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SHOPGRAPH_PASSWORD_HASH_PARALLELISM"):
        load_settings(data_dir=tmp_path, password_hash_memory_kib=16, password_hash_parallelism=4)
    with pytest.raises(SettingsError, match="SHOPGRAPH_PASSWORD_HASH_TIME_COST"):
        load_settings(data_dir=tmp_path, password_hash_time_cost=0)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "at least 8"),
        ("        ", "whitespace"),
        ("password123", "common"),
        ("alice@example.com", "email"),
        ("xxALICE@Example.COMyy", "email"),
        ("alice", "at least 8"),
        ("x" * 1025, "at most"),
    ],
)
def test_password_policy_rejects(password: str, fragment: str) -> None:
    with pytest.raises(DomainError) as info:
        check_password_policy(password, "Alice@example.com")
    assert info.value.code == "WEAK_PASSWORD"
    assert info.value.field == "password"
    assert fragment in info.value.message


def test_password_policy_accepts() -> None:
    check_password_policy("a-decent-passphrase", "alice@example.com")
    check_password_policy("alicealice-but-long", "al@example.com")


def test_local_part_equal_is_rejected() -> None:
    with pytest.raises(DomainError):
        check_password_policy("averylonglocalpart", "averylonglocalpart@example.com")


def test_kid_is_rfc7638_thumbprint() -> None:
    key = SigningKey.generate()
    jwk = key.public_jwk
    canonical = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest())
    assert key.kid == expected.rstrip(b"=").decode() == rsa_thumbprint(key.public_key)
    document = jwks_document([key])
    assert document["keys"][0]["kid"] == key.kid
    assert document["keys"][0]["alg"] == "RS256"
    assert "d" not in document["keys"][0] and "p" not in document["keys"][0]


def test_rfc7638_example_thumbprint() -> None:
    """The worked example of RFC 7638 §3.1."""
    from jwt.algorithms import RSAAlgorithm

    jwk = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6"
        "tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65"
        "YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdk"
        "t-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDK"
        "gw",
    }
    key = RSAAlgorithm.from_jwk(jwk)
    assert rsa_thumbprint(key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"  # type: ignore[arg-type]


def test_dev_key_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = load_settings(environment="dev", data_dir=tmp_path)
    first = load_signing_key(settings)
    second = load_signing_key(settings)
    assert first.kid == second.kid
    path = tmp_path / "keys" / "jwt-private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_configured_key_file_is_used(tmp_path: Path) -> None:
    key = SigningKey.generate()
    path = tmp_path / "prod.pem"
    path.write_bytes(key.private_pem())
    settings = load_settings(environment="production", jwt_private_key_file=path)
    assert load_signing_key(settings).kid == key.kid


def test_production_requires_a_key_file(tmp_path: Path) -> None:
    settings = load_settings(environment="production", data_dir=tmp_path)
    with pytest.raises(KeyConfigError, match="SHOPGRAPH_JWT_PRIVATE_KEY_FILE is required"):
        load_signing_key(settings)
    missing = load_settings(environment="production", jwt_private_key_file=tmp_path / "nope")
    with pytest.raises(KeyConfigError, match="cannot read"):
        load_signing_key(missing)
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with pytest.raises(KeyConfigError, match="PEM"):
        load_signing_key(load_settings(jwt_private_key_file=junk))
