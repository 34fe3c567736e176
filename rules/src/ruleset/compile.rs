//! Compiling a rules file into a [`RuleSet`], one named step at a time, listing every problem
//! at once: each barrier's checks and patterns, the cluster key, the organisations, the
//! model's thresholds, and last the two regex sets.

use super::combine::ModelSlot;
use super::existence::ExistenceSet;
use super::spec::{BarrierSpec, OrganisationSpec, RulesFile};
use super::{
    normalise, register_words, syntax, Barrier, ClusterKey, EverywherePattern, Origin, RuleError,
    RuleSet, DEFAULT_RULES,
};
use crate::extract::OrganisationRole;
use knooppunt_domain::promotion::Criteria;
use std::collections::HashMap;

impl RuleSet {
    /// The rule set that ships with the product, with the model that ships next to it.
    pub fn default_rules() -> Result<Self, Vec<RuleError>> {
        let rules = Self::from_toml(DEFAULT_RULES)?;
        let model = crate::model::Model::from_static(crate::model::DEFAULT_MODEL)
            .map_err(|e| vec![RuleError(format!("ingebouwd model: {e}"))])?;
        rules.with_model(model).map_err(|e| vec![RuleError(e.0)])
    }

    /// Parses and compiles a rules file, listing every problem at once.
    pub fn from_toml(source: &str) -> Result<Self, Vec<RuleError>> {
        let mut file: RulesFile = toml::from_str(source)
            .map_err(|e| vec![RuleError(super::unreadable::unreadable(source, &e))])?;
        let mut errors = Vec::new();
        let unused_defines = super::defines::expand(&mut file, &mut errors);
        if file.version.trim().is_empty() {
            errors.push(RuleError("'version' is leeg".into()));
        }
        let mut tables = Tables::default();
        let mut barriers = Vec::new();
        let mut model = ModelSlot {
            spec: file.model,
            ..Default::default()
        };
        for (index, spec) in file.barriers.into_iter().enumerate() {
            model.barrier_thresholds.push(spec.model.threshold);
            model.barrier_floors.push(spec.model.floor);
            model.barrier_needs.push(model_needs(&spec, &mut errors));
            let register = register_words::for_barrier(&spec, &file.organisations);
            let barrier = tables.add_barrier(
                index,
                spec,
                &barriers,
                &file.promotion,
                register.as_deref(),
                &mut errors,
            );
            barriers.push(barrier);
        }
        let cluster_key = cluster_key(&file.clusters.key, &mut errors);
        let organisations = Organisations::compile(&file.organisations, &barriers, &mut errors);
        let parties = carousel(file.carousel, &barriers, &mut errors);
        let mut model_errors = Vec::new();
        model.check(&mut model_errors);
        errors.extend(model_errors.into_iter().map(RuleError));
        if !errors.is_empty() {
            return Err(errors.into_iter().map(|e| e.located(source)).collect());
        }
        let exclusions_from = tables.positive.len();
        let sources: Vec<String> = (tables.positive.iter().chain(&tables.exclude))
            .map(|p| p.pattern().to_string())
            .collect();
        let patterns = regex_set(tables.positive.into_iter().chain(tables.exclude).collect())?;
        let everywhere = patterns
            .searched_everywhere()
            .iter()
            .filter_map(|&index| {
                let barrier = match index.checked_sub(exclusions_from) {
                    None => match tables.origins.get(index)? {
                        Origin::Single { barrier } | Origin::Group { barrier, .. } => *barrier,
                    },
                    Some(exclusion) => *tables.exclude_barrier.get(exclusion)?,
                };
                Some(EverywherePattern {
                    barrier: barriers.get(barrier)?.id.clone(),
                    pattern: sources.get(index)?.clone(),
                })
            })
            .collect();
        Ok(Self {
            catalog: Self::catalog_of(file.version, cluster_key, &barriers),
            barriers,
            exclusions_from,
            patterns,
            everywhere,
            unused_defines,
            origins: tables.origins,
            group_sizes: tables.group_sizes,
            group_confidence: tables.group_confidence,
            exclude_barrier: tables.exclude_barrier,
            exclude_roles: tables.exclude_roles,
            exclusion_finders: sources[exclusions_from..]
                .iter()
                .cloned()
                .map(super::scope::Finder::new)
                .collect(),
            organisations: organisations.matcher,
            alias_names: organisations.alias_names,
            organisation_roles: organisations.roles,
            capitals: organisations.capitals,
            misspellings: organisations.misspellings,
            elliptic: organisations.elliptic,
            parties,
            labels: tables.labels,
            model,
        })
    }
}

