"""/alerts/: the state of every (rule, series) pair, and each one's transitions."""

from __future__ import annotations

from flask import Response

from mymonit.api.alert_schemas import (
    AlertHistoryOut,
    AlertOut,
    AlertParams,
    HistoryParams,
    alert_json,
    transition_json,
)
from mymonit.api.operations import Api, Operation, note
from mymonit.api.resources.measures import READERS
from mymonit.api.responses import NEXT_PAGE, json_response, next_page
from mymonit.audit import AuditEvent
from mymonit.domain.model import Caller
from mymonit.services.alerts import AlertService

TAG = "alerts"


def register(api: Api, alerts: AlertService) -> None:
    bp = api.blueprint("alerts")

    @api.operation(bp, Operation("GET", "/alerts/", "List alerts, e.g. those firing", TAG, query=AlertParams,
                                 response=list[AlertOut], headers=NEXT_PAGE, audit=AuditEvent.API_ALERTS_LISTED,
                                 description="One alert per rule and series it applies to, in id order. "
                                             f"Without `experiment_id`, those of all your experiments. {READERS}"))
    def list_alerts(actor: Caller, query: AlertParams) -> Response:
        found = alerts.visible_to(actor, query.experiment_id, query.state, query.after, query.limit)
        note(experiment_id=query.experiment_id, state=query.state, count=len(found))
        headers = next_page("after", str(found[-1].alert_id)) if len(found) == query.limit else {}
        return json_response([alert_json(alert) for alert in found], headers=headers)

    @api.operation(bp, Operation("GET", "/alerts/{alert_id}/history", "An alert's transitions", TAG,
                                 query=HistoryParams, response=AlertHistoryOut, headers=NEXT_PAGE,
                                 audit=AuditEvent.API_ALERT_HISTORY_READ,
                                 description=f"The alert and its transitions, newest first. {READERS}"))
    def alert_history(actor: Caller, alert_id: int, query: HistoryParams) -> Response:
        alert, transitions = alerts.history(actor, alert_id, query.before, query.limit)
        note(alert_id=alert_id, experiment_id=alert.experiment_id, rule_id=alert.rule_id, count=len(transitions))
        headers = next_page("before", str(transitions[-1].history_id)) if len(transitions) == query.limit else {}
        return json_response({"alert": alert_json(alert), "transitions": [transition_json(t) for t in transitions]},
                             headers=headers)
