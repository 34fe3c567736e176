-- Indexes that answer the brief's and the clusters' queries from the index alone (issue 16):
-- per cluster and period (the knelpunten: counts per wijk, sources, waits, samenloop), per
-- period and barrier (the overview), and the unclassified signals of a period.
DROP INDEX signal_barriers_cluster;
CREATE INDEX signal_barriers_cluster
    ON signal_barriers (cluster_id, observed_on, area_key, source, signal_id, wait_days);
DROP INDEX signal_barriers_observed_on;
CREATE INDEX signal_barriers_observed_on
    ON signal_barriers (observed_on, barrier, source, area_key);
CREATE INDEX signals_unclassified ON signals (observed_on) WHERE barriers = '';
-- Samenloop: the signals of a period with more than one barrier.
CREATE INDEX signals_several_barriers ON signals (observed_on, barriers) WHERE barriers LIKE '%,%';
