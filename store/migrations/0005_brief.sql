-- Vignettes the overleg approved for the brief, published briefs, and manual splits.

-- A scrubbed signal text a reviewer approved as a vignette of a knelpunt in the brief.
CREATE TABLE vignettes (
    cluster_id  TEXT NOT NULL,
    source      TEXT NOT NULL,
    signal_id   TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (cluster_id, source, signal_id)
);

-- A published brief, frozen: the figures exactly as published (after suppression), so the
-- next quarter compares against what was published, not against today's recount.
CREATE TABLE brief_snapshots (
    quarter       TEXT NOT NULL,
    programme     TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    figures       TEXT NOT NULL,
    PRIMARY KEY (quarter, programme)
);

-- Signals the overleg split off into a cluster of their own (splitsen). Replay keeps them
-- there; new signals join the cluster their key gives.
CREATE TABLE cluster_overrides (
    source     TEXT NOT NULL,
    signal_id  TEXT NOT NULL,
    barrier    TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    PRIMARY KEY (source, signal_id, barrier)
);
