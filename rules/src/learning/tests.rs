use super::{measure, notes, train};
use crate::model::*;
use crate::ruleset::combine::FoundBy;
use crate::ruleset::{RuleSet, DEFAULT_RULES};

fn default_model() -> Model {
    Model::from_bytes(DEFAULT_MODEL).expect("the shipped model loads")
}

/// The shipped rules file with `setting` added to its `[model]` table (a `floor` in place of
/// the shipped one).
fn with_model_setting(setting: &str) -> String {
    let floor = DEFAULT_RULES
        .lines()
        .skip_while(|line| *line != "[model]")
        .find(|line| line.starts_with("floor = "))
        .expect("the shipped rules set a floor");
    // The line itself, not the comment that quotes it.
    let line = format!("\n{floor}\n");
    let source = if setting.starts_with("floor") {
        DEFAULT_RULES.replacen(&line, &format!("\n{setting}\n"), 1)
    } else {
        DEFAULT_RULES.replacen(&line, &format!("\n{floor}\n{setting}\n"), 1)
    };
    assert_ne!(source, DEFAULT_RULES, "{setting} was added");
    source
}

/// The rule set `source` describes, with the shipped model attached.
fn with_shipped_model(source: &str) -> RuleSet {
    RuleSet::from_toml(source)
        .expect("the rules file is valid")
        .with_model(default_model())
        .expect("the shipped model fits the rules")
}

#[test]
fn the_shipped_model_fits_the_shipped_rules() {
    let rules = RuleSet::default_rules().expect("default rules with their model");
    let model = rules.model().expect("a model is attached");
    assert!(!model.version().is_empty());
    let ids: Vec<&str> = rules.barriers().iter().map(|b| b.id.as_str()).collect();
    assert_eq!(model.barriers(), ids);
    let thresholds = rules.model_thresholds().unwrap();
    assert!(
        thresholds.iter().all(|t| *t > 0.0 && *t < 1.0),
        "{thresholds:?}"
    );
    // What its cross-validation said of every training note travels with it.
    assert_eq!(
        model.held_out().map(held_out::HeldOut::len),
        Some(model.header.trained.notes)
    );
}

#[test]
fn the_file_form_round_trips() {
    let model = default_model();
    let again = Model::from_bytes(&model.to_bytes()).unwrap();
    assert_eq!(again.header, model.header);
    let text = "moeder durft niet naar het cjg, bang dat ze haar kinderen afpakken";
    for (a, b) in model
        .probabilities(text)
        .iter()
        .zip(again.probabilities(text))
    {
        assert!((a - b).abs() < 1e-3, "{a} vs {b}");
    }
}

#[test]
fn another_format_version_is_refused_in_dutch() {
    let mut bytes = DEFAULT_MODEL.to_vec();
    bytes[16..20].copy_from_slice(&99u32.to_le_bytes());
    let error = Model::from_bytes(&bytes).unwrap_err();
    assert!(error.0.contains("formaatversie 99"), "{error}");
    assert!(error.0.contains("knooppunt model train"), "{error}");
}

#[test]
fn a_damaged_file_is_refused() {
    let error = Model::from_bytes(&DEFAULT_MODEL[..DEFAULT_MODEL.len() - 3]).unwrap_err();
    assert!(error.0.contains("afgekapt"), "{error}");
    let error = Model::from_bytes(b"geen model").unwrap_err();
    assert!(
        error.0.contains("afgekapt") || error.0.contains("geen Knooppunt"),
        "{error}"
    );
    let mut longer = DEFAULT_MODEL.to_vec();
    longer.push(0);
    assert!(Model::from_bytes(&longer).is_err());
}

#[test]
fn a_model_for_other_barriers_is_refused() {
    let rules = RuleSet::from_toml(
        "version = \"t\"\n[[barrier]]\nid = \"kostendelersnorm\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = ['x']\n",
    )
    .unwrap();
    let error = rules.with_model(default_model()).unwrap_err();
    assert!(
        error.0.contains("past niet bij het regelbestand"),
        "{error}"
    );
    assert!(
        error.0.contains("niet in regels: angst-uitkeringskorting"),
        "{error}"
    );
}

#[test]
fn a_missing_model_file_is_an_error_not_a_fallback() {
    let source = DEFAULT_RULES.replace("file = \"default_model.kpm\"", "file = \"weg.kpm\"");
    let rules = RuleSet::from_toml(&source).unwrap();
    assert!(rules.wants_model());
    let dir = tempfile::tempdir().unwrap();
    let error = rules.with_model_file(dir.path()).unwrap_err();
    assert!(
        error.0.contains("weg.kpm") && error.0.contains("niet te lezen"),
        "{error}"
    );
}

