"""The fast static subgraphs (``bench/subgraphs``, Rust, async-graphql): built with cargo into
``bench/.work/target``, served by one process on one port, one path per subgraph."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping, Sequence

from processes import BENCH, WORK, log, start

CRATE = BENCH / "subgraphs"
TARGET = WORK / "target"
BINARY = TARGET / "release" / "bench-subgraphs"
NAMES = ("accounts", "inventory", "products", "reviews")


def build() -> None:
    """``cargo build --release --locked`` (incremental: quick when nothing changed)."""
    log("building the static subgraphs (cargo, first time takes minutes)")
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--manifest-path", str(CRATE / "Cargo.toml")],
        env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)},
        check=True,
    )


def start_static(port: int) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    process = start([str(BINARY), str(port)], {}, "static-subgraphs")
    return process, {name: f"http://127.0.0.1:{port}/{name}" for name in NAMES}


def versions() -> str:
    """rustc and async-graphql versions the subgraphs were built with."""
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lock = (CRATE / "Cargo.lock").read_text()
    found = re.search(r'name = "async-graphql"\nversion = "([^"]+)"', lock)
    return f"{rustc}, async-graphql {found.group(1) if found else '?'}"


def _entities(representations: Sequence[Mapping[str, object]], selection: str) -> bytes:
    query = (
        "query($representations: [_Any!]!) { _entities(representations: $representations) "
        f"{{ {selection} }} }}"
    )
    return json.dumps({"query": query, "variables": {"representations": representations}}).encode()


_PRODUCTS = [{"__typename": "Product", "upc": str(upc)} for upc in range(1, 6)]
_PRICED = [{**p, "price": 899, "weight": 100} for p in _PRODUCTS]
_USERS = [{"__typename": "User", "id": str(i)} for i in range(1, 7)]

# What each subgraph is asked during TestQuery, in its largest form.
SOLO_REQUESTS: dict[str, bytes] = {
    "accounts": json.dumps({"query": "{ users { __typename id username name } }"}).encode(),
    "products": _entities(_PRODUCTS, "... on Product { name price weight }"),
    "inventory": _entities(_PRICED, "... on Product { inStock shippingEstimate }"),
    "reviews": _entities(_USERS, "... on User { reviews { id body product { __typename upc } } }"),
}
