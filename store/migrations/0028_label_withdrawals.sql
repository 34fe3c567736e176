-- Recognition corrections in a cluster's history, and taking one back. A label keeps where it
-- was made and what it changed: cluster_id, the cluster whose page it was made on (NULL: from
-- Niet ingedeeld, or made before this version); joined_cluster, the cluster it added the signal
-- to; taken_off, the memberships it took off the signal (JSON), to put back when it is taken
-- back.
ALTER TABLE signal_labels ADD COLUMN cluster_id TEXT;
ALTER TABLE signal_labels ADD COLUMN joined_cluster TEXT;
ALTER TABLE signal_labels ADD COLUMN taken_off TEXT;
CREATE INDEX signal_labels_cluster ON signal_labels (cluster_id);
CREATE INDEX signal_labels_joined ON signal_labels (joined_cluster);
-- Labels stay append-only: taking one back (the same Dutch day, the last in force on its
-- signal) is an entry of its own, and every read of the labels in force (replay, training,
-- the measure, the Niet ingedeeld queue) skips the label.
CREATE TABLE label_withdrawals (
-- @sqlite
    label_seq    INTEGER PRIMARY KEY REFERENCES signal_labels (seq),
-- @postgres
    label_seq    BIGINT PRIMARY KEY REFERENCES signal_labels (seq),
-- @end
    actor        TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL
);
