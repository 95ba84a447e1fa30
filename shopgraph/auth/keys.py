"""The users service's RSA signing key, its ``kid`` and the JWKS document.

Production reads the PEM file named by ``SHOPGRAPH_JWT_PRIVATE_KEY_FILE`` and refuses to
start without one. Dev and test generate a 2048-bit key once into
``<data_dir>/keys/jwt-private.pem`` (mode 0600) and reuse it, so tokens survive restarts.

The ``kid`` is the key's RFC 7638 JWK thumbprint, so it changes exactly when the key does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shopgraph.settings import Settings

ALGORITHM: Final = "RS256"
DEV_KEY_RELATIVE_PATH: Final = Path("keys") / "jwt-private.pem"
MIN_RSA_BITS: Final = 2048


class KeyConfigError(RuntimeError):
    """The signing key is missing or unusable; the message says what to do."""


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def rsa_thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key."""
    numbers = public_key.public_numbers()
    canonical = json.dumps(
        {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)},
        separators=(",", ":"),
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def public_jwk(public_key: rsa.RSAPublicKey, kid: str | None = None) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": ALGORITHM,
        "kid": kid or rsa_thumbprint(public_key),
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
    }


@dataclass(frozen=True)
class SigningKey:
    """A private key with its ``kid``; ``public_jwk`` is what the JWKS publishes."""

    private_key: rsa.RSAPrivateKey
    kid: str = field(default="")

    def __post_init__(self) -> None:
        if not self.kid:
            object.__setattr__(self, "kid", rsa_thumbprint(self.private_key.public_key()))

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    @property
    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key, self.kid)

    @property
    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @classmethod
    def generate(cls, bits: int = MIN_RSA_BITS) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def from_pem(cls, pem: bytes, *, source: str = "PEM data") -> SigningKey:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise KeyConfigError(f"{source} is not an unencrypted PEM private key: {exc}") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyConfigError(f"{source} must hold an RSA private key (RS256)")
        if key.key_size < MIN_RSA_BITS:
            raise KeyConfigError(f"{source}: RSA key must be at least {MIN_RSA_BITS} bits")
        return cls(key)

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def jwks_document(keys: Iterable[SigningKey | rsa.RSAPublicKey]) -> dict[str, Any]:
    """``{"keys": [...]}`` with the public half of every key (never private material)."""
    out: list[dict[str, str]] = []
    for key in keys:
        out.append(key.public_jwk if isinstance(key, SigningKey) else public_jwk(key))
    return {"keys": out}


def load_key_file(path: Path) -> SigningKey:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise KeyConfigError(
            f"SHOPGRAPH_JWT_PRIVATE_KEY_FILE={path}: cannot read it ({exc.strerror})"
        ) from None
    return SigningKey.from_pem(pem, source=f"SHOPGRAPH_JWT_PRIVATE_KEY_FILE={path}")


def load_or_create_dev_key(path: Path) -> SigningKey:
    """Read ``path`` or generate a key there; safe when several processes race to create it."""
    if path.exists():
        return SigningKey.from_pem(path.read_bytes(), source=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jwt-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.private_pem())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic and fails if another process won the race
        except FileExistsError:
            return SigningKey.from_pem(path.read_bytes(), source=str(path))
    finally:
        os.unlink(tmp)
    return key


def load_signing_key(settings: Settings) -> SigningKey:
    """The key users signs with: the configured file, or (outside production) a dev key."""
    if settings.jwt_private_key_file is not None:
        return load_key_file(settings.jwt_private_key_file)
    if settings.is_production:
        raise KeyConfigError(
            "SHOPGRAPH_JWT_PRIVATE_KEY_FILE is required in production: point it at an RSA "
            "private key in PEM (e.g. `openssl genpkey -algorithm RSA "
            "-pkeyopt rsa_keygen_bits:2048 -out jwt-private.pem`)"
        )
    return load_or_create_dev_key(settings.data_dir / DEV_KEY_RELATIVE_PATH)
