//! The barrier rules: a versioned TOML file compiled into one matcher.
//!
//! All positive patterns of all barriers go into one [`RegexSet`], and so do all exclusions, so
//! a signal is scanned twice in total however many rules there are, instead of once per regex.
//! Pure: no I/O.

mod catalog;
pub mod combine;
mod syntax;

use regex::bytes::{RegexSet, RegexSetBuilder};
use serde::Deserialize;

/// The rules that ship with Knooppunt (`rules/default_rules.toml`).
pub const DEFAULT_RULES: &str = include_str!("../default_rules.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    version: String,
    #[serde(rename = "barrier")]
    barriers: Vec<BarrierSpec>,
    #[serde(rename = "organisation", default)]
    organisations: Vec<OrganisationSpec>,
    /// Promotion thresholds for all barriers; see [`knooppunt_domain::promotion`].
    #[serde(default)]
    promotion: knooppunt_domain::promotion::Criteria,
    /// How signals are grouped into clusters.
    #[serde(default)]
    clusters: ClusterSpec,
    /// The learned model beside the rules (see [`crate::ruleset::combine`]).
    model: Option<crate::ruleset::combine::ModelSpec>,
}

/// `[clusters]`: the grouping key besides the barrier.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterSpec {
    #[serde(default = "default_cluster_key")]
    key: Vec<String>,
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

pub use knooppunt_domain::cluster::ClusterKey;

/// An `all` group with its own confidence (`[[barrier.group]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    all: Vec<String>,
    confidence: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationSpec {
    name: String,
    aliases: Vec<String>,
    /// The barriers this body is usually responsible for (preferred when a note names several).
    #[serde(default)]
    barriers: Vec<String>,
    /// Never the responsible body (a creditor such as an energy company).
    #[serde(default)]
    bystander: bool,
    /// Often the writer's own or a referring body: responsible only when no other is named.
    #[serde(default)]
    secondary: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BarrierSpec {
    id: String,
    title: String,
    kader: String,
    owner: String,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    all: Vec<Vec<String>>,
    /// `all` groups with their own confidence.
    #[serde(default, rename = "group")]
    groups: Vec<GroupSpec>,
    #[serde(default)]
    exclude: Vec<String>,
    /// How much a match of this barrier is trusted, 0 < c ≤ 1 (default 1).
    confidence: Option<f64>,
    /// Words that tie a waiting time in the same sentence to this barrier.
    wait_context: Option<String>,
    /// Conditions on the signal's fields; all that are given must hold.
    #[serde(default)]
    when: Conditions,
    /// This barrier's promotion thresholds, where they differ from `[promotion]`.
    #[serde(default)]
    promotion: knooppunt_domain::promotion::CriteriaOverride,
    /// This barrier's model threshold, where it differs from `[model]`'s.
    #[serde(default)]
    model: crate::ruleset::combine::BarrierModelSpec,
}

/// `[barrier.when]`: the barrier only applies to signals with these field values.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// The signal carries at least one of these themes.
    #[serde(default)]
    pub themes: Vec<String>,
    /// The signal's organisation (given, or recognised in its text) is one of these.
    #[serde(default)]
    pub organisations: Vec<String>,
}

impl Conditions {
    fn hold(&self, fields: &Fields<'_>, organisation: Option<&str>) -> bool {
        (self.themes.is_empty()
            || self
                .themes
                .iter()
                .any(|t| fields.themes.contains(&t.as_str())))
            && (self.organisations.is_empty()
                || organisation.is_some_and(|o| {
                    self.organisations
                        .iter()
                        .any(|wanted| wanted.eq_ignore_ascii_case(o))
                }))
    }
}

/// The signal's fields that rule conditions may look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fields<'a> {
    pub themes: &'a [&'a str],
    pub organisation: Option<&'a str>,
}

/// What the brief and the review need to know about a barrier.
#[derive(Debug, Clone)]
pub struct Barrier {
    pub id: String,
    pub title: String,
    pub kader: String,
    pub owner: String,
    pub when: Conditions,
    /// When a cluster of this barrier goes on the agenda.
    pub promotion: knooppunt_domain::promotion::Criteria,
    /// How much a match of this barrier's `patterns` and `all` groups is trusted.
    pub confidence: f64,
    /// Ties a waiting time in the same sentence to this barrier.
    pub wait_context: Option<regex::Regex>,
}

/// Where a compiled pattern came from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// Any match classifies.
    Single { barrier: usize },
    /// One member of an `all` group.
    Group { barrier: usize, group: usize },
}

