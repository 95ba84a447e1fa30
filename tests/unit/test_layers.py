"""The layers hold: each package imports only what stands below it.

``shopgraph`` (the kernel) < ``workers`` (consumer runtime) and ``router`` < ``subgraphs`` <
``bootstrap`` (the composition root). Checked twice: statically over every import statement
and ``importlib.import_module`` string, and by importing each kernel module in a fresh
interpreter and looking at what got loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shopgraph", "workers", "router", "subgraphs", "bootstrap")
ALLOWED: dict[str, frozenset[str]] = {
    "shopgraph": frozenset(),
    "workers": frozenset({"shopgraph"}),
    "router": frozenset({"shopgraph"}),
    "subgraphs": frozenset({"shopgraph", "workers"}),
    "bootstrap": frozenset({"shopgraph", "workers", "router", "subgraphs"}),
}


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imported_packages(source: str) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
        ):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = [first.value]
            elif isinstance(first, ast.JoinedStr) and first.values:
                head = first.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    names = [head.value]
        for name in names:
            top = name.split(".", 1)[0]
            if top in PACKAGES:
                found.add((top, getattr(node, "lineno", 0)))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_a_layer_above_its_own(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in _modules(package)
        for top, line in _imported_packages(path.read_text())
        if top != package and top not in ALLOWED[package]
    ]
    assert offences == []


def test_the_static_check_sees_an_upward_import() -> None:
    sneaky = "import importlib\nmod = importlib.import_module(f'subgraphs.{name}.app')\n"
    assert _imported_packages(sneaky) == {("subgraphs", 2)}
    assert _imported_packages("from router.planner import plan\n") == {("router", 1)}


def test_importing_each_kernel_module_loads_nothing_above_it() -> None:
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in _modules("shopgraph")
    ]
    probe = (
        "import importlib, json, sys\n"
        f"above = {sorted(set(PACKAGES) - {'shopgraph'})!r}\n"
        "report = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    importlib.import_module(name)\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] in above)\n"
        "    if loaded:\n"
        "        report[name] = loaded\n"
        "        break\n"
        "print(json.dumps(report))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == {}
