"""Installing what a service needs: Debian packages (apt) and artifacts from Maven Central."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

from infra.commands import is_root, run, run_checked, say, tail
from infra.errors import InfraError

_apt_updated = False
_apt_turn = threading.Lock()


def apt_install(packages: Sequence[str]) -> None:
    """apt-get install without letting the packages' init scripts start daemons; services
    starting side by side take turns (dpkg allows one install at a time)."""
    with _apt_turn:
        _apt_install(packages)


def _apt_install(packages: Sequence[str]) -> None:
    global _apt_updated
    if not is_root():
        raise InfraError(f"need root to apt-get install {' '.join(packages)}; install it yourself")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = not policy.exists()
    if created_policy:  # exit 101 = "do not start services from maintainer scripts"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        if not _apt_updated:
            say("  apt-get update")
            run_checked(["apt-get", "update"], "apt-get update", env=env, timeout=900)
            _apt_updated = True
        say(f"  apt-get install -y {' '.join(packages)}")
        run_checked(
            ["apt-get", "install", "-y", "--no-install-recommends", *packages],
            "apt-get install",
            env=env,
            timeout=1800,
        )
    finally:
        if created_policy:
            policy.unlink(missing_ok=True)


def ensure_command(command: str, apt_packages: Sequence[str]) -> str:
    found = shutil.which(command)
    if found:
        return found
    apt_install(apt_packages)
    found = shutil.which(command)
    if not found:
        raise InfraError(f"{command} still missing after installing {' '.join(apt_packages)}")
    return found


def java_home() -> str:
    java = Path(ensure_command("java", ["default-jre-headless"])).resolve()
    return str(java.parent.parent)


def maven_fetch(workdir: Path, pom: str, goal_args: Sequence[str], what: str) -> None:
    """Write a throwaway pom.xml into `workdir` and run one maven-dependency-plugin goal."""
    mvn = ensure_command("mvn", ["maven"])
    java_home()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pom.xml").write_text(pom)
    say(f"  fetching {what} from Maven Central into {workdir}")
    result = run([mvn, "-q", "-B", *goal_args], cwd=workdir, timeout=1800)
    (workdir / "mvn.log").write_text(result.stdout)
    if result.returncode != 0:
        raise InfraError(f"mvn could not fetch {what}:\n{tail(workdir / 'mvn.log')}")


def throwaway_pom(artifact_id: str, dependencies: Sequence[tuple[str, str, str]]) -> str:
    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v}</version></dependency>"
        for g, a, v in dependencies
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n"
        f"  <groupId>local.shopgraph.infra</groupId><artifactId>{artifact_id}</artifactId>\n"
        "  <version>1</version><packaging>pom</packaging>\n"
        f"  <dependencies>\n{deps}\n  </dependencies>\n"
        "</project>\n"
    )
