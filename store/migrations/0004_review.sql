-- The signaleringsoverleg's review: accounts, sessions, partner API tokens, decisions.

-- Accounts. role: indiener | overleg | gemeente | beheer. An indiener submits as, and sees
-- the signals of, one source (team or partner); an overleg member reviews the clusters of
-- the listed area keys ('' = every area).
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    areas         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

-- Sign-in sessions; the cookie holds the token, the database only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Partner API tokens: shown once, stored as SHA-256, revocable.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    source     TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Every decision on a cluster, append-only: who, when, what, why, and the state after it.
CREATE TABLE cluster_decisions (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    cluster_id   TEXT NOT NULL,
    action       TEXT NOT NULL,
    state_after  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    details      TEXT NOT NULL,
    signal_count BIGINT NOT NULL,
    decided_at   TEXT NOT NULL
);
CREATE INDEX cluster_decisions_cluster ON cluster_decisions (cluster_id, seq);

-- Meetings of the signaleringsoverleg; the agenda covers what was promoted since the last.
CREATE TABLE meetings (
    meeting_on TEXT PRIMARY KEY,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
