//! The barrier rules: a versioned TOML file compiled into one matcher.
//!
//! All positive patterns of all barriers go into one set (`existence::ExistenceSet`), and so do all exclusions, so
//! a signal is scanned twice in total however many rules there are, instead of once per regex.
//! Pure: no I/O.
//!
//! The room: `spec` is the file as written, `compile` turns it into a [`RuleSet`] (checking
//! everything at once), `waits` ties waiting times to barriers, [`combine`] lets the rules and
//! the learned model decide together, and this file holds the compiled set and its reading.

#[cfg(test)]
mod case_tests;
mod catalog;
pub mod combine;
mod compile;
mod defines;
mod existence;
#[cfg(test)]
mod file_tests;
#[cfg(test)]
mod help_came_tests;
mod register_words;
mod scope;
#[cfg(test)]
mod settled_tests;
#[cfg(test)]
mod soup_tests;
mod spec;
mod syntax;
#[cfg(test)]
mod tests;
mod unreadable;
mod waits;
#[cfg(test)]
mod wording_tests;

pub use waits::extract_wait_days;

use serde::Deserialize;
use waits::barrier_wait;

/// The rules that ship with Knooppunt (`rules/default_rules.toml`).
pub const DEFAULT_RULES: &str = include_str!("../default_rules.toml");

pub use knooppunt_domain::cluster::ClusterKey;

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
    /// Says a sentence is about this barrier's matter (see [`Scanned::excluded`]); compiled
    /// when first needed.
    pub(crate) topic: Option<scope::Finder>,
    /// Whether a note of this barrier states waiting times at all (`waits` in the rules file).
    pub waits: bool,
    /// How the body responsible for this barrier shows in a note that names several
    /// (`responsible` in the rules file).
    pub responsible: Option<crate::extract::Shows>,
}

