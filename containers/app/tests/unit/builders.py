"""Builders for test data: every argument has a sensible default, tests name only what matters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.alerts import AlertRule, Comparison, Condition, RuleSpec, Severity, Statistic
from mymonit.domain.model import Experiment, MeasureType, Role, User
from mymonit.domain.personal import Personal
from mymonit.domain.series import Labels, Selector
from tests.unit.fakes import InMemoryStore, StoredMeasure

# The demo's first measure: 2022-04-06 07:00 UTC.
T0 = datetime(2022, 4, 6, 7, 0, tzinfo=UTC)

HERTZ = MeasureType(10, "hertz", "Hz", "frequency")
NEWTON = MeasureType(11, "newton", "N", "force")


def a_user(role: Role = Role.SCIENTIST, user_id: str = "S001", *, name: str | None = None,
           username: str | None = None, email: str | None = None, erased_at: datetime | None = None) -> User:
    """A registered user whose personal fields derive from the id unless given."""
    key = user_id.lower()
    if erased_at is not None:
        return User(user_id, Personal(None), Personal(None), Personal(None), role, erased_at)
    return User(user_id, Personal(name or f"User {user_id}"), Personal(username or f"uid-{key}"),
                Personal(email or f"{key}@home.cern"), role)


def an_admin(user_id: str = "A001", *, name: str | None = None, email: str | None = None) -> User:
    return a_user(Role.ADMIN, user_id, name=name, email=email)


def a_scientist(user_id: str = "S001", *, name: str | None = None, email: str | None = None) -> User:
    return a_user(Role.SCIENTIST, user_id, name=name, email=email)


def an_experiment(experiment_id: int = 1, name: str = "device-vibrations") -> Experiment:
    return Experiment(experiment_id, name)


def a_row(key: int, *, minutes: float = 0, value: float = 100.0, type_id: int = HERTZ.type_id) -> StoredMeasure:
    """A stored measure, `minutes` after T0."""
    return StoredMeasure(key, type_id, T0 + timedelta(minutes=minutes), value)


def a_store() -> InMemoryStore:
    """The demo's world: A001 (ADMIN); S001 on experiment 1 only; S002 on experiment 2 only; S003 on none."""
    store = InMemoryStore(measure_types=[HERTZ, NEWTON])
    for user in (an_admin("A001"), a_scientist("S001"), a_scientist("S002"), a_scientist("S003")):
        store.users[user.user_id] = user
    for experiment in (an_experiment(1, "device-vibrations"), an_experiment(2, "black-holes")):
        store.experiments[experiment.experiment_id] = experiment
    store.associations |= {("S001", 1), ("S002", 2)}
    store.alert_rules[1] = AlertRule(1, a_rule_spec(), "S001")
    store.last_rule_id = 1
    store.alerts[1] = an_alert()
    store.alert_history[1] = [HistoryEntry(1, AlertState.NORMAL, AlertState.PENDING, T0, 90.0),
                              HistoryEntry(2, AlertState.PENDING, AlertState.FIRING, T0 + timedelta(minutes=1), 95.0)]
    return store


def an_alert(alert_id: int = 1, *, experiment_id: int = 1, state: AlertState = AlertState.FIRING,
             sensor: str | None = "north") -> AlertView:
    """An alert of rule 1 on a series of the experiment's hertz measures, firing since T0 + 1 min."""
    fired = T0 + timedelta(minutes=1)
    return AlertView(alert_id, 1, "too-hot", experiment_id, "warning", HERTZ.name, 100 + alert_id,
                     Labels(sensor, '{"site":"a"}'), state, fired, fired, 95.0, fired + timedelta(seconds=30))


def a_rule_spec(name: str = "vibrating", experiment_id: int = 1, *, measure: str = HERTZ.name,
                threshold: float = 120.0) -> RuleSpec:
    """A rule: the mean over a minute above `threshold` for 30 s, no selector, no webhook."""
    condition = Condition(Statistic.MEAN, Comparison.ABOVE, threshold, threshold, 60, 30, None)
    return RuleSpec(name, experiment_id, measure, Selector(), condition, Severity.WARNING, None)


def with_measures(store: InMemoryStore, experiment_id: int, *rows: StoredMeasure) -> InMemoryStore:
    store.measures.extend((experiment_id, row) for row in rows)
    return store


# Every registered user gets a token named after them; "token-ghost" is genuine but names nobody.
TOKENS = {"token-A001": "uid-a001", "token-S001": "uid-s001", "token-S002": "uid-s002", "token-S003": "uid-s003",
          "token-ghost": "uid-nobody"}


def bearer(user_id: str) -> dict[str, str]:
    """The Authorization header of `user_id`'s token (see TOKENS)."""
    return {"Authorization": f"Bearer token-{user_id}"}
