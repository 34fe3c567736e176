-- The overleg's labels on recognition (issue 11), append-only: who, when, which signal, which
-- barrier and the verdict: 'hoort-erbij' (the barrier belongs on the signal), 'hoort-er-niet-bij'
-- (it does not) or 'geen-barriere' (the signal shows no barrier; barrier is ''). The latest
-- label per (signal, barrier) holds; replays apply it after re-classifying.
CREATE TABLE signal_labels (
-- @sqlite
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
-- @postgres
    seq BIGSERIAL PRIMARY KEY,
-- @end
    source     TEXT NOT NULL,
    signal_id  TEXT NOT NULL,
    barrier    TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    actor      TEXT NOT NULL,
    labelled_at TEXT NOT NULL
);
CREATE INDEX signal_labels_signal ON signal_labels (source, signal_id, seq);
