//! The digest's composition and its disclosure step.

use super::monthly::{self, Candidate, Month, Reason};
use super::programme::{self, ClusterFacts, Meeting, PublishedBrief};
use super::Digest;
use crate::disclosure::{Cell, PublishedTable};
use crate::ledger::{Atom, Figure, Ledger};
use crate::review::{Action, Decision, Snooze, State};
use crate::snapshot::Figures;
use chrono::{NaiveDate, TimeZone, Utc};
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::{ActionPoint, Attendee, MeetingRecord};
use std::collections::BTreeMap;

fn catalog() -> Catalog {
    knooppunt_rules::ruleset::RuleSet::default_rules()
        .unwrap()
        .catalog()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn cluster(id: &str, barrier: &str, area: &str, programme: Option<&str>) -> ClusterFacts {
    ClusterFacts {
        id: id.into(),
        barrier: barrier.into(),
        area: area.into(),
        programme: programme.map(str::to_string),
        state: State::Confirmed,
        owner: None,
    }
}

fn decision(seq: i64, cluster: &str, action: Action, actor: &str, reason: &str) -> Decision {
    Decision {
        seq,
        cluster_id: cluster.into(),
        action,
        state_after: State::Confirmed,
        actor: actor.into(),
        reason: reason.into(),
        signal_count: 3,
        decided_at: Utc.with_ymd_and_hms(2026, 9, 30, 8, seq as u32, 0).unwrap(),
    }
}

/// The meeting of 30-09-2026 with `decisions`, none taken back.
fn meeting_of<'a>(
    recorded: bool,
    record: &'a MeetingRecord,
    decisions: &'a [Decision],
) -> Meeting<'a> {
    Meeting {
        on: day("2026-09-30"),
        recorded,
        record,
        decisions,
        reversals: &[],
    }
}

/// The latest published brief: kostendelersnorm 17, shown in Moerwijk, hidden in Laak.
fn published_brief() -> Figures {
    let table = PublishedTable {
        rows: vec!["kostendelersnorm".into()],
        columns: vec!["Laak".into(), "Moerwijk".into()],
        cells: vec![vec![Cell::Suppressed, Cell::Suppressed]],
        row_totals: vec![Cell::Shown(17)],
        column_totals: vec![Cell::Suppressed, Cell::Suppressed],
        grand_total: Cell::Shown(17),
        min_group_size: 5,
        zeros_shown: true,
    };
    let mut shown = table.clone();
    shown.cells = vec![vec![Cell::Suppressed, Cell::Shown(14)]];
    Figures::of(
        shown,
        [("kostendelersnorm".to_string(), "17".to_string())].into(),
    )
}

