-- The teams' loop and a complete beheer (issue 14).

-- A werkroute: a workaround or contact the overleg approved for a knelpunt, shown to a team
-- the moment it reports a signal that matches the confirmed knelpunt. One per cluster; the
-- text was checked for personal data before it got here.
CREATE TABLE werkroutes (
    cluster_id  TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    approved_by TEXT NOT NULL,       -- the overleg member's account name
    approved_at TEXT NOT NULL        -- RFC 3339, UTC
);

-- Every change of a werkroute, append-only: set, changed (the new text) or removed ('').
CREATE TABLE werkroute_changes (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    cluster_id TEXT NOT NULL,
    text       TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX werkroute_changes_cluster ON werkroute_changes (cluster_id, seq);

-- A password a beheerder reset must be changed at the next sign-in (1) before anything else.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;

-- The SHA-256 of ("name", account name) beside a (name, client) failure row, so a beheerder
-- can unlock a name on every client at once; still no typed name or address is stored.
ALTER TABLE sign_in_failures ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_name ON sign_in_failures (name_key);
