"""Keys of the entity cache in the key-value store.

An entry is one entity as one subgraph answered one selection of it::

    shopgraph:ec:e:<subgraph>:<Type>:<id>:<versions>:<digest>

``<id>`` is the representation's ``id`` (every ShopGraph entity is keyed by it; other keys
use the whole representation), ``<digest>`` hashes the selection asked, the variables it
uses, the full representation (``@requires`` fields change the answer) and the scope (a
private entry's digest includes the verified subject).

``<versions>`` are two invalidation markers, read before the entries::

    shopgraph:ec:v:<Type>:<id>              # any change of the entity
    shopgraph:ec:v:<Type>:<id>@<subgraph>   # a change of the fields one subgraph owns

Invalidating writes a new unique marker, so every entry of every selection of the entity
stops being found at once (no scan); the old entries expire on their own. Markers live
``max_ttl_seconds`` after their last change, at least as long as any entry they guard.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

PREFIX = "shopgraph:ec"
MAX_ID_LENGTH = 64
NO_VERSION = "0"


@dataclass(frozen=True)
class EntityRef:
    """Which entity: its type and identity (the ``id`` key, else the representation)."""

    type_name: str
    identity: str

    @classmethod
    def of(cls, representation: dict[str, Any], encoded: bytes | None = None) -> EntityRef | None:
        """``encoded``: the representation as :func:`encode` gives it, when already known."""
        type_name = representation.get("__typename")
        if not isinstance(type_name, str) or not type_name:
            return None
        identity = representation.get("id")
        if isinstance(identity, str | int) and not isinstance(identity, bool):
            text = str(identity)
            if len(text) <= MAX_ID_LENGTH and ":" not in text:
                return cls(type_name, text)
            whole = text.encode()
        else:
            whole = encoded if encoded is not None else encode(representation)
        return cls(type_name, "h" + hashlib.blake2b(whole, digest_size=16).hexdigest())


def encode(representation: dict[str, Any]) -> bytes:
    """A representation as bytes. The executor projects every representation of a fetch with
    its fields in the order of the requirements, so no key sorting is needed."""
    return orjson.dumps(representation)


def version_keys(ref: EntityRef, subgraph: str) -> tuple[str, str]:
    """The entity's marker and its marker for ``subgraph``'s fields."""
    entity = f"{PREFIX}:v:{ref.type_name}:{ref.identity}"
    return entity, f"{entity}@{subgraph}"


def invalidation_key(ref: EntityRef, subgraph: str | None) -> str:
    """The marker to rewrite: the entity's, or only ``subgraph``'s fields'."""
    entity, for_subgraph = version_keys(ref, subgraph or "")
    return entity if subgraph is None else for_subgraph


def selection_digest(selection: str, variables: dict[str, Any]) -> bytes:
    """What was asked of the entity: the selection text and the variables' values."""
    payload = orjson.dumps([selection, variables], option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(payload, digest_size=16).digest()


def entry_key(
    subgraph: str,
    ref: EntityRef,
    versions: tuple[bytes | None, bytes | None],
    selection: bytes,
    representation: bytes,
    subject: str | None,
) -> str:
    """The entry for one entity (``representation`` as :func:`encode` gives it), selection
    and scope (``subject`` None: public)."""
    first, second = versions
    marks = f"{NO_VERSION if first is None else first.decode()}." + (
        NO_VERSION if second is None else second.decode()
    )
    scope = b"\x00public" if subject is None else b"\x00user:" + subject.encode()
    digest = hashlib.blake2b(selection + representation + scope, digest_size=16)
    return f"{PREFIX}:e:{subgraph}:{ref.type_name}:{ref.identity}:{marks}:{digest.hexdigest()}"
