//! The `knooppunt` binary itself: help texts, configuration errors, CSV import, brief.

use crate::support::{
    assert_failed_with, assert_shows, knooppunt_command as knooppunt, run_ok, words_after,
};
use std::collections::BTreeMap;

#[test]
fn every_subcommand_explains_itself() {
    for sub in [
        &[][..],
        &["serve"],
        &["intake"],
        &["engine"],
        &["import"],
        &["migrate"],
        &["brief"],
        &["config"],
        &["demo"],
        &["classify"],
        &["quarantaine"],
        &["clusters"],
        &["rules"],
        &["rules", "validate"],
        &["rules", "test"],
        &["rules", "replay"],
        &["user", "add"],
        &["agenda"],
        &["digest"],
    ] {
        let output = knooppunt().args(sub).arg("--help").output().unwrap();
        assert!(output.status.success(), "{sub:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert_shows(&text, &["Gebruik: knooppunt", "Toon deze uitleg"]);
    }
}

#[test]
fn configuration_errors_are_listed_together_with_exit_code_2() {
    let output = knooppunt()
        .arg("config")
        .env("KNOOPPUNT__STORE__URL", "mysql://x")
        .env("KNOOPPUNT__ENGINE__TURBO", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("engine.turbo") && text.contains("fout"),
        "{text}"
    );
}

/// A command that reads what is stored refuses a database that is not there, in Dutch and
/// naming it, instead of creating an empty one and reporting no signals.
#[test]
fn reading_commands_refuse_a_database_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("elders").join("knooppunt.db");
    let url = format!("sqlite://{}", missing.display());
    for args in [
        vec!["brief", "--quarter", "2026Q3", "--no-pdf"],
        vec!["agenda", "--meeting", "2026-10-01"],
        vec!["clusters"],
        vec!["quarantaine"],
        vec!["verwerkingslog"],
    ] {
        let output = knooppunt()
            .args(&args)
            .current_dir(dir.path())
            .env("KNOOPPUNT__STORE__URL", &url)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr.contains("er is geen database") && stderr.contains("elders"),
            "{args:?}: {stderr}"
        );
        assert!(
            !missing.exists() && !dir.path().join("elders").exists(),
            "{args:?}"
        );
        assert!(
            !dir.path().join("brief").exists(),
            "{args:?}: no brief written"
        );
    }
}

#[test]
fn csv_import_then_brief_on_embedded_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("signalen.csv");
    std::fs::write(
        &csv,
        "\u{feff}datum;bron;wijk;thema's;omschrijving\r\n\
         01-08-2026;verbinders;Moerwijk;financien;\"Zoon weer thuis; bijstand omlaag\"\r\n\
         31-02-2026;verbinders;Moerwijk;;Datum bestaat niet\r\n\
         02-08-2026;moeders;Laak;;\"Schimmel, corporatie\r\nreageert al 8 weken niet\"\r\n\
         03-08-2026;verbinders;Moerwjik;;Corporatie reageert al 6 weken niet\r\n",
    )
    .unwrap();
    let env = [
        (
            "KNOOPPUNT__TRANSPORT__SPOOL",
            dir.path().join("spool.db").display().to_string(),
        ),
        (
            "KNOOPPUNT__STORE__URL",
            format!("sqlite://{}", dir.path().join("k.db").display()),
        ),
    ];
    let (output, text) = run(knooppunt().arg("import").arg(&csv).envs(env.clone()));
    assert_eq!(
        output.status.code(),
        Some(1),
        "a refused line means exit 1: {text}"
    );
    assert!(text.contains("2 geaccepteerd, 2 geweigerd"), "{text}");
    assert!(
        text.contains("regel 3: datum: geen geldige datum"),
        "{text}"
    );
    // The register's refusals name the column as the file's header does, like the others
    // ("wijk", not the contract's "area").
    assert!(
        text.contains("regel 6: wijk: onbekende wijk of buurt; bedoelt u 'Moerwijk'?"),
        "{text}"
    );
    // The database and the spool hold signal texts: created for their owner alone.
    #[cfg(unix)]
    for file in ["k.db", "spool.db"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }

    let out = dir.path().join("brief");
    run_ok(
        knooppunt()
            .args(["brief", "--quarter", "2026Q3", "--out"])
            .arg(&out)
            .envs(env.clone()),
    );
    let markdown = std::fs::read_to_string(out.join("brief-2026Q3.md")).unwrap();
    assert!(markdown.contains("Terug het systeem in — 3e kwartaal 2026"));
    // The brief names both halves of recognition: the rule set and the model beside it.
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let model = rules
        .model()
        .expect("the shipped model")
        .version()
        .to_string();
    assert!(
        markdown.contains(&format!("Regelset {}, model {model}", rules.version()))
            && markdown.contains(&format!("een geleerd tekstmodel ernaast (versie {model})")),
        "{markdown}"
    );

    // A quarter still running is not published, and a programme no knelpunt has is refused
    // (a typo would write an empty brief); neither writes a file.
    let running = knooppunt_domain::quarter::Quarter::containing(knooppunt_ingest::today_nl());
    let refused = [
        vec![
            "--quarter".to_string(),
            running.to_string(),
            "--publish".into(),
        ],
        vec![
            "--quarter".into(),
            "2026Q3".into(),
            "--programme".into(),
            "Bestaat Niet".into(),
        ],
    ];
    for args in refused {
        let nowhere = dir.path().join("geweigerd");
        let output = knooppunt()
            .arg("brief")
            .args(&args)
            .arg("--out")
            .arg(&nowhere)
            .envs(env.clone())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains("nog niet voorbij") || stderr.contains("--programme: geen knelpunt"),
            "{args:?}: {stderr}"
        );
        assert!(!nowhere.exists(), "{args:?}");
    }

    // The engine has not run yet: the spool holds the signals, the store none.
    let output = knooppunt().arg("clusters").envs(env).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.lines().count(), 1, "only the heading: {text}");
}

