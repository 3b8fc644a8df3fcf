-- Alerts (docs/design.md, Alert evaluation): the state of every (rule, series) pair, each of its
-- transitions, and the webhook notifications waiting to be delivered. New tables: nothing large
-- is touched.
CREATE TABLE IF NOT EXISTS alerts (
    alert_id     BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT,
    rule_id      INT UNSIGNED     NOT NULL,
    series_id    INT UNSIGNED     NOT NULL,
    state        ENUM('normal', 'pending', 'firing', 'resolved', 'no-data') NOT NULL DEFAULT 'normal',
    since        DATETIME(6)      NOT NULL,
    -- When the alert last began firing: a resolve notification's startsAt.
    fired_at     DATETIME(6)      NULL,
    last_value   DOUBLE           NULL,
    -- When `last_value` was seen.
    value_at     DATETIME(6)      NOT NULL,
    -- Every transition raises it; an evaluator takes one only from the version it read, so of
    -- several evaluators that decide the same transition exactly one takes it.
    version      INT UNSIGNED     NOT NULL DEFAULT 0,
    PRIMARY KEY (alert_id),
    UNIQUE KEY uq_alerts_rule_series (rule_id, series_id),
    KEY ix_alerts_state (state, alert_id),
    CONSTRAINT fk_alerts_rule FOREIGN KEY (rule_id) REFERENCES alert_rules (rule_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS alert_history (
    history_id  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    alert_id    BIGINT UNSIGNED NOT NULL,
    from_state  ENUM('normal', 'pending', 'firing', 'resolved', 'no-data') NOT NULL,
    to_state    ENUM('normal', 'pending', 'firing', 'resolved', 'no-data') NOT NULL,
    at          DATETIME(6)     NOT NULL,
    value       DOUBLE          NULL,
    PRIMARY KEY (history_id),
    KEY ix_alert_history_alert (alert_id, history_id),
    CONSTRAINT fk_alert_history_alert FOREIGN KEY (alert_id) REFERENCES alerts (alert_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: written in the transaction that takes the transition, so a notification exists if
-- and only if its transition does; kept when its rule is deleted, so it is still delivered.
CREATE TABLE IF NOT EXISTS alert_outbox (
    delivery_id     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    idempotency_key VARCHAR(64)     NOT NULL,
    url             VARCHAR(2048)   NOT NULL,
    body            MEDIUMTEXT      NOT NULL,
    created_at      DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    next_attempt_at DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    attempts        INT UNSIGNED    NOT NULL DEFAULT 0,
    last_error      VARCHAR(500)    NULL,
    delivered_at    DATETIME(6)     NULL,
    failed_at       DATETIME(6)     NULL,
    PRIMARY KEY (delivery_id),
    UNIQUE KEY uq_alert_outbox_key (idempotency_key),
    KEY ix_alert_outbox_due (delivered_at, failed_at, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