#[test]
fn a_programme_digest_names_roles_not_people_and_only_published_wijken() {
    let catalog = catalog();
    let clusters = vec![
        cluster(
            "c-moerwijk",
            "kostendelersnorm",
            "Moerwijk",
            Some("Armoede"),
        ),
        cluster("c-laak", "kostendelersnorm", "Laak", Some("Armoede")),
        cluster("c-ggz", "wachtlijst-ggz", "Escamp", Some("Zorg")),
    ];
    let decisions = vec![
        decision(1, "c-moerwijk", Action::Confirm, "jan.jansen", ""),
        decision(
            2,
            "c-laak",
            Action::Park {
                snooze: Snooze::Date {
                    date: day("2026-11-01"),
                },
            },
            "jan.jansen",
            "Mevrouw De Vries belde op 06-12345678",
        ),
        decision(3, "c-ggz", Action::Note, "piet", "Wachtlijst loopt op"),
        decision(
            4,
            "c-laak",
            Action::Recommend,
            "jan.jansen",
            "Pas de norm niet toe op inwonende jongeren.",
        ),
    ];
    let record = MeetingRecord {
        attendees: vec![
            Attendee {
                name: "Jan Jansen".into(),
                role: "huisarts".into(),
            },
            Attendee {
                name: "Petra Bakker".into(),
                role: "GGD".into(),
            },
            Attendee {
                name: "Kees de Boer".into(),
                role: "GGD".into(),
            },
        ],
        action_points: vec![ActionPoint {
            what: "Navragen bij Werk en Inkomen hoe vaak de norm wordt toegepast".into(),
            owner: "Jan Jansen".into(),
            due_on: day("2026-10-28"),
        }],
    };
    let figures = published_brief();
    let meeting = meeting_of(true, &record, &decisions);
    let published = Some(PublishedBrief {
        quarter: "2026Q2",
        figures: &figures,
    });
    assert_eq!(
        programme::programmes(&decisions, &clusters),
        vec!["Armoede", "Zorg"]
    );
    let digest = programme::compose("Armoede", meeting, &clusters, published, &catalog);
    // Only the programme's decisions; the note on the other programme's knelpunt is not here.
    assert_eq!(digest.decisions.len(), 3);
    let title = catalog.title("kostendelersnorm");
    assert_eq!(digest.decisions[0].knelpunt, format!("{title} — Moerwijk"));
    // Laak's figure is hidden in the brief: the small cluster's wijk is not named.
    assert_eq!(digest.decisions[1].knelpunt, title);
    assert_eq!(digest.decisions[1].details, "geparkeerd tot 01-11-2026");
    // A park's reason is not published; a recommendation's is.
    assert_eq!(digest.decisions[1].reason, "");
    assert!(digest.decisions[2].reason.starts_with("Pas de norm"));
    assert_eq!(digest.attendance, vec!["huisarts", "GGD (2)"]);
    assert_eq!(digest.action_points[0].owner, "huisarts");
    assert_eq!(digest.knelpunten.len(), 1);
    assert_eq!(digest.knelpunten[0].signals, "17");
    assert_eq!(digest.knelpunten[0].areas, "Moerwijk");
    assert_eq!(
        digest.published_quarter.as_deref(),
        Some("2e kwartaal 2026")
    );
    let (markdown, html) = digest.render().unwrap();
    for text in [&markdown, &html] {
        for hidden in [
            "Jan",
            "Petra",
            "Kees",
            "jan.jansen",
            "Laak",
            "De Vries",
            "06-",
            "piet",
            "Escamp",
        ] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
        assert!(text.contains("huisarts"), "{text}");
    }
    assert_eq!(digest.file_stem(), "besluitenlijst-2026-09-30-armoede");
}

#[test]
fn without_a_published_brief_the_digest_has_no_counts_and_no_wijken() {
    let catalog = catalog();
    let clusters = vec![cluster(
        "c",
        "kostendelersnorm",
        "Moerwijk",
        Some("Armoede"),
    )];
    let decisions = vec![decision(1, "c", Action::Confirm, "a", "")];
    let record = MeetingRecord::default();
    let meeting = meeting_of(false, &record, &decisions);
    let digest = programme::compose("Armoede", meeting, &clusters, None, &catalog);
    assert_eq!(digest.knelpunten[0].signals, "");
    let (markdown, _) = digest.render().unwrap();
    assert!(!markdown.contains("Moerwijk"), "{markdown}");
    assert!(markdown.contains("nog geen aantallen"), "{markdown}");
}

fn candidate(barrier: &str, reason: Reason, counts: &[(&str, i64)]) -> Candidate {
    Candidate {
        barrier: barrier.into(),
        reason,
        owner: "gemeente".into(),
        programme: None,
        counts: counts.iter().map(|(w, n)| (w.to_string(), *n)).collect(),
        cluster_ids: vec![format!("c-{barrier}")],
    }
}

fn atom(barrier: &str, area: &str, period: &str) -> Atom {
    Atom {
        barrier: barrier.into(),
        area: area.into(),
        quarter: period.into(),
    }
}

fn figure(output: &str, atoms: &[Atom], value: Option<u64>) -> Figure {
    Figure {
        output: output.into(),
        name: format!("{atoms:?}"),
        atoms: atoms.iter().cloned().collect(),
        value,
    }
}

