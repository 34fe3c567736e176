-- The brief's remaining figures answered from indexes alone (issue 16): the sources per wijk
-- of a period (coverage) read `source` and `area` of the signals by `observed_on`, and the
-- knelpunten's samenloop reads each selected cluster's `barrier` beside its signals.
DROP INDEX signals_observed_on;
CREATE INDEX signals_observed_on ON signals (observed_on, source, area);
DROP INDEX signal_barriers_cluster;
CREATE INDEX signal_barriers_cluster
    ON signal_barriers (cluster_id, observed_on, area_key, source, signal_id, wait_days, barrier);
