"""Demand control: refuse operations that would cost too much, before any fetch.

The cost is estimated from the supergraph's ``@cost``/``@listSize`` directives
(:mod:`router.cost_estimate`) on the operation as it will run (after authorization removed
what the caller may not see). Over ``max_cost`` the operation is refused with
``COST_ESTIMATED_TOO_EXPENSIVE`` (``cost.estimated`` and ``cost.max`` in its extensions). With
``budget_per_window`` each client (the rate limiter's key) may spend that much estimated cost
per window, counted in the rate limiter's Redis store; a request that does not fit is refused
with ``COST_BUDGET_EXCEEDED`` and ``Retry-After``. The estimated and actual
(:mod:`router.cost_actual`) cost are added to the response's ``extensions.cost`` when the
client sends ``x-shopgraph-cost: true`` or the config says ``report = true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from router.config_section import Section
from router.cost_actual import actual_cost
from router.cost_estimate import CostError, CostModel, estimate_cost
from router.pipeline import Operation, RequestRefused, RouterPlugin
from router.plugins.rate_limit import FixedWindowRateLimiter
from router.supergraph import Supergraph
from shopgraph.kv.port import KeyValueStore

REPORT_HEADER = "x-shopgraph-cost"
STATE_KEY = "demand_control"
TOO_EXPENSIVE = "COST_ESTIMATED_TOO_EXPENSIVE"
BUDGET_EXCEEDED = "COST_BUDGET_EXCEEDED"
NOT_ESTIMATED = "COST_QUERY_PARSE_FAILURE"


class DemandControlSection(Section):
    # Largest estimated cost an operation may have; 0: no maximum.
    max_cost: int = Field(default=0, ge=0)
    # Size assumed for a list field without @listSize (or without a slicing argument given).
    list_size: int = Field(default=10, ge=0)
    # Add extensions.cost {estimated, actual} to every response (else only when the client
    # sends x-shopgraph-cost: true).
    report: bool = False
    # Estimated cost each client may spend per window (the rate limiter's client key and
    # Redis store); 0 turns the budget off.
    budget_per_window: int = Field(default=0, ge=0)
    budget_window_seconds: float = Field(default=60.0, gt=0)


@dataclass
class _Measured:
    model: CostModel
    estimated: int


class DemandControlPlugin(RouterPlugin):
    name = "demand_control"

    def __init__(
        self,
        *,
        max_cost: int = 0,
        list_size: int = 10,
        report: bool = False,
        budget: FixedWindowRateLimiter | None = None,
    ) -> None:
        self.max_cost = max_cost
        self.list_size = list_size
        self.report = report
        self.budget = budget
        self._models: dict[str, CostModel] = {}

    async def on_operation(self, operation: Operation) -> None:
        supergraph = getattr(operation.gateway, "supergraph", None)
        if not isinstance(supergraph, Supergraph) or operation.document is None:
            return
        if not (self.max_cost or self.budget or self._reports(operation)):
            return  # nothing to enforce or report: no estimate
        model = self._model(supergraph)
        variables = operation.params.get("variables")
        try:
            estimated = estimate_cost(
                model,
                operation.document,
                operation.operation_name,
                variables if isinstance(variables, dict) else None,
            )
        except CostError as exc:
            raise RequestRefused(400, str(exc), NOT_ESTIMATED) from None
        if self.max_cost and estimated > self.max_cost:
            raise RequestRefused(
                400,
                f"Operation estimated cost {estimated} exceeds the maximum {self.max_cost}",
                TOO_EXPENSIVE,
                extensions={"cost.estimated": estimated, "cost.max": self.max_cost},
            )
        if self.budget is not None and estimated > 0:
            decision = await self.budget.spend(operation.client_key or "anonymous", estimated)
            if not decision.allowed:
                raise RequestRefused(
                    429,
                    f"Cost budget exceeded: this operation costs {estimated}, "
                    f"{decision.remaining} of {decision.limit} left in this window",
                    BUDGET_EXCEEDED,
                    {"retry-after": str(decision.retry_after_seconds)},
                    extensions={
                        "cost.estimated": estimated,
                        "cost.remaining": decision.remaining,
                        "retryAfterSeconds": decision.retry_after_seconds,
                    },
                )
        operation.state[STATE_KEY] = _Measured(model, estimated)

    async def on_response(self, operation: Operation, result: dict[str, Any]) -> dict[str, Any]:
        measured = operation.state.get(STATE_KEY)
        if not isinstance(measured, _Measured) or not self._reports(operation):
            return result
        data = result.get("data")
        actual = 0
        if operation.document is not None and isinstance(data, dict):
            actual = actual_cost(measured.model, operation.document, operation.operation_name, data)
        report: dict[str, Any] = {"estimated": measured.estimated, "actual": actual}
        if self.max_cost:
            report["max"] = self.max_cost
        operation.extensions["cost"] = report
        return result

    async def aclose(self) -> None:
        if self.budget is not None:
            await self.budget.store.close()

    def _reports(self, operation: Operation) -> bool:
        return self.report or operation.headers.get(REPORT_HEADER, "").lower() == "true"

    def _model(self, supergraph: Supergraph) -> CostModel:
        model = self._models.get(supergraph.sdl)
        if model is None:
            model = CostModel(supergraph.api_schema, supergraph.directives, self.list_size)
            self._models = {supergraph.sdl: model}  # only the current supergraph's
        return model


def demand_control_plugin(
    section: DemandControlSection, store: KeyValueStore | None
) -> DemandControlPlugin:
    """The plugin a config section describes; ``store`` (the rate limiter's) holds budgets
    (needed when ``budget_per_window`` is set)."""
    budget = None
    if section.budget_per_window > 0:
        if store is None:
            raise ValueError("demand_control.budget_per_window needs a key-value store")
        budget = FixedWindowRateLimiter(
            store,
            limit=section.budget_per_window,
            window_seconds=section.budget_window_seconds,
            prefix="router:cost",
        )
    return DemandControlPlugin(
        max_cost=section.max_cost,
        list_size=section.list_size,
        report=section.report,
        budget=budget,
    )