/// A compiled rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    version: String,
    barriers: Vec<Barrier>,
    positive: RegexSet,
    origins: Vec<Origin>,
    /// Size of each `all` group, indexed like `group` in [`Origin::Group`].
    group_sizes: Vec<usize>,
    /// Confidence of each `all` group.
    group_confidence: Vec<f64>,
    cluster_key: ClusterKey,
    exclude: RegexSet,
    exclude_barrier: Vec<usize>,
    /// All organisation aliases in one alternation; `alias_names` maps a match to its name.
    organisations: Option<regex::Regex>,
    alias_names: std::collections::HashMap<String, String>,
    /// What the rules file says about each organisation (by canonical name).
    organisation_roles: std::collections::HashMap<String, crate::extract::OrganisationRole>,
    /// Per positive pattern, how its match is explained: the pattern, or its `all` group.
    labels: Vec<String>,
    /// The learned model beside the rules ([`crate::ruleset::combine`]).
    pub(crate) model: crate::ruleset::combine::ModelSlot,
}

/// A problem in a rules file, with the barrier and pattern it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

impl RuleError {
    /// Prefixes the error with the line of the first thing it quotes ('…'), when found.
    fn located(self, source: &str) -> Self {
        // The last quoted fragment is the most specific one (the pattern, not its barrier).
        let fragments: Vec<&str> = self.0.split('\'').collect();
        let quoted_count = fragments.len().saturating_sub(1) / 2;
        let quoted = (quoted_count > 0)
            .then(|| fragments[2 * quoted_count - 1])
            .filter(|q| !q.is_empty());
        let line = quoted.and_then(|q| {
            source
                .lines()
                .position(|line| line.contains(q))
                .map(|index| index + 1)
        });
        match line {
            Some(line) => RuleError(format!("regel {line}: {}", self.0)),
            None => self,
        }
    }
}

impl RuleSet {
    /// The rule set that ships with the product.
    /// The rule set that ships with the product, with the model that ships next to it.
    pub fn default_rules() -> Result<Self, Vec<RuleError>> {
        let rules = Self::from_toml(DEFAULT_RULES)?;
        let model = crate::model::Model::from_bytes(crate::model::DEFAULT_MODEL)
            .map_err(|e| vec![RuleError(format!("ingebouwd model: {e}"))])?;
        rules.with_model(model).map_err(|e| vec![RuleError(e.0)])
    }

