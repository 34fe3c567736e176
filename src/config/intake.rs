//! `[intake]` and its register: the API's listener, limits and tokens.

use serde::{Deserialize, Serialize};

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
    /// Open connections from one address at most (0: no limit). Not applied behind a proxy
    /// (`web.client_ip_header`), where every connection comes from the proxy.
    pub max_connections_per_client: usize,
    /// The register of areas and sources signals are mapped to.
    #[serde(default)]
    pub register: RegisterSettings,
}

impl IntakeSettings {
    /// Whether submissions need a partner token: always, never, or (`"auto"`) whenever the
    /// API listens on more than the loopback interface. [`crate::config::Config::tokens_required`]
    /// also counts a proxy in front.
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
            max_per_client: (self.max_connections_per_client > 0)
                .then_some(self.max_connections_per_client),
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
    pub unknown_sources: knooppunt_domain::register::UnknownSources,
}

impl RegisterSettings {
    /// Reads the configured register (the built-in files for an empty path), listing every
    /// problem.
    pub fn load(&self) -> Result<knooppunt_domain::register::Register, Vec<String>> {
        use knooppunt_domain::register::{builtin_with, Register};
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
            knooppunt_domain::register::BUILTIN_AREAS,
        );
        let sources = read(
            "sources_file",
            &self.sources_file,
            knooppunt_domain::register::BUILTIN_SOURCES,
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