/// The pattern tables of a rule set, filled barrier by barrier in rule-file order.
#[derive(Default)]
struct Tables {
    /// Every positive pattern (parsed; one that does not parse is an error and left out), with
    /// where it came from and how its match is explained.
    positive: Vec<syntax::Parsed>,
    origins: Vec<Origin>,
    labels: Vec<String>,
    /// Per `all` group: its size and its confidence.
    group_sizes: Vec<usize>,
    group_confidence: Vec<f64>,
    /// Every exclusion and `keep` pattern, with the barrier it vetoes (or keeps) and whether
    /// it keeps.
    exclude: Vec<syntax::Parsed>,
    exclude_barrier: Vec<usize>,
    exclude_roles: Vec<super::ExcludeRole>,
    /// Per barrier and `unless` pattern, its place in the exclusion set: exclusions that share
    /// an exception share one pattern, read once.
    unless_at: HashMap<(usize, String), usize>,
}

impl Tables {
    /// A positive pattern of barrier `barrier` with `{register}` filled in, parsed.
    fn positive_pattern(
        &mut self,
        barrier: &str,
        pattern: &str,
        register: Option<&str>,
        errors: &mut Vec<RuleError>,
    ) {
        let pattern = register_words::expand(barrier, pattern, register, errors);
        self.positive
            .extend(check_pattern(barrier, &pattern, errors));
    }

    /// Adds one pattern of barrier `index` to the exclusion set, doing `role`.
    fn add_exclusion(
        &mut self,
        index: usize,
        barrier: &str,
        pattern: &str,
        role: super::ExcludeRole,
        errors: &mut Vec<RuleError>,
    ) {
        self.exclude.extend(check_pattern(barrier, pattern, errors));
        self.exclude_barrier.push(index);
        self.exclude_roles.push(role);
    }

    /// Checks one barrier, adds its patterns and returns what the rule set keeps of it.
    fn add_barrier(
        &mut self,
        index: usize,
        spec: BarrierSpec,
        earlier: &[Barrier],
        promotion: &Criteria,
        register: Option<&str>,
        errors: &mut Vec<RuleError>,
    ) -> Barrier {
        check_identity(index, &spec, earlier, errors);
        for pattern in &spec.patterns {
            self.positive_pattern(&spec.id, pattern, register, errors);
            self.labels.push(pattern.clone());
            self.origins.push(Origin::Single { barrier: index });
        }
        let confidence = confidence(&spec, errors);
        self.add_groups(index, &spec, confidence, register, errors);
        use super::ExcludeRole;
        for pattern in &spec.exclude {
            self.add_exclusion(index, &spec.id, pattern, ExcludeRole::Exclude, errors);
        }
        // A `keep` speaks for the barrier, as a positive pattern does: it may name the
        // barrier's bodies (`{register}`); an exclusion may not.
        for pattern in &spec.keep {
            let keep = register_words::expand(&spec.id, pattern, register, errors);
            self.add_exclusion(index, &spec.id, &keep, ExcludeRole::Keep, errors);
        }
        for (exclusion, unless) in &spec.exclude_unless {
            let unless_index = match self.unless_at.get(&(index, unless.clone())) {
                Some(&at) => at,
                None => {
                    let at = self.exclude_roles.len();
                    // An `unless` speaks for the barrier too ("unless a corporation is named").
                    let lifting = register_words::expand(&spec.id, unless, register, errors);
                    self.add_exclusion(index, &spec.id, &lifting, ExcludeRole::Unless, errors);
                    self.unless_at.insert((index, unless.clone()), at);
                    at
                }
            };
            let role = ExcludeRole::ExcludeUnless(unless_index);
            self.add_exclusion(index, &spec.id, exclusion, role, errors);
        }
        check_themes(&spec, errors);
        let wait_context = wait_context(&spec, errors);
        let topic = topic(&spec, register, errors);
        Barrier {
            id: spec.id,
            title: spec.title,
            kader: spec.kader,
            owner: spec.owner,
            when: spec.when,
            promotion: promotion.with(&spec.promotion),
            confidence,
            wait_context,
            topic,
            waits: spec.waits,
            responsible: spec.responsible,
        }
    }

