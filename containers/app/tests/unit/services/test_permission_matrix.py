"""The permission matrix (docs/design.md, Permission matrix), one row per (service method, kind of caller).

The callers: A001 (ADMIN), S001 (SCIENTIST associated with experiment 1) and S002 (SCIENTIST
associated with experiment 2 only). Every call addresses experiment 1 or another user, S003.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from mymonit.domain.errors import (
    AdminOnly,
    AdminsCannotReadMeasures,
    NotAssociated,
    UnknownAlert,
    UnknownAlertRule,
)
from mymonit.domain.model import Caller, Role
from mymonit.domain.series import EVERY_SERIES, selector
from mymonit.services.measures import MeasureFilter
from mymonit.services.users import NewUser, UserChanges
from tests.unit.builders import T0, a_rule_spec
from tests.unit.fakes import InMemoryStore, Services, caller_of

Call = Callable[[Services, Caller], object]

CALLS: dict[str, Call] = {
    "list users": lambda s, actor: s.users.all_users(actor),
    "read another user": lambda s, actor: s.users.get(actor, "S003"),
    "register a user": lambda s, actor: s.users.create(
        actor, NewUser("S100", "Ada Lovelace", "uid-s100", "ada@home.cern", Role.SCIENTIST)),
    "update another user": lambda s, actor: s.users.update(
        actor, "S003", UserChanges("New Name", "new@home.cern")),
    "erase another user": lambda s, actor: s.users.erase(actor, "S003"),
    "list experiments": lambda s, actor: s.experiments.visible_to(actor),
    "create an experiment": lambda s, actor: s.experiments.create(actor, "new-experiment"),
    "rename an experiment": lambda s, actor: s.experiments.rename(actor, 1, "renamed"),
    "delete an experiment": lambda s, actor: s.experiments.delete(actor, 2),
    "list associations": lambda s, actor: s.experiments.associations(actor),
    "grant an association": lambda s, actor: s.experiments.grant(actor, 1, "S003"),
    "revoke an association": lambda s, actor: s.experiments.revoke(actor, 1, "S001"),
    "list measure types": lambda s, actor: s.measure_types.all(),  # noqa: ARG005  # any caller
    "read a page of measures": lambda s, actor: s.measures.page(actor, 1, MeasureFilter()),
    "export measures": lambda s, actor: s.measures.export(actor, 1, MeasureFilter()),
    "aggregate measures": lambda s, actor: s.measures.aggregate(actor, 1, T0, T0 + timedelta(hours=1)),
    "aggregate per series": lambda s, actor: s.measures.aggregate(
        actor, 1, T0, T0 + timedelta(hours=1), chosen=selector("north", {}), by_series=True),
    "list series": lambda s, actor: s.series.listing(actor, 1, None, EVERY_SERIES),
    "list alert rules": lambda s, actor: s.alert_rules.visible_to(actor),
    "list an experiment's alert rules": lambda s, actor: s.alert_rules.visible_to(actor, 1),
    "define an alert rule": lambda s, actor: s.alert_rules.create(actor, a_rule_spec("new-rule")),
    "read an alert rule": lambda s, actor: s.alert_rules.get(actor, 1),
    "redefine an alert rule": lambda s, actor: s.alert_rules.replace(actor, 1, a_rule_spec(threshold=99.0)),
    "delete an alert rule": lambda s, actor: s.alert_rules.delete(actor, 1),
    "list alerts": lambda s, actor: s.alerts.visible_to(actor, None, None, 0, 100),
    "list an experiment's alerts": lambda s, actor: s.alerts.visible_to(actor, 1, None, 0, 100),
    "read an alert's history": lambda s, actor: s.alerts.history(actor, 1, None, 100),
}

ALLOWED = None
ADMIN_ONLY = {"list users", "read another user", "register a user", "update another user", "erase another user",
              "create an experiment", "rename an experiment", "delete an experiment", "list associations",
              "grant an association", "revoke an association"}
ANY_USER = {"list experiments", "list measure types", "list alert rules"}
RULE_KEEPERS = {"list an experiment's alert rules": NotAssociated, "define an alert rule": NotAssociated,
                "read an alert rule": UnknownAlertRule, "redefine an alert rule": UnknownAlertRule,
                "delete an alert rule": UnknownAlertRule}
MEASURE_READS = {"read a page of measures", "export measures", "aggregate measures", "aggregate per series",
                 "list series", "list an experiment's alerts"}
# Alerts carry measures' values: only SCIENTISTs read them, each those of their own experiments.
ALERT_READS = {"list alerts": ALLOWED, "read an alert's history": UnknownAlert}

EXPECTED: dict[tuple[str, str], type[Exception] | None] = {}
for call in ADMIN_ONLY:
    EXPECTED |= {(call, "admin"): ALLOWED, (call, "associated"): AdminOnly, (call, "unassociated"): AdminOnly}
for call in ANY_USER:
    EXPECTED |= {(call, "admin"): ALLOWED, (call, "associated"): ALLOWED, (call, "unassociated"): ALLOWED}
for call in MEASURE_READS:
    EXPECTED |= {(call, "admin"): AdminsCannotReadMeasures, (call, "associated"): ALLOWED,
                 (call, "unassociated"): NotAssociated}

for call, refusal in ALERT_READS.items():
    EXPECTED |= {(call, "admin"): AdminsCannotReadMeasures, (call, "associated"): ALLOWED,
                 (call, "unassociated"): refusal}
for call, refusal in RULE_KEEPERS.items():
    EXPECTED |= {(call, "admin"): ALLOWED, (call, "associated"): ALLOWED, (call, "unassociated"): refusal}

CALLERS = {"admin": "A001", "associated": "S001", "unassociated": "S002"}


def test_the_matrix_covers_every_call_for_every_kind_of_caller() -> None:
    assert set(EXPECTED) == {(call, caller) for call in CALLS for caller in CALLERS}


@pytest.mark.parametrize(
    ("call", "caller", "refusal"),
    [pytest.param(call, caller, refusal, id=f"{caller} - {call} - {refusal.__name__ if refusal else 'allowed'}")
     for (call, caller), refusal in sorted(EXPECTED.items(), key=lambda item: item[0])],
)
def test_each_service_call_is_allowed_or_refused_as_the_permission_matrix_says(
    services: Services, store: InMemoryStore, call: str, caller: str, refusal: type[Exception] | None,
) -> None:
    actor = caller_of(store, CALLERS[caller])
    before = (dict(store.users), dict(store.experiments), set(store.associations), dict(store.alert_rules))

    if refusal is None:
        CALLS[call](services, actor)
    else:
        with pytest.raises(refusal):
            CALLS[call](services, actor)
        assert (dict(store.users), dict(store.experiments), set(store.associations), dict(store.alert_rules)) == before
