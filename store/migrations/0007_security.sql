-- Sign-in throttling, shared by every process on this database and kept across restarts.
-- One row per key: the SHA-256 of ("pair", account name, client) or of ("client", client),
-- so neither a typed name nor an address is stored. A window starts at its first failure
-- (unix seconds); rows of past windows are deleted when the next failure is recorded.
CREATE TABLE sign_in_failures (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_window ON sign_in_failures (window_start);

-- Idle timeout: when the session last made a request (unix seconds).
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
