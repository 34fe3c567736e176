//! Checks of values that are well-typed but wrong, all listed at once.

use super::{Config, ConfigErrors, TransportKind};

impl Config {
    /// Checks values that are well-typed but wrong, all at once (in the order of the checks).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        self.check_intake_limits(&mut errors);
        self.check_web(&mut errors);
        self.check_intake_batch_and_register(&mut errors);
        self.check_store(&mut errors);
        self.check_engine(&mut errors);
        self.check_reports_and_governance(&mut errors);
        self.check_kafka(&mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The intake's listener, body size, timeouts and connection limit.
    fn check_intake_limits(&self, errors: &mut Vec<String>) {
        if self.intake.listen.parse::<std::net::SocketAddr>().is_err() {
            errors.push(format!(
                "intake.listen: '{}' is geen adres met poort, zoals 127.0.0.1:8080",
                self.intake.listen
            ));
        }
        if self.intake.max_body_bytes < 1024 {
            errors.push("intake.max_body_bytes: moet minstens 1024 zijn".into());
        }
        for (key, value) in [
            (
                "intake.header_timeout_secs",
                self.intake.header_timeout_secs,
            ),
            ("intake.body_timeout_secs", self.intake.body_timeout_secs),
            (
                "intake.request_timeout_secs",
                self.intake.request_timeout_secs,
            ),
            ("intake.max_connections", self.intake.max_connections as u64),
        ] {
            if value == 0 {
                errors.push(format!("{key}: moet minstens 1 zijn"));
            }
        }
    }

    /// The website's operations listener, client address header, session terms and theme file.
    fn check_web(&self, errors: &mut Vec<String>) {
        if !optional_address(&self.web.ops_listen) {
            errors.push(format!(
                "web.ops_listen: '{}' is geen adres met poort (bijvoorbeeld 127.0.0.1:9464)",
                self.web.ops_listen
            ));
        }
        let header = self.web.client_ip_header.trim();
        if !header.is_empty() && axum::http::HeaderName::try_from(header).is_err() {
            errors.push(format!(
                "web.client_ip_header: '{header}' is geen geldige kopregelnaam"
            ));
        }
        if self.web.session_hours < 1 || self.web.idle_minutes < 1 {
            errors.push("web.session_hours en web.idle_minutes: moeten minstens 1 zijn".into());
        }
        if let Err(theme) = self.web.theme() {
            errors.push(theme);
        }
    }

    /// The intake's batch size and its register of areas and sources.
    fn check_intake_batch_and_register(&self, errors: &mut Vec<String>) {
        if self.intake.max_batch == 0 {
            errors.push("intake.max_batch: moet minstens 1 zijn".into());
        }
        if let Err(problems) = self.intake.register.load() {
            errors.extend(problems);
        }
    }

    /// The database URL and pool size.
    fn check_store(&self, errors: &mut Vec<String>) {
        if knooppunt_store::Backend::from_url(&self.store.url).is_err() {
            errors.push("store.url: moet beginnen met sqlite:// of postgres://".into());
        }
        if self.store.max_connections == 0 {
            errors.push("store.max_connections: moet minstens 1 zijn".into());
        }
    }

    /// The engine's batch size, metrics listener and promotion interval.
    fn check_engine(&self, errors: &mut Vec<String>) {
        if self.engine.batch_size == 0 {
            errors.push("engine.batch_size: moet minstens 1 zijn".into());
        }
        if !optional_address(&self.engine.metrics_listen) {
            errors.push(format!(
                "engine.metrics_listen: '{}' is geen adres (bijvoorbeeld 0.0.0.0:9091)",
                self.engine.metrics_listen
            ));
        }
        if self.engine.promotion_interval_secs == 0 {
            errors.push("engine.promotion_interval_secs: moet minstens 1 zijn".into());
        }
    }

    /// Brief templates, retention, the processing log's register, the events topic and the brief's minimum group size.
    fn check_reports_and_governance(&self, errors: &mut Vec<String>) {
        if let Some(dir) = self.brief.templates() {
            if !dir.is_dir() {
                errors.push(format!(
                    "brief.templates_dir: map {} bestaat niet",
                    dir.display()
                ));
            }
        }
        for dir in self.brief.named_note_dirs().iter().filter(|d| !d.is_dir()) {
            errors.push(format!(
                "brief.notes_dirs: map {} bestaat niet (de eigen notities waarop de herkenning \
                 voor de brief wordt gemeten)",
                dir.display()
            ));
        }
        if self.retention.text_months == 0 {
            errors.push("retention.text_months: moet minstens 1 zijn".into());
        }
        if self.retention.attendee_months == 0 {
            errors.push("retention.attendee_months: moet minstens 1 zijn".into());
        }
        if let Err(register) =
            knooppunt_domain::processing_log::Register::from_config(&self.processing_log.activities)
        {
            errors.extend(register);
        }
        if self.events.topic.trim().is_empty() {
            errors.push("events.topic: leeg".into());
        }
        if self.brief.min_group_size < 1 {
            errors.push("brief.min_group_size: moet minstens 1 zijn".into());
        }
    }

    /// The Kafka settings, when Kafka is the transport.
    fn check_kafka(&self, errors: &mut Vec<String>) {
        if self.transport.kind == TransportKind::Kafka {
            let k = &self.kafka;
            if k.brokers.trim().is_empty() {
                errors.push("kafka.brokers: leeg, terwijl transport.kind = \"kafka\"".into());
            }
            if k.signals_topic == k.dead_letter_topic {
                errors.push(
                    "kafka.dead_letter_topic: moet anders zijn dan kafka.signals_topic".into(),
                );
            }
            if k.partitions < 1 || k.replication_factor < 1 {
                errors.push(
                    "kafka.partitions en kafka.replication_factor: moeten minstens 1 zijn".into(),
                );
            }
            if k.min_insync_replicas < 1 || k.min_insync_replicas > k.replication_factor {
                errors.push(format!(
                "kafka.min_insync_replicas: moet tussen 1 en kafka.replication_factor ({}) liggen",
                k.replication_factor
            ));
            }
            if k.retention_ms < 1 || k.dead_letter_retention_ms < 1 {
                errors.push(
                "kafka.retention_ms en kafka.dead_letter_retention_ms: moeten groter dan 0 zijn (milliseconden)"
                    .into(),
            );
            }
        }
    }
}

/// Empty, or an address with a port.
fn optional_address(value: &str) -> bool {
    let value = value.trim();
    value.is_empty() || value.parse::<std::net::SocketAddr>().is_ok()
}
