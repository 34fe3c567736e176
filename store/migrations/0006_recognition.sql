-- How each barrier on a signal was found (issue 11): 'regel' (a rule; which pattern), 'model'
-- (the learned classifier; its calibrated probability and the terms that weighed most) or
-- 'overleg' (a reviewer's label). Rows from before are rule matches.
ALTER TABLE signal_barriers ADD COLUMN found_by TEXT NOT NULL DEFAULT 'regel';
ALTER TABLE signal_barriers ADD COLUMN rule TEXT;
-- @sqlite
ALTER TABLE signal_barriers ADD COLUMN model_score REAL;
-- @postgres
ALTER TABLE signal_barriers ADD COLUMN model_score DOUBLE PRECISION;
-- @end
-- A JSON array of terms.
ALTER TABLE signal_barriers ADD COLUMN model_terms TEXT;

-- The version of the model that took part in a signal's classification (NULL: rules alone).
ALTER TABLE signals ADD COLUMN model_version TEXT;
