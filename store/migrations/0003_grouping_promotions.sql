-- Per-barrier detail of a classification, configurable cluster keys, stored promotions.

-- "barrier|wait_days|confidence;…" as the rule set produced it: replay compares it to decide
-- which signals to rewrite.
ALTER TABLE signals ADD COLUMN classification TEXT NOT NULL DEFAULT '';

-- The confidence of the match and the waiting time that belongs to this barrier.
-- @sqlite
ALTER TABLE signal_barriers ADD COLUMN confidence REAL NOT NULL DEFAULT 1;
-- @postgres
ALTER TABLE signal_barriers ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 1;
-- @end
-- The organisation key value ('' when clusters are not keyed by organisation).
ALTER TABLE signal_barriers ADD COLUMN organisation TEXT NOT NULL DEFAULT '';

-- Clusters are keyed by barrier and the configured key (area and/or organisation): the id
-- derives from them, so the (barrier, area_key) uniqueness goes.
-- @sqlite
CREATE TABLE clusters_keyed (
    id           TEXT PRIMARY KEY,
    barrier      TEXT NOT NULL,
    area_key     TEXT NOT NULL,
    area         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    signal_count BIGINT NOT NULL
);
INSERT INTO clusters_keyed (id, barrier, area_key, area, first_seen, last_seen, signal_count)
    SELECT id, barrier, area_key, area, first_seen, last_seen, signal_count FROM clusters;
DROP TABLE clusters;
ALTER TABLE clusters_keyed RENAME TO clusters;
-- @postgres
ALTER TABLE clusters DROP CONSTRAINT IF EXISTS clusters_barrier_area_key_key;
ALTER TABLE clusters ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
-- @end
CREATE INDEX clusters_barrier ON clusters (barrier);

-- Facts about the stored data itself, such as the cluster key it was grouped by.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A cluster that met its promotion criteria on a day: the reasons as JSON and in Dutch.
CREATE TABLE promotions (
    cluster_id    TEXT NOT NULL,
    evaluated_on  TEXT NOT NULL,
    barrier       TEXT NOT NULL,
    reasons       TEXT NOT NULL,
    waarom        TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (cluster_id, evaluated_on)
);
CREATE INDEX promotions_evaluated_on ON promotions (evaluated_on);

-- Every applied replay. A signal's `rules_version` is the version that produced its current
-- classification; a replay that reproduces a classification leaves the signal as it is, and
-- this table records that the whole history was checked against its version.
CREATE TABLE replays (
    version     TEXT NOT NULL,
    cluster_key TEXT NOT NULL,
    applied_at  TEXT NOT NULL,
    signals     BIGINT NOT NULL,
    changed     BIGINT NOT NULL,
    rewritten   BIGINT NOT NULL
);