    /// Adds the barrier's `all` groups: the plain ones with the barrier's confidence, then
    /// the `[[barrier.group]]`s with their own; `register` is what `{register}` stands for.
    fn add_groups(
        &mut self,
        index: usize,
        spec: &BarrierSpec,
        confidence: f64,
        register: Option<&str>,
        errors: &mut Vec<RuleError>,
    ) {
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
            let group_index = self.group_sizes.len();
            self.group_sizes.push(group.len());
            self.group_confidence.push(group_conf);
            for pattern in group {
                self.positive_pattern(&spec.id, pattern, register, errors);
                self.labels.push(group.join(" + "));
                self.origins.push(Origin::Group {
                    barrier: index,
                    group: group_index,
                });
            }
        }
    }
}

/// The barrier's id is well-formed and new, and the barrier has something to match.
fn check_identity(
    index: usize,
    spec: &BarrierSpec,
    earlier: &[Barrier],
    errors: &mut Vec<RuleError>,
) {
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
    if earlier.iter().any(|b| b.id == spec.id) {
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
}

/// The pattern parsed, or its mistake in `errors`. Parsing is enough to find a pattern's
/// mistakes (the set compiles them all at once); compiling each pattern on its own as well
/// cost half of start-up.
fn check_pattern(
    barrier: &str,
    pattern: &str,
    errors: &mut Vec<RuleError>,
) -> Option<syntax::Parsed> {
    syntax::parse(pattern)
        .map_err(|e| {
            errors.push(RuleError(format!(
                "barrière '{barrier}': patroon '{pattern}' is ongeldig: {}",
                e.lines().last().unwrap_or_default()
            )))
        })
        .ok()
}

/// The barrier's confidence (default 1), after checking it and its groups' (0 < c ≤ 1).
fn confidence(spec: &BarrierSpec, errors: &mut Vec<RuleError>) -> f64 {
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
    confidence
}

/// Every theme in `when.themes` is a known theme, spelled as the signal spells it.
fn check_themes(spec: &BarrierSpec, errors: &mut Vec<RuleError>) {
    for theme in &spec.when.themes {
        if knooppunt_domain::signal::Theme::parse(theme).map(|t| t.as_str()) != Some(theme.as_str())
        {
            errors.push(RuleError(format!(
                "barrière '{}': onbekend thema in when.themes: '{theme}'",
                spec.id
            )));
        }
    }
}

/// The barrier's `wait_context`, compiled.
fn wait_context(spec: &BarrierSpec, errors: &mut Vec<RuleError>) -> Option<regex::Regex> {
    let pattern = spec.wait_context.as_deref()?;
    barrier_pattern(spec, "wait_context", pattern, errors)
}

/// The barrier's `topic` (`{register}` filled in), checked now and compiled when first needed
/// ([`super::scope`]); an invalid one is an error naming the key.
fn topic(
    spec: &BarrierSpec,
    register: Option<&str>,
    errors: &mut Vec<RuleError>,
) -> Option<super::scope::Finder> {
    let pattern = register_words::expand(&spec.id, spec.topic.as_deref()?, register, errors);
    match syntax::parse(&pattern) {
        Ok(_) => Some(super::scope::Finder::new(pattern)),
        Err(e) => {
            errors.push(RuleError(format!(
                "barrière '{}': topic '{pattern}' is ongeldig: {}",
                spec.id,
                e.lines().last().unwrap_or_default()
            )));
            None
        }
    }
}

/// The barrier's `[barrier.model] needs`, compiled.
fn model_needs(spec: &BarrierSpec, errors: &mut Vec<RuleError>) -> Option<regex::Regex> {
    let pattern = spec.model.needs.as_deref()?;
    barrier_pattern(spec, "model.needs", pattern, errors)
}

/// One of a barrier's single patterns (`what` names its key in the rules file), compiled as the
/// rules' patterns are (on normalised, lower-cased text); an invalid one is an error naming both.
fn barrier_pattern(
    spec: &BarrierSpec,
    what: &str,
    pattern: &str,
    errors: &mut Vec<RuleError>,
) -> Option<regex::Regex> {
    match single_pattern(pattern) {
        Ok(re) => Some(re),
        Err(reason) => {
            errors.push(RuleError(format!(
                "barrière '{}': {what} '{pattern}' is ongeldig: {reason}",
                spec.id
            )));
            None
        }
    }
}

/// One pattern compiled on its own, as the rules read text (ASCII classes, no Unicode); the
/// error is the regex engine's reason (its last line).
pub(super) fn single_pattern(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .map_err(|e| e.to_string().lines().last().unwrap_or_default().to_string())
}

/// `[carousel]`, compiled. Without it, a file with a `doorverwijscarrousel` barrier passes its
/// cases around with the bodies it names only (as before the section existed).
fn carousel(
    spec: Option<super::spec::CarouselSpec>,
    barriers: &[Barrier],
    errors: &mut Vec<RuleError>,
) -> Option<crate::extract::passing::Parties> {
    let given = spec.is_some();
    let (barrier, parties) = match spec {
        Some(spec) => (spec.barrier, spec.parties.into_iter().collect::<Vec<_>>()),
        None => ("doorverwijscarrousel".to_string(), Vec::new()),
    };
    if !barriers.iter().any(|b| b.id == barrier) {
        if given {
            errors.push(RuleError(format!(
                "carousel.barrier: onbekende barrière '{barrier}'"
            )));
        }
        return None;
    }
    crate::extract::passing::Parties::new(&barrier, &parties, normalise)
        .map_err(|e| errors.push(RuleError(format!("carousel: {e}"))))
        .ok()
}

/// `[clusters] key`: what groups signals besides the barrier.
fn cluster_key(keys: &[String], errors: &mut Vec<RuleError>) -> ClusterKey {
    let mut cluster_key = ClusterKey::default();
    for key in keys {
        match key.as_str() {
            "area" => cluster_key.area = true,
            "organisation" => cluster_key.organisation = true,
            other => errors.push(RuleError(format!(
                "clusters.key: onbekende sleutel '{other}' (kies uit 'area' en 'organisation')"
            ))),
        }
    }
    cluster_key
}

/// An initialism as dictation software and some writers spell it, letter by letter ("s v b",
/// "c a k" for `svb`, `cak`): for an alias of three to five lower-case ASCII letters (one
/// written with capitals counts only with them, see [`crate::extract::capitals`]).
fn spelled_out(alias: &str) -> Option<String> {
    ((3..=5).contains(&alias.len()) && alias.bytes().all(|b| b.is_ascii_lowercase())).then(|| {
        let letters: Vec<String> = alias.chars().map(String::from).collect();
        letters.join(" ")
    })
}

/// A name of two or three words as writers also run it together or hyphenate it
/// ("RijswijkWonen", "Rijswijk-Wonen" for `rijswijk wonen`): for an alias of plain letters and
/// single spaces whose words joined make at least seven letters, with the alias's own capitals.
fn joined_forms(alias: &str) -> Vec<String> {
    let words: Vec<&str> = alias.split(' ').collect();
    let plain = words
        .iter()
        .all(|w| !w.is_empty() && w.chars().all(char::is_alphabetic));
    let letters: usize = words.iter().map(|w| w.chars().count()).sum();
    if !(2..=3).contains(&words.len()) || !plain || letters < 7 {
        return Vec::new();
    }
    vec![words.join(""), words.join("-")]
}

/// The organisations of the region: one matcher for all aliases, and what each one is.
struct Organisations {
    /// All aliases, matched whole, the longest at one place; `None` when the file names none.
    matcher: Option<crate::extract::WholeWords>,
    /// Normalised alias → canonical name.
    alias_names: HashMap<String, String>,
    roles: HashMap<String, OrganisationRole>,
    /// Names and aliases that count only with their capitals.
    capitals: crate::extract::capitals::WrittenCapitals,
    /// The one-word aliases, for names misspelt by one letter.
    misspellings: crate::extract::misspelt::Misspellings,
    /// Aliases that count only where no noun follows ("de sociale").
    elliptic: crate::extract::elliptic::Elliptic,
}

impl Organisations {
    fn compile(
        specs: &[OrganisationSpec],
        barriers: &[Barrier],
        errors: &mut Vec<RuleError>,
    ) -> Self {
        let mut alias_names = HashMap::new();
        let mut aliases: Vec<String> = Vec::new();
        let mut roles = HashMap::new();
        for organisation in specs {
            check_organisation(organisation, specs, barriers, errors);
            roles.insert(
                organisation.name.clone(),
                OrganisationRole {
                    barriers: organisation.barriers.clone(),
                    bystander: organisation.bystander,
                    secondary: organisation.secondary,
                    part_of: organisation.part_of.clone(),
                    generic: organisation.generic,
                },
            );
            add_aliases(
                organisation,
                &organisation.aliases,
                &mut alias_names,
                &mut aliases,
                errors,
            );
        }
        // Misspelt names are looked for among the aliases the file writes only: a form
        // derived from several words is one long word, and one or two edits away from such a
        // word are ordinary ones ("gemeenteleden" from `gemeente leiden`).
        let misspellings = crate::extract::misspelt::Misspellings::new(
            alias_names
                .iter()
                .map(|(alias, name)| (alias.as_str(), name.as_str())),
        );
        // After every alias the file writes, so that a form derived for one body never
        // takes an alias the file gives another.
        for organisation in specs {
            add_derived_aliases(organisation, &mut alias_names, &mut aliases);
        }
        let written: Vec<String> = specs
            .iter()
            .flat_map(|o| &o.aliases)
            .flat_map(|a| std::iter::once(a.trim().to_string()).chain(joined_forms(a.trim())))
            .collect();
        let capitalised: Vec<&str> = specs
            .iter()
            .filter(|o| o.capitalised)
            .map(|o| o.name.as_str())
            .collect();
        let pairs = || {
            alias_names
                .iter()
                .map(|(alias, name)| (alias.as_str(), name.as_str()))
        };
        let capitals = crate::extract::capitals::WrittenCapitals::new(
            pairs(),
            &capitalised,
            written.iter().map(String::as_str),
        );
        // Last, with their own matcher: in the one alternation "de sociale" would win over
        // "sociale dienst", which starts a word later. They name their body through
        // `alias_names` like every other alias, but are no misspelling's target.
        let mut elliptic = Vec::new();
        for organisation in specs {
            add_aliases(
                organisation,
                &organisation.elliptic,
                &mut alias_names,
                &mut elliptic,
                errors,
            );
        }
        let elliptic = crate::extract::elliptic::Elliptic::new(alias_matcher(&elliptic, errors));
        Self {
            matcher: alias_matcher(&aliases, errors),
            alias_names,
            roles,
            capitals,
            misspellings,
            elliptic,
        }
    }
}

/// Reports what the rules file gets wrong about one organisation: a barrier or an owner
/// (`part_of`) it does not have, or no aliases.
fn check_organisation(
    organisation: &OrganisationSpec,
    specs: &[OrganisationSpec],
    barriers: &[Barrier],
    errors: &mut Vec<RuleError>,
) {
    for barrier in &organisation.barriers {
        if !barriers.iter().any(|b| &b.id == barrier) {
            errors.push(RuleError(format!(
                "organisatie {}: onbekende barrière '{barrier}'",
                organisation.name
            )));
        }
    }
    if let Some(owner) = &organisation.part_of {
        if !specs.iter().any(|other| &other.name == owner) {
            errors.push(RuleError(format!(
                "organisatie {}: part_of '{owner}' is geen organisatie in het bestand",
                organisation.name
            )));
        }
    }
    if organisation.aliases.is_empty() {
        errors.push(RuleError(format!(
            "organisatie '{}': geen aliassen",
            organisation.name
        )));
    }
}

/// Adds `written`, aliases of one organisation (its `aliases` or its `elliptic` ones),
/// normalised, to `aliases` and to `alias_names` (alias → organisation); an alias that already
/// names another organisation is an error.
fn add_aliases(
    organisation: &OrganisationSpec,
    written: &[String],
    alias_names: &mut HashMap<String, String>,
    aliases: &mut Vec<String>,
    errors: &mut Vec<RuleError>,
) {
    for alias in written {
        let written = alias.trim();
        let alias = normalise(written);
        if alias.is_empty() {
            errors.push(RuleError(format!(
                "organisatie {}: een lege alias",
                organisation.name
            )));
            continue;
        }
        if let Some(other) = alias_names.insert(alias.clone(), organisation.name.clone()) {
            errors.push(RuleError(format!(
                "organisatie {}: alias '{alias}' staat ook bij {other}",
                organisation.name
            )));
        }
        aliases.push(alias);
    }
}

/// Adds the forms writers also use for one organisation's aliases: spelled out letter by
/// letter ([`spelled_out`]), run together or hyphenated ([`joined_forms`]); a form that is
/// already an alias keeps its organisation.
fn add_derived_aliases(
    organisation: &OrganisationSpec,
    alias_names: &mut HashMap<String, String>,
    aliases: &mut Vec<String>,
) {
    for alias in &organisation.aliases {
        let written = alias.trim();
        let joined = joined_forms(written)
            .into_iter()
            .map(|form| normalise(&form));
        for form in spelled_out(written).into_iter().chain(joined) {
            if !alias_names.contains_key(&form) {
                alias_names.insert(form.clone(), organisation.name.clone());
                aliases.push(form);
            }
        }
    }
}

/// One matcher for all aliases ([`crate::extract::WholeWords`]).
fn alias_matcher(
    aliases: &[String],
    errors: &mut Vec<RuleError>,
) -> Option<crate::extract::WholeWords> {
    crate::extract::WholeWords::new(aliases.iter().map(String::as_str)).unwrap_or_else(|e| {
        errors.push(RuleError(format!("organisaties samenstellen mislukt: {e}")));
        None
    })
}

/// Compiles patterns into one set.
fn regex_set(patterns: Vec<syntax::Parsed>) -> Result<ExistenceSet, Vec<RuleError>> {
    // Byte-oriented and ASCII-only (`\w`, `\b`): the text is normalised to lower case
    // without accents first, and Unicode word boundaries would keep the regex engine
    // off its fast DFA path. Because that text holds no ASCII capitals, matching case-
    // sensitively finds the same as case-insensitively whenever no pattern asks for a
    // capital; it keeps the literal prefilters and builds a smaller automaton.
    let case_insensitive = !patterns.iter().all(syntax::Parsed::lower_case_only);
    patterns
        .into_iter()
        .map(|p| p.into_hir(case_insensitive))
        .collect::<Result<Vec<_>, String>>()
        .and_then(ExistenceSet::from_hirs)
        .map_err(|e| vec![RuleError(format!("regels samenstellen mislukt: {e}"))])
}