#[test]
fn thresholds_in_the_rules_file_are_checked_and_applied() {
    let source = with_model_setting("threshold = 1.5");
    let errors = RuleSet::from_toml(&source).unwrap_err();
    assert!(
        errors.iter().any(|e| e.0.contains("model.threshold 1.5")),
        "{errors:?}"
    );

    let source = with_model_setting("threshold = 0.3");
    let rules = with_shipped_model(&source);
    assert!(rules.model_thresholds().unwrap().iter().all(|t| *t == 0.3));
}

/// A rule match counts only when the model does not give it less than the floor: with a floor
/// above any probability the model has for it the rule is overruled, with floor 0 it stands;
/// floors outside [0, 1) are refused.
#[test]
fn the_model_vetoes_a_rule_below_the_floor() {
    let text = "Ze durft haar zoon niet in huis te nemen door de kostendelersnorm.";
    let shipped = RuleSet::default_rules().unwrap();
    let b = shipped
        .barriers()
        .iter()
        .position(|x| x.id == "kostendelersnorm")
        .unwrap();
    assert!(shipped
        .model_floors()
        .unwrap()
        .iter()
        .all(|f| (0.0..1.0).contains(f)));
    let score = shipped
        .analyse(text)
        .matches
        .iter()
        .find(|m| m.barrier == "kostendelersnorm")
        .and_then(|m| m.model_score)
        .expect("found, with the model's score");
    assert!(score >= shipped.model_floors().unwrap()[b]);

    let strict = with_model_setting(&format!("floor = {}", (score + 1.0) / 2.0));
    let rules = with_shipped_model(&strict);
    assert!(!rules.classify(text).contains(&"kostendelersnorm"));

    let off = with_model_setting("floor = 0");
    let rules = with_shipped_model(&off);
    assert!(rules.model_floors().unwrap().iter().all(|f| *f == 0.0));
    assert!(rules.classify(text).contains(&"kostendelersnorm"));

    let bad = with_model_setting("floor = 1.0");
    let errors = RuleSet::from_toml(&bad).unwrap_err();
    assert!(
        errors.iter().any(|e| e.0.contains("model.floor 1")),
        "{errors:?}"
    );
}

/// With a threshold so low that the model counts everywhere, the model finds barriers the
/// rules do not, with its terms; a rule exclusion vetoes it unless `veto = false`.
#[test]
fn the_model_finds_with_terms_and_exclusions_veto_it() {
    let text = "Zoon krijgt studiefinanciering en woont thuis.";
    let low = with_model_setting("threshold = 0.0001");
    let rules = with_shipped_model(&low);
    let analysis = rules.analyse(text);
    assert!(
        !analysis.barriers.contains(&"kostendelersnorm"),
        "vetoed: {:?}",
        analysis.barriers
    );
    let found = analysis
        .matches
        .iter()
        .find(|m| matches!(m.found_by, FoundBy::Model { .. }))
        .expect("the model finds something at this threshold");
    let FoundBy::Model { terms } = &found.found_by else {
        unreachable!()
    };
    assert!(
        !terms.is_empty() && terms.len() <= crate::ruleset::combine::TERMS,
        "{terms:?}"
    );
    assert_eq!(found.model_score.map(f64::from), Some(found.confidence));

    let no_veto = low.replace("veto = true", "veto = false");
    let rules = with_shipped_model(&no_veto);
    assert!(rules.analyse(text).barriers.contains(&"kostendelersnorm"));
}

