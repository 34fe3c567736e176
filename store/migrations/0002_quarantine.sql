-- Signals refused because they were (still) mostly personal data when they reached the rules
-- engine. Their text is never stored: only who sent them, which kinds were found, and when.
CREATE TABLE quarantine (
    source         TEXT NOT NULL,
    signal_id      TEXT NOT NULL,
    kinds          TEXT NOT NULL,     -- comma separated: bsn, iban, naam, ...
    reason         TEXT NOT NULL,
    channel        TEXT NOT NULL,
    quarantined_at TEXT NOT NULL,
    PRIMARY KEY (source, signal_id)
);
