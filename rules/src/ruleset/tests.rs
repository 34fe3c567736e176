use super::*;
use crate::cases::{self, case_file, CaseFile};

pub(super) fn rules() -> RuleSet {
    RuleSet::default_rules().expect("default rules compile")
}

/// A rules file with one barrier `id` (title, kader and owner filled in) followed by `rest`,
/// which starts on line 7.
pub(super) fn one_barrier(id: &str, rest: &str) -> String {
    format!(
        "version = \"t\"\n[[barrier]]\nid = \"{id}\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\n{rest}"
    )
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

/// Paraphrases as neighbourhood workers write them, without the barrier's key words
/// (`rules/fixtures/paraphrases.jsonl`): each must get exactly its expected barriers.
#[test]
fn paraphrase_fixtures() {
    let rules = rules();
    let fixtures = include_str!("../../fixtures/paraphrases.jsonl");
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
    let criteria = |id: &str| rules.barrier(id).map(|b| b.promotion.clone()).unwrap();
    assert_eq!(criteria("wachtlijst-ggz").wait_norm_days, Some(70));
    assert_eq!(
        criteria("wachtlijst-ggz").wait_norm_name.as_deref(),
        Some("Treeknorm")
    );
    assert_eq!(criteria("kostendelersnorm").wait_norm_days, None);
    assert_eq!(criteria("kostendelersnorm").min_sources, 3);
}

pub(super) fn match_of<'a>(analysis: &'a Analysis<'a>, barrier: &str) -> &'a Match<'a> {
    analysis
        .matches
        .iter()
        .find(|m| m.barrier == barrier)
        .unwrap_or_else(|| panic!("{barrier} not matched: {:?}", analysis.barriers))
}

/// Whether the rule set itself finds `barrier` in `text`, not only the model beside it.
pub(super) fn found_by_rule(rules: &RuleSet, text: &str, barrier: &str) -> bool {
    rules.analyse(text).matches.iter().any(|m| {
        m.barrier == barrier && matches!(m.found_by, crate::ruleset::combine::FoundBy::Rule { .. })
    })
}

/// Asserts that the rule set itself finds `barrier` in `text`, not only the model beside it.
pub(super) fn assert_found_by_rule(rules: &RuleSet, text: &str, barrier: &str) {
    assert!(found_by_rule(rules, text, barrier), "{text}");
}

/// Asserts that `barrier` is not found in `text`, by a rule nor by the model.
pub(super) fn assert_not_classified(rules: &RuleSet, text: &str, barrier: &str) {
    assert!(!rules.classify(text).contains(&barrier), "{text}");
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
    let analysis = rules.analyse(
        "Meneer kan alleen met DigiD aanvragen en heeft geen computer. Zo gaat dat al 6 weken.",
    );
    assert_eq!(analysis.barriers, ["loket-drempel"]);
    assert_eq!(match_of(&analysis, "loket-drempel").wait_days, Some(42));
}

#[test]
fn a_barrier_without_waits_takes_only_a_duration_about_waiting() {
    let rules = rules();
    // How long someone has lived in, or feared, is no wait.
    for text in [
        "Zoon weer thuis sinds 6 weken, bijstand van moeder omlaag.",
        "Ze durft al twee jaar geen vrijwilligerswerk te doen, bang dat de bijstand gekort wordt.",
        "Aanzegging betekend: over tien dagen moet de woning leeg. Huurachterstand bij Vestia.",
    ] {
        let analysis = rules.analyse(text);
        assert_eq!(
            analysis.barriers.len(),
            1,
            "{text}: {:?}",
            analysis.barriers
        );
        assert_eq!(analysis.wait_days, None, "{text}");
        assert_eq!(analysis.matches[0].wait_days, None, "{text}");
    }
    // A wait for an answer the barrier's note is about still counts.
    let text =
        "Hij wacht al 6 weken op antwoord van de gemeente of hij de vrijwilligersvergoeding \
                mag houden, en doet tot die tijd niets uit angst dat hij moet terugbetalen.";
    let analysis = rules.analyse(text);
    assert_eq!(analysis.barriers, ["angst-uitkeringskorting"]);
    assert_eq!(analysis.wait_days, Some(42));
    // So does a call back that did not come.
    let text = "Vonnis en ontruiming aangezegd. Hij belde Haag Wonen voor een regeling, ze zouden \
                terugbellen, na drie weken niks.";
    let analysis = rules.analyse(text);
    assert_eq!(analysis.barriers, ["huisuitzetting"]);
    assert_eq!(analysis.wait_days, Some(21));

    // `waits = false` in a rules file of its own; the default is `true`.
    for (waits, days) in [("waits = false\n", None), ("", Some(21))] {
        let rules = RuleSet::from_toml(&one_barrier("x", &format!("{waits}patterns = ['bang']\n")))
            .unwrap();
        let analysis = rules.analyse("Ze is al 3 weken bang.");
        assert_eq!(analysis.wait_days, days, "{waits:?}");
    }
}

