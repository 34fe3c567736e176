use super::*;
use crate::disclosure::Cell;
use crate::ledger::Ledger;
use crate::release::{release, Release};

const Q: &str = "2026Q3";

/// One knelpunt "a" in eight wijken: W1 is small, the others are not (so the disclosure step
/// keeps it per wijk: one small cell and one partner are a quarter of its wijken).
fn counts(w2: i64) -> Counts {
    let mut line: BTreeMap<String, i64> = (1..=8).map(|i| (format!("W{i}"), 9)).collect();
    line.insert("W1".into(), 3);
    line.insert("W2".into(), w2);
    [("a".to_string(), line)].into_iter().collect()
}

fn version(number: i64, counts: &Counts, published: &Release) -> Version {
    Version {
        quarter: Q.into(),
        programme: String::new(),
        number,
        published_at: chrono::Utc::now(),
        published_by: "test".into(),
        reason: if number > 1 {
            "W2 had signalen te weinig".into()
        } else {
            String::new()
        },
        figures: Figures {
            levels: published.levels.clone(),
            ..Figures::of(published.levels[0].table.clone(), BTreeMap::new())
        },
        counts: Some(counts.clone()),
    }
}

/// Releases `counts` as version `number` of the brief, audited against `context`.
fn publish(counts: &Counts, number: i64, mut context: Ledger) -> Release {
    let output = crate::snapshot::versioned_output_name(Q, "", number);
    release(counts, Q, &output, 5, None, &BTreeMap::new(), &mut context).unwrap()
}

/// The original and a rectificatie, audited together as a reader who compares them sees
/// them: counts that stayed the same are the same unknowns.
fn joint(versions: &[Version]) -> Ledger {
    let current = versions.last().unwrap().counts.clone().unwrap();
    crate::snapshot::context(versions, (Q, ""), true, &current, &BTreeMap::new())
}

/// Version 2 with `counts`, audited together with the `original` it rectifies (and checked:
/// nothing small follows from the two).
fn rectify(original: &Version, counts: &Counts) -> Version {
    let context = crate::snapshot::context(
        std::slice::from_ref(original),
        (Q, ""),
        true,
        counts,
        &BTreeMap::new(),
    );
    let rectified = version(2, counts, &publish(counts, 2, context));
    // Nothing small follows from the two versions together.
    assert_eq!(
        joint(&[original.clone(), rectified.clone()])
            .disclosures(5)
            .unwrap(),
        vec![]
    );
    rectified
}

/// The original of the tests below: `counts(9)` released alone, and its counts.
fn original() -> (Version, Counts) {
    let before = counts(9);
    let original = version(1, &before, &publish(&before, 1, Ledger::default()));
    (original, before)
}

/// `before` with knelpunt "a" counted anew in some wijken.
fn corrected(before: &Counts, wijken: &[(&str, i64)]) -> Counts {
    let mut after = before.clone();
    if let Some(line) = after.get_mut("a") {
        for (wijk, count) in wijken {
            line.insert(wijk.to_string(), *count);
        }
    }
    after
}

#[test]
fn a_rectificatie_does_not_let_a_reader_subtract_versions() {
    let original_counts = counts(9);
    let original = version(
        1,
        &original_counts,
        &publish(&original_counts, 1, Ledger::default()),
    );
    let level = &original.figures.levels[0];
    assert_eq!(level.level, crate::release::Level::Wijk);
    let w1 = level.table.columns.iter().position(|c| c == "W1").unwrap();
    assert_eq!(level.table.cells[0][w1], Cell::Suppressed);

    // W2 turns out to have many more signals. Audited on its own, the rectificatie hides W1
    // with a partner that the original showed — and the original's shown figures then give
    // W1 away.
    let corrected = counts(30);
    let alone = version(2, &corrected, &publish(&corrected, 2, Ledger::default()));
    let leaks = joint(&[original.clone(), alone]).disclosures(5).unwrap();
    assert!(
        leaks.iter().any(|l| l.value == 3),
        "without the earlier version in the audit, W1 follows: {leaks:?}"
    );

    // Audited together with the original, nothing small follows (checked in `rectify`).
    let audited = rectify(&original, &corrected);

    // And the list of changes shows no hidden count: what is listed reads as published on
    // both sides (here the knelpunt moved up to the whole municipality: too much of it would
    // be hidden per wijk).
    let titles = [("a".to_string(), "Knelpunt A".to_string())].into();
    let rectified = of_version(&original, &audited, &titles);
    assert_eq!((rectified.version, rectified.replaces), (2, 1));
    assert!(
        rectified
            .changes
            .iter()
            .filter(|c| c.area == "W1")
            .all(|c| c.old == "x" && c.new != "3"),
        "{rectified:?}"
    );
    assert!(
        rectified
            .changes
            .iter()
            .any(|c| c.area == "totaal" && c.old == "66" && c.new == "87"),
        "{rectified:?}"
    );
    assert!(
        rectified.changes.iter().all(|c| {
            [&c.old, &c.new]
                .iter()
                .all(|v| v.as_str() == "x" || v.as_str() == "–" || v.parse::<i64>().unwrap() >= 5)
        }),
        "{rectified:?}"
    );
    assert!(
        rectified
            .changes
            .iter()
            .any(|c| c.area == "W2" && c.knelpunt == "Knelpunt A"),
        "{rectified:?}"
    );
}