    /// Parses and compiles a rules file, listing every problem at once.
    pub fn from_toml(source: &str) -> Result<Self, Vec<RuleError>> {
        let file: RulesFile = toml::from_str(source).map_err(|e| {
            vec![RuleError(format!(
                "regelbestand onleesbaar: {}",
                e.message()
            ))]
        })?;
        let mut errors = Vec::new();
        if file.version.trim().is_empty() {
            errors.push(RuleError("'version' is leeg".into()));
        }
        let mut barriers = Vec::new();
        let mut positive = Vec::new();
        let mut origins = Vec::new();
        let mut group_sizes = Vec::new();
        let mut group_confidence = Vec::new();
        let mut exclude = Vec::new();
        let mut exclude_barrier = Vec::new();
        let mut labels = Vec::new();
        let mut model = crate::ruleset::combine::ModelSlot {
            spec: file.model,
            ..Default::default()
        };
        for (index, spec) in file.barriers.into_iter().enumerate() {
            model.barrier_thresholds.push(spec.model.threshold);
            let id_ok = !spec.id.is_empty()
                && spec
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !id_ok {
                errors.push(RuleError(format!(
                    "barrière {}: id '{}' mag alleen kleine letters, cijfers en - bevatten",
                    index + 1,
                    spec.id
                )));
            }
            if barriers.iter().any(|b: &Barrier| b.id == spec.id) {
                errors.push(RuleError(format!(
                    "barrière '{}' staat er twee keer in",
                    spec.id
                )));
            }
            if spec.patterns.is_empty() && spec.all.is_empty() && spec.groups.is_empty() {
                errors.push(RuleError(format!(
                    "barrière '{}': geen patterns en geen all-groepen",
                    spec.id
                )));
            }
            // Parsing is enough to find a pattern's mistakes (the set below compiles them all
            // at once); compiling each pattern on its own as well cost half of start-up.
            let check = |pattern: &str, errors: &mut Vec<RuleError>| {
                if let Err(e) = syntax::parse(pattern) {
                    errors.push(RuleError(format!(
                        "barrière '{}': patroon '{}' is ongeldig: {}",
                        spec.id,
                        pattern,
                        e.lines().last().unwrap_or_default()
                    )));
                }
            };
            for pattern in &spec.patterns {
                check(pattern, &mut errors);
                labels.push(pattern.clone());
                positive.push(pattern.clone());
                origins.push(Origin::Single { barrier: index });
            }
            let confidence_ok = |c: f64| c > 0.0 && c <= 1.0;
            let confidence = spec.confidence.unwrap_or(1.0);
            if !confidence_ok(confidence) {
                errors.push(RuleError(format!(
                    "barrière '{}': confidence {confidence} moet groter dan 0 en hooguit 1 zijn",
                    spec.id
                )));
            }
            for group in spec.groups.iter().filter_map(|g| g.confidence) {
                if !confidence_ok(group) {
                    errors.push(RuleError(format!(
                        "barrière '{}': confidence {group} van een groep moet groter dan 0 en hooguit 1 zijn",
                        spec.id
                    )));
                }
            }
            let groups = spec.all.iter().map(|g| (g, confidence)).chain(
                spec.groups
                    .iter()
                    .map(|g| (&g.all, g.confidence.unwrap_or(confidence))),
            );
            for (group, group_conf) in groups {
                if group.len() < 2 {
                    errors.push(RuleError(format!(
                        "barrière '{}': een all-groep heeft minstens twee patronen nodig",
                        spec.id
                    )));
                }
                let group_index = group_sizes.len();
                group_sizes.push(group.len());
                group_confidence.push(group_conf);
                for pattern in group {
                    check(pattern, &mut errors);
                    labels.push(group.join(" + "));
                    positive.push(pattern.clone());
                    origins.push(Origin::Group {
                        barrier: index,
                        group: group_index,
                    });
                }
            }
            for pattern in &spec.exclude {
                check(pattern, &mut errors);
                exclude.push(pattern.clone());
                exclude_barrier.push(index);
            }
            for theme in &spec.when.themes {
                if knooppunt_domain::signal::Theme::parse(theme).map(|t| t.as_str())
                    != Some(theme.as_str())
                {
                    errors.push(RuleError(format!(
                        "barrière '{}': onbekend thema in when.themes: '{theme}'",
                        spec.id
                    )));
                }
            }
            let wait_context = spec.wait_context.as_deref().and_then(|pattern| {
                match regex::RegexBuilder::new(pattern).unicode(false).build() {
                    Ok(re) => Some(re),
                    Err(e) => {
                        errors.push(RuleError(format!(
                            "barrière '{}': wait_context '{}' is ongeldig: {}",
                            spec.id,
                            pattern,
                            e.to_string().lines().last().unwrap_or_default()
                        )));
                        None
                    }
                }
            });
            barriers.push(Barrier {
                id: spec.id,
                title: spec.title,
                kader: spec.kader,
                owner: spec.owner,
                when: spec.when,
                promotion: file.promotion.with(&spec.promotion),
                confidence,
                wait_context,
            });
        }
        let mut cluster_key = ClusterKey::default();
        for key in &file.clusters.key {
            match key.as_str() {
                "area" => cluster_key.area = true,
                "organisation" => cluster_key.organisation = true,
                other => errors.push(RuleError(format!(
                    "clusters.key: onbekende sleutel '{other}' (kies uit 'area' en 'organisation')"
                ))),
            }
        }
        let mut alias_names = std::collections::HashMap::new();
        let mut aliases: Vec<String> = Vec::new();
        let mut organisation_roles = std::collections::HashMap::new();
        for organisation in &file.organisations {
            for barrier in &organisation.barriers {
                if !barriers.iter().any(|b: &Barrier| &b.id == barrier) {
                    errors.push(RuleError(format!(
                        "organisatie {}: onbekende barrière '{barrier}'",
                        organisation.name
                    )));
                }
            }
            organisation_roles.insert(
                organisation.name.clone(),
                crate::extract::OrganisationRole {
                    barriers: organisation.barriers.clone(),
                    bystander: organisation.bystander,
                    secondary: organisation.secondary,
                },
            );
            if organisation.aliases.is_empty() {
                errors.push(RuleError(format!(
                    "organisatie '{}': geen aliassen",
                    organisation.name
                )));
            }
            for alias in &organisation.aliases {
                let alias = normalise(alias.trim());
                if let Some(other) = alias_names.insert(alias.clone(), organisation.name.clone()) {
                    errors.push(RuleError(format!(
                        "organisatie {}: alias '{alias}' staat ook bij {other}",
                        organisation.name
                    )));
                }
                aliases.push(regex::escape(&alias));
            }
        }
        // Longest first, so "gemeente den haag" wins over "gemeente".
        aliases.sort_by_key(|a| std::cmp::Reverse(a.len()));
        let organisations = if aliases.is_empty() {
            None
        } else {
            match regex::Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", aliases.join("|"))) {
                Ok(re) => Some(re),
                Err(e) => {
                    errors.push(RuleError(format!("organisaties samenstellen mislukt: {e}")));
                    None
                }
            }
        };
        let mut model_errors = Vec::new();
        model.check(&mut model_errors);
        errors.extend(model_errors.into_iter().map(RuleError));
        if !errors.is_empty() {
            return Err(errors.into_iter().map(|e| e.located(source)).collect());
        }
        let build = |patterns: &[String]| {
            // Byte-oriented and ASCII-only (`\w`, `\b`): the text is normalised to lower case
            // without accents first, and Unicode word boundaries would keep the regex engine
            // off its fast DFA path. Because that text holds no ASCII capitals, matching case-
            // sensitively finds the same as case-insensitively whenever no pattern asks for a
            // capital; it keeps the literal prefilters and builds a smaller automaton.
            let case_insensitive = !patterns.iter().all(|p| syntax::lower_case_only(p));
            RegexSetBuilder::new(patterns)
                .case_insensitive(case_insensitive)
                .unicode(false)
                .size_limit(64 << 20)
                // The lazy DFA's transition cache. With the default 2 MiB the bounded gaps
                // ("\W+(\w+\W+){0,12}?") of ~90 patterns overflow it on real notes and the
                // engine falls back to a much slower matcher: 276 µs instead of 3 µs a signal.
                .dfa_size_limit(16 << 20)
                .build()
                .map_err(|e| vec![RuleError(format!("regels samenstellen mislukt: {e}"))])
        };
        Ok(Self {
            version: file.version,
            barriers,
            positive: build(&positive)?,
            origins,
            group_sizes,
            group_confidence,
            cluster_key,
            exclude: build(&exclude)?,
            exclude_barrier,
            organisations,
            alias_names,
            organisation_roles,
            labels,
            model,
        })
    }

    /// The first organisation of the region that a text names, by its canonical name.
    pub fn find_organisation(&self, text: &str) -> Option<&str> {
        self.organisation_normalised(&normalise(text))
    }

    fn organisation_normalised(&self, normalised: &str) -> Option<&str> {
        let found = self.organisations.as_ref()?.find(normalised)?;
        self.alias_names.get(found.as_str()).map(String::as_str)
    }

    /// The organisation responsible for the note's barriers ([`crate::extract::responsible`]).
    fn responsible_organisation(&self, normalised: &str, barriers: &[&str]) -> Option<&str> {
        let found: Vec<(usize, usize, &str)> = self
            .organisations
            .as_ref()?
            .find_iter(normalised)
            .filter_map(|m| {
                let name = self.alias_names.get(m.as_str())?;
                Some((m.start(), m.end(), name.as_str()))
            })
            .collect();
        crate::extract::responsible(
            normalised,
            &found,
            |name| self.organisation_roles.get(name),
            barriers,
        )
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn barriers(&self) -> &[Barrier] {
        &self.barriers
    }

    /// How clusters are keyed (`[clusters] key`).
    pub fn cluster_key(&self) -> ClusterKey {
        self.cluster_key
    }

    /// Everything the rules read from one text, normalising it once.
    /// Text only: rules with field conditions (`[barrier.when]`) do not apply.
    pub fn analyse(&self, text: &str) -> Analysis<'_> {
        self.analyse_signal(text, Fields::default())
    }

    /// Everything the rules read from a signal's text and fields, normalising the text once.
    pub fn analyse_signal<'a>(&'a self, text: &str, fields: Fields<'_>) -> Analysis<'a> {
        let normalised = normalise(text);
        let recognised = self.organisation_normalised(&normalised);
        let organisation = fields.organisation.or(recognised);
        // Rules and model decide per barrier (crate::ruleset::combine).
        let hits: Vec<(&Barrier, crate::ruleset::combine::Decision<'_>)> =
            crate::ruleset::combine::decide(
                self,
                &normalised,
                self.classify_normalised(&normalised),
            )
            .into_iter()
            .map(|decision| (&self.barriers[decision.barrier], decision))
            .filter(|(barrier, _)| barrier.when.hold(&fields, organisation))
            .collect();
        let durations = durations(&normalised);
        let sole = hits.len() == 1;
        let matches = hits
            .into_iter()
            .map(|(barrier, decision)| Match {
                barrier: barrier.id.as_str(),
                confidence: decision.confidence,
                wait_days: barrier_wait(&normalised, &durations, barrier, sole),
                tracks_waits: barrier.wait_context.is_some(),
                found_by: decision.found_by,
                model_score: decision.model_score,
            })
            .collect::<Vec<_>>();
        let barriers: Vec<&str> = matches.iter().map(|m| m.barrier).collect();
        let organisation =
            recognised.and_then(|_| self.responsible_organisation(&normalised, &barriers));
        // A wait no barrier claims (none of their `wait_context` words in its sentence) is
        // still the signal's: the note states it for one of its barriers.
        let wait_days = matches
            .iter()
            .filter_map(|m| m.wait_days)
            .max()
            .or_else(|| {
                (!matches.is_empty())
                    .then(|| durations.iter().map(|d| d.days).max())
                    .flatten()
            });
        Analysis {
            wait_days,
            barriers,
            matches,
            organisation,
        }
    }

    /// The barrier ids a text matches, in rule-file order; empty means unclassified.
    /// Text only, like [`RuleSet::analyse`].
    pub fn classify(&self, text: &str) -> Vec<&str> {
        self.analyse(text).barriers
    }

    /// The barriers a text matches (their index) with the confidence of their strongest
    /// match and that match's pattern, in rule-file order.
    fn classify_normalised(&self, normalised: &str) -> Vec<(usize, f64, &str)> {
        // 0.0 = no match; a confidence is always > 0. The second value: the pattern's index.
        let mut hit = vec![(0.0f64, 0usize); self.barriers.len()];
        let mut group_hits = vec![0usize; self.group_sizes.len()];
        for index in self.positive.matches(normalised.as_bytes()).iter() {
            let (barrier, confidence) = match self.origins[index] {
                Origin::Single { barrier } => (barrier, self.barriers[barrier].confidence),
                Origin::Group { barrier, group } => {
                    group_hits[group] += 1;
                    if group_hits[group] != self.group_sizes[group] {
                        continue;
                    }
                    (barrier, self.group_confidence[group])
                }
            };
            if confidence > hit[barrier].0 {
                hit[barrier] = (confidence, index);
            }
        }
        if hit.iter().any(|h| h.0 > 0.0) && !self.exclude.is_empty() {
            for index in self.exclude.matches(normalised.as_bytes()).iter() {
                hit[self.exclude_barrier[index]].0 = 0.0;
            }
        }
        hit.into_iter()
            .enumerate()
            .filter(|(_, h)| h.0 > 0.0)
            .map(|(barrier, (confidence, pattern))| {
                (barrier, confidence, self.labels[pattern].as_str())
            })
            .collect()
    }

    /// Per barrier, whether one of its exclusions matches a normalised text.
    pub(crate) fn excluded_normalised(&self, normalised: &str) -> Vec<bool> {
        let mut excluded = vec![false; self.barriers.len()];
        for index in self.exclude.matches(normalised.as_bytes()).iter() {
            excluded[self.exclude_barrier[index]] = true;
        }
        excluded
    }
}

