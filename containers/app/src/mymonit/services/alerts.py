"""Reading alerts: the same rule as measures (an alert's value is a measure's), so only the
SCIENTISTs associated with the experiment read its alerts and their history."""

from __future__ import annotations

from mymonit.domain.alert_states import AlertState, AlertView, HistoryEntry
from mymonit.domain.errors import AdminsCannotReadMeasures, UnknownAlert
from mymonit.domain.model import Caller
from mymonit.services.access import require_measure_reader
from mymonit.services.ports import AlertReader


class AlertService:
    def __init__(self, reader: AlertReader) -> None:
        self._reader = reader

    def visible_to(self, actor: Caller, experiment_id: int | None, state: AlertState | None, after: int,
                   limit: int) -> list[AlertView]:
        """The alerts of one experiment (403 if not the caller's), or of all the caller's."""
        if experiment_id is not None:
            require_measure_reader(actor, experiment_id)
            chosen = [experiment_id]
        elif actor.is_admin:
            raise AdminsCannotReadMeasures
        else:
            chosen = [e.experiment_id for e in actor.experiments]
        return self._reader.alerts(chosen, state, after, limit) if chosen else []

    def history(self, actor: Caller, alert_id: int, before: int | None, limit: int) -> tuple[AlertView,
                                                                                             list[HistoryEntry]]:
        """An alert of another experiment answers 404, as one that does not exist."""
        if actor.is_admin:
            raise AdminsCannotReadMeasures
        alert = self._reader.by_id(alert_id)
        if alert is None or actor.associated(alert.experiment_id) is None:
            raise UnknownAlert(alert_id)
        return alert, self._reader.history(alert_id, before, limit)

    def firing(self) -> dict[tuple[int, str], int]:
        return self._reader.firing()
