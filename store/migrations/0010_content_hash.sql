-- One (source, id), one content: the hash of a stored signal's scrubbed content (observed_on,
-- area, text, themes, wait_days), so a resubmission with the same id and other content is
-- recognised and refused instead of being silently dropped. NULL for signals stored before.
ALTER TABLE signals ADD COLUMN content_hash TEXT;

-- Signals the rules engine refused because their (source, id) was already stored with other
-- content. Only who, which id and when: never the text.
CREATE TABLE id_conflicts (
    source       TEXT NOT NULL,
    signal_id    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    channel      TEXT NOT NULL,
    refused_at   TEXT NOT NULL,
    PRIMARY KEY (source, signal_id, content_hash)
);