/// The demo quarter's brief as PDF: tagged PDF/A-2a, A4 on every page, its page count, page numbers,
/// and its first three pages as PNG in `target/tmp/brief/` (kept for review).
fn demo_brief_is_a_forwardable_pdfa(pdf: &std::path::Path) {
    let bytes = std::fs::read(pdf).unwrap();
    assert_eq!(
        knooppunt_reports::archive::pdfa_identification(&bytes),
        Some((2, "A".to_string()))
    );
    // Tagged: a screen reader reads the brief's structure (the PDF/A-2a check itself is the
    // brief's test in reports/tests/golden.rs).
    assert!(bytes.windows(15).any(|w| w == b"/StructTreeRoot"));
    let pages = knooppunt_reports::pdf::count_pages(&bytes);
    assert_eq!(
        pages, 8,
        "cover, front page with figures and the first knelpunt, the other knelpunten on two \
         pages (each with its chart full size), three appendices"
    );
    let sizes = knooppunt_reports::archive::page_sizes(&bytes);
    assert_eq!(sizes.len(), pages);
    assert!(
        sizes.iter().all(|s| knooppunt_reports::archive::is_a4(*s)),
        "{sizes:?}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    let text = String::from_utf8_lossy(&text.stdout);
    // Text copied from the PDF is the text printed: ranges keep their dash ("9–11 na
    // correctie", not "9311"), the running header its em dash.
    let ranges: Vec<&str> = words_after(&text, "naar schatting ")
        .into_iter()
        .filter(|range| range.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(!ranges.is_empty(), "{text}");
    for range in &ranges {
        let (low, high) = range.split_once('–').unwrap_or_else(|| panic!("{range}"));
        assert!(
            low.parse::<u32>().is_ok() && high.parse::<u32>().is_ok(),
            "{ranges:?}"
        );
    }
    assert!(text.contains("Terug het systeem in — "), "{text}");
    for n in 2..=pages {
        assert!(
            text.contains(&format!("Pagina {n} van {pages}")),
            "page {n}"
        );
    }
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("brief");
    std::fs::create_dir_all(&out).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "3"])
        .arg(pdf)
        .arg(out.join("demo-brief"))
        .status()
        .expect("pdftoppm (poppler-utils) is needed");
    assert!(status.success());
    for n in 1..=3 {
        assert!(
            out.join(format!("demo-brief-{n}.png")).is_file(),
            "page {n} as PNG"
        );
    }
}

/// Runs `command` to its end: its output, and what it wrote to stdout as text.
fn run(command: &mut std::process::Command) -> (std::process::Output, String) {
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, text)
}

