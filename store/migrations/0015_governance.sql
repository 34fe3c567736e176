-- Data governance (issue 15): retention purges, the processing log (Logboek
-- Dataverwerkingen) and the outbox of cluster events.

-- Every retention run that changed something: when, by whom, the cutoffs and how many rows.
CREATE TABLE retention_purges (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    run_at             TEXT NOT NULL,
    actor              TEXT NOT NULL,
    text_cutoff        TEXT NOT NULL,    -- signals observed before this date lost their text
    quarantine_cutoff  TEXT NOT NULL,
    signals_purged     BIGINT NOT NULL,
    vignettes_removed  BIGINT NOT NULL,
    quarantine_deleted BIGINT NOT NULL,
    sessions_deleted   BIGINT NOT NULL,
    tokens_deleted     BIGINT NOT NULL
);

-- The processing log, append-only: one row per action on signal data, after the Logius
-- standard "Logboek Dataverwerkingen" (trace and span ids as in W3C Trace Context, the
-- action's name, start and end, status, actor and processing activity). Never signal text.
CREATE TABLE processing_log (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    trace_id       TEXT NOT NULL,    -- 32 lower-case hex digits
    span_id        TEXT NOT NULL,    -- 16 lower-case hex digits
    parent_span_id TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,    -- the action, e.g. signaal-ontvangen
    start_time     TEXT NOT NULL,    -- RFC 3339, UTC
    end_time       TEXT NOT NULL,
    status         TEXT NOT NULL,    -- ok | error
    actor          TEXT NOT NULL,    -- a user name, a token source, or system:<component>
    activity_id    TEXT NOT NULL,    -- id in the register of processing activities
    attributes     TEXT NOT NULL     -- JSON object: ids, counts, codes; never text
);
CREATE INDEX processing_log_start ON processing_log (start_time);
CREATE INDEX processing_log_trace ON processing_log (trace_id);
CREATE INDEX processing_log_actor ON processing_log (actor, start_time);

-- Cluster events (knooppunt.clusters.v1) as produced; on Kafka they are also published, on the
-- embedded transport this table is where partners read them.
CREATE TABLE cluster_events (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    event_id    TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    kind        TEXT NOT NULL,
    cluster_id  TEXT NOT NULL,
    payload     TEXT NOT NULL,       -- the envelope as published (JSON)
    published_at TEXT
);
CREATE INDEX cluster_events_cluster ON cluster_events (cluster_id, seq);