#[test]
fn months_parse_and_read_in_dutch() {
    let month: Month = "2026-09".parse().unwrap();
    assert_eq!(month.to_string(), "2026-09");
    assert_eq!(monthly::month_label(month), "september 2026");
    assert_eq!(month.previous().to_string(), "2026-08");
    assert_eq!(
        monthly::month_label("2026-01".parse::<Month>().unwrap().previous()),
        "december 2025"
    );
    assert_eq!(month.quarter().to_string(), "2026Q3");
    assert!("2026-13".parse::<Month>().unwrap_err().contains("2026-09"));
    assert!("september".parse::<Month>().is_err());
}

#[test]
fn new_is_confirmed_this_month_and_growing_needs_a_real_increase() {
    assert_eq!(monthly::reason(true, 0, 0, 5), Some(Reason::New));
    assert_eq!(monthly::reason(false, 12, 6, 5), Some(Reason::Growing));
    // Five more, but not a quarter more.
    assert_eq!(monthly::reason(false, 30, 25, 5), None);
    // A quarter more, but fewer than five more.
    assert_eq!(monthly::reason(false, 8, 4, 5), None);
    // Beside a month published as x, the same answer whatever it was: 8 on 1 is not listed as
    // growing either, or the listing would tell 8 on 4 apart from it.
    assert_eq!(monthly::reason(false, 8, 1, 5), None);
    assert_eq!(monthly::reason(false, 9, 1, 5), Some(Reason::Growing));
}

#[test]
fn a_cell_below_the_threshold_is_not_in_the_overview() {
    let catalog = catalog();
    let wijken = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"];
    let row = |first: i64| -> Vec<(&str, i64)> {
        wijken
            .iter()
            .map(|w| (*w, if *w == "W1" { first } else { 9 }))
            .collect()
    };
    let candidates = vec![
        candidate("kostendelersnorm", Reason::Growing, &row(3)),
        candidate("wachtlijst-ggz", Reason::New, &row(7)),
    ];
    let month: Month = "2026-09".parse().unwrap();
    let mut ledger = Ledger::default();
    let release =
        monthly::release_month(&candidates, month, 5, &BTreeMap::new(), &mut ledger).unwrap();
    let (level, row) = release.find("kostendelersnorm").unwrap();
    assert_eq!(
        level.table.cells[row][0],
        Cell::Suppressed,
        "3 signals in W1"
    );
    assert_eq!(ledger.disclosures(5).unwrap(), vec![]);
    let overview = monthly::compose(
        month,
        &candidates,
        release,
        monthly::Published::default(),
        &catalog,
        5,
        day("2026-10-02"),
    );
    let (markdown, html) = overview.render().unwrap();
    let line = markdown
        .lines()
        .find(|l| l.starts_with(&format!("| {}", catalog.title("kostendelersnorm"))))
        .unwrap();
    assert!(
        line.starts_with(&format!("| {} | x |", catalog.title("kostendelersnorm"))),
        "{line}"
    );
    assert!(!line.contains(" 3 "), "{line}");
    // The small wijk is not named among the knelpunt's wijken either.
    let item = &overview
        .sections
        .iter()
        .find(|s| s.label == "Groeiend")
        .unwrap()
        .items[0];
    assert!(!item.areas.contains("W1"), "{}", item.areas);
    assert!(html.contains("Maandoverzicht knelpunten september 2026"));
    assert_eq!(overview.file_stem(), "maandoverzicht-2026-09");
}

#[test]
fn the_ledger_counts_a_quarter_as_its_three_months() {
    let mut ledger = Ledger::default();
    ledger.add(figure("brief", &[atom("a", "Laak", "2026Q3")], Some(11)));
    ledger.add(figure("juli", &[atom("a", "Laak", "2026-07")], Some(0)));
    ledger.add(figure("augustus", &[atom("a", "Laak", "2026-08")], Some(8)));
    ledger.add(figure("september", &[atom("a", "Laak", "2026-09")], None));
    let leaks = ledger.disclosures(5).unwrap();
    // September's hidden cell, and the same 3 as parts of the quarter (July is 0).
    assert!(leaks.len() >= 2, "{leaks:?}");
    assert!(leaks.iter().all(|l| l.value == 3), "{leaks:?}");
    assert!(leaks.iter().any(|l| l.output == "september"), "{leaks:?}");
}

