-- A vignette in the overleg's own words: the approved text shortened or rewritten (an age, an
-- origin or a street taken out) before it goes in the brief. NULL: the signal's scrubbed text
-- as it stands. Removed with the vignette when its signal's text is purged.
ALTER TABLE vignettes ADD COLUMN edited_text TEXT;
