//! Configuration: built-in defaults → `--config FILE` → `KNOOPPUNT__SECTION__KEY` variables.
//!
//! The defaults live in `src/default.toml`, which documents every key. Loading lists *every*
//! problem at once (unknown keys, wrong types, inconsistent values) instead of the first.

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Value};
use figment::Figment;
use knooppunt_transport::kafka::KafkaSettings;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

pub const DEFAULTS: &str = include_str!("default.toml");
pub const ENV_PREFIX: &str = "KNOOPPUNT__";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSettings {
    pub listen: String,
    pub max_body_bytes: usize,
    pub max_batch: usize,
    /// Whether `POST /api/v1/signals` needs a partner API token.
    pub require_token: RequireToken,
    /// Seconds a client may take to send the request line and headers (also: idle time of a
    /// kept-alive connection).
    pub header_timeout_secs: u64,
    /// Seconds a client may take to send the request body.
    pub body_timeout_secs: u64,
    /// Seconds a request may take as a whole, answer included (a PDF brief takes a few).
    pub request_timeout_secs: u64,
    /// Open connections at most; further clients wait until one closes.
    pub max_connections: usize,
    /// The register of areas and sources signals are mapped to.
    #[serde(default)]
    pub register: RegisterSettings,
}

impl IntakeSettings {
    /// Whether submissions need a partner token: always, never, or (`"auto"`) whenever the
    /// API listens on more than the loopback interface.
    pub fn tokens_required(&self) -> bool {
        match self.require_token {
            RequireToken::Always => true,
            RequireToken::Never => false,
            RequireToken::Auto => !self
                .listen
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|a| a.ip().is_loopback()),
        }
    }

    /// The listener's timeouts and connection limit.
    pub fn server_limits(&self) -> crate::server::ServerLimits {
        use std::time::Duration;
        crate::server::ServerLimits {
            header_read: Duration::from_secs(self.header_timeout_secs),
            body: Duration::from_secs(self.body_timeout_secs),
            request: Duration::from_secs(self.request_timeout_secs),
            max_connections: self.max_connections,
        }
    }
}

/// `intake.require_token`: `true`, `false` or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequireToken {
    Always,
    Never,
    /// Required unless the API listens on loopback only.
    Auto,
}

impl Serialize for RequireToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequireToken::Always => serializer.serialize_bool(true),
            RequireToken::Never => serializer.serialize_bool(false),
            RequireToken::Auto => serializer.serialize_str("auto"),
        }
    }
}

impl<'de> Deserialize<'de> for RequireToken {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Word(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Flag(true) => Ok(RequireToken::Always),
            Raw::Flag(false) => Ok(RequireToken::Never),
            Raw::Word(word) if word.eq_ignore_ascii_case("auto") => Ok(RequireToken::Auto),
            Raw::Word(_) => Err(serde::de::Error::custom("verwacht true, false of \"auto\"")),
        }
    }
}

/// `[intake.register]`: the municipality's own register files, or the built-in one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterSettings {
    /// Areas as a CSV in the format of CBS' "Wijk- en buurtcodes"; empty: built-in.
    #[serde(default)]
    pub areas_file: String,
    /// Sources (code;naam;aliassen); empty: built-in.
    #[serde(default)]
    pub sources_file: String,
    /// "refuse" (default) or "accept" a source the register does not list.
    #[serde(default)]
    pub unknown_sources: knooppunt_ingest::register::UnknownSources,
}