#[test]
fn a_hidden_figure_that_changed_reads_x_to_x() {
    // W1 3 → 4: hidden in both versions, listed as changed without either value. One
    // signal moved there from its partner W2 (9 → 8), so the pair's sum and the totals stay
    // the same (one signal more in W1 alone would follow from the pair's sums).
    let (original, before) = original();
    let after = corrected(&before, &[("W1", 4), ("W2", 8)]);
    let rectified = rectify(&original, &after);
    let list = of_version(&original, &rectified, &BTreeMap::new());
    let w1 = list.changes.iter().find(|c| c.area == "W1").unwrap();
    assert_eq!((w1.old.as_str(), w1.new.as_str()), ("x", "x"));
    assert_eq!(w1.knelpunt, "a");
    // Figures that stayed the same are not listed.
    assert!(!list.changes.iter().any(|c| c.area == "W5"), "{list:?}");
}

#[test]
fn the_reason_is_required_and_free_of_personal_data() {
    assert!(checked_reason("  ")
        .unwrap_err()
        .starts_with("rectificatie:"));
    assert!(checked_reason(&"a".repeat(MAX_REASON + 1))
        .unwrap_err()
        .starts_with("rectificatie:"));
    let refused = checked_reason("Mail jan.jansen@example.nl voor details").unwrap_err();
    assert!(refused.contains("persoonsgegevens"), "{refused}");
    assert!(
        !refused.contains("jansen"),
        "never echoes the text: {refused}"
    );
    assert_eq!(
        checked_reason(" Twee signalen uit Laak bleken dubbel ").unwrap(),
        "Twee signalen uit Laak bleken dubbel"
    );
}

/// The shown numbers of a change, when both sides are numbers.
fn shown_pair(change: &Change) -> Option<(i64, i64)> {
    Some((change.old.parse().ok()?, change.new.parse().ok()?))
}

#[test]
fn a_small_correction_is_not_given_away_by_was_and_wordt() {
    // One signal more in W1 (3 → 4): the row total would read "66 → 67", which says that
    // one signal was added to this knelpunt. The rectificatie hides the figures that changed
    // by less than the minimum group size.
    let (original, before) = original();
    let after = corrected(&before, &[("W1", 4)]);
    let rectified = rectify(&original, &after);
    let list = of_version(&original, &rectified, &BTreeMap::new());
    assert!(
        list.changes
            .iter()
            .any(|c| c.area == "totaal" && c.old == "66"),
        "the changed total is listed: {list:?}"
    );
    for change in &list.changes {
        if let Some((old, new)) = shown_pair(change) {
            assert!(
                (old - new).abs() >= 5,
                "{change:?} gives the difference away"
            );
        }
    }

    // Released on its own, the rectificatie shows the 67 beside the original's 66.
    let alone = version(2, &after, &publish(&after, 2, Ledger::default()));
    let leaks = joint(&[original, alone]).disclosures(5).unwrap();
    assert!(
        leaks
            .iter()
            .any(|l| l.value == 1 && l.name.contains("verschil met nu")),
        "{leaks:?}"
    );
}
