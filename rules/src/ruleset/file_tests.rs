//! What a rules file may say, and how each mistake in one is named: every error listed with
//! its line, unusable patterns with their reason, unknown keys refused.

use super::tests::{one_barrier, rules};
use super::*;

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

/// A pattern that does not parse, or that asks for what byte-wise matching cannot do, is
/// named with the regex engine's reason, wherever it stands (patterns, groups, exclusions).
#[test]
fn every_unusable_pattern_is_named_with_its_reason() {
    let errors = RuleSet::from_toml(&one_barrier(
        "een",
        r#"patterns = ["(open", "goed"]
        all = [["ook goed", "[b"]]
        exclude = ['\pL']"#,
    ))
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.0.clone()).collect();
    assert_eq!(errors.len(), 3, "{text:?}");
    for (pattern, reason) in [
        ("(open", "unclosed group"),
        ("[b", "unclosed character class"),
        (r"\pL", "Unicode not allowed here"),
    ] {
        let wanted = format!("barrière 'een': patroon '{pattern}' is ongeldig: error: {reason}");
        assert!(
            text.iter().any(|t| t.contains(&wanted)),
            "{wanted} in {text:?}"
        );
    }
}

#[test]
fn conditions_on_fields() {
    let rules = RuleSet::from_toml(&one_barrier(
        "energie",
        r#"patterns = ["afgesloten"]
        [barrier.when]
        themes = ["financien"]
        organisations = ["Eneco"]
        [[organisation]]
        name = "Eneco"
        aliases = ["eneco"]
        "#,
    ))
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
    let err = RuleSet::from_toml(&one_barrier(
        "x",
        "patterns = ['x']\n[barrier.when]\nthemes = ['astrologie']\n",
    ))
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

/// An organisation's mistakes are named: an owner (`part_of`) the file does not hold, and an
/// alias that is empty once normalised (it would be found at every word boundary). Put
/// right, the file loads.
#[test]
fn an_organisations_mistakes_are_named() {
    let file = |organisation: &str| {
        format!("version = \"t\"\n[[barrier]]\nid = \"b\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = ['x']\n\n[[organisation]]\nname = \"Schuldhulp\"\n{organisation}\n")
    };
    for (wrong, right, error) in [
        (
            "aliases = [\"schuldhulp\"]\npart_of = \"Gemeente Nergens\"",
            "aliases = [\"schuldhulp\"]\npart_of = \"Schuldhulp\"",
            "part_of 'Gemeente Nergens' is geen organisatie",
        ),
        (
            "aliases = [\"schuldhulp\", \"  \"]",
            "aliases = [\"schuldhulp\"]",
            "organisatie Schuldhulp: een lege alias",
        ),
    ] {
        let errors = RuleSet::from_toml(&file(wrong)).err().unwrap_or_default();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.contains(error)),
            "{error} in {text:?}"
        );
        assert!(RuleSet::from_toml(&file(right)).is_ok(), "{right}");
    }
}

#[test]
fn the_carousel_section_is_checked() {
    let errors = |carousel: &str| -> Vec<String> {
        RuleSet::from_toml(&one_barrier(
            "a",
            &format!("patterns = [\"x\"]\n{carousel}"),
        ))
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.0)
        .collect()
    };
    assert!(errors("[carousel]\nbarrier = \"b\"")
        .iter()
        .any(|e| e.contains("carousel.barrier: onbekende barrière 'b'")));
    assert!(errors(
        "[carousel]\nbarrier = \"a\"\n[carousel.parties]\nhuisarts = [\"ha\"]\npoh = [\"HA\"]"
    )
    .iter()
    .any(|e| e.contains("carousel: partij 'poh': 'ha' staat ook bij 'huisarts'")));
    assert!(errors("[carousel]\nbarrier = \"a\"\n[carousel.parties]\npoh = [\"poh\"]").is_empty());
}

/// A pattern that no small set of words begins (here one starting with `\w+`, and an
/// exclusion with more alternatives than literal extraction follows) is named with its
/// barrier; patterns that begin with words are not.
#[test]
fn patterns_searched_everywhere_are_named() {
    // 1,200 alternatives whose first four bytes differ (what extraction trims to).
    let many: Vec<String> = (1000..2200).map(|i| format!("{i}x")).collect();
    let rules = RuleSet::from_toml(&one_barrier(
        "traag",
        &format!(
            "patterns = [\"\\\\w+ weken\", \"bang (voor|dat)\"]\nexclude = [\"({})\"]",
            many.join("|")
        ),
    ))
    .expect("valid rules");
    let found: Vec<(&str, &str)> = rules
        .searched_everywhere()
        .iter()
        .map(|p| (p.barrier.as_str(), &p.pattern[..6]))
        .collect();
    assert_eq!(found, [("traag", r"\w+ we"), ("traag", "(1000x")]);
}

/// Every shipped pattern begins with one of a few words, so a note is read for where they
/// occur and no pattern is searched for at every byte. A pattern added to a long
/// alternation can tip it over literal extraction's limit (rule set 2026.12-66 did: 5 %
/// more instructions a note); split such an alternation in two.
#[test]
fn no_shipped_pattern_is_searched_everywhere() {
    assert_eq!(rules().searched_everywhere(), []);
}

/// A pattern written once in `[define]` is used by name anywhere a barrier has patterns, as a
/// group of its own: its alternation stays inside, and a repetition count is no name. A name
/// defined and never used is reported.
#[test]
fn a_named_pattern_is_written_once_and_used_by_name() {
    let source = one_barrier(
        "wacht",
        r#"patterns = ['wachtlijst', 'grote {dier}', 'x{2}y']
        all = [['intake', '{still}']]
        exclude_unless = [['snel', '{still}']]
        [define]
        still = 'nog (steeds )?geen'
        dier = 'aap|noot'
        vergeten = 'nergens gebruikt'"#,
    );
    let rules = RuleSet::from_toml(&source).expect("valid");
    // A name no pattern uses is a warning for `rules validate`, not an error; the shipped
    // rules use every name they define.
    assert_eq!(rules.unused_defines(), ["vergeten"]);
    assert!(super::tests::rules().unused_defines().is_empty());
    assert_eq!(rules.classify("op de wachtlijst"), ["wacht"]);
    assert!(rules.classify("op de wachtlijst, snel geholpen").is_empty());
    assert_eq!(
        rules.classify("op de wachtlijst, snel gebeld maar nog steeds geen afspraak"),
        ["wacht"]
    );
    assert_eq!(rules.classify("de intake? nog geen datum"), ["wacht"]);
    assert_eq!(rules.classify("een grote noot"), ["wacht"]);
    assert!(rules.classify("een noot").is_empty());
    assert_eq!(rules.classify("xxy"), ["wacht"]);
}

/// An unknown name, a definition that does not compile and a name that cannot be one are each
/// named, with the line where it stands.
#[test]
fn unknown_and_unusable_names_are_named() {
    let source = one_barrier(
        "wacht",
        r#"patterns = ['wachtlijst {onbekend}']
        [define]
        kapot = '(open'
        register = 'ggz'"#,
    );
    let errors = RuleSet::from_toml(&source).unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.0.clone()).collect();
    assert_eq!(errors.len(), 3, "{text:?}");
    assert!(
        text.iter().any(|t| t.starts_with("regel 7:")
            && t.contains("barrière 'wacht': onbekende naam {onbekend}")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("regel 9:") && t.contains("define.kapot: ongeldig patroon")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("regel 10:") && t.contains("deze naam kan niet")),
        "{text:?}"
    );
}
