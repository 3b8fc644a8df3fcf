"""The API's test world: callers with real emulator tokens, and builders for users, experiments and measures.

Kept out of conftest.py so test modules import it by a name no other conftest can shadow.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mymonit.container import Container
from mymonit.domain.alerts import AlertRule
from mymonit.domain.dedup import dedup_key
from mymonit.domain.model import Experiment, Role, User
from mymonit.domain.personal import Personal
from mymonit.domain.series import DEFAULT_LABELS, Labels
from mymonit.storage.measure_writer import NewMeasure
from mymonit.storage.session import Connection
from tests.support.emulator import Account, Emulator
from tests.unit.builders import a_rule_spec

T0 = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Caller:
    """A user of the API: their row, their emulator account and a fresh ID token."""

    user: User | None
    account: Account | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class World:
    """Builders for users, experiments and associations with unique names."""

    def __init__(self, container: Container, emulator: Emulator) -> None:
        self.container = container
        self.emulator = emulator

    def caller(self, role: Role = Role.SCIENTIST, *, register: bool = True) -> Caller:
        account = self.emulator.new_account(role.value.lower())
        user = None
        if register:
            user = User(f"T{secrets.token_hex(4)}", Personal(f"Test {role.value.title()}"), Personal(account.uid),
                        Personal(account.email), role)
            self.container.user_repository().add(user)
        return Caller(user, account, self.emulator.token(account))

    def user_row(self, role: Role = Role.SCIENTIST) -> User:
        """A registered user with no emulator account (a target of admin actions)."""
        suffix = secrets.token_hex(4)
        user = User(f"U{suffix}", Personal(f"Target {suffix}"), Personal(f"uid-{suffix}"),
                    Personal(f"target-{suffix}@tests.mymonit.invalid"), role)
        self.container.user_repository().add(user)
        return user

    def experiment(self, prefix: str = "exp") -> Experiment:
        return self.container.experiment_repository().add(f"{prefix}-{secrets.token_hex(5)}")

    def measures(self, experiment: Experiment, values: list[float], *, start: datetime = T0,
                 step: timedelta = timedelta(seconds=1), measure: str = "hertz",
                 labels: Labels = DEFAULT_LABELS) -> list[datetime]:
        """Store one measure per value of the series `labels`, `step` apart from `start`; returns their timestamps."""
        type_id = self.container.measure_type_service().type_id(measure)
        assert type_id is not None
        moments = [start + step * i for i in range(len(values))]
        (series_id,) = self.container.series_store().ensure(experiment.experiment_id, [(type_id, labels)], limit=10_000)
        rows = [NewMeasure.at(experiment.experiment_id, type_id, moment, value,
                              dedup_key(experiment.name, measure, moment, value, labels=labels), series_id)
                for moment, value in zip(moments, values, strict=True)]
        self.container.measure_writer().insert(rows)
        return moments

    def alert_rule(self, experiment: Experiment) -> AlertRule:
        """A rule on the experiment's hertz measures, as an ADMIN would define it."""
        type_id = self.container.measure_type_service().names_to_ids()["hertz"]
        spec = a_rule_spec(f"rule-{secrets.token_hex(4)}", experiment.experiment_id)
        return self.container.alert_rule_repository().add(spec, type_id, "A-WORLD")

    def alert(self, rule: AlertRule) -> int:
        """An alert of the rule on its experiment's default hertz series, firing, as the evaluator leaves one."""
        type_id = self.container.measure_type_service().names_to_ids()["hertz"]
        (series_id,) = self.container.series_store().ensure(rule.spec.experiment_id, [(type_id, DEFAULT_LABELS)],
                                                            limit=10_000)
        sql = ("INSERT INTO alerts (rule_id, series_id, state, since, fired_at, last_value, value_at)"
               " VALUES (%s, %s, 'firing', NOW(6), NOW(6), 1.5, NOW(6))")

        def insert(connection: Connection) -> int:
            connection.execute(sql, (rule.rule_id, series_id))
            return int(connection.fetch_all("SELECT LAST_INSERT_ID()")[0][0])

        return self.container.database().run(insert, retry=False)

    def associate(self, who: Caller | User, experiment: Experiment) -> None:
        user = who.user if isinstance(who, Caller) else who
        assert user is not None
        self.container.association_repository().grant(user.user_id, experiment.experiment_id)
        self.container.access_stamp().advance()  # as the service does: remembered callers are stale
