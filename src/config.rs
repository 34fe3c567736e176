//! Configuration: built-in defaults → `--config FILE` → `KNOOPPUNT__SECTION__KEY` variables.
//!
//! The defaults live in `src/default.toml`, which documents every key. Loading lists *every*
//! problem at once (unknown keys, wrong types, inconsistent values) instead of the first.

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Value};
use figment::Figment;
use knooppunt_ingest::kafka::KafkaSettings;
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
    pub require_token: bool,
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
        if self.intake.max_batch == 0 {
            errors.push("intake.max_batch: moet minstens 1 zijn".into());
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
            Some(Value::Dict(_, known_child)) if path != "kafka.options" => {
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
