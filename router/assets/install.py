"""Install GraphiQL's browser assets from the npm registry (setup time, not run time).

    python -m router.assets.install [--dir DIR] [--registry URL]

For each pinned package it reads the version's metadata from the registry, downloads the
tarball, checks it against the registry's ``dist.integrity`` (SHA-512) and extracts only the
files the router serves. Running it again with everything present does nothing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import sys
import tarfile
from pathlib import Path

import httpx

from router.assets import ASSET_FILES, PACKAGES, default_assets_dir

DEFAULT_REGISTRY = "https://registry.npmjs.org"


class InstallError(RuntimeError):
    pass


def _check_integrity(data: bytes, integrity: str, what: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise InstallError(f"{what}: unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise InstallError(f"{what}: tarball does not match the registry's integrity hash")


def _install_package(
    client: httpx.Client, registry: str, name: str, version: str, files: dict[str, str], to: Path
) -> None:
    meta = client.get(f"{registry}/{name}/{version}")
    meta.raise_for_status()
    dist = meta.json()["dist"]
    tarball = client.get(dist["tarball"])
    tarball.raise_for_status()
    _check_integrity(tarball.content, dist["integrity"], f"{name}@{version}")
    with tarfile.open(fileobj=io.BytesIO(tarball.content), mode="r:gz") as archive:
        for member_name, target in files.items():
            member = archive.getmember(member_name)
            extracted = archive.extractfile(member)
            if extracted is None:
                raise InstallError(f"{name}@{version}: {member_name} is not a file")
            partial = to / (target + ".part")
            partial.write_bytes(extracted.read())
            os.replace(partial, to / target)


def install(directory: Path, registry: str = DEFAULT_REGISTRY) -> list[Path]:
    """Install the missing assets into ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        for name, version, files in PACKAGES:
            if all((directory / target).is_file() for target in files.values()):
                continue
            _install_package(client, registry.rstrip("/"), name, version, files, directory)
            written.extend(directory / target for target in files.values())
    missing = [f for f in ASSET_FILES if not (directory / f).is_file()]
    if missing:
        raise InstallError(f"still missing after install: {', '.join(missing)}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=default_assets_dir())
    parser.add_argument(
        "--registry", default=os.environ.get("SHOPGRAPH_NPM_REGISTRY", DEFAULT_REGISTRY)
    )
    args = parser.parse_args(argv)
    try:
        written = install(args.dir, args.registry)
    except (InstallError, httpx.HTTPError, KeyError, tarfile.TarError) as exc:
        print(f"graphiql assets: install failed: {exc}", file=sys.stderr)
        return 1
    state = f"installed {len(written)} files" if written else "already installed"
    print(f"graphiql assets: {state} in {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