/// A barrier's `[barrier.model] needs`: at a threshold so low that the model counts
/// everywhere, it still finds the fear of youth care only in a note with a child in it, and the
/// fear of a cut only in a note with money in it; a pattern that does not compile is refused,
/// naming the barrier.
#[test]
fn the_model_alone_finds_a_barrier_only_with_what_it_needs() {
    let low = with_model_setting("threshold = 0.0001");
    let rules = with_shipped_model(&low);
    let without =
        "Een vaste gast durft niet te helpen in de keuken: bang dat hij zijn geld kwijtraakt.";
    let with = "Een moeder durft niet te helpen in de keuken: bang dat ze haar zoon kwijtraakt.";
    assert!(!rules.classify(without).contains(&"angst-jeugdhulp"));
    assert!(rules.classify(with).contains(&"angst-jeugdhulp"));
    // And the other way round: the fear of a cut only in a note that speaks of money, income,
    // a benefit, work or a gift.
    let child_only = "Een moeder durft het CJG niet te bellen: bang dat ze haar zoon meenemen.";
    assert!(rules.classify(without).contains(&"angst-uitkeringskorting"));
    assert!(!rules
        .classify(child_only)
        .contains(&"angst-uitkeringskorting"));

    let bad = DEFAULT_RULES.replacen("needs = '(kind|", "needs = '((kind|", 1);
    assert_ne!(bad, DEFAULT_RULES);
    let errors = RuleSet::from_toml(&bad).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.0.contains("angst-jeugdhulp") && e.0.contains("model.needs")),
        "{errors:?}"
    );
}

#[test]
fn rule_matches_say_which_rule() {
    let rules = RuleSet::default_rules().unwrap();
    let analysis =
        rules.analyse("Ze durft haar zoon niet in huis te nemen door de kostendelersnorm.");
    let found = analysis
        .matches
        .iter()
        .find(|m| m.barrier == "kostendelersnorm")
        .unwrap();
    assert!(
        matches!(found.found_by, FoundBy::Rule { rule } if rule.contains("kostendel")),
        "{found:?}"
    );
    assert!(found.model_score.is_some());
}

#[test]
fn invisible_characters_do_not_defeat_rules_or_model() {
    let rules = RuleSet::default_rules().unwrap();
    let plain =
        "Door de kostendelersnorm gaat haar bijstand omlaag als haar zoon weer thuis komt wonen.";
    let hidden = "Door de kosten\u{200B}delers\u{00AD}norm gaat haar bij\u{2060}stand om\u{202E}laag als haar zoon weer thuis komt wonen.";
    assert_eq!(rules.classify(plain), rules.classify(hidden));
    let model = rules.model().unwrap();
    let (a, b) = (
        model.probabilities(&crate::ruleset::normalise(plain)),
        model.probabilities(&crate::ruleset::normalise(hidden)),
    );
    assert_eq!(a, b);
}

/// Trained on the development fixtures with three folds, the model alone reaches a useful
/// cross-validated macro-F1: it learns from the notes, not from the rules.
#[test]
fn training_learns_from_the_notes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let rules = RuleSet::from_toml(DEFAULT_RULES).unwrap();
    let ids: Vec<&str> = rules.barriers().iter().map(|b| b.id.as_str()).collect();
    let notes = notes::read_dirs(&[dir], &ids).unwrap();
    let options = train::Options {
        folds: 3,
        buckets_log2: 16,
        version: Some("test".into()),
        ..train::Options::default()
    };
    let outcome = train::train(&notes, &rules, &options).unwrap();
    assert_eq!(outcome.model.version(), "test");
    assert_eq!(outcome.model.header.trained.notes, notes.len());
    // The cap on repetition is that of the most repetitive note trained on, so every training
    // note is scaled as without it, to the bit.
    let cap = outcome
        .model
        .header
        .max_repetition
        .expect("a trained model caps");
    let (buckets, mut reached) = (outcome.model.header.buckets, [false; 2]);
    for note in &notes {
        let text = crate::model::areas::mask(&crate::ruleset::normalise(&note.text)).into_owned();
        let words = crate::model::features::words(&text);
        let counts = crate::model::features::counts(&words);
        let squared = crate::model::norms::squared_norms(&text, &words, buckets);
        assert_eq!(
            crate::model::norms::capped_scales(counts, squared, cap),
            crate::model::features::scales(&words),
            "{}",
            note.text
        );
        let ratios = crate::model::norms::ratios(counts, squared);
        for (reached, (ratio, cap)) in reached.iter_mut().zip(ratios.iter().zip(cap)) {
            *reached |= *ratio == cap;
        }
    }
    assert_eq!(reached, [true, true], "the cap is a training note's ratio");
    // The model on its own, at a low threshold (the trained thresholds are chosen for the
    // combination with rules that were written on these very fixtures).
    let even = with_model_setting("threshold = 0.25");
    let rules = RuleSet::from_toml(&even)
        .unwrap()
        .with_model(outcome.model)
        .unwrap();
    let report = measure::cross_validated(&rules, &notes).unwrap();
    let model_f1 = report.macro_f1(1);
    assert!(
        model_f1 > 0.6,
        "model-only cross-validated macro-F1 {model_f1:.3}"
    );

    // The model file keeps what its cross-validation said of each note: the same figures
    // without training, every note from its own fold model.
    let (kept, scores) = measure::held_out(&rules, &notes)
        .unwrap()
        .expect("a trained model keeps its held-out scores");
    assert_eq!(kept.counts, report.counts);
    assert_eq!(
        (kept.wait, kept.organisation),
        (report.wait, report.organisation)
    );
    assert_eq!((scores.trained_on, scores.newer), (notes.len(), 0));
    // A note the model never saw is scored by the model itself.
    let mut more = notes.clone();
    more.push(notes::Note {
        text: "Een nieuwe notitie die niet in de training zat, over de wachtlijst bij de ggz."
            .into(),
        ..notes[0].clone()
    });
    let (_, scores) = measure::held_out(&rules, &more).unwrap().expect("kept");
    assert_eq!((scores.trained_on, scores.newer), (notes.len(), 1));
}