/// One barrier a text matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    pub barrier: &'a str,
    /// The confidence of the strongest rule that matched (0 < c ≤ 1).
    pub confidence: f64,
    /// The waiting time that belongs to this barrier, in days.
    pub wait_days: Option<u32>,
    /// Whether the barrier tracks waiting times (has `wait_context`).
    pub tracks_waits: bool,
    /// How it was found: a rule (which) or the model (its terms).
    pub found_by: crate::ruleset::combine::FoundBy<'a>,
    /// The model's calibrated probability for this barrier, when a model is loaded.
    pub model_score: Option<f32>,
}

/// What the rules read from one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis<'a> {
    /// Barrier ids in rule-file order; empty means unclassified.
    pub barriers: Vec<&'a str>,
    /// The same barriers with confidence and their own waiting time.
    pub matches: Vec<Match<'a>>,
    /// The signal's waiting time: the longest of its barriers' waits, in days (none when
    /// no barrier is found).
    pub wait_days: Option<u32>,
    /// The organisation of the region the text names as responsible for its barriers.
    pub organisation: Option<&'a str>,
}

pub use knooppunt_domain::text::normalise;

/// The longest waiting time mentioned in a text, in days: "al 14 weken" → 98,
/// "drie maanden" → 90, "ruim een half jaar" → 182. `None` when the text names none.
pub fn extract_wait_days(text: &str) -> Option<u32> {
    wait_days_normalised(&normalise(text))
}

