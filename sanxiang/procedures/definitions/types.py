"""The vocabulary of procedure definitions (no Django models, no behaviour beyond lookups)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.functional import Promise


class DayUnit(enum.StrEnum):
    WORKING_DAYS = "working_days"  # APL Art. 85, AEL Art. 69: excluding statutory holidays
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    HOURS = "hours"


@dataclass(frozen=True)
class DeadlineSpec:
    """A period that a transition starts, e.g. the 90-day decision period from 立案 (APL Art. 60).

    ``amount`` is a number, or the name of a Django setting for periods that
    RULES.md marks UNCONFIRMED (they are configuration, not constants).
    """

    code: str
    label: Promise
    unit: DayUnit
    amount: int | str
    basis: str
    #: ``warn`` periods only warn; ``bar`` periods also refuse the guarded act once passed.
    kind: str = "warn"


@dataclass(frozen=True)
class Step:
    """A state a case can be in (a node of the flowchart)."""

    code: str
    label: Promise
    terminal: bool = False
    #: Audio/video recording is always required while in this step (RULES.md §3.2, §13.17).
    av_required: bool = False


@dataclass(frozen=True)
class Transition:
    """A move of the case (an edge of the flowchart), or an activity within a step when ``target`` is None.

    ``guards`` names the hard gates checked before the move; each name is
    registered in ``sanxiang.procedures.guards``. Later parts (legal review,
    collective discussion, audio/video) add their guard names here and their
    functions there, without touching the engine.
    """

    code: str
    label: Promise
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    starts: tuple[DeadlineSpec, ...] = ()
    stops: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    basis: str = ""

    @property
    def is_activity(self) -> bool:
        return self.target is None


@dataclass(frozen=True)
class ChecklistItem:
    """A record the dossier must hold before 结案: always, or when the case took ``when_transition``."""

    code: str
    label: Promise
    when_transition: str | None = None


@dataclass(frozen=True)
class Procedure:
    code: str
    label: Promise
    basis: str
    initial: str
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    checklist: tuple[ChecklistItem, ...] = ()
    _by_code: dict[str, Transition] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        step_codes = {s.code for s in self.steps}
        for t in self.transitions:
            unknown = (t.sources | ({t.target} if t.target else set())) - step_codes - {""}
            if unknown:
                raise ValueError(f"{self.code}.{t.code} names unknown steps {sorted(unknown)}")
            if t.code in self._by_code:
                raise ValueError(f"{self.code} defines {t.code} twice")
            self._by_code[t.code] = t
        if self.initial not in self._by_code:
            raise ValueError(f"{self.code}: initial transition {self.initial} is not defined")

    def transition(self, code: str) -> Transition:
        return self._by_code[code]

    def step(self, code: str) -> Step:
        return next(s for s in self.steps if s.code == code)

    def available(self, state: str) -> Iterator[Transition]:
        """Transitions whose sources include ``state`` (guards not yet checked)."""
        return (t for t in self.transitions if state in t.sources)

    def targets(self, state: str) -> frozenset[str]:
        """States reachable in one move from ``state`` (activities stay put)."""
        return frozenset(t.target or state for t in self.available(state))
