"""The closed vocabulary of audit events and their outcomes.

An event name is `source:subject:action`: where it happened (`api`, `auth`, `ingest`,
`alerts`, `service`), what it concerned, and what was done. Adding a member here is the only way to add an
event, so dashboards and alerts can rely on the list being complete.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class AuditEvent(StrEnum):
    """Every event the service records; reads are audited as well as writes."""

    API_EXPERIMENTS_LISTED = "api:experiments:listed"
    API_EXPERIMENT_READ = "api:experiment:read"
    API_EXPERIMENT_CREATED = "api:experiment:created"
    API_EXPERIMENT_RENAMED = "api:experiment:renamed"
    API_EXPERIMENT_DELETED = "api:experiment:deleted"
    API_USERS_LISTED = "api:users:listed"
    API_USER_READ = "api:user:read"
    API_USER_CREATED = "api:user:created"
    API_USER_UPDATED = "api:user:updated"
    API_USER_ERASED = "api:user:erased"
    API_ASSOCIATIONS_LISTED = "api:associations:listed"
    API_ASSOCIATION_GRANTED = "api:association:granted"
    API_ASSOCIATION_REVOKED = "api:association:revoked"
    API_MEASURE_TYPES_LISTED = "api:measure-types:listed"
    API_MEASURES_READ = "api:measures:read"
    API_MEASURES_AGGREGATED = "api:measures:aggregated"
    API_MEASURES_EXPORTED = "api:measures:exported"
    API_SERIES_LISTED = "api:series:listed"
    API_ALERT_RULES_LISTED = "api:alert-rules:listed"
    API_ALERT_RULE_READ = "api:alert-rule:read"
    API_ALERT_RULE_CREATED = "api:alert-rule:created"
    API_ALERT_RULE_UPDATED = "api:alert-rule:updated"
    API_ALERT_RULE_DELETED = "api:alert-rule:deleted"
    API_ALERTS_LISTED = "api:alerts:listed"
    API_ALERT_HISTORY_READ = "api:alert-history:read"
    API_REQUEST_REJECTED = "api:request:rejected"
    API_REQUEST_FAILED = "api:request:failed"
    AUTH_TOKEN_REJECTED = "auth:token:rejected"  # nosec B105  # an event name, not a password
    AUTH_USER_UNREGISTERED = "auth:user:unregistered"
    AUTH_ACCESS_DENIED = "auth:access:denied"
    INGEST_BATCH_STORED = "ingest:batch:stored"
    INGEST_BATCH_FAILED = "ingest:batch:failed"
    INGEST_MESSAGE_DEAD_LETTERED = "ingest:message:dead-lettered"
    INGEST_CONSUMER_STARTED = "ingest:consumer:started"
    INGEST_CONSUMER_STOPPED = "ingest:consumer:stopped"
    ALERTS_ALERT_NORMAL = "alerts:alert:normal"
    ALERTS_ALERT_PENDING = "alerts:alert:pending"
    ALERTS_ALERT_FIRING = "alerts:alert:firing"
    ALERTS_ALERT_RESOLVED = "alerts:alert:resolved"
    ALERTS_ALERT_NO_DATA = "alerts:alert:no-data"
    ALERTS_WEBHOOK_DELIVERED = "alerts:webhook:delivered"
    ALERTS_WEBHOOK_FAILED = "alerts:webhook:failed"
    ALERTS_EVALUATOR_STARTED = "alerts:evaluator:started"
    ALERTS_EVALUATOR_STOPPED = "alerts:evaluator:stopped"
    ROLLUPS_WORKER_STARTED = "rollups:worker:started"
    ROLLUPS_WORKER_STOPPED = "rollups:worker:stopped"
    ROLLUPS_REBUILD_MARKED = "rollups:rebuild:marked"
    SERVICE_STARTED = "service:started"


@unique
class Outcome(StrEnum):
    """How an audited action ended; it also decides the log level of the record."""

    SUCCESS = "success"
    DENIED = "denied"
    REJECTED = "rejected"
    FAILED = "failed"
