use super::*;
use crate::cases::{self, case_file};

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

/// Asserts that `barrier` is found in `text`, by a rule or by the model.
pub(super) fn assert_classified(rules: &RuleSet, text: &str, barrier: &str) {
    assert!(rules.classify(text).contains(&barrier), "{text}");
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
    // The shipped rules: rent withheld over a defect the corporation leaves is its slow
    // answer as well as the eviction; arrears alone are the eviction only.
    let rules = super::tests::rules();
    let analysis = rules.analyse(
        "Mevrouw houdt de huur in omdat Vidomes de lekkage al zeven weken niet repareert. \
         Nu dreigt Vidomes met ontruiming wegens huurachterstand.",
    );
    assert_eq!(
        analysis.barriers,
        ["corporatie-reactietijd", "huisuitzetting"]
    );
    // Also in a subordinate clause.
    let analysis = rules.analyse(
        "Staedion laat de lekkage al zeven weken liggen, waarop twee huurders een deel van de \
         huur inhielden; nu ligt er een dagvaarding tot ontruiming wegens huurachterstand.",
    );
    assert_eq!(
        analysis.barriers,
        ["corporatie-reactietijd", "huisuitzetting"]
    );
    let analysis = rules.analyse(
        "Vidomes reageert al weken niet op de regeling; huurachterstand van drie maanden \
         en de ontruiming is aangezegd.",
    );
    assert_eq!(analysis.barriers, ["huisuitzetting"]);
    // An eviction carried out stays one, whatever was paid after.
    let text = "Het vonnis tot ontruiming is ten uitvoer gelegd, hoewel de achterstand \
                binnen enkele dagen zou zijn ingelopen.";
    assert_eq!(rules.analyse(text).barriers, ["huisuitzetting"]);
    let text = "De achterstand is inmiddels ingelopen en de ontruiming gaat niet door.";
    assert!(rules.analyse(text).barriers.is_empty());
    // Arrears the landlord wants paid first are still arrears; the current rent paid in full
    // is not the arrears paid off; an eviction notice is an eviction.
    let text = "Ontruiming over 3 weken; Woonbron praat pas als er eerst een deel is afgelost.";
    assert_eq!(rules.analyse(text).barriers, ["huisuitzetting"]);
    let text = "Vonnis wegens een huurachterstand van drie maanden. Ik verzoek de ontruiming \
                aan te houden; de lopende huur wordt sinds het bewind volledig voldaan.";
    assert_eq!(rules.analyse(text).barriers, ["huisuitzetting"]);
    let text = "Huurachterstand van € 1.120 volledig voldaan, dossier gesloten.";
    assert!(rules.analyse(text).barriers.is_empty());
    let text = "Ze heeft een ontruimingsaanzegging gekregen.";
    assert_eq!(rules.analyse(text).barriers, ["huisuitzetting"]);
    let text = "De familie op drie hoog hoort dat ze volgende week uit huis wordt gezet.";
    assert_eq!(rules.analyse(text).barriers, ["huisuitzetting"]);
    // Arrears told as "de huur … achter" are arrears too: the corporation's letter about
    // court is the eviction, not its slow answer.
    let text = "Huur vier maanden achter, de woningbouw heeft al een brief gestuurd dat ze naar \
                de rechter gaan. Bij de gemeente heeft na tien weken nog niemand naar zijn \
                papieren gekeken.";
    assert!(!rules
        .analyse(text)
        .barriers
        .contains(&"corporatie-reactietijd"));
    // Being put out with one's belongings is an eviction, however it is told.
    for text in [
        "Als die achterstand niet weg is, staat ze in maart met haar spullen op straat.",
        "De vader zegt dat ze over twee weken met al hun spullen op de stoep staan als de corporatie doorzet.",
        "Vorige maand stond hier een gezin met al hun spullen buiten.",
    ] {
        assert_found_by_rule(&rules, text, "huisuitzetting");
    }
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