/// The overview of September, the published brief of Q3 and the overviews of July and
/// August together: a naive overview gives away the brief's hidden cell; the overview through
/// the joint audit does not.
#[test]
fn overview_and_brief_together_reveal_no_hidden_cell() {
    let wijken = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"];
    // September: knelpunt a has 3 signals in W1 (small) and 6 in W2, the smallest complement.
    let counts_a: Vec<(&str, i64)> = wijken
        .iter()
        .map(|w| {
            (
                *w,
                match *w {
                    "W1" => 3,
                    "W2" => 6,
                    _ => 9,
                },
            )
        })
        .collect();
    let counts_b: Vec<(&str, i64)> = wijken
        .iter()
        .map(|w| (*w, if *w == "W1" { 7 } else { 9 }))
        .collect();
    let candidates = vec![
        candidate("a", Reason::New, &counts_a),
        candidate("b", Reason::Growing, &counts_b),
    ];
    // Published before: the brief of Q3 showing a × W2 (all its signals came in September)
    // and hiding a × W1; the overviews of July and August, showing a at zero everywhere.
    let mut context = Ledger::default();
    context.add(figure(
        "brief 2026Q3",
        &[atom("a", "W2", "2026Q3")],
        Some(6),
    ));
    context.add(figure("brief 2026Q3", &[atom("a", "W1", "2026Q3")], None));
    for month in ["2026-07", "2026-08"] {
        for w in wijken {
            context.add(figure(
                &format!("maandoverzicht {month}"),
                &[atom("a", w, month)],
                Some(0),
            ));
        }
    }
    let month: Month = "2026-09".parse().unwrap();
    let wider = BTreeMap::new();

    // Naive: the overview protected on its own, then published next to the others.
    let mut alone = Ledger::default();
    let naive = monthly::release_month(&candidates, month, 5, &wider, &mut alone).unwrap();
    let mut joint = context.clone();
    for level in &naive.levels {
        joint.add_table("maandoverzicht 2026-09", "2026-09", &level.table, &|c| {
            level.members(c)
        });
    }
    let naive_leaks = joint.disclosures(5).unwrap();
    assert!(
        naive_leaks.iter().any(|l| l.value == 3),
        "the adversarial case must bite: {naive_leaks:?}"
    );

    // Through the joint audit: nothing small follows from all outputs together.
    let mut audited = context.clone();
    let release = monthly::release_month(&candidates, month, 5, &wider, &mut audited).unwrap();
    assert_eq!(audited.disclosures(5).unwrap(), vec![]);
    assert!(
        release.context_leaks.is_empty(),
        "{:?}",
        release.context_leaks
    );
    // And the brief's hidden cell stays hidden.
    assert!(!audited
        .audit()
        .unwrap()
        .iter()
        .any(|l| l.output == "brief 2026Q3"));
}