fn wait_days_normalised(normalised: &str) -> Option<u32> {
    durations(normalised).iter().map(|d| d.days).max()
}

/// A waiting time mentioned in a text, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Duration {
    start: usize,
    days: u32,
}

/// Every waiting time a normalised text mentions, in order ([`crate::extract::waits`]).
fn durations(normalised: &str) -> Vec<Duration> {
    crate::extract::waits(normalised)
        .into_iter()
        .map(|(start, days)| Duration { start, days })
        .collect()
}

use crate::extract::sentence_at;

/// The waiting time that belongs to `barrier`: the longest one mentioned in a sentence that
/// also holds one of the barrier's `wait_context` words. When the barrier is the signal's only
/// one, any waiting time in the text is its own.
fn barrier_wait(
    normalised: &str,
    durations: &[Duration],
    barrier: &Barrier,
    sole: bool,
) -> Option<u32> {
    let in_context = barrier.wait_context.as_ref().and_then(|context| {
        durations
            .iter()
            .filter(|d| context.is_match(sentence_at(normalised, d.start)))
            .map(|d| d.days)
            .max()
    });
    in_context.or_else(|| {
        sole.then(|| durations.iter().map(|d| d.days).max())
            .flatten()
    })
}

impl knooppunt_domain::promotion::CriteriaSource for RuleSet {
    fn promotion_criteria(&self) -> Vec<(&str, &knooppunt_domain::promotion::Criteria)> {
        self.barriers
            .iter()
            .map(|b| (b.id.as_str(), &b.promotion))
            .collect()
    }

