"""Fast in-process audit loop for development: for each suite served by the audit
(``npm start -- serve`` on :4200) load its supergraph and tests, run every test through
:class:`Gateway` and compare as the audit does (data deep-equal, errors as a boolean).
``python -m conformance.gateway_audit.quick [suite ...] [-v] [--ours]`` (``--ours``: supergraphs
composed by router/compose.py from the suites' subgraph SDLs). The real run is ``run.sh``
(see README)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx

from router.gateway import Gateway

BASE = "http://localhost:4200"


async def _supergraph(client: httpx.AsyncClient, suite: str, ours: bool) -> str:
    if not ours:
        return (await client.get(f"{BASE}/{suite}/supergraph")).text
    from router.compose import SubgraphSource, compose

    items = (await client.get(f"{BASE}/{suite}/subgraphs")).json()
    return compose([SubgraphSource(i["name"], i["url"], i["sdl"]) for i in items])


async def run_suite(
    client: httpx.AsyncClient, suite: str, verbose: bool, ours: bool = False
) -> list[bool]:
    tests = (await client.get(f"{BASE}/{suite}/tests")).json()
    results = []
    try:
        sdl = await _supergraph(client, suite, ours)
        gateway = Gateway.from_supergraph(sdl)
    except Exception as exc:
        print(f"{suite}: supergraph failed: {exc}")
        return [False] * len(tests)
    try:
        for index, test in enumerate(tests):
            expected = test["expected"]
            try:
                response = await gateway.execute(test["query"], None, None, {})
            except Exception as exc:
                response = {"errors": [{"message": f"crash: {exc!r}"}]}
            errors_optional = not isinstance(expected.get("errors"), bool)
            got = {
                "data": response.get("data"),
                "errors": None if errors_optional else bool(response.get("errors")),
            }
            want = {
                "data": expected.get("data"),
                "errors": None if errors_optional else expected.get("errors", False),
            }
            ok = got == want
            results.append(ok)
            if not ok and verbose:
                print(f"--- {suite}_{index}\n{test['query']}")
                print("want", want)
                print("got ", got, response.get("errors"))
                try:
                    from router.plan_format import format_plan

                    print(format_plan(gateway.plan(test["query"])))
                except Exception as exc:
                    print("plan failed", exc)
    finally:
        await gateway.close()
    return results


async def main(args: list[str]) -> None:
    verbose = "-v" in args
    ours = "--ours" in args
    suites = [a for a in args if not a.startswith("-")]
    async with httpx.AsyncClient(timeout=30) as client:
        if not suites:
            suites = (await client.get(f"{BASE}/ids")).json()
        total = passed = 0
        for suite in suites:
            res = await run_suite(client, suite, verbose, ours)
            total += len(res)
            passed += sum(res)
            print(f"{suite}: {''.join('.' if r else 'X' for r in res)}")
        print(f"passed {passed}/{total}")


def _main() -> Any:
    asyncio.run(main(sys.argv[1:]))


if __name__ == "__main__":
    _main()
