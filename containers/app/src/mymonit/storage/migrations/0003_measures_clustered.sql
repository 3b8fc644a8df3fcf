-- Measures clustered by (experiment_id, ts, dedup_key), the order every read wants.
--
-- The primary key is also the dedup constraint and the experiment's time index, so an insert
-- maintains two B-trees instead of five (id, a random 16-byte UNIQUE key, two covering indexes
-- and the measure-type foreign key's index) and appends to the end of each experiment's range.
-- The dedup key shrinks to 64 bits: it only has to tell apart the measures of one experiment
-- stamped with the same microsecond. The old keys convert by truncation (domain/dedup.py), so a
-- message redelivered across the upgrade is still recognised.
--
-- measure_types is reference data the migrations seed and nothing deletes; its foreign key is
-- dropped because it cost an index of its own on every insert. The experiment's foreign key
-- stays: the primary key's first column serves it.
ALTER TABLE measures DROP FOREIGN KEY fk_measures_experiment, DROP FOREIGN KEY fk_measures_type;

CREATE TABLE measures_clustered (
    experiment_id INT UNSIGNED      NOT NULL,
    ts            DATETIME(6)       NOT NULL,
    dedup_key     BIGINT UNSIGNED   NOT NULL,
    type_id       SMALLINT UNSIGNED NOT NULL,
    value         DOUBLE            NOT NULL,
    PRIMARY KEY (experiment_id, ts, dedup_key),
    -- Covering and in cursor order for the pages and aggregates of one measure type.
    KEY ix_measures_experiment_type_ts (experiment_id, type_id, ts, dedup_key, value),
    CONSTRAINT fk_measures_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Best run with the consumers stopped (the queue keeps the measures meanwhile). A consumer left
-- running loses nothing either: what it stores during the copy is copied after the swap, and
-- an old consumer's insert into the new table fails, so its messages are dead-lettered with the
-- reason, for `mymonit dead-letters replay` once the new version runs.
SET @copied_up_to = (SELECT COALESCE(MAX(id), 0) FROM measures);

INSERT INTO measures_clustered (experiment_id, ts, dedup_key, type_id, value)
    SELECT experiment_id, ts, CAST(CONV(HEX(LEFT(dedup_key, 8)), 16, 10) AS UNSIGNED), type_id, value
    FROM measures WHERE id <= @copied_up_to ORDER BY experiment_id, ts;

RENAME TABLE measures TO measures_0002, measures_clustered TO measures;

INSERT IGNORE INTO measures (experiment_id, ts, dedup_key, type_id, value)
    SELECT experiment_id, ts, CAST(CONV(HEX(LEFT(dedup_key, 8)), 16, 10) AS UNSIGNED), type_id, value
    FROM measures_0002 WHERE id > @copied_up_to;

DROP TABLE measures_0002;