/// A model file keeps its held-out scores through writing and reading (a file of format
/// version 1, which has none, is still read: `model::file`'s tests).
#[test]
fn held_out_scores_travel_with_the_model_file() {
    let barriers = 2;
    let header = Header::for_test(barriers, 16);
    let mut model = Model::new(header, vec![3], vec![0.5, -0.5]).unwrap();
    let plain = model.to_bytes();
    let kept = held_out::HeldOut::new(
        &[held_out::key("een"), held_out::key("twee")],
        &[vec![1.0, 2.0], vec![3.0, 4.0]],
        barriers,
    )
    .unwrap();
    model.set_held_out(kept.clone());
    let again = Model::from_bytes(&model.to_bytes()).unwrap();
    assert_eq!(again.held_out(), Some(&kept));
    assert_eq!(
        again.held_out().and_then(|h| h.get(held_out::key("twee"))),
        Some(vec![3.0, 4.0])
    );
    assert_eq!(
        Model::from_bytes(&plain).unwrap().decision_values("een"),
        again.decision_values("een")
    );
}

/// Cross-validation keeps a writer's notes together: each note is scored by a model that saw
/// nothing by its writer; writers spread over the folds by size, other notes by their text.
#[test]
fn a_writers_notes_share_a_fold() {
    let note = |origin: &str, text: &str| notes::Note {
        text: text.into(),
        barriers: Vec::new(),
        labelled_for: None,
        wait_days: None,
        organisation: None,
        origin: origin.into(),
    };
    let mut all = Vec::new();
    for (writer, count) in [("a", 30), ("b", 20), ("c", 12), ("d", 8)] {
        for i in 0..count {
            let voice = if i % 2 == 0 { "huisarts" } else { "buurtvader" };
            all.push(note(
                &format!("rules/training/writer-{writer}-{voice}.jsonl:{}", i + 1),
                &format!("notitie {i} van schrijver {writer}"),
            ));
        }
    }
    for i in 0..40 {
        all.push(note(
            &format!("rules/fixtures/huisuitzetting.toml: positive {}", i + 1),
            &format!("voorbeeld {i}"),
        ));
    }
    let folds = train::folds_of(&all, 3);
    assert_eq!(folds.len(), all.len());
    for writer in ["a", "b", "c", "d"] {
        let of_writer: std::collections::BTreeSet<usize> = all
            .iter()
            .zip(&folds)
            .filter(|(n, _)| n.origin.contains(&format!("writer-{writer}-")))
            .map(|(_, f)| *f)
            .collect();
        assert_eq!(of_writer.len(), 1, "writer {writer}: {of_writer:?}");
    }
    let examples: std::collections::BTreeSet<usize> = folds[70..].iter().copied().collect();
    assert_eq!(examples.len(), 3, "fixtures spread by text: {examples:?}");
    let mut sizes = [0usize; 3];
    for f in &folds {
        sizes[*f] += 1;
    }
    let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(max - min <= 20, "balanced folds: {sizes:?}");
    assert_eq!(
        train::folds_of(&all, 3),
        folds,
        "the same split on every run"
    );
}