impl RegisterSettings {
    /// Reads the configured register (the built-in files for an empty path), listing every
    /// problem.
    pub fn load(&self) -> Result<knooppunt_ingest::register::Register, Vec<String>> {
        use knooppunt_ingest::register::{builtin_with, Register};
        if self.areas_file.trim().is_empty() && self.sources_file.trim().is_empty() {
            return Ok(builtin_with(self.unknown_sources));
        }
        let read = |key: &str, path: &str, builtin: &'static str| -> Result<String, String> {
            if path.trim().is_empty() {
                return Ok(builtin.to_string());
            }
            std::fs::read_to_string(path.trim())
                .map_err(|e| format!("intake.register.{key}: {path} kan niet worden gelezen: {e}"))
        };
        let areas = read(
            "areas_file",
            &self.areas_file,
            knooppunt_ingest::register::BUILTIN_AREAS,
        );
        let sources = read(
            "sources_file",
            &self.sources_file,
            knooppunt_ingest::register::BUILTIN_SOURCES,
        );
        match (areas, sources) {
            (Ok(areas), Ok(sources)) => Register::from_csv(&areas, &sources, self.unknown_sources)
                .map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|e| format!("intake.register: {e}"))
                        .collect()
                }),
            (areas, sources) => Err([areas.err(), sources.err()].into_iter().flatten().collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    Embedded,
    Kafka,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportSettings {
    pub kind: TransportKind,
    pub spool: PathBuf,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    pub url: String,
    pub max_connections: u32,
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSettings")
            .field("url", &mask_password(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSettings {
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineSettings {
    pub batch_size: usize,
    /// Seconds between evaluations of the promotion criteria (stored for the agenda).
    pub promotion_interval_secs: u64,
    /// Where `knooppunt engine` serves /metrics and /healthz; empty: not at all. (`serve`
    /// has them on the intake's listener.)
    #[serde(default)]
    pub metrics_listen: String,
    /// Seconds without progress while messages wait after which `/healthz` of the engine
    /// reports it unhealthy.
    #[serde(default = "default_stall_after_secs")]
    pub stall_after_secs: u64,
}

fn default_stall_after_secs() -> u64 {
    120
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefSettings {
    pub min_group_size: i64,
    /// Wijk → wider area (stadsdeel): a small wijk is published as part of its wider area.
    #[serde(default)]
    pub wider_areas: std::collections::BTreeMap<String, String>,
    /// A directory with replacement templates (brief.html.hbs, brief.md.hbs, agenda.html.hbs,
    /// agenda.md.hbs); empty: the built-in ones.
    #[serde(default)]
    pub templates_dir: String,
    /// The cover of the brief: to whom it is addressed and who sends it.
    #[serde(default)]
    pub addressee: String,
    #[serde(default)]
    pub sender: String,
}

impl BriefSettings {
    /// The cover's addressee and sender, for [`knooppunt_reports::Brief::set_cover`].
    pub fn cover(&self) -> knooppunt_reports::Cover {
        knooppunt_reports::Cover {
            addressee: self.addressee.trim().to_string(),
            sender: self.sender.trim().to_string(),
        }
    }

    pub fn templates(&self) -> Option<std::path::PathBuf> {
        let dir = self.templates_dir.trim();
        (!dir.is_empty()).then(|| std::path::PathBuf::from(dir))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// Sign-in cookies only over HTTPS (browsers also accept them on localhost).
    pub secure_cookies: bool,
    /// The operations listener (`/metrics`, `/readyz`, `/healthz`); empty: none.
    pub ops_listen: String,
    /// The header a TLS proxy in front sets to the client's address (e.g. "X-Forwarded-For");
    /// empty: the connection's peer address is the client.
    pub client_ip_header: String,
    /// Hours a session lasts at most.
    pub session_hours: i64,
    /// Minutes a session may sit unused.
    pub idle_minutes: i64,
}

/// Retention terms (`[retention]`), see `knooppunt_rules::retention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Months a signal's free text is kept after the day it was observed.
    pub text_months: u32,
    /// Days a quarantine row is kept.
    pub quarantine_days: u32,
    /// Days a revoked partner token is kept.
    pub revoked_token_days: u32,
    /// Whether `serve` and `engine` apply the terms once a day.
    pub daily: bool,
}

impl RetentionSettings {
    pub fn policy(&self) -> knooppunt_rules::retention::Policy {
        knooppunt_rules::retention::Policy {
            text_months: self.text_months,
            quarantine_days: self.quarantine_days,
            revoked_token_days: self.revoked_token_days,
        }
    }
}

/// The processing log (`[processing_log]`), see `knooppunt_rules::verwerkingslog`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingLogSettings {
    /// Processing activity → its id in the organisation's register of processing activities.
    pub activities: std::collections::BTreeMap<String, String>,
}

/// Cluster events (`[events]`), see `knooppunt_rules::events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsSettings {
    /// The Kafka topic the events go to (with transport.kind = "kafka").
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub intake: IntakeSettings,
    pub transport: TransportSettings,
    pub kafka: KafkaSettings,
    pub store: StoreSettings,
    pub rules: RulesSettings,
    pub engine: EngineSettings,
    pub brief: BriefSettings,
    pub web: WebSettings,
    pub retention: RetentionSettings,
    pub processing_log: ProcessingLogSettings,
    pub events: EventsSettings,
}

/// Every problem found while loading, in Dutch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "De configuratie bevat {n} {}:",
            if n == 1 { "fout" } else { "fouten" }
        )?;
        for error in &self.0 {
            writeln!(f, "  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// Loads defaults, then `file`, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigErrors> {
        Self::load_with_env(file, std::env::vars())
    }

    /// Like [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = file {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    if let Err(e) = text.parse::<toml::Table>() {
                        errors.push(format!(
                            "{}: geen geldige TOML: {}",
                            path.display(),
                            e.message()
                        ));
                    } else {
                        figment = figment.merge(Toml::file(path));
                    }
                }
                Err(e) => errors.push(format!("{} kan niet worden gelezen: {e}", path.display())),
            }
        }
        // Same rules as figment's `Env::prefixed(ENV_PREFIX).split("__")`, over the given pairs:
        // KNOOPPUNT__STORE__URL → store.url, values parsed as TOML-like literals.
        for (name, value) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let key = rest.to_lowercase().replace("__", ".");
            let value: Value = value.parse().unwrap_or_else(|never| match never {});
            figment = figment.merge(Serialized::default(&key, value));
        }

        let defaults = Figment::from(Toml::string(DEFAULTS));
        match (defaults.extract::<Dict>(), figment.extract::<Dict>()) {
            (Ok(known), Ok(actual)) => unknown_keys(&known, &actual, "", &mut errors),
            (_, Err(e)) => errors.extend(e.into_iter().map(|e| e.to_string())),
            (Err(e), _) => errors.push(format!("ingebouwde standaardwaarden onleesbaar: {e}")),
        }

        let intake = section::<IntakeSettings>(&figment, "intake", &mut errors);
        let transport = section::<TransportSettings>(&figment, "transport", &mut errors);
        let kafka = section::<KafkaSettings>(&figment, "kafka", &mut errors);
        let store = section::<StoreSettings>(&figment, "store", &mut errors);
        let rules = section::<RulesSettings>(&figment, "rules", &mut errors);
        let engine = section::<EngineSettings>(&figment, "engine", &mut errors);
        let brief = section::<BriefSettings>(&figment, "brief", &mut errors);
        let web = section::<WebSettings>(&figment, "web", &mut errors);
        let retention = section::<RetentionSettings>(&figment, "retention", &mut errors);
        let processing_log =
            section::<ProcessingLogSettings>(&figment, "processing_log", &mut errors);
        let events = section::<EventsSettings>(&figment, "events", &mut errors);
        let (Some(retention), Some(processing_log), Some(events)) =
            (retention, processing_log, events)
        else {
            return Err(ConfigErrors(errors));
        };
        match (intake, transport, kafka, store, rules, engine, brief, web) {
            (
                Some(intake),
                Some(transport),
                Some(kafka),
                Some(store),
                Some(rules),
                Some(engine),
                Some(brief),
                Some(web),
            ) if errors.is_empty() => {
                let config = Config {
                    intake,
                    transport,
                    kafka,
                    store,
                    rules,
                    engine,
                    brief,
                    web,
                    retention,
                    processing_log,
                    events,
                };
                config.validate()?;
                Ok(config)
            }
            _ => Err(ConfigErrors(errors)),
        }
    }

    /// Checks values that are well-typed but wrong, all at once.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
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
        if !self.web.ops_listen.trim().is_empty()
            && self
                .web
                .ops_listen
                .trim()
                .parse::<std::net::SocketAddr>()
                .is_err()
        {
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
        if self.intake.max_batch == 0 {
            errors.push("intake.max_batch: moet minstens 1 zijn".into());
        }
        if let Err(problems) = self.intake.register.load() {
            errors.extend(problems);
        }
        if knooppunt_rules::store::Backend::from_url(&self.store.url).is_err() {
            errors.push("store.url: moet beginnen met sqlite:// of postgres://".into());
        }
        if self.store.max_connections == 0 {
            errors.push("store.max_connections: moet minstens 1 zijn".into());
        }
        if self.engine.batch_size == 0 {
            errors.push("engine.batch_size: moet minstens 1 zijn".into());
        }
        if !self.engine.metrics_listen.trim().is_empty()
            && self
                .engine
                .metrics_listen
                .trim()
                .parse::<std::net::SocketAddr>()
                .is_err()
        {
            errors.push(format!(
                "engine.metrics_listen: '{}' is geen adres (bijvoorbeeld 0.0.0.0:9091)",
                self.engine.metrics_listen
            ));
        }
        if self.engine.promotion_interval_secs == 0 {
            errors.push("engine.promotion_interval_secs: moet minstens 1 zijn".into());
        }
        if let Some(dir) = self.brief.templates() {
            if !dir.is_dir() {
                errors.push(format!(
                    "brief.templates_dir: map {} bestaat niet",
                    dir.display()
                ));
            }
        }
        if self.retention.text_months == 0 {
            errors.push("retention.text_months: moet minstens 1 zijn".into());
        }
        if let Err(register) =
            knooppunt_rules::verwerkingslog::Register::from_config(&self.processing_log.activities)
        {
            errors.extend(register);
        }
        if self.events.topic.trim().is_empty() {
            errors.push("events.topic: leeg".into());
        }
        if self.brief.min_group_size < 1 {
            errors.push("brief.min_group_size: moet minstens 1 zijn".into());
        }
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
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The configuration as TOML, with passwords masked.
    pub fn to_display_toml(&self) -> String {
        let mut shown = self.clone();
        shown.store.url = mask_password(&shown.store.url);
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}

fn section<T: DeserializeOwned>(
    figment: &Figment,
    name: &str,
    errors: &mut Vec<String>,
) -> Option<T> {
    match figment.extract_inner::<T>(name) {
        Ok(value) => Some(value),
        Err(e) => {
            for error in e {
                let key = if error.path.is_empty() {
                    name.to_string()
                } else {
                    error.path.join(".")
                };
                let origin = error
                    .metadata
                    .as_ref()
                    .map(|m| format!(" (uit {})", m.name))
                    .unwrap_or_default();
                errors.push(format!("{key}: {}{origin}", dutch_kind(&error.kind)));
            }
            None
        }
    }
}

fn dutch_kind(kind: &figment::error::Kind) -> String {
    use figment::error::Kind;
    match kind {
        Kind::InvalidType(actual, expected) => {
            format!("verkeerd type: {actual}, verwacht {expected}")
        }
        Kind::InvalidValue(actual, expected) => {
            format!("ongeldige waarde {actual}, verwacht {expected}")
        }
        Kind::UnknownVariant(value, allowed) => {
            format!(
                "onbekende waarde '{value}', toegestaan: {}",
                allowed.join(", ")
            )
        }
        Kind::MissingField(field) => format!("ontbreekt: {field}"),
        Kind::UnknownField(field, _) => format!("onbekende sleutel '{field}'"),
        other => other.to_string(),
    }
}

/// Reports keys in `actual` that the defaults do not have (free-form tables excepted).
fn unknown_keys(known: &Dict, actual: &Dict, prefix: &str, errors: &mut Vec<String>) {
    for (key, value) in actual {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => errors.push(format!(
                "{path}: onbekende sleutel (als omgevingsvariabele: {ENV_PREFIX}{})",
                path.to_uppercase().replace('.', "__")
            )),
            Some(Value::Dict(_, known_child))
                if path != "kafka.options" && path != "processing_log.activities" =>
            {
                if let Value::Dict(_, actual_child) = value {
                    unknown_keys(known_child, actual_child, &path, errors);
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(content: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f
    }

    #[test]
    fn defaults_are_embedded() {
        let config = Config::load_with_env(None, env(&[])).unwrap();
        assert_eq!(config.transport.kind, TransportKind::Embedded);
        assert!(config.store.url.starts_with("sqlite://"));
        assert_eq!(config.brief.min_group_size, 5);
    }

    #[test]
    fn file_overrides_defaults_and_environment_overrides_file() {
        let f =
            file("[store]\nurl = \"postgres://postgres@127.0.0.1/k\"\n[engine]\nbatch_size = 50\n");
        let config = Config::load_with_env(
            Some(f.path()),
            env(&[("KNOOPPUNT__ENGINE__BATCH_SIZE", "7"), ("OTHER__X", "1")]),
        )
        .unwrap();
        assert_eq!(config.store.url, "postgres://postgres@127.0.0.1/k");
        assert_eq!(config.engine.batch_size, 7);
    }

    #[test]
    fn every_error_is_listed_at_once() {
        let f = file("[store]\nurl = \"mysql://x\"\nmax_connections = \"veel\"\n[onzin]\na = 1\n[intake]\nlisten = \"hier\"\nkleur = \"rood\"\n");
        let errors =
            Config::load_with_env(Some(f.path()), env(&[("KNOOPPUNT__ENGINE__TURBO", "1")]))
                .unwrap_err()
                .0;
        let joined = errors.join("\n");
        for expect in ["onzin", "intake.kleur", "engine.turbo", "max_connections"] {
            assert!(joined.contains(expect), "{expect} missing in:\n{joined}");
        }
        assert!(errors.len() >= 4, "{joined}");
    }

    #[test]
    fn semantic_errors_are_listed_together() {
        let errors = Config::load_with_env(
            None,
            env(&[
                ("KNOOPPUNT__STORE__URL", "mysql://x"),
                ("KNOOPPUNT__INTAKE__LISTEN", "hier"),
                ("KNOOPPUNT__TRANSPORT__KIND", "kafka"),
                (
                    "KNOOPPUNT__KAFKA__DEAD_LETTER_TOPIC",
                    "knooppunt.signals.v1",
                ),
            ]),
        )
        .unwrap_err()
        .0;
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn min_insync_replicas_above_the_replication_factor_is_refused() {
        let errors = Config::load_with_env(
            None,
            env(&[
                ("KNOOPPUNT__TRANSPORT__KIND", "kafka"),
                ("KNOOPPUNT__KAFKA__REPLICATION_FACTOR", "1"),
                ("KNOOPPUNT__KAFKA__MIN_INSYNC_REPLICAS", "2"),
                ("KNOOPPUNT__KAFKA__RETENTION_MS", "0"),
            ]),
        )
        .unwrap_err()
        .0;
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("kafka.min_insync_replicas"),
            "{errors:?}"
        );
        assert!(errors[1].contains("kafka.retention_ms"), "{errors:?}");
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let errors = Config::load_with_env(Some(Path::new("/bestaat/niet.toml")), env(&[]))
            .unwrap_err()
            .0;
        assert!(errors[0].contains("kan niet worden gelezen"));
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("postgres://k:geheim@db:5432/k"),
            "postgres://k:***@db:5432/k"
        );
        let mut config = Config::load_with_env(None, env(&[])).unwrap();
        config.store.url = "postgres://k:geheim@db/k".into();
        assert!(!format!("{config:?}").contains("geheim"));
        assert!(!config.to_display_toml().contains("geheim"));
    }

    #[test]
    fn require_token_takes_true_false_or_auto() {
        for (value, expected) in [
            ("true", RequireToken::Always),
            ("false", RequireToken::Never),
            ("auto", RequireToken::Auto),
        ] {
            let config =
                Config::load_with_env(None, env(&[("KNOOPPUNT__INTAKE__REQUIRE_TOKEN", value)]))
                    .unwrap();
            assert_eq!(config.intake.require_token, expected, "{value}");
        }
        let errors =
            Config::load_with_env(None, env(&[("KNOOPPUNT__INTAKE__REQUIRE_TOKEN", "soms")]))
                .unwrap_err()
                .0
                .join("\n");
        assert!(
            errors.contains("require_token") && errors.contains("verwacht true, false of"),
            "{errors}"
        );
        let errors = Config::load_with_env(
            None,
            env(&[
                ("KNOOPPUNT__WEB__OPS_LISTEN", "ergens"),
                ("KNOOPPUNT__INTAKE__HEADER_TIMEOUT_SECS", "0"),
                ("KNOOPPUNT__WEB__CLIENT_IP_HEADER", "geen kop"),
            ]),
        )
        .unwrap_err()
        .0;
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn example_configs_in_deploy_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                Config::load_with_env(Some(&path), env(&[]))
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                seen += 1;
            }
        }
        assert!(
            seen >= 2,
            "expected the embedded and the Kafka + PostgreSQL examples"
        );
    }
}
