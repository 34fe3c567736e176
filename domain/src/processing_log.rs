//! The processing log's records (*verwerkingslog*) after the Logius standard *Logboek
//! Dataverwerkingen* (LDV): one record per action on signal data, with the W3C Trace Context
//! ids that tie the actions of one signal together, the action's name, start and end, its
//! status, the actor (a user, a partner token's source, or `system:<component>`) and the
//! processing activity it belongs to, from a configured register ([`Register`]). Records hold
//! ids, codes and counts — never signal text. Writing them is the store's and the rules
//! engine's job (`knooppunt_rules::verwerkingslog`).

use crate::traceparent::TraceContext;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The processing activities (*verwerkingsactiviteiten*) Knooppunt performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Activity {
    /// Receiving signals: API, form, CSV import, Kafka.
    Intake,
    /// Classifying, clustering and promoting (the rules engine).
    Recognition,
    /// The overleg's review: decisions, views of signal text, sign-ins, administration.
    Review,
    /// Briefs, exports and downloads.
    Publication,
    /// Retention: purging what is past its term.
    Retention,
}

impl Activity {
    pub const ALL: [Activity; 5] = [
        Activity::Intake,
        Activity::Recognition,
        Activity::Review,
        Activity::Publication,
        Activity::Retention,
    ];

    /// The key used in the configuration (`[processing_log.activities]`).
    pub fn key(self) -> &'static str {
        match self {
            Activity::Intake => "intake",
            Activity::Recognition => "recognition",
            Activity::Review => "review",
            Activity::Publication => "publication",
            Activity::Retention => "retention",
        }
    }
}

/// The register of processing activities: the id of each activity in the organisation's
/// register (*register van verwerkingsactiviteiten*, AVG art. 30).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    ids: BTreeMap<Activity, String>,
}

impl Default for Register {
    fn default() -> Self {
        Self {
            ids: Activity::ALL
                .iter()
                .map(|a| (*a, format!("knooppunt-{}", a.key())))
                .collect(),
        }
    }
}

impl Register {
    /// From the configured key → id map; a missing key keeps its default id. Unknown keys are
    /// returned as errors (in Dutch).
    pub fn from_config(configured: &BTreeMap<String, String>) -> Result<Self, Vec<String>> {
        let mut register = Self::default();
        let mut errors = Vec::new();
        for (key, id) in configured {
            match Activity::ALL.iter().find(|a| a.key() == key) {
                Some(activity) if !id.trim().is_empty() => {
                    register.ids.insert(*activity, id.trim().to_string());
                }
                Some(_) => errors.push(format!("processing_log.activities.{key}: leeg id")),
                None => errors.push(format!(
                    "processing_log.activities.{key}: onbekende verwerkingsactiviteit \
                     (bekend: intake, recognition, review, publication, retention)"
                )),
            }
        }
        if errors.is_empty() {
            Ok(register)
        } else {
            Err(errors)
        }
    }

    pub fn id(&self, activity: Activity) -> &str {
        self.ids.get(&activity).map_or("", String::as_str)
    }
}

static REGISTER: OnceLock<Register> = OnceLock::new();

/// Sets the process's register of processing activities (once, at start-up).
pub fn set_register(register: Register) {
    let _ = REGISTER.set(register);
}

/// The process's register (the default ids until [`set_register`] ran).
pub fn register() -> &'static Register {
    REGISTER.get_or_init(Register::default)
}

/// Whether an action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Ok,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
        }
    }

    /// The LDV `status_code`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Ok => "STATUS_CODE_OK",
            Status::Error => "STATUS_CODE_ERROR",
        }
    }
}

/// One action, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub trace: TraceContext,
    /// The action, e.g. `signaal-ontvangen` (see [`actions`]).
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: Status,
    /// A user name, a partner's source (`token:<source>`), or `system:<component>`.
    pub actor: String,
    pub activity: Activity,
    /// Ids, codes and counts. Never text a person wrote.
    pub attributes: Value,
}

/// The names of the logged actions.
pub mod actions {
    pub const SIGNAL_RECEIVED: &str = "signaal-ontvangen";
    pub const SIGNAL_CLASSIFIED: &str = "signaal-ingedeeld";
    pub const SIGNAL_QUARANTINED: &str = "signaal-geweigerd";
    pub const DECISION: &str = "besluit";
    pub const CLUSTER_VIEWED: &str = "cluster-bekeken";
    pub const BRIEF_DOWNLOADED: &str = "brief-gedownload";
    pub const EXPORT: &str = "export";
    pub const SIGN_IN: &str = "aanmelden";
    pub const SIGN_IN_FAILED: &str = "aanmelden-mislukt";
    pub const ADMINISTRATION: &str = "beheer";
    pub const RETENTION_PURGE: &str = "bewaartermijn-opgeschoond";
    pub const LOG_EXPORTED: &str = "verwerkingslog-geexporteerd";
}

impl Record {
    /// An action that took no measurable time and succeeded, at `now`.
    pub fn instant(
        trace: TraceContext,
        name: &str,
        actor: &str,
        activity: Activity,
        attributes: Value,
    ) -> Self {
        let now = Utc::now();
        Self {
            trace,
            name: name.to_string(),
            start: now,
            end: now,
            status: Status::Ok,
            actor: actor.to_string(),
            activity,
            attributes,
        }
    }

    /// A decision's entry: who took it, on which cluster, and what, never its reason text
    /// (the store writes it in the decision's transaction).
    pub fn decision(decision: &crate::review::Decision) -> Self {
        Self::instant(
            TraceContext::new_root(),
            actions::DECISION,
            &decision.actor,
            Activity::Review,
            serde_json::json!({
                "cluster_id": decision.cluster_id,
                "action": decision.action.name(),
                "state_after": decision.state_after.as_str(),
                "decision_seq": decision.seq,
                "signal_count": decision.signal_count,
            }),
        )
    }

    pub fn with_status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    pub fn started(mut self, start: DateTime<Utc>) -> Self {
        self.start = start;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_takes_configured_ids_and_refuses_unknown_keys() {
        let mut configured = BTreeMap::new();
        configured.insert("intake".to_string(), "RvA-17".to_string());
        let register = Register::from_config(&configured).unwrap();
        assert_eq!(register.id(Activity::Intake), "RvA-17");
        assert_eq!(register.id(Activity::Retention), "knooppunt-retention");
        configured.insert("marketing".to_string(), "x".to_string());
        let errors = Register::from_config(&configured).unwrap_err();
        assert!(errors[0].contains("marketing"), "{errors:?}");
    }
}
