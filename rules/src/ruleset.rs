//! The barrier rules: a versioned TOML file compiled into one matcher.
//!
//! All positive patterns of all barriers go into one [`RegexSet`], and so do all exclusions, so
//! a signal is scanned twice in total however many rules there are, instead of once per regex.
//! Pure: no I/O.

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
    /// Promotion thresholds for all barriers; see [`crate::promotion`].
    #[serde(default)]
    promotion: crate::promotion::Criteria,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationSpec {
    name: String,
    aliases: Vec<String>,
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
    #[serde(default)]
    exclude: Vec<String>,
    /// Conditions on the signal's fields; all that are given must hold.
    #[serde(default)]
    when: Conditions,
    /// This barrier's promotion thresholds, where they differ from `[promotion]`.
    #[serde(default)]
    promotion: crate::promotion::CriteriaOverride,
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
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    pub id: String,
    pub title: String,
    pub kader: String,
    pub owner: String,
    pub when: Conditions,
    /// When a cluster of this barrier goes on the agenda.
    pub promotion: crate::promotion::Criteria,
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
#[derive(Debug)]
pub struct RuleSet {
    version: String,
    barriers: Vec<Barrier>,
    positive: RegexSet,
    origins: Vec<Origin>,
    /// Size of each `all` group, indexed like `group` in [`Origin::Group`].
    group_sizes: Vec<usize>,
    exclude: RegexSet,
    exclude_barrier: Vec<usize>,
    /// All organisation aliases in one alternation; `alias_names` maps a match to its name.
    organisations: Option<regex::Regex>,
    alias_names: std::collections::HashMap<String, String>,
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
    pub fn default_rules() -> Result<Self, Vec<RuleError>> {
        Self::from_toml(DEFAULT_RULES)
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
        let mut exclude = Vec::new();
        let mut exclude_barrier = Vec::new();
        for (index, spec) in file.barriers.into_iter().enumerate() {
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
            if spec.patterns.is_empty() && spec.all.is_empty() {
                errors.push(RuleError(format!(
                    "barrière '{}': geen patterns en geen all-groepen",
                    spec.id
                )));
            }
            let check = |pattern: &str, errors: &mut Vec<RuleError>| {
                if let Err(e) = regex::bytes::RegexBuilder::new(pattern)
                    .unicode(false)
                    .build()
                {
                    errors.push(RuleError(format!(
                        "barrière '{}': patroon '{}' is ongeldig: {}",
                        spec.id,
                        pattern,
                        e.to_string().lines().last().unwrap_or_default()
                    )));
                }
            };
            for pattern in &spec.patterns {
                check(pattern, &mut errors);
                positive.push(pattern.clone());
                origins.push(Origin::Single { barrier: index });
            }
            for group in &spec.all {
                if group.len() < 2 {
                    errors.push(RuleError(format!(
                        "barrière '{}': een all-groep heeft minstens twee patronen nodig",
                        spec.id
                    )));
                }
                let group_index = group_sizes.len();
                group_sizes.push(group.len());
                for pattern in group {
                    check(pattern, &mut errors);
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
                if knooppunt_ingest::signal::Theme::parse(theme).map(|t| t.as_str())
                    != Some(theme.as_str())
                {
                    errors.push(RuleError(format!(
                        "barrière '{}': onbekend thema in when.themes: '{theme}'",
                        spec.id
                    )));
                }
            }
            barriers.push(Barrier {
                id: spec.id,
                title: spec.title,
                kader: spec.kader,
                owner: spec.owner,
                when: spec.when,
                promotion: file.promotion.with(&spec.promotion),
            });
        }
        let mut alias_names = std::collections::HashMap::new();
        let mut aliases: Vec<String> = Vec::new();
        for organisation in &file.organisations {
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
        if !errors.is_empty() {
            return Err(errors.into_iter().map(|e| e.located(source)).collect());
        }
        let build = |patterns: &[String]| {
            // Byte-oriented and ASCII-only (`\w`, `\b`): the text is normalised to lower case
            // without accents first, and Unicode word boundaries would keep the regex engine
            // off its fast DFA path.
            RegexSetBuilder::new(patterns)
                .case_insensitive(true)
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
            exclude: build(&exclude)?,
            exclude_barrier,
            organisations,
            alias_names,
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

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn barriers(&self) -> &[Barrier] {
        &self.barriers
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
        let barriers = self
            .classify_normalised(&normalised)
            .into_iter()
            .filter(|(_, barrier)| barrier.when.hold(&fields, organisation))
            .map(|(id, _)| id)
            .collect();
        Analysis {
            barriers,
            wait_days: wait_days_normalised(&normalised),
            organisation: recognised,
        }
    }

    /// The barrier ids a text matches, in rule-file order; empty means unclassified.
    /// Text only, like [`RuleSet::analyse`].
    pub fn classify(&self, text: &str) -> Vec<&str> {
        self.analyse(text).barriers
    }

    fn classify_normalised(&self, normalised: &str) -> Vec<(&str, &Barrier)> {
        let mut hit = vec![false; self.barriers.len()];
        let mut group_hits = vec![0usize; self.group_sizes.len()];
        for index in self.positive.matches(normalised.as_bytes()).iter() {
            match self.origins[index] {
                Origin::Single { barrier } => hit[barrier] = true,
                Origin::Group { barrier, group } => {
                    group_hits[group] += 1;
                    if group_hits[group] == self.group_sizes[group] {
                        hit[barrier] = true;
                    }
                }
            }
        }
        if hit.iter().any(|&h| h) && !self.exclude.is_empty() {
            for index in self.exclude.matches(normalised.as_bytes()).iter() {
                hit[self.exclude_barrier[index]] = false;
            }
        }
        self.barriers
            .iter()
            .zip(hit)
            .filter(|(_, h)| *h)
            .map(|(b, _)| (b.id.as_str(), b))
            .collect()
    }
}

/// What the rules read from one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis<'a> {
    /// Barrier ids in rule-file order; empty means unclassified.
    pub barriers: Vec<&'a str>,
    /// The longest waiting time the text mentions, in days.
    pub wait_days: Option<u32>,
    /// The first organisation of the region the text names.
    pub organisation: Option<&'a str>,
}

/// Lower case without accents, so patterns need not spell out "financiën" and "financien".
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            // The common case, without the general Unicode lower-casing machinery.
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            out.push(match lower {
                'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                '’' | '‘' => '\'',
                other => other,
            });
        }
    }
    out
}

/// Dutch number words up to twenty, as written in notes ("drie maanden").
fn number_word(word: &str) -> Option<u32> {
    Some(match word {
        "een" | "één" | "1" => 1,
        "twee" => 2,
        "drie" => 3,
        "vier" => 4,
        "vijf" => 5,
        "zes" => 6,
        "zeven" => 7,
        "acht" => 8,
        "negen" => 9,
        "tien" => 10,
        "elf" => 11,
        "twaalf" => 12,
        "dertien" => 13,
        "veertien" => 14,
        "vijftien" => 15,
        "zestien" => 16,
        "zeventien" => 17,
        "achttien" => 18,
        "negentien" => 19,
        "twintig" => 20,
        other => return other.parse().ok(),
    })
}

static DURATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?-u:\b)(?:(ruim |bijna |ongeveer |circa |zo'n )?(een half|anderhalf|[0-9]{1,3}|[a-z]+) (dagen|dag|weken|week|maanden|maand|jaar|jaren))(?-u:\b)",
    )
    .expect("valid duration pattern")
});

