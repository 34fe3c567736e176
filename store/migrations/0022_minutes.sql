-- The meeting's decisions list (issue 14): who attended, the action points agreed, and
-- decisions taken back during the meeting. Attendees are the professionals at the table: a
-- name and a role or organisation, nothing more (no contact details).
CREATE TABLE meeting_attendees (
    meeting_on TEXT NOT NULL REFERENCES meetings (meeting_on),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (meeting_on, position)
);

-- What was agreed, who does it and by when (a due date, ISO).
CREATE TABLE meeting_action_points (
    meeting_on TEXT NOT NULL REFERENCES meetings (meeting_on),
    position   INTEGER NOT NULL,
    what       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    PRIMARY KEY (meeting_on, position)
);

-- The history stays append-only: an undo is its own entry naming the decision it reverses and
-- the state the cluster is back in; the reversed decision stays, marked by this row.
CREATE TABLE decision_reversals (
-- @sqlite
    reversed_seq INTEGER PRIMARY KEY REFERENCES cluster_decisions (seq),
-- @postgres
    reversed_seq BIGINT PRIMARY KEY REFERENCES cluster_decisions (seq),
-- @end
    cluster_id   TEXT NOT NULL,
    state_back   TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reversed_at  TEXT NOT NULL
);
CREATE INDEX decision_reversals_cluster ON decision_reversals (cluster_id);