/// Notes of the demo (the team's own, never trained on) whose plain rule match a floor of 0.2
/// vetoed, because one neutral sentence lowered the model's score; the shipped floor lets them
/// stand, as a floor meant for matches the model finds very unlikely should. Whether a floor
/// of 0.2 would veto each depends on the model: the GGZ wait's closing line ("… in het overleg
/// met de gemeente") left the score of the models shipped with rule sets -36 to -44 above 0.2,
/// and lowers that of `d0a2986e` (C = 64, rule set -45) to 0.19 again. The models after
/// `b7101c76` gave the first note less than 0.1 because of the area's name ("Morgenstond"
/// shares n-grams with "morgen"); since area names are masked out of the features
/// (`7a95a6c5`, rule set -88) both scored above 0.2 (0.24 and 0.40 with `e20ef7d5`); the first
/// scores 0.17 with `50ae13e6` (rule set -95) and 0.18 with `21c0e64d` (-96) and `45c710ca`
/// (-97, the same weights), vetoed at 0.2 again, kept by the shipped 0.1.
#[test]
fn a_neutral_sentence_does_not_let_the_model_veto_a_plain_rule_match() {
    // (text, barrier, whether a floor of 0.2 vetoes its rule match with the shipped model)
    let cases = [
        (
            "Gezin in Morgenstond: 2 kinderen boven de 27 thuis zonder eigen inkomen, uitkering van ouders flink gekort. Kinderen voelen zich schuldig dat ze er zijn.",
            "kostendelersnorm",
            true,
        ),
        (
            "Dhr. met somberheid en isolement wacht zes maanden op intake bij i-psy. Graag meenemen in het overleg met de gemeente, dit speelt breder.",
            "wachtlijst-ggz",
            false,
        ),
    ];
    let shipped = RuleSet::default_rules().expect("default rules with their model");
    let at_point_two = with_shipped_model(&with_model_setting("floor = 0.2"));
    for (text, barrier, vetoed_at_point_two) in cases {
        let found = shipped.analyse(text);
        let m = found
            .matches
            .iter()
            .find(|m| m.barrier == barrier)
            .unwrap_or_else(|| panic!("{barrier} in {text}"));
        assert!(matches!(m.found_by, FoundBy::Rule { .. }), "{text}");
        // The rule matched; under 0.2 the model's score is what the floor of 0.2 vetoed.
        assert_eq!(
            m.model_score.is_some_and(|s| s < 0.2),
            vetoed_at_point_two,
            "{text}"
        );
        assert_eq!(
            !at_point_two.classify(text).contains(&barrier),
            vetoed_at_point_two,
            "{text}"
        );
    }
}

/// A rule's exclusion vetoes the model too: a change reported that "had geen gevolgen voor zijn
/// uitkering" is no fear of a cut, although the shipped model alone scores the note above its
/// threshold (0.59).
#[test]
fn an_exclusion_vetoes_the_model_alone() {
    let text = "Huurder heeft een Wajong-uitkering en kreeg van zijn werkgever een ontvochtiger \
                en een bijdrage voor nieuw behang. Hij heeft het bij UWV doorgegeven; dat had \
                geen gevolgen voor zijn uitkering.";
    let shipped = RuleSet::default_rules().unwrap();
    let found: Vec<_> = shipped
        .analyse(text)
        .matches
        .iter()
        .map(|m| (m.barrier, m.model_score))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

/// Pruning leaves out the features whose every weight is small beside the largest of its
/// barrier, and keeps the others with their rows.
#[test]
fn pruning_leaves_out_features_small_for_every_barrier() {
    use super::train::prune;
    // Two barriers: largest weights 2.0 and 0.5, so at 10 % the bars are 0.2 and 0.05.
    let used = vec![1, 5, 9, 12];
    let rows = vec![
        2.0, 0.0, // kept: the largest of the first barrier
        0.1, 0.04, // left out: under both bars
        0.0, 0.5, // kept: the largest of the second barrier
        -0.19, -0.06, // kept: under the first bar, over the second (in size)
    ];
    let (kept, weights) = prune(used.clone(), rows.clone(), 2, 0.1);
    assert_eq!(kept, vec![1, 9, 12]);
    assert_eq!(weights, vec![2.0, 0.0, 0.0, 0.5, -0.19, -0.06]);
    assert_eq!(prune(used.clone(), rows.clone(), 2, 0.0), (used, rows));
}

#[test]
fn a_prune_fraction_outside_0_to_1_is_refused_in_dutch() {
    let rules = RuleSet::default_rules().unwrap();
    let options = super::train::Options {
        prune: 1.5,
        ..Default::default()
    };
    let error = super::train::train(&[], &rules, &options).unwrap_err();
    assert!(
        error.contains("prune 1.5 ligt niet tussen 0 en 1"),
        "{error}"
    );
}