/// An `exclude` of a barrier with a `topic` counts only where its sentence is not about another
/// barrier's matter alone; `exclude_unless` pairs, and barriers without a topic, stay note-wide.
#[test]
fn an_exclusion_in_a_sentence_about_another_matter_does_not_count() {
    let file = "version = \"t\"\n\
        [[barrier]]\nid = \"a\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\n\
        topic = '(lekkage|verhuurder)'\npatterns = ['lekkage']\nexclude = ['snel opgelost']\n\
        exclude_unless = [['tevreden', 'toch']]\n\
        [[barrier]]\nid = \"b\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\n\
        topic = '(schuld)'\npatterns = ['schulden']\n\
        [[barrier]]\nid = \"c\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\n\
        patterns = ['wachtlijst']\nexclude = ['snel opgelost']\n";
    let rules = RuleSet::from_toml(file).unwrap();
    let classify = |text| rules.analyse(text).barriers;
    // About the leak itself, or about nothing in particular: the exclusion counts.
    assert!(classify("Lekkage bij de verhuurder gemeld en snel opgelost.").is_empty());
    assert!(classify("Lekkage al weken. Alles is snel opgelost.").is_empty());
    // About the debts alone: it is that matter's, not the leak's.
    assert_eq!(
        classify("Lekkage al weken. De schulden zijn snel opgelost."),
        ["a", "b"]
    );
    // Found in a sentence of each kind: it counts.
    assert_eq!(
        classify("Lekkage, snel opgelost. De schulden zijn ook snel opgelost."),
        ["b"]
    );
    // An `exclude_unless` pair and a barrier without a topic stay note-wide.
    assert_eq!(
        classify("Lekkage al weken. Over de schulden is ze tevreden."),
        ["b"]
    );
    assert_eq!(
        classify("Wachtlijst al weken. De schulden zijn snel opgelost."),
        ["b"]
    );
    // An invalid topic is an error that names the key, on its line.
    let errors =
        RuleSet::from_toml(&file.replace("topic = '(schuld)'", "topic = '(schuld'")).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .0
            .contains("barrière 'b': topic '(schuld' is ongeldig"),
        "{errors:?}"
    );
    assert!(errors[0].0.starts_with("regel 16:"), "{errors:?}");
}

#[test]
fn a_keep_pattern_lifts_the_exclusions() {
    let rules = RuleSet::from_toml(&one_barrier(
        "x",
        "patterns = ['lekkage']\nexclude = ['achterstand']\nkeep = ['huur ingehouden']\n",
    ))
    .unwrap();
    assert_eq!(rules.analyse("lekkage").barriers, ["x"]);
    assert!(rules.analyse("lekkage en achterstand").barriers.is_empty());
    assert_eq!(
        rules
            .analyse("lekkage, huur ingehouden, achterstand")
            .barriers,
        ["x"]
    );
}

#[test]
fn confidence_per_barrier_and_group() {
    let rules = RuleSet::from_toml(&one_barrier(
        "a",
        r#"confidence = 0.9
        patterns = ["kostendelersnorm"]
        [[barrier.group]]
        all = ["zoon", "bijstand"]
        confidence = 0.5
        "#,
    ))
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

/// `rules/tests/cases/note_waits.txt`: each note and its wait as the rule set reads it.
#[test]
fn note_waits() {
    cases::check_waits(case_file!("note_waits.txt"), extract_wait_days);
}

/// `rules/tests/cases/organisation.txt`: each note and the body the shipped rules name in it.
#[test]
fn organisations_in_notes() {
    let rules = rules();
    case_file!("organisation.txt").run(|case| {
        let [body, note] = cases::fields(case)?;
        let note = cases::note(note)?;
        cases::expect(cases::optional(body), rules.analyse(&note).organisation)
    });
}

/// `rules/tests/cases/barriers.txt`: the barriers the shipped rules find, the model included.
#[test]
fn barriers_in_notes() {
    check_barriers(case_file!("barriers.txt"), &rules());
}

/// `rules/tests/cases/barriers_rules_alone.txt`: the barriers the shipped rules find without
/// the model.
#[test]
fn barriers_in_notes_by_the_rules_alone() {
    check_barriers(
        case_file!("barriers_rules_alone.txt"),
        &rules().without_model(),
    );
}

/// Checks a file of barrier cases on `rules`: under a header of barrier ids, `+` each is found
/// by a rule, `+?` each is found (by a rule or the model), `-` none is found, `-?` none is found
/// by a rule, `=` the note's barriers are exactly the header's (`[]`: none).
fn check_barriers(file: CaseFile, rules: &RuleSet) {
    file.run_under_headers(|header, case| {
        let barriers = match header.trim() {
            "" => Vec::new(),
            ids => cases::barrier_ids(ids, |id| rules.barrier(id).is_some())?,
        };
        let (marker, note) = case
            .split_once(' ')
            .ok_or("expected a marker (+, +?, -, -?, =), a space and the note")?;
        let note = cases::note(note.trim())?;
        let found = rules.analyse(&note).barriers;
        let (holds, expected): (fn(bool, bool) -> bool, &str) = match marker {
            "=" if found == barriers => return Ok(()),
            "=" => return Err(format!("expected exactly {barriers:?}, found {found:?}")),
            "+" => (|_, by_rule| by_rule, "found by a rule"),
            "+?" => (|found, _| found, "found"),
            "-" => (|found, _| !found, "not found"),
            "-?" => (|_, by_rule| !by_rule, "not found by a rule"),
            _ => return Err(format!("no marker '{marker}' (+, +?, -, -?, =)")),
        };
        if barriers.is_empty() {
            return Err(format!("a '{marker}' case under a header without barriers"));
        }
        let wrong: Vec<&str> = barriers
            .into_iter()
            .filter(|b| !holds(found.contains(b), found_by_rule(rules, &note, b)))
            .collect();
        if wrong.is_empty() {
            return Ok(());
        }
        let by_rule: Vec<&str> = found
            .iter()
            .copied()
            .filter(|b| found_by_rule(rules, &note, b))
            .collect();
        Err(format!(
            "expected {wrong:?} {expected}; found {found:?}, by a rule {by_rule:?}"
        ))
    });
}
