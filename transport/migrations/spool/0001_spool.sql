-- The embedded transport: a durable queue between intake and the rules engine in one process.
-- A row is written (and fsync'ed) before intake acknowledges the signal, and deleted only after
-- the rules engine has committed it to the store: at-least-once, like Kafka offsets.
CREATE TABLE spool (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    partition_key TEXT NOT NULL,
    payload     BLOB NOT NULL,
    enqueued_at TEXT NOT NULL
);

-- Messages the engine could not decode. Like the Kafka dead-letter topic, the payload is not
-- kept (it may hold personal data): only where it was, when, and why.
CREATE TABLE dead_letters (
    seq         INTEGER PRIMARY KEY,
    reason      TEXT NOT NULL,
    dead_at     TEXT NOT NULL
);