    fn criteria_version(&self) -> &str {
        self.version()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::default_rules().expect("default rules compile")
    }

    #[test]
    fn default_rules_hold_the_nine_barriers_of_the_taxonomy() {
        let ids: Vec<String> = rules().barriers().iter().map(|b| b.id.clone()).collect();
        assert_eq!(
            ids,
            [
                "kostendelersnorm",
                "angst-uitkeringskorting",
                "corporatie-reactietijd",
                "wachtlijst-ggz",
                "huisuitzetting",
                "schuldhulp-toegang",
                "angst-jeugdhulp",
                "loket-drempel",
                "doorverwijscarrousel",
            ]
        );
        assert!(!rules().version().is_empty());
    }

    #[test]
    fn classifies_typical_wording() {
        let rules = rules();
        for (text, expect) in [
            (
                "Haar zoon van 23 mag niet bij haar inwonen want dan gaat haar bijstand omlaag.",
                "kostendelersnorm",
            ),
            (
                "Durft geen vrijwilligerswerk te doen uit angst dat de uitkering wordt gekort.",
                "angst-uitkeringskorting",
            ),
            (
                "Melding over schimmel bij Haag Wonen, al 8 weken geen reactie.",
                "corporatie-reactietijd",
            ),
            (
                "Aangemeld bij Parnassia, wachtlijst voor intake van vier maanden.",
                "wachtlijst-ggz",
            ),
            (
                "Huurachterstand van drie maanden, vonnis voor ontruiming ligt er.",
                "huisuitzetting",
            ),
            (
                "Aangemeld bij schuldhulpverlening, intussen loonbeslag.",
                "schuldhulp-toegang",
            ),
            (
                "Moeder is bang dat haar kinderen worden afgenomen als ze het CJG belt.",
                "angst-jeugdhulp",
            ),
            (
                "Aanvraag kan alleen online met DigiD, meneer heeft geen computer.",
                "loket-drempel",
            ),
            (
                "Van het kastje naar de muur gestuurd, niemand gaat erover.",
                "doorverwijscarrousel",
            ),
        ] {
            assert!(
                rules.classify(text).contains(&expect),
                "{expect}: {text} → {:?}",
                rules.classify(text)
            );
        }
    }

