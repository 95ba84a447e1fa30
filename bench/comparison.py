"""One side-by-side comparison: every gateway in front of the same running subgraphs.

First every gateway is started alone and asked the query once; the answer most of them give
is the reference, and a gateway whose answer differs is reported as failing and not measured.
Answers (the JSON text, without surrounding whitespace) must be byte-identical, or
(``same="data"``) equal once parsed as JSON, with the byte difference noted. Then each
matching gateway is started again, alone on the same port, warmed up and measured:
requests/s, p50, p99 (autocannon), the CPU cores it and the subgraphs used over the measured
window and its peak memory (``/proc``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import persisted_queries
from gateways import Gateway
from loadgen import Load, run_load
from process_usage import peak_rss_bytes
from processes import LOGS, log, post_query, start, stop, wait_for

STARTUP_SECONDS = 90
Answered = Callable[[], dict[str, int]]
"""How many requests each subgraph has answered so far."""


@dataclass(frozen=True)
class Settings:
    node: str
    port: int
    connections: int
    warmup_seconds: int
    seconds: int


@dataclass(frozen=True)
class Row:
    gateway: Gateway
    load: Load | None = None
    gateway_cores: float = 0.0
    subgraph_cores: float = 0.0
    peak_rss_bytes: int = 0
    failure: str | None = None
    note: str | None = None
    machine_load: float = 0.0
    """The machine's 1-minute load average at the end of the measured window."""
    fetches: dict[str, int] | None = None
    """Requests per subgraph for one query, when the subgraphs count them."""


@dataclass(frozen=True)
class Comparison:
    rows: list[Row]
    response: bytes | None
    """The reference answer every measured gateway gave."""
    same: Literal["bytes", "data"]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def _answer(
    gateway: Gateway, query: str, settings: Settings, answered: Answered | None
) -> tuple[bytes, dict[str, int] | None]:
    """The gateway's answer to one query (once it answers at all) and, when the subgraphs
    count what they answer, the requests each subgraph got for that one query."""
    url = f"http://127.0.0.1:{settings.port}/graphql"
    process = start(gateway.command, gateway.env, _slug(gateway.name))
    try:
        answer = wait_for(url, query, process, STARTUP_SECONDS)
        if gateway.persisted_query:
            persisted_queries.register(url, query)
        fetches = None
        if answered is not None:
            before = answered()
            answer = _ask(gateway, url, query)
            fetches = {name: count - before[name] for name, count in answered().items()}
        elif gateway.persisted_query:
            answer = _ask(gateway, url, query)
    finally:
        stop(process)
    # The JSON text itself is compared: Apollo Server ends its body with a newline.
    return answer.strip(), fetches


def _ask(gateway: Gateway, url: str, query: str) -> bytes:
    if gateway.persisted_query:
        return persisted_queries.answer_by_hash(url, query)
    return post_query(url, query).content


def _load_body(gateway: Gateway, query: str) -> bytes:
    """What the load generator sends: the query, or only its hash for an APQ row."""
    if gateway.persisted_query:
        return persisted_queries.hashed_body(query)
    return json.dumps({"query": query}).encode()


def _difference(body: bytes, reference: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(body, reference, strict=False)) if a != b), None)
    at = min(len(body), len(reference)) if at is None else at
    return (
        f"response differs from the others' ({len(body)} bytes vs {len(reference)}; "
        f"from byte {at}: {body[at : at + 60]!r} vs {reference[at : at + 60]!r})"
    )


def _measure(
    gateway: Gateway, query: str, body: bytes, settings: Settings, subgraphs_pid: int
) -> Row:
    url = f"http://127.0.0.1:{settings.port}/graphql"
    process = start(gateway.command, gateway.env, _slug(gateway.name))
    try:
        wait_for(url, query, process, STARTUP_SECONDS)
        if gateway.persisted_query:
            persisted_queries.register(url, query)
        log(f"{gateway.name}: warm-up {settings.warmup_seconds}s")
        run_load(settings.node, url, body, settings.connections, settings.warmup_seconds)
        log(f"{gateway.name}: measuring {settings.seconds}s, {settings.connections} connections")
        load = run_load(
            settings.node,
            url,
            body,
            settings.connections,
            settings.seconds,
            watched=(process.pid, subgraphs_pid),
        )
        peak = peak_rss_bytes(process.pid)
        machine_load = os.getloadavg()[0]
    except RuntimeError as exc:
        log(f"{gateway.name}: FAILED: {exc}")
        return Row(gateway, failure=str(exc))
    finally:
        stop(process)
    cores = load.cores[process.pid]
    return Row(gateway, load, cores, load.cores[subgraphs_pid], peak, machine_load=machine_load)


def _reference(answers: list[bytes], same: Literal["bytes", "data"]) -> bytes | None:
    """The answer most gateways gave (the first of them), compared as ``same`` says."""
    groups: list[tuple[Any, list[bytes]]] = []
    for answer in answers:
        key = answer if same == "bytes" else json.loads(answer)
        group = next((members for k, members in groups if k == key), None)
        if group is None:
            groups.append((key, [answer]))
        else:
            group.append(answer)
    if not groups:
        return None
    members = max(groups, key=lambda group: len(group[1]))[1]
    return Counter(members).most_common(1)[0][0]


def _matches(answer: bytes, reference: bytes, same: Literal["bytes", "data"]) -> bool:
    if same == "bytes":
        return answer == reference
    return bool(json.loads(answer) == json.loads(reference))


def compare(
    gateways: list[Gateway],
    query: str,
    settings: Settings,
    subgraphs_pid: int,
    same: Literal["bytes", "data"] = "bytes",
    answered: Answered | None = None,
) -> Comparison:
    answers: dict[str, bytes] = {}
    fetches: dict[str, dict[str, int] | None] = {}
    failures: dict[str, str] = {}
    for gateway in gateways:
        if gateway.unsupported:
            log(f"{gateway.name}: skipped, {gateway.unsupported}")
            continue
        log(f"{gateway.name}: checking its answer")
        try:
            answers[gateway.name], fetches[gateway.name] = _answer(
                gateway, query, settings, answered
            )
        except RuntimeError as exc:
            failures[gateway.name] = str(exc)
        else:
            (LOGS / f"{_slug(gateway.name)}.response.json").write_bytes(answers[gateway.name])
    reference = _reference(list(answers.values()), same)
    rows = []
    for gateway in gateways:
        answer = answers.get(gateway.name)
        if gateway.unsupported:
            rows.append(Row(gateway, failure=gateway.unsupported))
        elif answer is None or reference is None:
            rows.append(Row(gateway, failure=failures.get(gateway.name, "no answer")))
        elif not _matches(answer, reference, same):
            log(f"{gateway.name}: FAILED: {_difference(answer, reference)}")
            failure = _difference(answer, reference)
            rows.append(Row(gateway, failure=failure, fetches=fetches[gateway.name]))
        else:
            row = replace(
                _measure(gateway, query, _load_body(gateway, query), settings, subgraphs_pid),
                fetches=fetches[gateway.name],
            )
            if answer != reference:
                difference = _difference(answer, reference)
                row = replace(row, note=f"same data, not byte-identical: {difference}")
            rows.append(row)
    return Comparison(rows, reference, same)
