-- Published briefs in versions (issue 13): a published brief is corrected only by a
-- rectificatie, a new version beside the original. Version 1 is the original publication
-- (its row in brief_snapshots stays as it was published); versions 2, 3, … are
-- rectificaties with their reason. Rows are only ever added.
CREATE TABLE brief_versions (
    quarter       TEXT NOT NULL,
    programme     TEXT NOT NULL,   -- '' for the whole brief
    version       BIGINT NOT NULL,
    published_at  TEXT NOT NULL,   -- RFC 3339, UTC
    published_by  TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    reason        TEXT NOT NULL,   -- why it was rectified; '' for the original
    figures       TEXT NOT NULL,   -- JSON: the figures exactly as published (after suppression)
    counts        TEXT NOT NULL,   -- JSON: the counts behind them, for the joint disclosure
                                   -- audit and the list of changes; never shown
    PRIMARY KEY (quarter, programme, version)
);
