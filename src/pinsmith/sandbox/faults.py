"""Fault injection: make one route fail, lag, block as spam, or do the work and never answer.

Faults exist so pinsmith's retry, pacing and reconciliation paths can be exercised without
Pinterest misbehaving on cue. Each rule names a route as ``METHOD /path/template`` (e.g.
``POST /v5/pins``) and fires on a seeded random draw (``rate``), so a run is repeatable, for at
most ``times`` calls when given.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from pinsmith.sandbox.errors import Problem, SandboxError

FaultAction = Literal["error", "latency", "commit_then_drop", "spam_block"]


class FaultRule(BaseModel):
    """One injected misbehaviour of one route.

    - ``error``: answer ``status`` with Pinterest ``code`` and ``message`` (from the error table
      when left out) instead of doing the work.
    - ``latency``: wait ``latency`` seconds before handling the call.
    - ``commit_then_drop``: do the work (the pin IS created), then hold the response for
      ``drop_seconds`` (the sandbox default, 120 s, when left out), longer than any client timeout.
    - ``spam_block``: 429 code 8 whose message says the request was blocked as spam.
    """

    route: str = Field(examples=["POST /v5/pins"])
    action: FaultAction
    rate: float = Field(default=1.0, ge=0, le=1, description="chance that a matching call fires")
    seed: int = Field(default=0, description="seed of the draws, for repeatable runs")
    times: int | None = Field(default=None, ge=1, description="fire at most this many times")
    status: int = Field(default=500, ge=400, le=599)
    code: int | None = None
    message: str | None = None
    latency: float = Field(default=0.0, ge=0, description="seconds, for action 'latency'")
    drop_seconds: float | None = Field(default=None, gt=0)

    @field_validator("route")
    @classmethod
    def _normalise_route(cls, value: str) -> str:
        parts = value.split()
        if len(parts) != 2 or not parts[1].startswith("/"):
            raise ValueError("route must look like 'POST /v5/pins' (method and path template)")
        return f"{parts[0].upper()} {parts[1]}"

    @model_validator(mode="after")
    def _latency_needs_seconds(self) -> FaultRule:
        if self.action == "latency" and self.latency <= 0:
            raise ValueError("a 'latency' fault needs latency > 0 (seconds)")
        return self

    def error(self) -> SandboxError:
        if self.action == "spam_block":
            return SandboxError(Problem.SPAM_BLOCKED, self.message, code=self.code)
        return SandboxError.custom(self.status, self.code, self.message)


@dataclass
class ActiveFault:
    """A rule in force, with its own random stream and what is left of ``times``."""

    id: int
    rule: FaultRule
    draws: random.Random
    remaining: int | None
    fired: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.rule.model_dump(),
            "remaining": self.remaining,
            "fired": self.fired,
        }


@dataclass
class FaultPlan:
    """What the faults decided for one call."""

    latency: float = 0.0
    error: SandboxError | None = None
    drop_seconds: float | None = None


@dataclass
class FaultInjector:
    default_drop_seconds: float
    known_routes: frozenset[str] | None = None
    _faults: list[ActiveFault] = field(default_factory=list)
    _next_id: int = 1

    def add(self, rule: FaultRule) -> ActiveFault:
        self.check_route(rule.route)
        fault = ActiveFault(self._next_id, rule, random.Random(rule.seed), rule.times)  # noqa: S311
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def add_all(self, rules: Iterable[FaultRule]) -> list[ActiveFault]:
        return [self.add(rule) for rule in rules]

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[ActiveFault]:
        return list(self._faults)

    def check_route(self, route: str) -> None:
        """A typo in a route would make a fault silently never fire: refuse it instead."""
        if self.known_routes is not None and route not in self.known_routes:
            known = ", ".join(sorted(self.known_routes))
            raise ValueError(f"unknown route {route!r}; the sandbox serves: {known}")

    def set_known_routes(self, routes: Iterable[str]) -> None:
        self.known_routes = frozenset(routes)
        for fault in self._faults:
            self.check_route(fault.rule.route)

    def plan(self, method: str, path_template: str) -> FaultPlan:
        route = f"{method.upper()} {path_template}"
        plan = FaultPlan()
        for fault in list(self._faults):
            if fault.rule.route != route:
                continue
            if fault.rule.action in ("error", "spam_block") and plan.error is not None:
                continue
            if fault.draws.random() >= fault.rule.rate:
                continue
            self._fire(fault)
            action = fault.rule.action
            if action == "latency":
                plan.latency += fault.rule.latency
            elif action == "commit_then_drop":
                plan.drop_seconds = fault.rule.drop_seconds or self.default_drop_seconds
            else:
                plan.error = fault.rule.error()
        if plan.error is not None:
            plan.drop_seconds = None
        return plan

    def _fire(self, fault: ActiveFault) -> None:
        fault.fired += 1
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
