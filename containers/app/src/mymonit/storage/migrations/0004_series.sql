-- Series (docs/design.md, Series): a measure belongs to one series of its experiment, told apart
-- by its measure type, sensor and tags; a measure without labels to its type's default series.
--
-- Safe on a large measures table with consumers running: the column is added instantly (no
-- copy), the index is built online (inserts go on meanwhile), and the existing measures are then
-- moved into their default series by `series_backfill` in short transactions, resumable. Every
-- statement here may run again after an interrupted upgrade.
CREATE TABLE IF NOT EXISTS series (
    series_id     INT UNSIGNED      NOT NULL AUTO_INCREMENT,
    experiment_id INT UNSIGNED      NOT NULL,
    type_id       SMALLINT UNSIGNED NOT NULL,
    -- NULL: no sensor. The tags as canonical JSON (sorted keys), '{}' for none.
    sensor        VARCHAR(128)      NULL,
    tags          VARCHAR(2400)     NOT NULL DEFAULT '{}',
    -- SHA-256 of (experiment, type, sensor, tags), truncated: tags are too long for a unique key.
    identity_hash BINARY(16)        NOT NULL,
    created_at    DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (series_id),
    UNIQUE KEY uq_series_identity (identity_hash),
    KEY ix_series_experiment_type (experiment_id, type_id),
    CONSTRAINT fk_series_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 0: not yet moved into its series (only rows stored before this migration, until the backfill
-- has run, and those an older consumer stores during a rolling upgrade).
ALTER TABLE measures ADD COLUMN IF NOT EXISTS series_id INT UNSIGNED NOT NULL DEFAULT 0, ALGORITHM=INSTANT;

-- One series' range is a range scan of this index, covering for pages and aggregates.
ALTER TABLE measures ADD INDEX IF NOT EXISTS ix_measures_series_ts (series_id, ts, dedup_key, value),
    ALGORITHM=INPLACE, LOCK=NONE;

-- The default series of every (experiment, measure type) that holds measures (a loose scan of the
-- type index). The identity hash is `mymonit.domain.series.identity_hash` of empty labels.
INSERT IGNORE INTO series (experiment_id, type_id, sensor, tags, identity_hash)
    SELECT experiment_id, type_id, NULL, '{}',
           UNHEX(LEFT(SHA2(CONCAT(experiment_id, 0x1f, type_id, 0x1f, 0x1f, '{}'), 256), 32))
    FROM (SELECT DISTINCT experiment_id, type_id FROM measures) AS present;
