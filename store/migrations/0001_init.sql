-- Signals as the rules engine stored them: scrubbed text, classification, provenance.
-- @sqlite
-- Dates are ISO-8601 text ('2026-09-14'), compared as text; both backends store them alike.
-- @postgres
-- Dates are ISO-8601 text, as in the SQLite schema, so one set of queries serves both backends.
-- @end
CREATE TABLE signals (
    source        TEXT NOT NULL,
    id            TEXT NOT NULL,
    observed_on   TEXT NOT NULL,
    area          TEXT NOT NULL,
    area_key      TEXT NOT NULL,
    text          TEXT NOT NULL,
    themes        TEXT NOT NULL,          -- comma separated theme ids
    organisation  TEXT,
    wait_days     BIGINT,
    barriers      TEXT NOT NULL,          -- comma separated barrier ids; '' = unclassified
    rules_version TEXT NOT NULL,
    channel       TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    stored_at     TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX signals_observed_on ON signals (observed_on);

-- One row per (signal, barrier): what clusters and briefs count.
CREATE TABLE signal_barriers (
    source      TEXT NOT NULL,
    signal_id   TEXT NOT NULL,
    barrier     TEXT NOT NULL,
    cluster_id  TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    area_key    TEXT NOT NULL,
    wait_days   BIGINT,
    PRIMARY KEY (source, signal_id, barrier)
);
CREATE INDEX signal_barriers_observed_on ON signal_barriers (observed_on, barrier);
CREATE INDEX signal_barriers_cluster ON signal_barriers (cluster_id);

-- A recurring barrier, keyed by barrier and area (the first grouping key).
CREATE TABLE clusters (
    id           TEXT PRIMARY KEY,
    barrier      TEXT NOT NULL,
    area_key     TEXT NOT NULL,
    area         TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    signal_count BIGINT NOT NULL,
    UNIQUE (barrier, area_key)
);
