"""The guard registry: hard gates by name, so definitions can list them and later parts can add theirs.

A guard is a function ``(ctx) -> list[str]`` returning the reasons it
refuses (empty: it passes). Definitions name guards per transition; the
functions register here with ``@guard("name")`` from whichever app owns the
rule (cases, review, record). ``check_definitions`` (a system check) makes sure
every named guard exists, so a typo cannot silently disable a gate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sanxiang.procedures.definitions.types import Transition


@dataclass
class GuardContext:
    """What a guard may look at: the locked case (changes not yet applied), the move, who, when, and the inputs."""

    case: Any
    transition: Transition
    actor: Any
    today: dt.date
    now: dt.datetime
    params: Mapping[str, Any] = field(default_factory=dict)


GuardFn = Callable[[GuardContext], list[str]]
_REGISTRY: dict[str, GuardFn] = {}
_ALWAYS: list[str] = []


def guard(name: str, *, always: bool = False) -> Callable[[GuardFn], GuardFn]:
    """Register ``fn`` as the guard ``name`` (one function per name).

    ``always``: the engine runs it on every move of every procedure, after the
    move's own guards — for rules that come from data rather than from the
    definitions (the audio/video recording list decides which steps it gates).
    """

    def register(fn: GuardFn) -> GuardFn:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"guard {name!r} is registered twice")
        _REGISTRY[name] = fn
        if always and name not in _ALWAYS:
            _ALWAYS.append(name)
        return fn

    return register


def guards_for(transition: Transition) -> tuple[str, ...]:
    """The guards a move runs: its own, then those that run on every move."""
    return transition.guards + tuple(name for name in _ALWAYS if name not in transition.guards)


def run_guards(names: tuple[str, ...], ctx: GuardContext) -> list[str]:
    """Run the named guards in order and return every refusal reason."""
    reasons: list[str] = []
    for name in names:
        reasons.extend(_REGISTRY[name](ctx))
    return reasons


def registered() -> Mapping[str, GuardFn]:
    return dict(_REGISTRY)
