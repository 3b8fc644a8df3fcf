"""/alert-rules/: ADMINs and the scientists associated with an experiment keep its alert rules."""

from __future__ import annotations

from flask import Response

from mymonit.api.alert_schemas import AlertRuleIn, AlertRuleOut, AlertRuleParams, rule_json
from mymonit.api.operations import Api, Operation, note
from mymonit.api.responses import created, json_response, no_content
from mymonit.audit import AuditEvent
from mymonit.domain.alerts import AlertRule
from mymonit.domain.model import Caller
from mymonit.services.alert_rules import AlertRuleService

TAG = "alert rules"
WHO = "ADMINs, and the SCIENTISTs associated with the rule's experiment."


def _noted(rule: AlertRule) -> None:
    note(rule_id=rule.rule_id, experiment_id=rule.spec.experiment_id, rule=rule.spec.name)


def register(api: Api, rules: AlertRuleService) -> None:
    bp = api.blueprint("alert_rules")

    @api.operation(bp, Operation("GET", "/alert-rules/", "List the alert rules you keep", TAG,
                                 query=AlertRuleParams, response=list[AlertRuleOut],
                                 audit=AuditEvent.API_ALERT_RULES_LISTED,
                                 description=f"{WHO} `experiment_id=` lists one experiment's (403 if not yours)."))
    def list_rules(actor: Caller, query: AlertRuleParams) -> Response:
        found = rules.visible_to(actor, query.experiment_id)
        note(experiment_id=query.experiment_id, count=len(found))
        return json_response([rule_json(rule) for rule in found])

    @api.operation(bp, Operation("GET", "/alert-rules/{rule_id}", "Read an alert rule", TAG, response=AlertRuleOut,
                                 audit=AuditEvent.API_ALERT_RULE_READ, description=WHO))
    def get_rule(actor: Caller, rule_id: int) -> Response:
        rule = rules.get(actor, rule_id)
        _noted(rule)
        return json_response(rule_json(rule))

    @api.operation(bp, Operation("POST", "/alert-rules/", "Define an alert rule", TAG, body=AlertRuleIn,
                                 response=AlertRuleOut, status=201, errors=(404, 409),
                                 audit=AuditEvent.API_ALERT_RULE_CREATED,
                                 description=f"{WHO} 409 when the experiment has a rule of this name."))
    def create_rule(actor: Caller, body: AlertRuleIn) -> Response:
        rule = rules.create(actor, body.spec())
        _noted(rule)
        return created(rule_json(rule), f"/alert-rules/{rule.rule_id}")

    @api.operation(bp, Operation("PUT", "/alert-rules/{rule_id}", "Redefine an alert rule", TAG, body=AlertRuleIn,
                                 response=AlertRuleOut, errors=(409,), audit=AuditEvent.API_ALERT_RULE_UPDATED,
                                 description=f"{WHO} The whole rule is replaced."))
    def replace_rule(actor: Caller, rule_id: int, body: AlertRuleIn) -> Response:
        before, after = rules.replace(actor, rule_id, body.spec())
        _noted(after)
        note(before={"experiment_id": before.spec.experiment_id, "rule": before.spec.name})
        return json_response(rule_json(after))

    @api.operation(bp, Operation("DELETE", "/alert-rules/{rule_id}", "Delete an alert rule", TAG, status=204,
                                 audit=AuditEvent.API_ALERT_RULE_DELETED, description=WHO))
    def delete_rule(actor: Caller, rule_id: int) -> Response:
        _noted(rules.delete(actor, rule_id))
        return no_content()