/// The longest waiting time mentioned in a text, in days: "al 14 weken" → 98,
/// "drie maanden" → 90, "ruim een half jaar" → 182. `None` when the text names none.
pub fn extract_wait_days(text: &str) -> Option<u32> {
    wait_days_normalised(&normalise(text))
}

fn wait_days_normalised(normalised: &str) -> Option<u32> {
    DURATION
        .captures_iter(normalised)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            // "zoon van 23 jaar", "is 40 jaar oud": an age, not a wait.
            let before = normalised[..whole.start()].trim_end();
            let after = &normalised[whole.end()..];
            if ["van", "is", "wordt", "werd", "leeftijd", "ruim van"]
                .iter()
                .any(|w| before.ends_with(w))
                || after.starts_with(" oud")
            {
                return None;
            }
            let amount = caps.get(2)?.as_str();
            let unit = caps.get(3)?.as_str();
            let unit_days = match unit {
                "dag" | "dagen" => 1.0,
                "week" | "weken" => 7.0,
                "maand" | "maanden" => 30.0,
                _ => 365.0,
            };
            let count = match amount {
                "een half" => 0.5,
                "anderhalf" => 1.5,
                word => f64::from(number_word(word)?),
            };
            Some((count * unit_days).floor() as u32)
        })
        .max()
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
            Some("Gemeente Den Haag")
        );
        assert_eq!(
            rules.find_organisation("wachtlijst bij PsyQ en daarna Parnassia"),
            Some("PsyQ")
        );
        assert_eq!(
            rules.find_organisation("de shv heeft een wachtlijst"),
            Some("Schuldhulpverlening Den Haag")
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
            ("twee jaar en 3 maanden", Some(730)),
            ("zoon van 23 jaar woont weer thuis", None),
            ("moeder is 40 jaar oud", None),
        ] {
            assert_eq!(extract_wait_days(text), days, "{text}");
        }
    }
}