#[test]
fn the_overview_never_gives_away_a_cell_the_coming_brief_must_hide() {
    // Published before: a programme's brief of Q3 at stadsdeel level (W1 + W2 = 22) and
    // July and August at zero in W1. September shows 20 in W1 and 2 in W2 — so showing W1
    // would say the coming brief's a × W2 is 2, which that brief must hide.
    let mut context = Ledger::default();
    context.add(figure(
        "brief 2026Q3 programma P",
        &[atom("a", "W1", "2026Q3"), atom("a", "W2", "2026Q3")],
        Some(22),
    ));
    for month in ["2026-07", "2026-08"] {
        context.add(figure(
            &format!("maandoverzicht {month}"),
            &[atom("a", "W1", month)],
            Some(0),
        ));
    }
    // Eight wijken, so two hidden figures in a row (a quarter) keep it at wijk level.
    let wijken: Vec<String> = (1..=8).map(|i| format!("W{i}")).collect();
    let counts_a: Vec<(&str, i64)> = wijken
        .iter()
        .map(|w| {
            let n = match w.as_str() {
                "W1" => 20,
                "W2" => 2,
                _ => 9,
            };
            (w.as_str(), n)
        })
        .collect();
    let counts_b: Vec<(&str, i64)> = wijken.iter().map(|w| (w.as_str(), 9)).collect();
    let candidates = vec![
        candidate("a", Reason::New, &counts_a),
        candidate("b", Reason::New, &counts_b),
    ];
    let month: Month = "2026-09".parse().unwrap();
    let barriers = vec!["a".to_string(), "b".to_string()];

    // Even without watching the coming brief, W1's 20 is not shown: 22 in the programme's
    // brief minus 20 in September would leave 2 for the rest of that group (W2 in the
    // quarter, W1 in July and August).
    let mut unwatched = context.clone();
    let release =
        monthly::release_month(&candidates, month, 5, &BTreeMap::new(), &mut unwatched).unwrap();
    let (level, row) = release.find("a").unwrap();
    assert!(
        !level.table.cells[row].contains(&Cell::Shown(20)),
        "{:?}",
        level.table
    );
    monthly::watch_brief(&mut unwatched, "2026Q3", &barriers, &wijken);
    assert_eq!(unwatched.disclosures(5).unwrap(), vec![]);

    // Watched: the overview hides more, and nothing small follows.
    let mut watched = context.clone();
    monthly::watch_brief(&mut watched, "2026Q3", &barriers, &wijken);
    monthly::release_month(&candidates, month, 5, &BTreeMap::new(), &mut watched).unwrap();
    assert_eq!(watched.disclosures(5).unwrap(), vec![]);
}

/// The other way round: September's overview is published first, then the brief of Q3. A
/// brief protected on its own gives the overview's hidden cell away; the brief through the
/// joint audit (the overviews are in its context as snapshots) does not.
#[test]
fn a_brief_after_the_overviews_reveals_none_of_their_hidden_cells() {
    let wijken: Vec<String> = (1..=8).map(|i| format!("W{i}")).collect();
    let september = |w: &str| match w {
        "W1" => 3,
        "W2" => 6,
        _ => 9,
    };
    let candidates = vec![
        candidate(
            "a",
            Reason::New,
            &wijken
                .iter()
                .map(|w| (w.as_str(), september(w)))
                .collect::<Vec<_>>(),
        ),
        candidate(
            "b",
            Reason::New,
            &wijken
                .iter()
                .map(|w| (w.as_str(), if w == "W1" { 7 } else { 9 }))
                .collect::<Vec<_>>(),
        ),
    ];
    // Published: July (a: 5 in W2, nothing elsewhere), August (nothing), then September.
    let mut context = Ledger::default();
    for (month, w2) in [("2026-07", 5), ("2026-08", 0)] {
        for w in &wijken {
            let value = if w == "W2" { w2 } else { 0 };
            context.add(figure(
                &format!("maandoverzicht {month}"),
                &[atom("a", w, month)],
                Some(value),
            ));
        }
    }
    let month: Month = "2026-09".parse().unwrap();
    let wider = BTreeMap::new();
    monthly::release_month(&candidates, month, 5, &wider, &mut context).unwrap();
    assert_eq!(context.disclosures(5).unwrap(), vec![]);

    // The brief of Q3: September plus July's five in W2.
    let quarter: crate::release::Counts = candidates
        .iter()
        .map(|c| {
            let mut counts = c.counts.clone();
            if c.barrier == "a" {
                *counts.entry("W2".into()).or_default() += 5;
            }
            (c.barrier.clone(), counts)
        })
        .collect();
    let mut alone = Ledger::default();
    let naive =
        crate::release::release(&quarter, "2026Q3", "brief", 5, None, &wider, &mut alone).unwrap();
    let mut joint = context.clone();
    for level in &naive.levels {
        joint.add_table("brief 2026Q3", "2026Q3", &level.table, &|c| {
            level.members(c)
        });
    }
    assert!(
        joint.disclosures(5).unwrap().iter().any(|l| l.value == 3),
        "the case must bite: {:?}",
        joint.disclosures(5).unwrap()
    );
    let mut audited = context.clone();
    crate::release::release(&quarter, "2026Q3", "brief", 5, None, &wider, &mut audited).unwrap();
    assert_eq!(audited.disclosures(5).unwrap(), vec![]);
}