/// A pattern without a small set of words every match begins with (too many alternatives
/// for `regex_syntax`'s literal extraction, or one starting with `\w+`): it is searched for
/// at every byte of every text instead of only where one of its first words occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EverywherePattern {
    /// The barrier whose pattern (positive or exclusion) it is.
    pub barrier: String,
    /// The pattern as compiled (its `{register}` filled in).
    pub pattern: String,
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
    /// What readers see of it: version, cluster key, titles, frames, owners and criteria.
    catalog: knooppunt_domain::taxonomy::Catalog,
    barriers: Vec<Barrier>,
    /// Every positive pattern, then every exclusion (from [`RuleSet::exclusions_from`] on):
    /// one set, so a text is read once for both.
    patterns: existence::ExistenceSet,
    /// Where the exclusions begin in `patterns`.
    exclusions_from: usize,
    /// The patterns `patterns` searches for everywhere (see [`RuleSet::searched_everywhere`]).
    everywhere: Vec<EverywherePattern>,
    /// Names of `[define]` that no pattern uses (see [`RuleSet::unused_defines`]).
    unused_defines: Vec<String>,
    origins: Vec<Origin>,
    /// Size of each `all` group, indexed like `group` in [`Origin::Group`].
    group_sizes: Vec<usize>,
    /// Confidence of each `all` group.
    group_confidence: Vec<f64>,
    /// Per exclusion (the barriers' `exclude`, `keep` and `exclude_unless` patterns, counted
    /// from [`RuleSet::exclusions_from`]), the barrier it belongs to and what it does.
    exclude_barrier: Vec<usize>,
    exclude_roles: Vec<ExcludeRole>,
    /// Per exclusion, where it matches when that is asked ([`scope`]).
    exclusion_finders: Vec<scope::Finder>,
    /// All organisation aliases in one alternation; `alias_names` maps a match to its name.
    organisations: Option<crate::extract::WholeWords>,
    alias_names: std::collections::HashMap<String, String>,
    /// What the rules file says about each organisation (by canonical name).
    organisation_roles: std::collections::HashMap<String, crate::extract::OrganisationRole>,
    /// Names and aliases that count only with their capitals ("De Sleutels", "de Raad").
    capitals: crate::extract::capitals::WrittenCapitals,
    /// Organisation names misspelt by one letter ("Staedoin").
    misspellings: crate::extract::misspelt::Misspellings,
    /// Aliases that leave out their noun, counted only where none follows ("de sociale").
    elliptic: crate::extract::elliptic::Elliptic,
    /// Who passes a case around (`[carousel]`); `None` when the file has no such barrier.
    parties: Option<crate::extract::passing::Parties>,
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
    /// The first organisation of the region that a text names, by its canonical name.
    pub fn find_organisation(&self, text: &str) -> Option<&str> {
        self.organisation_normalised(&normalise(text))
    }

    fn organisation_normalised(&self, normalised: &str) -> Option<&str> {
        let found = self.organisations.as_ref()?.find(normalised)?;
        self.alias_names.get(found.as_str()).map(String::as_str)
    }

    /// Every organisation a normalised text names (where, and by which alias, its canonical
    /// name when known), in text order: the first is [`RuleSet::organisation_normalised`]'s.
    fn organisations_named<'a>(&'a self, normalised: &str) -> Vec<(usize, usize, Option<&'a str>)> {
        let Some(organisations) = &self.organisations else {
            return Vec::new();
        };
        organisations
            .find_iter(normalised)
            .map(|m| {
                let name = self.alias_names.get(m.as_str()).map(String::as_str);
                (m.start(), m.end(), name)
            })
            .collect()
    }

    /// The organisation responsible for the note's barriers ([`crate::extract::responsible`]),
    /// among those the text names.
    fn responsible_organisation<'a>(
        &'a self,
        normalised: &str,
        named: &[(usize, usize, Option<&'a str>)],
        barriers: &[&str],
        waits: &[crate::extract::StatedWait],
    ) -> Option<&'a str> {
        let found: Vec<(usize, usize, &str)> = named
            .iter()
            .filter_map(|&(start, end, name)| Some((start, end, name?)))
            .collect();
        let passing = self
            .parties
            .as_ref()
            .map(|parties| parties.passing(normalised, barriers))
            .unwrap_or_default();
        crate::extract::responsible(
            normalised,
            &found,
            |name| self.organisation_roles.get(name),
            barriers,
            |id| self.barrier(id).and_then(|b| b.responsible),
            waits,
            passing,
        )
    }

    pub fn version(&self) -> &str {
        self.catalog.version()
    }

    /// The patterns searched for at every byte of every text, because no small set of words
    /// begins every match: each makes every note slower to read (`rules validate` names them).
    pub fn searched_everywhere(&self) -> &[EverywherePattern] {
        &self.everywhere
    }

    /// The names of `[define]` that no pattern uses: harmless, but usually a name misspelt
    /// where it was meant to be used (`rules validate` names them).
    pub fn unused_defines(&self) -> &[String] {
        &self.unused_defines
    }

    pub fn barriers(&self) -> &[Barrier] {
        &self.barriers
    }

    /// The barrier with id `id`.
    pub fn barrier(&self, id: &str) -> Option<&Barrier> {
        self.barriers.iter().find(|b| b.id == id)
    }

    /// The barrier's title, or the id itself for a barrier this rule set does not know.
    pub fn title(&self, id: &str) -> String {
        self.catalog.title(id)
    }

    /// How clusters are keyed (`[clusters] key`).
    pub fn cluster_key(&self) -> ClusterKey {
        self.catalog.cluster_key()
    }

    /// Everything the rules read from one text, normalising it once.
    /// Text only: rules with field conditions (`[barrier.when]`) do not apply.
    pub fn analyse(&self, text: &str) -> Analysis<'_> {
        self.analyse_signal(text, Fields::default())
    }

    /// Everything the rules read from a signal's text and fields, normalising the text once.
    pub fn analyse_signal<'a>(&'a self, text: &str, fields: Fields<'_>) -> Analysis<'a> {
        let normalised = normalise(text);
        // One scan for the organisations: the first one named is the recognised one.
        let mut named = self.organisations_named(&normalised);
        self.capitals.retain_written(&mut named, text, &normalised);
        self.elliptic
            .add_to(&mut named, &normalised, &self.alias_names);
        let named = self.misspellings.add_to(named, text, &normalised);
        let recognised = named.first().and_then(|&(_, _, name)| name);
        let organisation = fields.organisation.or(recognised);
        // Rules and model decide per barrier (crate::ruleset::combine).
        let hits: Vec<(&Barrier, crate::ruleset::combine::Decision<'_>)> =
            crate::ruleset::combine::decide(&Scanned::of(self, &normalised))
                .into_iter()
                .map(|decision| (&self.barriers[decision.barrier], decision))
                .filter(|(barrier, _)| barrier.when.hold(&fields, organisation))
                .collect();
        // Waits are read per sentence, also where the writer left out a full stop.
        let stopped = crate::extract::with_inferred_stops(text, &normalised);
        let durations = crate::extract::stated_waits(&stopped);
        let sole = hits.len() == 1;
        let any_waits = hits.iter().any(|(barrier, _)| barrier.waits);
        let matches = hits
            .into_iter()
            .map(|(barrier, decision)| Match {
                barrier: barrier.id.as_str(),
                confidence: decision.confidence,
                wait_days: barrier_wait(&stopped, &durations, barrier, sole),
                tracks_waits: barrier.wait_context.is_some(),
                found_by: decision.found_by,
                model_score: decision.model_score,
            })
            .collect::<Vec<_>>();
        let barriers: Vec<&str> = matches.iter().map(|m| m.barrier).collect();
        let organisation = recognised.and_then(|_| {
            self.responsible_organisation(&normalised, &named, &barriers, &durations)
        });
        // A wait no barrier claims (none of their `wait_context` words in its sentence) is
        // still the signal's: the note states it for one of its barriers (one that has waits).
        let wait_days = matches
            .iter()
            .filter_map(|m| m.wait_days)
            .max()
            .or_else(|| match (matches.is_empty(), any_waits) {
                (true, _) => None,
                (false, true) => crate::ruleset::waits::longest(&durations),
                // Barriers without waits: only one in a sentence about waiting.
                (false, false) => crate::ruleset::waits::longest_cued(&durations),
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
    #[cfg(test)]
    fn classify_normalised(&self, normalised: &str) -> Vec<(usize, f64, &str)> {
        Scanned::of(self, normalised).rule_hits()
    }

    /// Per barrier, whether the model alone may not find it in a normalised text: one of its
    /// exclusions matches (an `exclude_unless` exclusion only without its `unless` pattern)
    /// and none of its `keep` patterns does, or the text lacks what it `needs`.
    pub(crate) fn model_barred_normalised(&self, normalised: &str) -> Vec<bool> {
        let mut barred = Scanned::of(self, normalised).excluded().to_vec();
        for (barrier, barred) in barred.iter_mut().enumerate() {
            *barred |= !self.model.needs_met(barrier, normalised);
        }
        barred
    }
}

/// A normalised text as the rule set's patterns read it, once: its positive matches, and its
/// exclusions when first asked for.
pub(crate) struct Scanned<'r, 'h> {
    rules: &'r RuleSet,
    normalised: &'h str,
    scan: existence::Scan<'r, 'h>,
    excluded: std::cell::OnceCell<Vec<bool>>,
}

impl<'r, 'h> Scanned<'r, 'h> {
    pub(crate) fn of(rules: &'r RuleSet, normalised: &'h str) -> Self {
        Self {
            rules,
            normalised,
            scan: rules.patterns.scan(normalised.as_bytes()),
            excluded: std::cell::OnceCell::new(),
        }
    }

    /// The rule set that read the text.
    pub(crate) fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// The text read (normalised).
    pub(crate) fn normalised(&self) -> &'h str {
        self.normalised
    }

    /// The barriers the text matches (their index) with the confidence of their strongest
    /// match and that match's pattern, in rule-file order, exclusions applied.
    pub(crate) fn rule_hits(&self) -> Vec<(usize, f64, &'r str)> {
        let rules = self.rules;
        // 0.0 = no match; a confidence is always > 0. The second value: the pattern's index.
        let mut hit = vec![(0.0f64, 0usize); rules.barriers.len()];
        let mut group_hits = vec![0usize; rules.group_sizes.len()];
        for index in self.scan.found(0..rules.exclusions_from).iter() {
            let (barrier, confidence) = match rules.origins[index] {
                Origin::Single { barrier } => (barrier, rules.barriers[barrier].confidence),
                Origin::Group { barrier, group } => {
                    group_hits[group] += 1;
                    if group_hits[group] != rules.group_sizes[group] {
                        continue;
                    }
                    (barrier, rules.group_confidence[group])
                }
            };
            if confidence > hit[barrier].0 {
                hit[barrier] = (confidence, index);
            }
        }
        if hit.iter().any(|h| h.0 > 0.0) {
            for (hit, &excluded) in hit.iter_mut().zip(self.excluded()) {
                if excluded {
                    hit.0 = 0.0;
                }
            }
        }
        hit.into_iter()
            .enumerate()
            .filter(|(_, h)| h.0 > 0.0)
            .map(|(barrier, (confidence, pattern))| {
                (barrier, confidence, rules.labels[pattern].as_str())
            })
            .collect()
    }

    /// Per barrier, whether one of its exclusions matches (an `exclude_unless` exclusion only
    /// without its `unless` pattern) where it speaks of this barrier ([`scope`]), and none of
    /// its `keep` patterns does; read once.
    pub(crate) fn excluded(&self) -> &[bool] {
        self.excluded.get_or_init(|| {
            let rules = self.rules;
            let mut excluded = vec![false; rules.barriers.len()];
            if rules.exclude_barrier.is_empty() {
                return excluded;
            }
            let mut kept = vec![false; rules.barriers.len()];
            let from = rules.exclusions_from;
            let found = self.scan.found(from..from + rules.exclude_barrier.len());
            for index in found.iter().map(|i| i - from) {
                let barrier = rules.exclude_barrier[index];
                match rules.exclude_roles[index] {
                    ExcludeRole::Exclude => {
                        excluded[barrier] = excluded[barrier] || self.concerns(index, barrier)
                    }
                    ExcludeRole::Keep => kept[barrier] = true,
                    ExcludeRole::ExcludeUnless(unless) if !found.has(from + unless) => {
                        excluded[barrier] = true
                    }
                    ExcludeRole::ExcludeUnless(_) | ExcludeRole::Unless => {}
                }
            }
            for (excluded, kept) in excluded.iter_mut().zip(kept) {
                *excluded &= !kept;
            }
            excluded
        })
    }
}

/// What a pattern of the exclusion set does for its barrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExcludeRole {
    /// `exclude`: vetoes the barrier.
    Exclude,
    /// `keep`: lifts every exclusion of the barrier.
    Keep,
    /// The first of an `exclude_unless` pair: vetoes the barrier unless the pattern at this
    /// index (its second) matches too.
    ExcludeUnless(usize),
    /// The second of an `exclude_unless` pair: only lifts its own exclusion.
    Unless,
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

impl knooppunt_domain::promotion::CriteriaSource for RuleSet {
    fn promotion_criteria(&self) -> Vec<(&str, &knooppunt_domain::promotion::Criteria)> {
        self.catalog.promotion_criteria()
    }

    fn criteria_version(&self) -> &str {
        self.catalog.criteria_version()
    }
}
