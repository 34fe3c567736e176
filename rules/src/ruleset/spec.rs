//! The rules file as it is written: the TOML shape, checked for unknown keys by serde.
//! [`super::compile`] turns it into a [`super::RuleSet`].

use super::Conditions;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesFile {
    pub(super) version: String,
    #[serde(rename = "barrier")]
    pub(super) barriers: Vec<BarrierSpec>,
    #[serde(rename = "organisation", default)]
    pub(super) organisations: Vec<OrganisationSpec>,
    /// Promotion thresholds for all barriers; see [`knooppunt_domain::promotion`].
    #[serde(default)]
    pub(super) promotion: knooppunt_domain::promotion::Criteria,
    /// How signals are grouped into clusters.
    #[serde(default)]
    pub(super) clusters: ClusterSpec,
    /// The learned model beside the rules (see [`crate::ruleset::combine`]).
    pub(super) model: Option<super::combine::ModelSpec>,
    /// Who passes a case around ([`crate::extract::passing`]).
    pub(super) carousel: Option<CarouselSpec>,
    /// Named patterns the barriers' patterns use as `{name}` ([`super::defines`]).
    #[serde(default)]
    pub(super) define: std::collections::BTreeMap<String, String>,
}

/// `[carousel]`: the barrier of a case passed around, and the parties that may pass it on
/// without being a body of the region (party → its words, as `aliases`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CarouselSpec {
    pub(super) barrier: String,
    #[serde(default)]
    pub(super) parties: std::collections::BTreeMap<String, Vec<String>>,
}

/// `[clusters]`: the grouping key besides the barrier.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClusterSpec {
    #[serde(default = "default_cluster_key")]
    pub(super) key: Vec<String>,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        Self {
            key: default_cluster_key(),
        }
    }
}

fn default_cluster_key() -> Vec<String> {
    vec!["area".into()]
}

/// An `all` group with its own confidence (`[[barrier.group]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupSpec {
    pub(super) all: Vec<String>,
    pub(super) confidence: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrganisationSpec {
    pub(super) name: String,
    pub(super) aliases: Vec<String>,
    /// The barriers this body is usually responsible for (preferred when a note names several).
    #[serde(default)]
    pub(super) barriers: Vec<String>,
    /// Never the responsible body (a creditor such as an energy company).
    #[serde(default)]
    pub(super) bystander: bool,
    /// Often the writer's own or a referring body: responsible only when no other is named.
    #[serde(default)]
    pub(super) secondary: bool,
    /// A department of this other organisation: reported as it when the note names it too.
    #[serde(default)]
    pub(super) part_of: Option<String>,
    /// Named by its service, not its name ("de schuldhulp"): reported as its `part_of` body,
    /// and responsible only when no named body is tied to the note's barriers.
    #[serde(default)]
    pub(super) generic: bool,
    /// Counted only when the note writes it with a capital ("De Sleutels", not "de sleutels
    /// inleveren"; "Portaal", not "via het portaal").
    #[serde(default)]
    pub(super) capitalised: bool,
    /// Aliases that leave out their noun ("de sociale" for "de sociale dienst"): counted
    /// only where no noun follows ([`crate::extract::elliptic`]).
    #[serde(default)]
    pub(super) elliptic: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BarrierSpec {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) kader: String,
    pub(super) owner: String,
    #[serde(default)]
    pub(super) patterns: Vec<String>,
    #[serde(default)]
    pub(super) all: Vec<Vec<String>>,
    /// `all` groups with their own confidence.
    #[serde(default, rename = "group")]
    pub(super) groups: Vec<GroupSpec>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    /// Patterns that keep the barrier although one of its `exclude` patterns matches (the
    /// note says what excludes it, but as part of this barrier's story).
    #[serde(default)]
    pub(super) keep: Vec<String>,
    /// Exclusions that hold unless their own second pattern matches too: `[exclusion,
    /// unless]` pairs (arrears exclude a corporation's slow answer, unless a defect is named).
    #[serde(default)]
    pub(super) exclude_unless: Vec<(String, String)>,
    /// How much a match of this barrier is trusted, 0 < c ≤ 1 (default 1).
    pub(super) confidence: Option<f64>,
    /// Words that tie a waiting time in the same sentence to this barrier.
    pub(super) wait_context: Option<String>,
    /// Words that say a sentence is about this barrier's matter: an exclusion found only in
    /// sentences about another barrier's matter and not this one's does not count for it.
    pub(super) topic: Option<String>,
    /// Whether a note of this barrier states a waiting time at all (`waits = false`: a fear,
    /// a cut or an eviction is no wait, and a duration beside it is something else).
    #[serde(default = "waits_by_default")]
    pub(super) waits: bool,
    /// How the body responsible for this barrier shows in a note that names several.
    pub(super) responsible: Option<crate::extract::Shows>,
    /// Conditions on the signal's fields; all that are given must hold.
    #[serde(default)]
    pub(super) when: Conditions,
    /// This barrier's promotion thresholds, where they differ from `[promotion]`.
    #[serde(default)]
    pub(super) promotion: knooppunt_domain::promotion::CriteriaOverride,
    /// This barrier's model threshold, where it differs from `[model]`'s.
    #[serde(default)]
    pub(super) model: super::combine::BarrierModelSpec,
}

/// A barrier states waiting times unless its `waits = false`.
fn waits_by_default() -> bool {
    true
}
