-- A measure type's reads go through its series (docs/design.md, Series): every measure is in one
-- series of one type, so the series index, carrying the type too, serves a type's pages (merging
-- the ranges of its few series) and aggregates. The type index is then a third index that every
-- insert pays for and no read needs: it goes, and ingest stores a row with two indexes again.
--
-- One statement, online: inserts go on while the series index is rebuilt with the type, and it
-- keeps its name, so readers of the previous release (which force it for sensor and tag reads) are
-- served throughout. Those readers also force the dropped type index for `?measure=` reads: they
-- answer those with an error until they are restarted on this release (docs/deployment.md,
-- Production notes). Re-runnable: an interrupted ALTER leaves the table as it was.
ALTER TABLE measures
    DROP INDEX IF EXISTS ix_measures_series_ts,
    ADD INDEX ix_measures_series_ts (series_id, ts, dedup_key, type_id, value),
    DROP INDEX IF EXISTS ix_measures_experiment_type_ts,
    ALGORITHM=INPLACE, LOCK=NONE;