/// The cells of the Markdown tables headed `| Knelpunt | …`, by (knelpunt, column); a
/// knelpunt stands in one table only.
fn markdown_cells(markdown: &str) -> BTreeMap<(String, String), String> {
    let mut cells = BTreeMap::new();
    let mut header: Vec<String> = Vec::new();
    for line in markdown.lines() {
        let row: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if !line.starts_with('|') {
            header.clear();
        } else if row[0] == "Knelpunt" {
            header = row;
        } else if !header.is_empty() && !row[0].starts_with("---") && row[0] != "Totaal" {
            // (The row of totals sums other knelpunten in each table: not compared.)
            for (column, cell) in header.iter().zip(&row).skip(1) {
                cells.insert((row[0].clone(), column.clone()), cell.clone());
            }
        }
    }
    cells
}

/// The two files the demo offers to people who do not sign in that count the same signals —
/// the quarter's brief and the overview of a month in it — leave no small group between them:
/// where both show a knelpunt's figure for a wijk, the other months of the quarter hold none
/// or at least five ("6 in Q3, 5 in September" would say 1 in July and August).
fn demo_month_and_quarter_give_nothing_away_together(dir: &std::path::Path) {
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
    let brief = markdown_cells(&read("brief/brief-2026Q3.md"));
    let month = markdown_cells(&read("agenda/maandoverzicht-2026-09.md"));
    let mut compared = 0;
    for (key, shown) in &month {
        let (Ok(september), Some(Ok(quarter))) = (
            shown.parse::<i64>(),
            brief.get(key).map(|c| c.parse::<i64>()),
        ) else {
            continue;
        };
        compared += 1;
        let rest = quarter - september;
        assert!(
            rest == 0 || rest >= 5,
            "{key:?}: {quarter} in Q3, {september} in september"
        );
    }
    assert!(compared > 0, "no figure in both: {month:?}");
}

/// The demo's digest for people who never sign in: the monthly overview and the programme's
/// decisions list beside the agenda, with no small count, no personal name and no count the
/// programme's list could not take from a published brief.
fn demo_digest_goes_through_the_disclosure_step(dir: &std::path::Path) {
    let agenda = dir.join("agenda");
    let overview = std::fs::read_to_string(agenda.join("maandoverzicht-2026-09.md")).unwrap();
    assert!(
        overview.contains("# Maandoverzicht knelpunten september 2026"),
        "{overview}"
    );
    assert!(overview.contains("## Nieuw"), "{overview}");
    assert!(agenda.join("maandoverzicht-2026-09.html").is_file());
    // Every figure shown is zero or at least the minimum group size (5); the rest reads x.
    let mut cells = 0;
    for line in overview
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Knelpunt"))
    {
        for cell in line
            .split('|')
            .map(str::trim)
            .skip(2)
            .filter(|c| !c.is_empty())
        {
            cells += 1;
            match cell.parse::<u64>() {
                Ok(n) => assert!(n == 0 || n >= 5, "{cell} in {line}"),
                Err(_) => assert_eq!(cell, "x", "{line}"),
            }
        }
    }
    assert!(cells > 0, "{overview}");
    for line in overview.lines().filter(|l| l.starts_with("- **")) {
        let count = words_after(line, "**: ")[0];
        assert!(
            count == "x" || count.parse::<u64>().is_ok_and(|n| n >= 5),
            "{line}"
        );
    }
    let digest =
        std::fs::read_to_string(agenda.join("besluitenlijst-2026-09-30-maatwerk-regie.md"))
            .unwrap();
    assert!(digest.contains("programma Maatwerk & Regie"), "{digest}");
    assert!(digest.contains("bevestigen → bevestigd"), "{digest}");
    // Roles, never names; no count of its own: the published brief's (the demo publishes it).
    for name in ["Bakker", "El Amrani", "de Graaf", "Kok", "demo-overleg"] {
        assert!(!digest.contains(name), "{name}: {digest}");
    }
    assert!(digest.contains("wijkteam Moerwijk"), "{digest}");
    assert!(
        digest.contains("De cijfers zijn die van de gepubliceerde brief over het 3e kwartaal 2026"),
        "{digest}"
    );
    let brief =
        markdown_cells(&std::fs::read_to_string(dir.join("brief/brief-2026Q3.md")).unwrap());
    let mut counts = 0;
    for line in digest.lines().filter(|l| l.contains(" signalen;")) {
        let (knelpunt, _) = line.trim_start_matches("- ").split_once(" (").unwrap();
        let count = line.split("): ").nth(1).unwrap().split(' ').next().unwrap();
        let in_brief = &brief[&(knelpunt.to_string(), "Totaal".to_string())];
        assert_eq!(count, in_brief, "{line}");
        counts += 1;
    }
    assert!(counts > 0, "{digest}");
    assert!(agenda
        .join("besluitenlijst-2026-09-30-maatwerk-regie.html")
        .is_file());
}

