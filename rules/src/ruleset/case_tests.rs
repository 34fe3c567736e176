//! Recognition cases the rule set must get right that need more than a case line: parties that
//! each want something else first (the rules' own hits), a rule named by its pattern, a
//! separable verb read with and without the model, exceptions to exclusions in rules files of
//! their own, a body added to the register; and wide punctuation that must never make the
//! analysis panic. The cases that are one line each are in `rules/tests/cases/`.

use super::tests::{assert_found_by_rule, match_of, one_barrier, rules};
use super::*;

/// Punctuation and spaces wider than a byte anywhere in a note (dashes, quotes, an ellipsis, a
/// non-breaking or zero-width space) never make the anonymiser or the analysis panic: every
/// fifth training note, with such characters put in place of or after its ASCII punctuation.
#[test]
fn wide_punctuation_anywhere_never_panics() {
    const WIDE: [&str; 10] = ["–", "—", "…", "’", "“", "•", "→", "\u{a0}", "\u{200b}", "½"];
    const ASCII: &[char] = &[' ', ',', '.', ';', ':', '(', ')', '-'];
    let rules = rules();
    let mut seed = 7u64;
    let mut analysed = 0;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/training");
    for entry in std::fs::read_dir(dir).expect("training notes") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path)
            .expect("notes")
            .lines()
            .step_by(5)
        {
            let note: serde_json::Value = serde_json::from_str(line).expect("note");
            let mut wide = String::new();
            for c in note["text"].as_str().expect("text").chars() {
                // A linear congruential generator: the same notes every run.
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let pick = WIDE[(seed >> 33) as usize % WIDE.len()];
                match seed >> 62 {
                    0 if ASCII.contains(&c) => wide.push_str(pick),
                    1 if ASCII.contains(&c) => {
                        wide.push(c);
                        wide.push_str(pick);
                    }
                    _ => wide.push(c),
                }
            }
            let scrubbed = knooppunt_domain::scrub::scrub(&wide).text;
            let analysis = rules.analyse_signal(&scrubbed, Fields::default());
            analysed += usize::from(analysis.barriers.len() < 100);
        }
    }
    assert!(analysed > 1_000, "{analysed} notes analysed");
}

#[test]
fn parties_that_each_want_something_else_first_pass_the_case_around() {
    let rules = rules();
    // The barriers the rules alone find (the model aside).
    let by_rules = |text: &str| -> Vec<String> {
        rules
            .classify_normalised(&normalise(text))
            .into_iter()
            .map(|(barrier, ..)| rules.barriers[barrier].id.clone())
            .collect()
    };
    for text in [
        "Budgetcoach: eerst een vast adres. Woningzoekendenloket: eerst de schulden op orde.",
        "De kliniek wil dat hij eerst stopt met gokken, het gokhulpteam zegt dat hij pas als hij \
         rustig woont kan beginnen.",
    ] {
        assert!(
            by_rules(text).contains(&"doorverwijscarrousel".to_string()),
            "{text}: {:?}",
            by_rules(text)
        );
    }
    // One condition alone is no carousel.
    let text = "De schuldhulp wil eerst drie maanden budgetbeheer zien.";
    assert!(!by_rules(text).contains(&"doorverwijscarrousel".to_string()));
}

#[test]
fn sent_on_to_a_body_whose_target_group_it_is_not_is_the_carousel() {
    let alone = rules().without_model();
    let rule_of = |text: &str| -> String {
        let analysis = alone.analyse(text);
        match match_of(&analysis, "doorverwijscarrousel").found_by {
            crate::ruleset::combine::FoundBy::Rule { rule } => rule.to_string(),
            _ => panic!("{text}"),
        }
    };
    let text =
        "Doorverwezen naar het Jongerenloket, maar daar valt hij niet in de doelgroep. Terug \
                naar de woonbegeleiding, die het ook niet snapt.";
    assert_found_by_rule(&rules(), text, "doorverwijscarrousel");
    assert!(rule_of(text).contains("doelgroep"), "{}", rule_of(text));
    let text = "Mevrouw is bij drie instanties geweest en we zijn terug bij af.";
    assert_found_by_rule(&rules(), text, "doorverwijscarrousel");
    assert_eq!(rule_of(text), "terug bij af");
    // Outside a target group without a referral is a door too high, not a carousel.
    let text = "Hij hoort niet bij de doelgroep van de regeling en kan niets aanvragen.";
    assert!(!alone
        .analyse(text)
        .barriers
        .contains(&"doorverwijscarrousel"));
}