    /// Paraphrases as neighbourhood workers write them, without the barrier's key words
    /// (`rules/fixtures/paraphrases.jsonl`): each must get exactly its expected barriers.
    #[test]
    fn paraphrase_fixtures() {
        let rules = rules();
        let fixtures = include_str!("../fixtures/paraphrases.jsonl");
        let mut wrong = Vec::new();
        for line in fixtures.lines().filter(|l| !l.trim().is_empty()) {
            let fixture: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = fixture["text"].as_str().unwrap();
            let expect: Vec<&str> = fixture["expect"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let got = rules.classify(text);
            if got != expect {
                wrong.push(format!("{text}\n  expected {expect:?}, got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn unrelated_and_negated_text_stays_unclassified() {
        let rules = rules();
        assert!(rules
            .classify("Gezellige buurtmaaltijd in de buurtkamer, veel opkomst.")
            .is_empty());
        assert!(rules
            .classify("Melding bij de corporatie over de lekkage, de corporatie reageerde snel.")
            .is_empty());
    }

    #[test]
    fn several_barriers_can_apply() {
        let rules = rules();
        let barriers = rules.classify(
            "Huurachterstand opgelopen; schuldhulp heeft een wachtlijst en intussen komt de deurwaarder.",
        );
        assert_eq!(barriers, vec!["huisuitzetting", "schuldhulp-toegang"]);
    }

    #[test]
    fn every_error_in_a_rules_file_is_listed() {
        let errors = RuleSet::from_toml(
            r#"version = ""
            [[barrier]]
            id = "Fout Id"
            title = "t"
            kader = "k"
            owner = "o"
            patterns = ["(open"]
            [[barrier]]
            id = "leeg"
            title = "t"
            kader = "k"
            owner = "o"
            "#,
        )
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.0.clone()).collect();
        assert_eq!(errors.len(), 4, "{text:?}");
        assert!(
            text[1].starts_with("regel 3:") && text[1].contains("Fout Id"),
            "{text:?}"
        );
        assert!(
            text[2].starts_with("regel 7:") && text[2].contains("(open"),
            "{text:?}"
        );
        assert!(text[3].contains("leeg"));
    }

    #[test]
    fn organisations_by_alias_longest_first() {
        let rules = rules();
        assert_eq!(
            rules.find_organisation("Melding bij HaagWonen, geen reactie"),
            Some("Haag Wonen")
        );
        assert_eq!(
            rules.find_organisation("brief van de gemeente Den Haag"),
            Some("gemeente")
        );
        assert_eq!(
            rules.find_organisation("wachtlijst bij PsyQ en daarna Parnassia"),
            Some("PsyQ")
        );
        assert_eq!(
            rules.find_organisation("de shv heeft een wachtlijst"),
            Some("Schuldhulpverlening")
        );
        assert_eq!(rules.find_organisation("niets over instanties"), None);
    }

    #[test]
    fn promotion_thresholds_default_and_per_barrier() {
        let rules = rules();
        let criteria = |id: &str| {
            rules
                .barriers()
                .iter()
                .find(|b| b.id == id)
                .map(|b| b.promotion.clone())
                .unwrap()
        };
        assert_eq!(criteria("wachtlijst-ggz").wait_norm_days, Some(70));
        assert_eq!(
            criteria("wachtlijst-ggz").wait_norm_name.as_deref(),
            Some("Treeknorm")
        );
        assert_eq!(criteria("kostendelersnorm").wait_norm_days, None);
        assert_eq!(criteria("kostendelersnorm").min_sources, 3);
    }

    #[test]
    fn conditions_on_fields() {
        let rules = RuleSet::from_toml(
            r#"version = "t"
            [[barrier]]
            id = "energie"
            title = "t"
            kader = "k"
            owner = "o"
            patterns = ["afgesloten"]
            [barrier.when]
            themes = ["financien"]
            organisations = ["Eneco"]
            [[organisation]]
            name = "Eneco"
            aliases = ["eneco"]
            "#,
        )
        .unwrap();
        let text = "Gas afgesloten door Eneco";
        let fields = |themes| Fields {
            themes,
            organisation: None,
        };
        assert_eq!(
            rules.analyse_signal(text, fields(&["financien"])).barriers,
            ["energie"]
        );
        assert!(rules
            .analyse_signal(text, fields(&["huisvesting"]))
            .barriers
            .is_empty());
        assert!(
            rules.analyse(text).barriers.is_empty(),
            "no themes, condition fails"
        );
        let other = Fields {
            themes: &["financien"],
            organisation: Some("Vattenfall"),
        };
        assert!(
            rules.analyse_signal(text, other).barriers.is_empty(),
            "given organisation wins"
        );
        let err = RuleSet::from_toml(
            "version = \"t\"\n[[barrier]]\nid = \"x\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = ['x']\n[barrier.when]\nthemes = ['astrologie']\n",
        )
        .unwrap_err();
        assert!(
            err[0].0.contains("astrologie") && err[0].0.starts_with("regel 9"),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = RuleSet::from_toml("version = \"1\"\nfoo = 1\nbarrier = []").unwrap_err();
        assert!(err[0].0.contains("foo"), "{err:?}");
    }

    #[test]
    fn waiting_times_from_text() {
        for (text, days) in [
            ("al 14 weken geen reactie", Some(98)),
            ("wacht nu drie maanden", Some(90)),
            ("sinds 6 weken", Some(42)),
            ("ruim een half jaar op de wachtlijst", Some(182)),
            ("al twee jaar en 3 maanden op de wachtlijst", Some(730)),
            ("zoon van 23 jaar woont weer thuis", None),
            ("moeder is 40 jaar oud", None),
        ] {
            assert_eq!(extract_wait_days(text), days, "{text}");
        }
    }

    fn match_of<'a>(analysis: &'a Analysis<'a>, barrier: &str) -> &'a Match<'a> {
        analysis
            .matches
            .iter()
            .find(|m| m.barrier == barrier)
            .unwrap_or_else(|| panic!("{barrier} not matched: {:?}", analysis.barriers))
    }

    #[test]
    fn waiting_times_belong_to_their_barrier() {
        let rules = rules();
        // Two barriers, two waits, each in its own sentence.
        let analysis = rules.analyse(
            "Mw staat al 14 weken op de wachtlijst bij de GGZ voor traumabehandeling. \
             De corporatie reageert al drie maanden niet op haar melding over schimmel.",
        );
        assert_eq!(match_of(&analysis, "wachtlijst-ggz").wait_days, Some(98));
        assert_eq!(
            match_of(&analysis, "corporatie-reactietijd").wait_days,
            Some(90)
        );
        assert_eq!(
            analysis.wait_days,
            Some(98),
            "the signal keeps its longest wait"
        );

        // A barrier that does not track waits gets none when another barrier is present.
        let analysis = rules.analyse(
            "Zoon (24) wil weer thuis wonen maar dan gaat de bijstand omlaag. \
             Intake bij de GGZ pas over 5 maanden, ze moet wachten.",
        );
        assert_eq!(match_of(&analysis, "wachtlijst-ggz").wait_days, Some(150));
        assert_eq!(match_of(&analysis, "kostendelersnorm").wait_days, None);

        // A signal with one barrier owns every wait it names.
        let analysis = rules.analyse("Zoon weer thuis sinds 6 weken, bijstand van moeder omlaag.");
        assert_eq!(analysis.barriers, ["kostendelersnorm"]);
        assert_eq!(match_of(&analysis, "kostendelersnorm").wait_days, Some(42));
    }

    #[test]
    fn confidence_per_barrier_and_group() {
        let rules = RuleSet::from_toml(
            r#"version = "t"
            [[barrier]]
            id = "a"
            title = "t"
            kader = "k"
            owner = "o"
            confidence = 0.9
            patterns = ["kostendelersnorm"]
            [[barrier.group]]
            all = ["zoon", "bijstand"]
            confidence = 0.5
            "#,
        )
        .unwrap();
        let conf = |text: &str| rules.analyse(text).matches.first().map(|m| m.confidence);
        assert_eq!(conf("zoon thuis, bijstand omlaag"), Some(0.5));
        assert_eq!(conf("kostendelersnorm"), Some(0.9));
        assert_eq!(
            conf("kostendelersnorm: zoon thuis, bijstand omlaag"),
            Some(0.9),
            "the strongest match counts"
        );
        assert_eq!(conf("niets"), None);
    }

    #[test]
    fn cluster_keys_and_confidence_are_validated() {
        let errors = RuleSet::from_toml(
            r#"version = "t"
            [clusters]
            key = ["area", "straat"]
            [[barrier]]
            id = "a"
            title = "t"
            kader = "k"
            owner = "o"
            confidence = 1.5
            wait_context = "(wacht"
            patterns = ["x"]
            "#,
        )
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.0.clone()).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text
            .iter()
            .any(|e| e.contains("onbekende sleutel 'straat'")));
        assert!(text.iter().any(|e| e.contains("confidence 1.5")));
        assert!(text.iter().any(|e| e.contains("wait_context '(wacht'")));
        assert_eq!(
            rules().cluster_key(),
            ClusterKey {
                area: true,
                organisation: false
            }
        );
    }

    #[test]
    fn normalising_collapses_space_ligatures_and_abbreviation_periods() {
        assert_eq!(normalise("Mw.  de   Wit\n\nwacht"), "mw de wit wacht");
        assert_eq!(normalise("ĳzer Ĳsland"), "ijzer ijsland");
        assert_eq!(
            normalise("Dhr. belt i.v.m. zijn uitkering. Daarna o.a. de GGZ."),
            "dhr belt ivm zijn uitkering. daarna oa de ggz."
        );
        assert_eq!(normalise("Einde zin. Volgende"), "einde zin. volgende");
        assert_eq!(normalise("Financiën"), "financien");
    }
}
