//! Golden files for the digest's templates (issue 13, point 6): a fixed programme decisions
//! list and a fixed monthly overview render to exactly the committed Markdown and HTML
//! (`reports/tests/golden/`). Their PDFs, and the meeting's own decisions list, are PDF/A-2a
//! and PDF/UA-1 as veraPDF checks them, like the brief's. After an intended template change:
//! `UPDATE_GOLDEN=1 cargo test -p knooppunt-reports --test golden_digest`.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{assert_archived, check, poppler};
use knooppunt_reports::digest::monthly::{self, Candidate, Month, Reason};
use knooppunt_reports::digest::programme::{self, ClusterFacts, Meeting, PublishedBrief};
use knooppunt_reports::digest::{write_files, Digest, Document};
use knooppunt_reports::disclosure::{Cell, PublishedTable};
use knooppunt_reports::ledger::Ledger;
use knooppunt_reports::minutes::{
    ActionPointView, AttendeeView, MeetingDay, Minutes, MinutesDecision,
};
use knooppunt_reports::review::{Action, Decision, Snooze, State};
use knooppunt_reports::snapshot::Figures;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::{ActionPoint, Attendee, MeetingRecord};
use std::collections::BTreeMap;

/// The rules version every fixed document here was made with.
const RULES_VERSION: &str = "2026.09-1";

