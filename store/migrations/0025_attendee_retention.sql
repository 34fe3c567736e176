-- Attendees' names are personal data (issue 13/14 digest): after `retention.attendee_months`
-- a meeting's attendees are renamed "deelnemer 1..n" (by position; their role stays), action
-- points owned by one of them follow, and the decisions stay. Each run counts the names it
-- replaced.
ALTER TABLE retention_purges ADD COLUMN attendees_anonymised BIGINT NOT NULL DEFAULT 0;
