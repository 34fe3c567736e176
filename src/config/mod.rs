//! Configuration: built-in defaults → `--config FILE` → `KNOOPPUNT__SECTION__KEY` variables.
//!
//! The defaults live in `src/default.toml`, which documents every key. Loading lists *every*
//! problem at once (unknown keys, wrong types, inconsistent values) instead of the first.
//! One file per concern: the intake section (`intake`), the other sections (`sections`),
//! reading the layers (`load`) and the checks across values (`validate`).

mod intake;
mod load;
mod sections;
#[cfg(test)]
mod tests;
mod validate;

pub use intake::{IntakeSettings, RegisterSettings, RequireToken};
pub use sections::{
    mask_password, BriefSettings, EngineSettings, EventsSettings, ProcessingLogSettings,
    RetentionSettings, RulesSettings, StoreSettings, TransportKind, TransportSettings, WebSettings,
};

use figment::Figment;
use knooppunt_transport::kafka::KafkaSettings;
use load::section;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

pub const DEFAULTS: &str = include_str!("../default.toml");
pub const ENV_PREFIX: &str = "KNOOPPUNT__";

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
    /// Whether API submissions need a partner token: [`IntakeSettings::tokens_required`], and
    /// with `"auto"` also when `web.client_ip_header` is set — a reverse proxy in front, whose
    /// own connections come from loopback while the clients are anywhere.
    pub fn tokens_required(&self) -> bool {
        self.intake.tokens_required()
            || (self.intake.require_token == RequireToken::Auto && self.behind_proxy())
    }

    /// Whether a reverse proxy stands in front: `web.client_ip_header` names the header it
    /// passes the client's address in.
    pub fn behind_proxy(&self) -> bool {
        !self.web.client_ip_header.trim().is_empty()
    }

    /// The listeners' limits ([`IntakeSettings::server_limits`]), without the limit per client
    /// behind a proxy: there every connection comes from the proxy.
    pub fn server_limits(&self) -> crate::server::ServerLimits {
        let mut limits = self.intake.server_limits();
        if self.behind_proxy() {
            limits.max_per_client = None;
        }
        limits
    }

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
        let figment = load::layers(file, env, &mut errors);
        let config = Self::from_figment(&figment, &mut errors);
        match config {
            Some(config) if errors.is_empty() => {
                config.validate()?;
                Ok(config)
            }
            _ => Err(ConfigErrors(errors)),
        }
    }

    /// Every section, each with its own errors; `None` when any section is missing or wrong.
    fn from_figment(figment: &Figment, errors: &mut Vec<String>) -> Option<Self> {
        let intake = section::<IntakeSettings>(figment, "intake", errors);
        let transport = section::<TransportSettings>(figment, "transport", errors);
        let kafka = section::<KafkaSettings>(figment, "kafka", errors);
        let store = section::<StoreSettings>(figment, "store", errors);
        let rules = section::<RulesSettings>(figment, "rules", errors);
        let engine = section::<EngineSettings>(figment, "engine", errors);
        let brief = section::<BriefSettings>(figment, "brief", errors);
        let web = section::<WebSettings>(figment, "web", errors);
        let retention = section::<RetentionSettings>(figment, "retention", errors);
        let processing_log = section::<ProcessingLogSettings>(figment, "processing_log", errors);
        let events = section::<EventsSettings>(figment, "events", errors);
        Some(Config {
            intake: intake?,
            transport: transport?,
            kafka: kafka?,
            store: store?,
            rules: rules?,
            engine: engine?,
            brief: brief?,
            web: web?,
            retention: retention?,
            processing_log: processing_log?,
            events: events?,
        })
    }

    /// The configuration as TOML, with passwords masked.
    pub fn to_display_toml(&self) -> String {
        let mut shown = self.clone();
        shown.store.url = mask_password(&shown.store.url);
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}