#[test]
fn demo_runs_end_to_end_without_serving() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ["demo", "--no-serve", "--listen", "127.0.0.1:0", "--dir"];
    let (output, text) = run(knooppunt().args(demo).arg(dir.path()));
    assert!(
        output.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("signalen opgeslagen"), "{text}");
    assert!(text.contains("geweigerd"), "{text}");
    assert!(dir.path().join("brief/brief-2026Q3.html").is_file());
    // The meeting's decisions list: who attended, what was decided, what was agreed.
    let minutes =
        std::fs::read_to_string(dir.path().join("agenda/besluitenlijst-2026-09-30.md")).unwrap();
    for part in [
        "## Aanwezig",
        "## Besluiten",
        "## Actiepunten",
        "uiterlijk 28-10-2026",
    ] {
        assert!(minutes.contains(part), "{part}: {minutes}");
    }
    assert!(dir
        .path()
        .join("agenda/besluitenlijst-2026-09-30.html")
        .is_file());
    demo_digest_goes_through_the_disclosure_step(dir.path());
    demo_month_and_quarter_give_nothing_away_together(dir.path());
    // The brief is honest about recognition: measured precision and recall, and each
    // published knelpunt count as a range (from the project's notes: the demo has no labels).
    let brief = std::fs::read_to_string(dir.path().join("brief/brief-2026Q3.md")).unwrap();
    assert_shows(
        &brief,
        &[
            "### Hoe nauwkeurig is de herkenning?",
            "geteld aantal × precisie ÷ volledigheid",
            "eigen testnotities, regels en model samen",
            // Scored without retraining, from the model file's held-out scores.
            "elke notitie beoordeeld door een model dat haar niet kende",
        ],
    );
    let ranges = brief
        .lines()
        .filter(|l| l.starts_with("- Hoe vaak:") && l.contains("na correctie voor herkenning"))
        .count();
    assert!(ranges >= 1, "{brief}");
    assert!(
        !brief.contains("x signalen dit kwartaal (naar schatting"),
        "{brief}"
    );
    demo_brief_is_a_forwardable_pdfa(&dir.path().join("brief/brief-2026Q3.pdf"));

    // The overleg's agenda on the demo data, with the reasons.
    let output = knooppunt()
        .args(["clusters", "--agenda", "--on", "2026-09-30"])
        .env(
            "KNOOPPUNT__STORE__URL",
            format!("sqlite://{}", dir.path().join("knooppunt.db").display()),
        )
        .output()
        .unwrap();
    let agenda = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{agenda}");
    assert!(agenda.contains("Treeknorm 10 weken"), "{agenda}");
    assert!(agenda.lines().count() > 2, "{agenda}");

    let store = (
        "KNOOPPUNT__STORE__URL",
        format!("sqlite://{}", dir.path().join("knooppunt.db").display()),
    );
    // The first administrator, from the command line; a short password is refused in Dutch.
    let output = knooppunt()
        .args(["user", "add", "--name", "admin", "--role", "beheer"])
        .env(store.0, &store.1)
        .env("KNOOPPUNT_PASSWORD", "kort")
        .output()
        .unwrap();
    assert_failed_with(&output, "wachtwoord: minstens 12 tekens");
    run_ok(
        knooppunt()
            .args(["user", "add", "--name", "admin", "--role", "beheer"])
            .env(store.0, &store.1)
            .env("KNOOPPUNT_PASSWORD", "een lang genoeg wachtwoord"),
    );

    // The agenda of a meeting as HTML and Markdown, with the demo's decisions of that day.
    let out = dir.path().join("export");
    run_ok(
        knooppunt()
            .args(["agenda", "--meeting", "2026-09-30", "--out"])
            .arg(&out)
            .env(store.0, &store.1),
    );
    let markdown = std::fs::read_to_string(out.join("agenda-2026-09-30.md")).unwrap();
    assert!(
        markdown.contains("# Agenda signaleringsoverleg 30-09-2026"),
        "{markdown}"
    );
    assert!(out.join("agenda-2026-09-30.html").is_file());
    // Exporting records no meeting; recording one needs its attendees, each checked.
    let agenda = |extra: &[&str]| {
        knooppunt()
            .args(["agenda", "--meeting", "2026-10-14", "--out"])
            .arg(&out)
            .args(extra)
            .env(store.0, &store.1)
            .output()
            .unwrap()
    };
    let bare = agenda(&[]);
    assert!(bare.status.success());
    assert!(String::from_utf8_lossy(&bare.stdout).contains("niet vastgelegd"));
    let roleless = agenda(&["--attendee", "R. Kok"]);
    assert_failed_with(&roleless, "--attendee, rol: vul een rol of organisatie in");
    let refused = agenda(&["--attendee", "R. Kok=corporatie, r.kok@example.nl"]);
    let stderr = assert_failed_with(&refused, "--attendee, rol: geen contact");
    assert!(!stderr.contains("example.nl"), "not echoed: {stderr}");
    // A meeting still to come is not recorded ahead.
    let next_week = (knooppunt_ingest::today_nl() + chrono::Duration::days(7)).to_string();
    let ahead = knooppunt()
        .args(["agenda", "--meeting", &next_week, "--out"])
        .arg(&out)
        .args(["--attendee", "R. Kok=woningcorporatie"])
        .env(store.0, &store.1)
        .output()
        .unwrap();
    assert_failed_with(
        &ahead,
        "--attendee: een vergadering wordt vastgelegd op de dag zelf",
    );
    let recorded = agenda(&["--attendee", "R. Kok=woningcorporatie"]);
    assert!(recorded.status.success());
    assert!(!String::from_utf8_lossy(&recorded.stdout).contains("niet vastgelegd"));

    // The demo published the quarter (as the municipality receives it), with its files'
    // SHA-256 manifest, checkable with sha256sum; a second publication is refused.
    let publish = || {
        knooppunt()
            .args([
                "brief",
                "--quarter",
                "2026Q3",
                "--no-pdf",
                "--publish",
                "--out",
            ])
            .arg(dir.path().join("gepubliceerd"))
            .env(store.0, &store.1)
            .output()
            .unwrap()
    };
    let published = dir.path().join("brief");
    let manifest = std::fs::read_to_string(published.join("brief-2026Q3.sha256")).unwrap();
    assert_eq!(
        manifest.lines().count(),
        5,
        "md, html, csv, json, pdf: {manifest}"
    );
    let check = std::process::Command::new("sha256sum")
        .args(["-c", "brief-2026Q3.sha256"])
        .current_dir(&published)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let html = std::fs::read_to_string(published.join("brief-2026Q3.html")).unwrap();
    assert!(html.contains("Vastgesteld door het signaleringsoverleg"));
    let second = publish();
    let stderr = assert_failed_with(&second, "al gepubliceerd");
    assert!(stderr.contains("--rectificatie"), "{stderr}");

    // A correction is a rectificatie: a reason is required, a quarter must be published, and
    // the new version's files come beside the original's, which stay as they were.
    let rectify = |quarter: &str, reason: Option<&str>| {
        knooppunt()
            .args(["brief", "--quarter", quarter, "--no-pdf", "--out"])
            .arg(&published)
            .arg("--rectificatie")
            .args(reason)
            .env(store.0, &store.1)
            .output()
            .unwrap()
    };
    assert_failed_with(&rectify("2026Q3", None), "rectificatie: geef de reden op");
    let unpublished = rectify("2026Q2", Some("Dubbel geteld"));
    assert_failed_with(&unpublished, "nog geen gepubliceerde brief");
    let rectified = rectify("2026Q3", Some("Twee signalen bleken dubbel ingevoerd"));
    let stderr = String::from_utf8_lossy(&rectified.stderr);
    assert!(rectified.status.success(), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(published.join("brief-2026Q3.html")).unwrap(),
        html,
        "the original stays"
    );
    let check = std::process::Command::new("sha256sum")
        .args(["-c", "brief-2026Q3.sha256", "brief-2026Q3-versie2.sha256"])
        .current_dir(&published)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let markdown = std::fs::read_to_string(published.join("brief-2026Q3-versie2.md")).unwrap();
    assert!(
        markdown.contains("**Rectificatie — versie 2, vervangt versie 1 van "),
        "{markdown}"
    );
    assert!(
        markdown.contains("Reden van de rectificatie: Twee signalen bleken dubbel ingevoerd"),
        "{markdown}"
    );

    // The digest on the command line: the monthly overview, published once and audited
    // together with the published brief; the programme's list with the brief's figures.
    // September's the demo published, as it did the brief: the municipality's account on
    // the website may download it (a concept it would refuse as not yet published).
    let out = dir.path().join("digest");
    let digest = |args: &[&str]| {
        knooppunt()
            .arg("digest")
            .args(args)
            .args(["--no-pdf", "--out"])
            .arg(&out)
            .env(store.0, &store.1)
            .output()
            .unwrap()
    };
    let output = digest(&["--month", "2026-09"]);
    assert!(output.status.success());
    let september = std::fs::read_to_string(out.join("maandoverzicht-2026-09.md")).unwrap();
    assert!(september.contains(", gepubliceerd op "), "{september}");
    assert_failed_with(
        &digest(&["--month", "2026-09", "--publish"]),
        "al gepubliceerd",
    );
    let output = digest(&["--month", "2026-08", "--publish"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let overview = std::fs::read_to_string(out.join("maandoverzicht-2026-08.md")).unwrap();
    assert!(overview.contains(", gepubliceerd op "), "{overview}");
    assert!(
        overview.contains("gepubliceerde brief over het 3e kwartaal 2026"),
        "{overview}"
    );
    let again = digest(&["--month", "2026-08", "--publish"]);
    assert_failed_with(&again, "al gepubliceerd");
    // Published: it renders from its snapshot, the same every time.
    let output = digest(&["--month", "2026-08"]);
    assert!(output.status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("maandoverzicht-2026-08.md")).unwrap(),
        overview
    );
    // Its text is frozen too: other templates later change nothing in what went out.
    let templates = tempfile::tempdir().unwrap();
    for extension in ["md", "html"] {
        std::fs::write(
            templates
                .path()
                .join(format!("maandoverzicht.{extension}.hbs")),
            "EIGEN SJABLOON {{month}}",
        )
        .unwrap();
    }
    let output = knooppunt()
        .args(["digest", "--month", "2026-08", "--no-pdf", "--out"])
        .arg(&out)
        .env(store.0, &store.1)
        .env("KNOOPPUNT__BRIEF__TEMPLATES_DIR", templates.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("maandoverzicht-2026-08.md")).unwrap(),
        overview
    );
    let output = digest(&["--meeting", "2026-09-30"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list =
        std::fs::read_to_string(out.join("besluitenlijst-2026-09-30-maatwerk-regie.md")).unwrap();
    assert!(list.contains("3e kwartaal 2026"), "{list}");
    for line in list
        .lines()
        .filter(|l| l.ends_with(" signalen") || l.contains(" signalen; "))
    {
        let count = line
            .rsplit("): ")
            .next()
            .and_then(|rest| rest.split(' ').next())
            .unwrap();
        assert!(
            count == "x" || count.parse::<u64>().is_ok_and(|n| n >= 5),
            "{line}"
        );
    }
    let wrong = digest(&["--month", "2026-13"]);
    assert_failed_with(&wrong, "schrijf haar als 2026-09");
}

#[tokio::test]
async fn an_engine_only_process_serves_metrics_and_health() {
    use crate::support::{eventually, free_port, spawn_knooppunt};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = vec![
        (
            "KNOOPPUNT__TRANSPORT__SPOOL".to_string(),
            dir.path().join("spool.db").display().to_string(),
        ),
        (
            "KNOOPPUNT__STORE__URL".to_string(),
            format!("sqlite://{}", dir.path().join("k.db").display()),
        ),
        (
            "KNOOPPUNT__ENGINE__METRICS_LISTEN".to_string(),
            format!("127.0.0.1:{port}"),
        ),
    ];
    let mut engine = spawn_knooppunt(&["engine"], &env, &dir.path().join("engine.log"), "info");
    let base = format!("http://127.0.0.1:{port}");
    eventually(
        "the engine's /healthz",
        std::time::Duration::from_secs(30),
        || async {
            reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status() == 200)
        },
    )
    .await;
    // The engine evaluates promotions when it starts; the gauge is there.
    eventually(
        "the promotion gauge",
        std::time::Duration::from_secs(30),
        || async {
            match reqwest::get(format!("{base}/metrics")).await {
                Ok(r) => r
                    .text()
                    .await
                    .unwrap_or_default()
                    .contains("knooppunt_promoted_clusters"),
                Err(_) => false,
            }
        },
    )
    .await;
    let _ = engine.kill();
    let _ = engine.wait();
}