/// Renders `digest` and compares its Markdown and HTML with the golden files `{stem}.md` and
/// `{stem}.html`; both, for more checks.
fn check_rendered(digest: &impl Digest, stem: &str) -> (String, String) {
    let (markdown, html) = digest.render().unwrap();
    check(&format!("{stem}.md"), &markdown);
    check(&format!("{stem}.html"), &html);
    (markdown, html)
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn decision(seq: i64, cluster: &str, action: Action, reason: &str) -> Decision {
    Decision {
        seq,
        cluster_id: cluster.into(),
        action,
        state_after: State::Confirmed,
        actor: "overleg-1".into(),
        reason: reason.into(),
        signal_count: 12,
        decided_at: Utc
            .with_ymd_and_hms(2026, 9, 30, 8, 5 * seq as u32, 0)
            .unwrap(),
    }
}

/// The latest published brief: kostendelersnorm 17 (Moerwijk), schuldhulp 9 (wijken hidden).
fn published_brief() -> Figures {
    let table = PublishedTable {
        rows: vec!["kostendelersnorm".into(), "schuldhulp-toegang".into()],
        columns: vec!["Laak".into(), "Moerwijk".into()],
        cells: vec![
            vec![Cell::Shown(0), Cell::Shown(17)],
            vec![Cell::Suppressed, Cell::Suppressed],
        ],
        row_totals: vec![Cell::Shown(17), Cell::Shown(9)],
        column_totals: vec![Cell::Suppressed, Cell::Suppressed],
        grand_total: Cell::Shown(26),
        min_group_size: 5,
        zeros_shown: true,
    };
    Figures::of(
        table,
        [
            ("kostendelersnorm".to_string(), "17".to_string()),
            ("schuldhulp-toegang".to_string(), "9".to_string()),
        ]
        .into(),
    )
}

/// A fixed programme decisions list: three decisions on two clusters, three attendees, one
/// action point.
fn programme_digest() -> programme::ProgrammeDigest {
    let catalog = RuleSet::default_rules().unwrap().catalog();
    let facts = |id: &str, barrier: &str, area: &str| ClusterFacts {
        id: id.into(),
        barrier: barrier.into(),
        area: area.into(),
        programme: Some("Armoede & Schulden".into()),
        state: State::Confirmed,
        owner: Some("Werk en Inkomen".into()),
    };
    let clusters = vec![
        facts("c-1", "kostendelersnorm", "Moerwijk"),
        facts("c-2", "schuldhulp-toegang", "Laak"),
    ];
    let decisions = vec![
        decision(1, "c-1", Action::Confirm, ""),
        decision(
            2,
            "c-1",
            Action::Recommend,
            "Pas de norm niet toe op inwonende jongeren tot 27 jaar <b>nu</b>.",
        ),
        decision(
            3,
            "c-2",
            Action::Park {
                snooze: Snooze::Date {
                    date: day("2026-11-15"),
                },
            },
            "",
        ),
    ];
    let record = MeetingRecord {
        attendees: vec![
            Attendee {
                name: "A. Voorzitter".into(),
                role: "opbouwwerk".into(),
            },
            Attendee {
                name: "B. Arts".into(),
                role: "huisarts".into(),
            },
            Attendee {
                name: "C. Agent".into(),
                role: "wijkagent".into(),
            },
        ],
        action_points: vec![ActionPoint {
            what: "Cijfers over de kostendelersnorm opvragen".into(),
            owner: "A. Voorzitter".into(),
            due_on: day("2026-10-28"),
        }],
    };
    let figures = published_brief();
    let meeting = Meeting {
        on: day("2026-09-30"),
        recorded: true,
        record: &record,
        decisions: &decisions,
        reversals: &[],
    };
    let mut digest = programme::compose(
        "Armoede & Schulden",
        meeting,
        &clusters,
        Some(PublishedBrief {
            quarter: "2026Q2",
            figures: &figures,
        }),
        &catalog,
    );
    digest.rules_version = RULES_VERSION.into();
    digest
}

#[test]
fn the_programme_digest_renders_exactly_as_the_golden_files() {
    let (markdown, html) = check_rendered(&programme_digest(), "programma-besluitenlijst");
    assert!(!html.contains("<b>nu"), "escaped");
    assert!(!html.contains("Voorzitter") && !markdown.contains("Voorzitter"));
}

/// A fixed monthly overview of September 2026: one new and one growing knelpunt.
fn monthly_overview() -> monthly::MonthlyOverview {
    let catalog = RuleSet::default_rules().unwrap().catalog();
    let wijken = ["Escamp", "Laak", "Moerwijk", "Schilderswijk", "Transvaal"];
    let candidate = |barrier: &str, reason, counts: [i64; 5]| Candidate {
        barrier: barrier.into(),
        reason,
        owner: "gemeente".into(),
        programme: Some("Armoede".into()),
        counts: wijken.iter().map(|w| w.to_string()).zip(counts).collect(),
        cluster_ids: vec![format!("c-{barrier}")],
    };
    let candidates = vec![
        candidate("kostendelersnorm", Reason::New, [12, 9, 14, 8, 11]),
        candidate("wachtlijst-ggz", Reason::Growing, [7, 3, 9, 6, 10]),
    ];
    let month: Month = "2026-09".parse().unwrap();
    let mut ledger = Ledger::default();
    let release =
        monthly::release_month(&candidates, month, 5, &BTreeMap::new(), &mut ledger).unwrap();
    let figures = published_brief();
    let previous: BTreeMap<String, String> =
        [("wachtlijst-ggz".to_string(), "21".to_string())].into();
    let mut overview = monthly::compose(
        month,
        &candidates,
        release,
        monthly::Published {
            previous: Some(&previous),
            brief: Some(("2026Q2", &figures)),
        },
        &catalog,
        5,
        day("2026-10-02"),
    );
    overview.rules_version = RULES_VERSION.into();
    overview
}

#[test]
fn the_monthly_overview_renders_exactly_as_the_golden_files() {
    check_rendered(&monthly_overview(), "maandoverzicht");
}

/// A fixed decisions list of a meeting: two decisions (one taken back), two attendees, one
/// action point.
fn minutes() -> Minutes {
    let decision =
        |cluster: &str, title: &str, action: &str, time: &str, reversed: bool| MinutesDecision {
            cluster_id: cluster.into(),
            title: title.into(),
            area: "Moerwijk".into(),
            action: action.into(),
            state_after: "bevestigd".into(),
            actor: "overleg-1".into(),
            reason: "Komt in elke wijk terug.".into(),
            decided_at: format!("2026-09-30T{time}:00Z"),
            decided_at_local: format!("30-09-2026 {time}"),
            details: String::new(),
            time_local: time.into(),
            links: Vec::new(),
            reversed,
            reversal: if reversed {
                "om 10:42 door overleg-1; status weer open".into()
            } else {
                String::new()
            },
            after_recording: false,
        };
    Minutes {
        meeting: MeetingDay::new(day("2026-09-30"), true),
        attendees: vec![
            AttendeeView {
                name: "A. Voorzitter".into(),
                role: "opbouwwerk".into(),
            },
            AttendeeView {
                name: "B. Arts".into(),
                role: "huisarts".into(),
            },
        ],
        decisions: vec![
            decision(
                "c-1",
                "Kostendelersnorm in Moerwijk",
                "bevestigen",
                "10:05",
                false,
            ),
            decision(
                "c-2",
                "Schuldhulp moeilijk bereikbaar",
                "parkeren",
                "10:20",
                true,
            ),
        ],
        corrections: Vec::new(),
        action_points: vec![ActionPointView {
            what: "Cijfers over de kostendelersnorm opvragen".into(),
            owner: "A. Voorzitter".into(),
            due_on: "2026-10-28".into(),
            due_label: "28-10-2026".into(),
        }],
        in_force: 1,
        rules_version: RULES_VERSION.into(),
        templates_dir: None,
    }
}

#[test]
fn the_digests_and_the_decisions_list_print_as_pdfa_2a_and_pdfua_1() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = |document: Document| {
        let written = write_files(dir.path(), &document, true).unwrap();
        written[2].clone()
    };
    assert_archived(
        &pdf(programme_digest().document().unwrap()),
        "Besluitenlijst signaleringsoverleg 30-09-2026 - programma Armoede & Schulden",
        "Signaleringsoverleg",
    );
    assert_archived(
        &pdf(monthly_overview().document().unwrap()),
        "Maandoverzicht knelpunten september 2026",
        "Signaleringsoverleg",
    );

    let minutes = minutes();
    let pdf = minutes.write_pdf(dir.path()).unwrap();
    assert_archived(
        &pdf,
        "Besluitenlijst signaleringsoverleg 30-09-2026",
        "Signaleringsoverleg",
    );
    let text = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for shown in ["Besluiten", "teruggedraaid", "Actiepunten", "28-10-2026"] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
}

/// Two prints of the same document to the same file at once (two `digest` runs given the same
/// `--out`) each keep their own Chromium print and numbered copy: both succeed, the file is
/// one whole PDF/A, and nothing of either is left beside it.
#[test]
fn two_prints_to_the_same_file_at_once_do_not_share_their_work_files() {
    let dir = tempfile::tempdir().unwrap();
    let document = programme_digest().document().unwrap();
    write_files(dir.path(), &document, false).unwrap();
    let html = document.path(dir.path(), "html");
    let output = document.path(dir.path(), "pdf");
    std::thread::scope(|scope| {
        let prints: Vec<_> = (0..2)
            .map(|_| {
                scope
                    .spawn(|| knooppunt_reports::archive::print(&html, &output, &document.metadata))
            })
            .collect();
        for print in prints {
            let printed = print.join().expect("the print thread");
            assert!(printed.is_ok(), "{printed:?}");
        }
    });
    assert_archived(
        &output,
        "Besluitenlijst signaleringsoverleg 30-09-2026 - programma Armoede & Schulden",
        "Signaleringsoverleg",
    );
}
