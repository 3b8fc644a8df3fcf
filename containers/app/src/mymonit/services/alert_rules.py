"""Alert rules: ADMINs and the scientists associated with an experiment keep its rules."""

from __future__ import annotations

from urllib.parse import urlsplit

from mymonit.domain.alerts import AlertRule, RuleSpec
from mymonit.domain.errors import InvalidField, NotAssociated, UnknownAlertRule, UnknownExperiment
from mymonit.domain.model import Caller
from mymonit.services.access import may_keep_rules
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.ports import AlertRuleRepository, ExperimentRepository

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class AlertRuleService:
    """`local_webhooks`: whether a webhook may be plain http to this machine (development only)."""

    def __init__(self, rules: AlertRuleRepository, experiments: ExperimentRepository,
                 measure_types: MeasureTypeService, *, local_webhooks: bool) -> None:
        self._rules = rules
        self._experiments = experiments
        self._types = measure_types
        self._local_webhooks = local_webhooks

    def visible_to(self, actor: Caller, experiment_id: int | None = None) -> list[AlertRule]:
        """ADMIN: every rule. SCIENTIST: those of their experiments (403 for another's)."""
        if experiment_id is not None:
            if not may_keep_rules(actor, experiment_id):
                raise NotAssociated
            return self._rules.all([experiment_id])
        if actor.is_admin:
            return self._rules.all(None)
        return self._rules.all([e.experiment_id for e in actor.experiments])

    def get(self, actor: Caller, rule_id: int) -> AlertRule:
        """A rule of an experiment the caller may not keep answers 404, as one that does not exist."""
        rule = self._rules.by_id(rule_id)
        if rule is None or not may_keep_rules(actor, rule.spec.experiment_id):
            raise UnknownAlertRule(rule_id)
        return rule

    def create(self, actor: Caller, spec: RuleSpec) -> AlertRule:
        return self._rules.add(spec, self._checked(actor, spec), actor.user_id)

    def replace(self, actor: Caller, rule_id: int, spec: RuleSpec) -> tuple[AlertRule, AlertRule]:
        """Returns the rule before and after."""
        before = self.get(actor, rule_id)
        self._rules.replace(rule_id, spec, self._checked(actor, spec))
        return before, AlertRule(rule_id, spec, before.created_by)

    def delete(self, actor: Caller, rule_id: int) -> AlertRule:
        rule = self.get(actor, rule_id)
        self._rules.delete(rule_id)
        return rule

    def _checked(self, actor: Caller, spec: RuleSpec) -> int:
        """The rule's measure type id, once the caller may keep it and every field names what exists."""
        if not may_keep_rules(actor, spec.experiment_id):
            raise NotAssociated
        if actor.is_admin and self._experiments.by_id(spec.experiment_id) is None:
            raise UnknownExperiment(spec.experiment_id)
        type_id = self._types.names_to_ids().get(spec.measure_type)
        if type_id is None:
            raise InvalidField("measure", "no measure type has this name (GET /measure-types/ lists them)")
        if spec.webhook_url is not None and not self._webhook_allowed(spec.webhook_url):
            raise InvalidField("webhook_url", "plain http is allowed only to this machine, in development")
        return type_id

    def _webhook_allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError as error:  # e.g. a bracketed host that is no IPv6 address: https://[E]/
            raise InvalidField("webhook_url", f"not a valid URL: {error}") from error
        return parts.scheme == "https" or (self._local_webhooks and (parts.hostname or "") in LOCAL_HOSTS)