#[test]
fn taking_in_a_grown_child_with_the_separable_verb() {
    // "vangt … op" is "opvangen": a grown child taken in, and the benefit lowered.
    let text =
        "Vader vangt zijn zoon (27) op sinds die dakloos werd; nu krijgt hij minder bijstand.";
    assert_found_by_rule(&rules(), text, "kostendelersnorm");
    assert_eq!(
        rules().without_model().analyse(text).barriers,
        ["kostendelersnorm"]
    );
}

/// Exclusions that share an exception (one pattern, read once) are each lifted by it, and only
/// by it.
#[test]
fn exclusions_that_share_an_exception_are_each_lifted_by_it() {
    let rules = RuleSet::from_toml(&one_barrier(
        "x",
        "patterns = ['melding']\n\
         exclude_unless = [['achterstand', 'schimmel'], ['tevreden', 'schimmel'], \
         ['verholpen', 'lekkage']]\n",
    ))
    .unwrap();
    for text in [
        "melding, achterstand",
        "melding, tevreden",
        "melding, verholpen",
    ] {
        assert!(rules.analyse(text).barriers.is_empty(), "{text}");
    }
    for text in [
        "melding, achterstand, schimmel",
        "melding, tevreden, schimmel",
        "melding, achterstand, tevreden, schimmel",
        "melding, verholpen, lekkage",
    ] {
        assert_eq!(rules.analyse(text).barriers, ["x"], "{text}");
    }
    assert!(rules
        .analyse("melding, verholpen, schimmel")
        .barriers
        .is_empty());
}

#[test]
fn an_exclusion_with_its_own_exception_lifts_only_itself() {
    let rules = RuleSet::from_toml(&one_barrier(
        "x",
        "patterns = ['melding']\nexclude = ['tevreden']\n\
         exclude_unless = [['achterstand', 'schimmel']]\n",
    ))
    .unwrap();
    assert_eq!(rules.analyse("melding").barriers, ["x"]);
    assert!(rules.analyse("melding, achterstand").barriers.is_empty());
    assert_eq!(
        rules.analyse("melding, achterstand, schimmel").barriers,
        ["x"]
    );
    // Its exception lifts no other exclusion, as a `keep` would.
    assert!(rules
        .analyse("melding, achterstand, schimmel, tevreden")
        .barriers
        .is_empty());
    assert!(rules
        .analyse("melding, schimmel, tevreden")
        .barriers
        .is_empty());
}

/// A deployment that adds its own body to the register has the rule know it, without touching
/// the rule; a rule asking for the register's bodies of a barrier no body names is an error.
#[test]
fn a_body_added_to_the_register_reaches_the_rule() {
    let text = "Mevrouw wacht al vier maanden op een intake bij Zonnehof.";
    let before = RuleSet::from_toml(DEFAULT_RULES).expect("default rules");
    assert!(!before.analyse(text).barriers.contains(&"wachtlijst-ggz"));
    let own = format!(
        "{DEFAULT_RULES}\n[[organisation]]\nname = \"Zonnehof\"\naliases = [\"zonnehof\"]\nbarriers = [\"wachtlijst-ggz\"]\n"
    );
    let after = RuleSet::from_toml(&own).expect("rules with the body added");
    assert_found_by_rule(&after, text, "wachtlijst-ggz");

    let orphan = DEFAULT_RULES.replacen(
        "patterns = ['ggz[- ]?wachtl(ij|y)st'",
        "patterns = ['{register} wachtlijst', 'ggz[- ]?wachtl(ij|y)st'",
        1,
    );
    let orphan = orphan.replace("barriers = [\"wachtlijst-ggz\"]", "barriers = []");
    let errors = RuleSet::from_toml(&orphan).expect_err("no body names the GGZ barrier");
    assert!(
        errors
            .iter()
            .any(|e| e.0.contains("geen organisatie noemt deze barrière")),
        "{errors:?}"
    );
}
