-- Alert rules (docs/design.md, Alert rules): a threshold on one measure type of one experiment,
-- optionally narrowed to a sensor and tags. A new table: nothing large is touched.
CREATE TABLE IF NOT EXISTS alert_rules (
    rule_id         INT UNSIGNED      NOT NULL AUTO_INCREMENT,
    experiment_id   INT UNSIGNED      NOT NULL,
    type_id         SMALLINT UNSIGNED NOT NULL,
    name            VARCHAR(255)      NOT NULL,
    -- The selector: NULL, no sensor chosen; the tags as canonical JSON (sorted keys), '{}' for none.
    sensor          VARCHAR(128)      COLLATE utf8mb4_bin NULL,
    tags            VARCHAR(2400)     COLLATE utf8mb4_bin NOT NULL DEFAULT '{}',
    statistic       ENUM('last', 'mean', 'min', 'max') NOT NULL,
    comparison      ENUM('above', 'below')             NOT NULL,
    threshold       DOUBLE            NOT NULL,
    clear_threshold DOUBLE            NOT NULL,
    window_seconds  INT UNSIGNED      NOT NULL,
    for_seconds     INT UNSIGNED      NOT NULL,
    no_data_seconds INT UNSIGNED      NULL,
    severity        ENUM('info', 'warning', 'critical') NOT NULL,
    webhook_url     VARCHAR(2048)     NULL,
    created_by      VARCHAR(30)       NOT NULL,
    created_at      DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (rule_id),
    UNIQUE KEY uq_alert_rules_name (experiment_id, name),
    CONSTRAINT fk_alert_rules_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
        ON DELETE CASCADE,
    CONSTRAINT fk_alert_rules_type FOREIGN KEY (type_id) REFERENCES measure_types (type_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
