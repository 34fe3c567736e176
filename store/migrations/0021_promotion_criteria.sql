-- One row per criterion a recorded promotion met, so "the clusters that spiked" is an equality
-- match on a typed column instead of a text search through the reasons' JSON.
CREATE TABLE promotion_criteria (
    cluster_id   TEXT NOT NULL,
    evaluated_on TEXT NOT NULL,
    criterion    TEXT NOT NULL CHECK (criterion IN ('frequency', 'spike', 'new', 'norm_breach')),
    PRIMARY KEY (cluster_id, evaluated_on, criterion)
);
CREATE INDEX promotion_criteria_criterion ON promotion_criteria (criterion, cluster_id);

-- The promotions recorded before: their reasons are compact JSON written by serde_json.
INSERT INTO promotion_criteria (cluster_id, evaluated_on, criterion)
SELECT cluster_id, evaluated_on, 'frequency' FROM promotions
 WHERE reasons LIKE '%"criterion":"frequency"%'
UNION ALL
SELECT cluster_id, evaluated_on, 'spike' FROM promotions
 WHERE reasons LIKE '%"criterion":"spike"%'
UNION ALL
SELECT cluster_id, evaluated_on, 'new' FROM promotions
 WHERE reasons LIKE '%"criterion":"new"%'
UNION ALL
SELECT cluster_id, evaluated_on, 'norm_breach' FROM promotions
 WHERE reasons LIKE '%"criterion":"norm_breach"%';
