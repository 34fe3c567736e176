//! The other sections: transport, store, rules, engine, brief, web, retention, processing log
//! and events.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

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
    /// The project's labelled notes on which a brief's recognition is measured (the model
    /// cross-validated); empty: `rules/training`, `rules/fixtures` and `rules/holdout` from
    /// the working directory, as in a checkout. The image sets the folders it ships.
    #[serde(default)]
    pub notes_dirs: Vec<String>,
}

impl BriefSettings {
    /// The folders of notes the configuration names (each must exist).
    pub fn named_note_dirs(&self) -> Vec<std::path::PathBuf> {
        self.notes_dirs
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .map(std::path::PathBuf::from)
            .collect()
    }

    /// The folders of notes for a brief's recognition: those named, else the checkout's.
    pub fn note_dirs(&self) -> Vec<std::path::PathBuf> {
        let named = self.named_note_dirs();
        if named.is_empty() {
            let defaults = crate::recognition::DEFAULT_NOTE_DIRS.iter();
            defaults.map(std::path::PathBuf::from).collect()
        } else {
            named
        }
    }

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
    /// A municipality's design tokens (NL Design System CSS custom properties), served as
    /// `/static/huisstijl.css` after the neutral default theme; empty: the default alone.
    #[serde(default)]
    pub theme_css: String,
}

impl WebSettings {
    /// The configured theme file, if any.
    pub fn theme_path(&self) -> Option<std::path::PathBuf> {
        let path = self.theme_css.trim();
        (!path.is_empty()).then(|| std::path::PathBuf::from(path))
    }

    /// The municipality's theme (`web.theme_css`), read; `None` when none is configured. The
    /// error is Dutch and names the setting.
    pub fn theme(&self) -> Result<Option<String>, String> {
        let Some(path) = self.theme_path() else {
            return Ok(None);
        };
        let shown = path.display();
        let problem = match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "bestaat niet".to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                "mag niet worden gelezen (geen leesrecht)".to_string()
            }
            Err(_) => "kan niet worden gelezen".to_string(),
            Ok(meta) if !meta.is_file() => "is geen bestand".to_string(),
            Ok(meta) if meta.len() > MAX_THEME_BYTES => format!(
                "is te groot ({} bytes; hoogstens {MAX_THEME_BYTES})",
                meta.len()
            ),
            Ok(_) => match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(css) => return Ok(Some(css)),
                    Err(_) => "is geen UTF-8-tekst (een CSS-bestand)".to_string(),
                },
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    "mag niet worden gelezen (geen leesrecht)".to_string()
                }
                Err(_) => "kan niet worden gelezen".to_string(),
            },
        };
        Err(format!(
            "web.theme_css: het huisstijlbestand {shown} {problem}"
        ))
    }
}

/// The largest theme file accepted (a published token set is a few hundred kB).
const MAX_THEME_BYTES: u64 = 4 * 1024 * 1024;

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
    /// Months the attendees' names of a meeting are kept; then "deelnemer 1..n".
    pub attendee_months: u32,
    /// Whether `serve` and `engine` apply the terms once a day.
    pub daily: bool,
}

impl RetentionSettings {
    pub fn policy(&self) -> knooppunt_rules::retention::Policy {
        knooppunt_rules::retention::Policy {
            text_months: self.text_months,
            quarantine_days: self.quarantine_days,
            revoked_token_days: self.revoked_token_days,
            attendee_months: self.attendee_months,
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
