"""State machines: a workflow's states, its transitions and who may make each, declared once.

A domain declares its workflow in its `rules.py`; the migration that makes its table
writes the same states and transitions into `workflow_states` and
`workflow_transitions`, whose trigger refuses any other state or change of state
whoever writes it (tests/test_workflow.py holds the two alike). The API answers a
transition that is not allowed with 409, naming the states that may come next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.accounts.principal import Role
from inventory.errors import Conflict, Invalid, Problem


class NotAllowed(Conflict):
    """A transition the workflow does not declare from the current state."""

    def __init__(self, detail: str, *, field: str, state: str, allowed: list[str]) -> None:
        super().__init__(detail, field=field)
        self.extra = {"field": field, "state": state, "allowed": allowed}


class Forbidden(Problem):
    status = 403
    default_title = "Forbidden"


@dataclass(frozen=True, slots=True)
class Transition:
    """`action` takes a record from any of `sources` to `target`, by a user of one of
    `roles`, and for two-party workflows only from one of `sides` (None: either)."""

    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[Role]
    sides: frozenset[str] | None = None


MACHINES: dict[str, Machine] = {}
"""Every workflow declared, by name: what the database's workflow tables must hold."""


@dataclass(frozen=True, slots=True)
class Machine:
    name: str
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition, ...]
    column: str = "status"
    _by_step: dict[tuple[str, str], Transition] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        known = set(self.states)
        if self.initial not in known:
            raise ValueError(f"{self.name}: initial state {self.initial} is not declared")
        for t in self.transitions:
            for state in (*t.sources, t.target):
                if state not in known:
                    raise ValueError(f"{self.name}: {t.action} names undeclared state {state}")
            for source in t.sources:
                if (t.action, source) in self._by_step:
                    raise ValueError(f"{self.name}: {t.action} from {source} is declared twice")
                self._by_step[(t.action, source)] = t
        MACHINES[self.name] = self

    def edges(self) -> set[tuple[str, str, str]]:
        """(action, source, target) of every transition: what the database holds."""
        return {(t.action, s, t.target) for t in self.transitions for s in t.sources}

    def next_states(self, state: str) -> list[str]:
        """The states one transition away, in declaration order."""
        targets = [t.target for t in self.transitions if state in t.sources]
        return list(dict.fromkeys(targets))

    def available(self, state: str, role: Role, side: str | None = None) -> list[Transition]:
        """What a user of `role` (on `side`) may do from `state`."""
        return [
            t
            for t in self.transitions
            if state in t.sources and role in t.roles and (t.sides is None or side in t.sides)
        ]

    def step(self, state: str, action: str, role: Role, side: str | None = None) -> Transition:
        """The transition `action` makes from `state`, if the caller may make it."""
        if not any(t.action == action for t in self.transitions):
            raise Invalid(f"{action} is not an action of {self.name}", field="action")
        transition = self._by_step.get((action, state))
        if transition is None:
            raise self._refusal(state, f"{action} is not possible from {state}")
        return self._permitted(transition, role, side)

    def move(self, state: str, target: str, role: Role, side: str | None = None) -> Transition:
        """The transition from `state` to `target`, if one is declared and the caller may."""
        if target not in self.states:
            raise Invalid(f"{target} is not a state of {self.name}", field=self.column)
        for transition in self.transitions:
            if state in transition.sources and transition.target == target:
                return self._permitted(transition, role, side)
        raise self._refusal(state, f"{self.column} cannot go from {state} to {target}")

    def _refusal(self, state: str, why: str) -> NotAllowed:
        allowed = self.next_states(state)
        nexts = ", ".join(allowed) if allowed else "none: it is final"
        return NotAllowed(
            f"{why}; from {state} the next states are: {nexts}",
            field=self.column,
            state=state,
            allowed=allowed,
        )

    @staticmethod
    def _permitted(transition: Transition, role: Role, side: str | None) -> Transition:
        if role not in transition.roles:
            raise Forbidden(f"the {role} role may not {transition.action.replace('_', ' ')}")
        if transition.sides is not None and side not in transition.sides:
            sides = " or ".join(sorted(transition.sides))
            raise Forbidden(f"only the {sides} side may {transition.action.replace('_', ' ')}")
        return transition
