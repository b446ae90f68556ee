"""Statuses as data: the state machine helper, the database's copy of every workflow, and
property tests that no sequence of calls reaches an undeclared state or skips a step."""

from __future__ import annotations

import secrets

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from inventory.accounts.principal import Role
from inventory.app import create_app  # noqa: F401  (imports every domain, so every workflow)
from inventory.assets.rules import STATUS
from inventory.errors import Invalid
from inventory.workflow.machine import MACHINES, Forbidden, Machine, NotAllowed, Transition
from tests.conftest import run_sql
from tests.world import World

TOY = Machine(
    "toy_test",
    states=("draft", "submitted", "signed", "done"),
    initial="draft",
    transitions=(
        Transition("submit", ("draft",), "submitted", frozenset({Role.OFFICER})),
        Transition(
            "sign", ("submitted",), "signed", frozenset({Role.OFFICER}), frozenset({"giver"})
        ),
        Transition("close", ("signed",), "done", frozenset({Role.ADMIN})),
    ),
)


def test_a_machine_takes_declared_steps_only() -> None:
    assert TOY.step("draft", "submit", Role.OFFICER).target == "submitted"
    with pytest.raises(NotAllowed) as skipped:
        TOY.step("draft", "sign", Role.OFFICER, "giver")
    assert skipped.value.status_code == 409
    assert skipped.value.extra == {"field": "status", "state": "draft", "allowed": ["submitted"]}
    with pytest.raises(Forbidden):
        TOY.step("submitted", "sign", Role.OFFICER, "receiver")
    with pytest.raises(Forbidden):
        TOY.step("signed", "close", Role.OFFICER)
    with pytest.raises(Invalid):
        TOY.step("draft", "explode", Role.ADMIN)
    with pytest.raises(NotAllowed) as final:
        TOY.move("done", "draft", Role.ADMIN)
    assert final.value.extra["allowed"] == []


def test_a_machine_refuses_a_declaration_with_unknown_states() -> None:
    with pytest.raises(ValueError, match="undeclared"):
        Machine("bad_test", ("a",), "a", (Transition("go", ("a",), "b", frozenset()),))


def test_the_database_holds_every_declared_workflow(sql) -> None:
    declared = {name: m for name, m in MACHINES.items() if not name.endswith("_test")}
    assert "asset_status" in declared
    states = sql("SELECT workflow, state FROM workflow_states")
    edges = sql("SELECT workflow, action, source, target FROM workflow_transitions")
    assert {(r["workflow"], r["state"]) for r in states} == {
        (name, s) for name, m in declared.items() for s in m.states
    }
    assert {tuple(r) for r in edges} == {
        (name, *edge) for name, m in declared.items() for edge in m.edges()
    }


def test_the_database_refuses_unknown_states_and_skipped_steps(
    database_url: str, world: World
) -> None:
    asset = world.create(
        "/api/v1/assets",
        name=f"Máy chiếu {secrets.token_hex(3)}",
        category_id=world.categories["MT"],
        holder_unit_id=world.units["A"],
    )
    for status in ("stolen", "disposed"):
        with pytest.raises(asyncpg.CheckViolationError):
            run_sql(
                database_url, "UPDATE assets SET status = $2 WHERE id = $1", asset["id"], status
            )


class AssetStatusCalls(RuleBasedStateMachine):
    """Random status changes through the API, by an officer or an admin, against the
    declared machine as the model."""

    world: World

    @initialize()
    def register(self) -> None:
        created = self.world.create(
            "/api/v1/assets",
            name=f"Máy in {secrets.token_hex(3)}",
            category_id=self.world.categories["MT"],
            holder_unit_id=self.world.units["A"],
        )
        self.path = f"/api/v1/assets/{created['id']}"
        self.state = created["status"]

    @rule(status=st.sampled_from(STATUS.states), by=st.sampled_from(["officer_a", "admin"]))
    def change_status(self, status: str, by: str) -> None:
        response = self.world.callers[by].patch(
            self.path, json={"status": status}, headers={"If-Match": "*"}
        )
        role = Role.ADMIN if by == "admin" else Role.OFFICER
        allowed = [t for t in STATUS.available(self.state, role) if t.target == status]
        if status == self.state:
            assert response.status_code == 200  # nothing to change
        elif allowed:
            assert response.status_code == 200, response.text
            self.state = status
        elif status in STATUS.next_states(self.state):
            assert response.status_code == 403, response.text
        else:
            assert response.status_code == 409, response.text
            assert response.json()["allowed"] == STATUS.next_states(self.state)

    @invariant()
    def the_record_holds_the_model_state(self) -> None:
        if hasattr(self, "path"):
            status = self.world.admin.get(self.path).json()["status"]
            assert status == self.state and status in STATUS.states


def test_no_sequence_of_status_calls_leaves_the_workflow(world: World) -> None:
    AssetStatusCalls.world = world
    run = AssetStatusCalls.TestCase
    run.settings = settings(
        max_examples=25,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    run().runTest()
