"""The alert evaluator (`mymonit alerts`): rules evaluated on their series every ALERT_INTERVAL,
states and transitions kept in the database, notifications delivered through an outbox
(docs/design.md, Alert evaluation)."""
