-- Rollups (docs/design.md, Rollups): per series, the count, sum, minimum and maximum of every
-- minute and every hour, recomputed from the raw rows of exactly the minutes a committed batch
-- touched. New tables only: nothing large is touched. The measures stored before this migration
-- are marked for rolling up by its data step (`rollup_store.mark_backlog`), a loose scan of the
-- series index at READ COMMITTED.
--
-- Times are whole minutes (hours) since 1970-01-01 UTC: integer arithmetic for buckets and reads.
CREATE TABLE IF NOT EXISTS rollup_minute (
    series_id INT UNSIGNED NOT NULL,
    minute    INT UNSIGNED NOT NULL,
    n         INT UNSIGNED NOT NULL,
    total     DOUBLE       NOT NULL,
    low       DOUBLE       NOT NULL,
    high      DOUBLE       NOT NULL,
    PRIMARY KEY (series_id, minute)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS rollup_hour (
    series_id INT UNSIGNED    NOT NULL,
    hour      INT UNSIGNED    NOT NULL,
    n         BIGINT UNSIGNED NOT NULL,
    total     DOUBLE          NOT NULL,
    low       DOUBLE          NOT NULL,
    high      DOUBLE          NOT NULL,
    PRIMARY KEY (series_id, hour)
) ENGINE=InnoDB;

-- The minutes whose rollup is out of date: the consumer upserts (series, minute) in the
-- transaction that stores the measures, raising `touches`; the rollup worker deletes a row only
-- if `touches` is still what it read before recomputing, so a touch meanwhile is never lost.
CREATE TABLE IF NOT EXISTS rollup_dirty (
    series_id INT UNSIGNED NOT NULL,
    minute    INT UNSIGNED NOT NULL,
    touches   INT UNSIGNED NOT NULL DEFAULT 1,
    PRIMARY KEY (series_id, minute)
) ENGINE=InnoDB;

-- Ranges of minutes (inclusive) still to roll up wholesale: the measures stored before this
-- migration, and what `mymonit rollups rebuild` marks. Only the rollup worker shrinks them.
CREATE TABLE IF NOT EXISTS rollup_backlog (
    series_id   INT UNSIGNED NOT NULL,
    from_minute INT UNSIGNED NOT NULL,
    to_minute   INT UNSIGNED NOT NULL,
    PRIMARY KEY (series_id)
) ENGINE=InnoDB;

-- Every rollup transaction locks this row first: several workers take turns, never interleave.
CREATE TABLE IF NOT EXISTS rollup_turn (
    name VARCHAR(16) NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB;

INSERT IGNORE INTO rollup_turn (name) VALUES ('rollup');
