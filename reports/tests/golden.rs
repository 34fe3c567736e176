//! Golden files for the brief's templates: a fixed brief renders to exactly the committed
//! Markdown and HTML (`reports/tests/golden/`), and its PDF has the expected pages. The
//! rectified brief is pinned by what it changes in those (`brief-rectificatie.*.diff`, unified
//! diffs). After an intended template change: `UPDATE_GOLDEN=1 cargo test -p knooppunt-reports --test golden`.

mod common;

use chrono::NaiveDate;
use common::{assert_archived, check, check_changes, poppler};
use knooppunt_domain::cluster::{BarrierStats, CoOccurrence};
use knooppunt_reports::knelpunten::{Knelpunt, TrendPoint, WaitNorm, Waits};
use knooppunt_reports::{Brief, Quarter, Section, TableRow, TableView};
use knooppunt_rules::ruleset::RuleSet;

fn knelpunt(barrier: &str, title: &str, section: &'static str, vignette: &str) -> Knelpunt {
    let trend: Vec<TrendPoint> = [
        ("2025Q3", "9"),
        ("2025Q4", "x"),
        ("2026Q1", "0"),
        ("2026Q2", "12"),
        ("2026Q3", "17"),
    ]
    .iter()
    .map(|(q, v)| TrendPoint {
        quarter: q.to_string(),
        label: knooppunt_reports::chart::quarter_label(q.parse::<Quarter>().unwrap()),
        value: v.to_string(),
        from_snapshot: *q == "2026Q2",
    })
    .collect();
    Knelpunt {
        barrier: barrier.into(),
        title: title.into(),
        kader: "Participatiewet art. 22a".into(),
        owner: "gemeente, Werk en Inkomen".into(),
        programme: Some("Armoede".into()),
        section,
        signals: "17".into(),
        sources: "6".into(),
        areas: "x".into(),
        area_names: vec!["Moerwijk".into()],
        previous: "12".into(),
        trend_svg: "<svg role=\"img\" aria-label=\"trend\"></svg>".into(),
        trend,
        waits: Some(Waits {
            with_wait: "8".into(),
            median_days: 112,
            p25_days: 84,
            p75_days: 140,
            norm: WaitNorm {
                norm_days: Some(70),
                norm_name: Some("Treeknorm".into()),
                above_norm: true,
            },
        }),
        co_occurring: vec!["Angst voor korting (6)".into()],
        vignettes: vec![vignette.into()],
        notes: vec!["Advies: maatwerk via art. 18 {{brief}}".into()],
        cluster_ids: vec!["c-1".into(), "c-2".into()],
        level: "Knelpunten per wijk",
        aanbeveling: Some(
            "Pas de kostendelersnorm niet toe op inwonende jongeren tot 27 jaar.".into(),
        ),
        corrected: None,
        raw_signals: 17,
        area_counts: Default::default(),
    }
}

fn brief() -> Brief {
    let catalog = RuleSet::default_rules().unwrap().catalog();
    let stats = |barrier: &str, signals, sources, areas| BarrierStats {
        barrier: barrier.into(),
        signals,
        sources,
        areas,
    };
    let mut brief = Brief::from_stats(
        "2026Q3".parse().unwrap(),
        &catalog,
        &[
            stats("kostendelersnorm", 17, 6, 4),
            stats("wachtlijst-ggz", 3, 2, 1),
        ],
        &[stats("kostendelersnorm", 12, 5, 3)],
        &[CoOccurrence {
            first: "angst-uitkeringskorting".into(),
            second: "kostendelersnorm".into(),
            signals: 6,
        }],
        2,
        5,
        NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
    );
    let hostile = "Moeder durft haar zoon niet in huis te nemen <script>alert(1)</script> [link](javascript:x)";
    brief.sections = vec![
        Section {
            id: "groeiend",
            label: "Groeiend",
            knelpunten: vec![knelpunt(
                "kostendelersnorm",
                "Kostendelersnorm verlaagt de uitkering bij samenwonen",
                "groeiend",
                hostile,
            )],
        },
        Section {
            id: "terug",
            label: "Terug",
            knelpunten: vec![knelpunt(
                "wachtlijst-ggz",
                "Wachtlijst GGZ boven de Treeknorm",
                "terug",
                "Intake pas na 16 weken.",
            )],
        },
    ];
    brief.knelpunten_total = 2;
    brief.coverage = Some(knooppunt_reports::coverage::Coverage {
        per_wijk: vec![
            ("Laak".into(), "1–4".into()),
            ("Moerwijk".into(), "5–9".into()),
        ],
        silent: vec!["corporatie-noord".into()],
    });
    brief.tables = vec![TableView {
        caption: "Knelpunten per wijk",
        columns: vec!["Moerwijk".into(), "Laak".into()],
        rows: vec![TableRow {
            title: "Kostendelersnorm verlaagt de uitkering bij samenwonen".into(),
            cells: vec!["14".into(), "x".into()],
            total: "17".into(),
        }],
        column_totals: vec!["14".into(), "x".into()],
        grand_total: "17".into(),
    }];
    // Recognition as the caller measured it: the overleg's labels for the one, the project's
    // notes for the other (too few labels).
    let measured = |tp, fp, fn_| knooppunt_reports::accuracy::Measured { tp, fp, fn_ };
    let mut recognition = knooppunt_reports::accuracy::Recognition {
        notes_description: "400 eigen testnotities, 5-voudig kruisgevalideerd".into(),
        ..Default::default()
    };
    recognition
        .labels
        .insert("kostendelersnorm".into(), measured(36, 4, 6));
    recognition
        .labels
        .insert("wachtlijst-ggz".into(), measured(2, 0, 1));
    recognition
        .notes
        .insert("wachtlijst-ggz".into(), measured(45, 5, 10));
    brief.apply_recognition(&recognition);
    brief
}

#[test]
fn the_brief_renders_exactly_as_the_golden_files() {
    let rendered = brief().render().unwrap();
    check("brief.md", &rendered.markdown);
    check("brief.html", &rendered.html);
    // Inert: the vignette's markup and the note's braces are text, in both formats.
    assert!(!rendered.html.contains("<script>alert"));
    assert!(rendered
        .html
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(rendered.html.contains("art. 18 {{brief}}"));
    assert!(!rendered.markdown.contains("<script>"));
    assert!(rendered.markdown.contains("\\[link\\](javascript:x)"));
}

/// The methods appendix says what this brief holds: whether its counts carry a corrected
/// range, and whether its earlier quarters come from published briefs or a recount.
#[test]
fn the_methods_appendix_promises_only_what_the_brief_gives() {
    let methods = |brief: &Brief| {
        let markdown = brief.render().unwrap().markdown;
        let start = markdown.find("## Bijlage B").unwrap();
        let end = markdown.find("### Hoe nauwkeurig").unwrap();
        markdown[start..end].to_string()
    };
    let measured = |tp, fp, fn_| knooppunt_reports::accuracy::Measured { tp, fp, fn_ };
    let set_snapshot = |brief: &mut Brief, from: &dyn Fn(&str) -> bool| {
        for k in brief
            .sections
            .iter_mut()
            .flat_map(|s| s.knelpunten.iter_mut())
        {
            for p in k.trend.iter_mut() {
                p.from_snapshot = from(&p.quarter);
            }
        }
    };

    // The golden brief: one earlier quarter published, the others recounted; its one
    // published count has a range.
    let text = methods(&brief());
    assert!(
        text.contains(
            "komen uit de gepubliceerde brief over dat kwartaal als die het knelpunt noemde \
             (K2 2026); anders zijn ze nu opnieuw geteld. Het verschil met het vorige kwartaal \
             in bijlage A is wel opnieuw geteld."
        ),
        "{text}"
    );
    assert!(text.contains("Daarom staat bij elk gepubliceerd aantal een schatting"));

    // Every earlier quarter from a published brief.
    let mut all = brief();
    set_snapshot(&mut all, &|q| q != "2026Q3");
    let text = methods(&all);
    assert!(text.contains("komen uit de gepubliceerde brieven zelf, niet uit een nieuwe telling."));
    assert!(!text.contains("opnieuw geteld, met"));

    // No brief published before: nothing may claim one.
    let mut none = brief();
    set_snapshot(&mut none, &|_| false);
    let text = methods(&none);
    assert!(text.contains("Geen eerdere brief noemde deze knelpunten"));
    assert!(!text.contains("uit de gepubliceerde brieven"), "{text}");

    // No knelpunten with earlier quarters: no sentence about them.
    let mut bare = brief();
    bare.sections.clear();
    assert!(!methods(&bare).contains("Eerdere kwartalen"));

    // Recognition not measured: no promise of an estimate.
    let mut unmeasured = brief();
    unmeasured.accuracy = None;
    let text = methods(&unmeasured);
    assert!(text
        .contains("is voor deze brief niet gemeten; de aantallen zijn daarom niet gecorrigeerd"));
    assert!(!text.contains("schatting na correctie"), "{text}");

    // Measured, but not for any barrier whose count is published.
    // Recognition measured on the project's notes for `barrier` only.
    let measured_only = |brief: &mut Brief, barrier: &str| {
        let mut recognition = knooppunt_reports::accuracy::Recognition::default();
        recognition
            .notes
            .insert(barrier.into(), measured(45, 5, 10));
        brief.apply_recognition(&recognition);
    };
    let mut elsewhere = brief();
    measured_only(&mut elsewhere, "wachtlijst-ggz");
    let text = methods(&elsewhere);
    assert!(
        text.contains("voor geen van de gepubliceerde aantallen gemeten"),
        "{text}"
    );

    // Two published counts, one measured: the estimate where it was measured.
    let mut partly = brief();
    for row in partly
        .rows
        .iter_mut()
        .filter(|r| r.barrier == "wachtlijst-ggz")
    {
        row.signals = "8".into();
    }
    measured_only(&mut partly, "kostendelersnorm");
    let text = methods(&partly);
    assert!(
        text.contains("van barrières waarvan precisie en volledigheid gemeten zijn"),
        "{text}"
    );
}

/// A knelpunt whose wijken are not named may have a large count in one wijk that disclosure
/// hid for another figure's sake: the brief does not call it spread thin.
#[test]
fn a_knelpunt_without_named_wijken_is_not_called_spread_thin() {
    let mut brief = brief();
    for k in brief
        .sections
        .iter_mut()
        .flat_map(|s| s.knelpunten.iter_mut())
    {
        k.area_names.clear();
    }
    let rendered = brief.render().unwrap();
    for text in [&rendered.markdown, &rendered.html] {
        assert!(
            text.contains("niet per wijk te noemen zonder kleine aantallen te onthullen"),
            "{text}"
        );
        assert!(!text.contains("verspreid"), "{text}");
    }
}

#[test]
fn a_rectified_brief_says_so_on_its_cover_and_lists_what_changed() {
    let mut brief = brief();
    brief.published = true;
    brief.version = Some(2);
    brief.rectification = Some(knooppunt_reports::rectification::Rectification {
        version: 2,
        replaces: 1,
        replaces_date: "05-10-2026".into(),
        reason: "Zes signalen uit Moerwijk bleken <dubbel> ingevoerd".into(),
        changes: vec![
            knooppunt_reports::rectification::Change {
                knelpunt: "Kostendelersnorm verlaagt de uitkering bij samenwonen".into(),
                area: "Moerwijk".into(),
                old: "16".into(),
                new: "10".into(),
            },
            knooppunt_reports::rectification::Change {
                knelpunt: "Kostendelersnorm verlaagt de uitkering bij samenwonen".into(),
                area: "Laak".into(),
                old: "x".into(),
                new: "x".into(),
            },
        ],
    });
    assert_eq!(brief.file_stem(), "brief-2026Q3-versie2");
    let rendered = brief.render().unwrap();
    let base = self::brief().render().unwrap();
    check_changes(
        "brief-rectificatie.md.diff",
        "brief.md",
        &base.markdown,
        &rendered.markdown,
    );
    check_changes(
        "brief-rectificatie.html.diff",
        "brief.html",
        &base.html,
        &rendered.html,
    );
    for text in [&rendered.markdown, &rendered.html] {
        assert!(text.contains("Rectificatie — versie 2, vervangt versie 1 van 05-10-2026"));
        assert!(text.contains("Wat is gewijzigd"));
    }
    assert!(
        rendered.html.contains("&lt;dubbel&gt;"),
        "the reason is text"
    );
}

#[test]
fn the_pdf_is_an_a4_pdfa_with_metadata_page_numbers_a_cover_and_its_contents() {
    let dir = tempfile::tempdir().unwrap();
    let mut brief = brief();
    brief.cover = knooppunt_reports::Cover {
        addressee: "College van B en W".into(),
        sender: "Signaleringsoverleg Den Haag".into(),
    };
    brief.write(dir.path()).unwrap();
    let pdf = brief.write_pdf(dir.path()).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    // Not only the claim: the PDF Association's validator checks the file against PDF/A-2a
    // (tagged, every colour with its profile, metadata that agrees with itself) and PDF/UA-1
    // (every mark tagged or an artifact, list items with label and body, the charts with
    // their Dutch description, the title shown).
    let info = assert_archived(
        &pdf,
        "Terug het systeem in - 3e kwartaal 2026",
        "Signaleringsoverleg Den Haag",
    );
    let pages = knooppunt_reports::pdf::count_pages(&bytes);
    // Cover; key messages, asks and figures; the knelpunten; appendices A–C.
    assert_eq!(pages, 7, "pages of the fixed brief");
    assert_eq!(knooppunt_reports::archive::page_sizes(&bytes).len(), pages);
    let path = pdf.to_str().unwrap();
    assert!(
        info.contains("Subject:         Kwartaalbrief signalering"),
        "{info}"
    );
    assert!(
        bytes
            .windows(10)
            .any(|w| w == b"/Lang(nl) " || w.starts_with(b"/Lang(nl)")),
        "language nl"
    );
    let text = poppler("pdftotext", &["-layout", path, "-"]);
    let per_page: Vec<&str> = text.split('\u{c}').collect();
    assert!(per_page[0].contains("Aan") && per_page[0].contains("College van B en W"));
    assert!(!per_page[0].contains("Pagina 1"), "no number on the cover");
    for n in 2..=pages {
        let page = per_page[n - 1];
        assert!(
            page.contains(&format!("Pagina {n} van {pages}")),
            "page {n}: {page}"
        );
        assert!(
            page.contains("Terug het systeem in — 3e kwartaal 2026"),
            "running header on {n}: {page}"
        );
    }
    assert!(per_page[1].contains("Kernboodschappen") && per_page[1].contains("Wat vragen we"));
    // The table of contents on the cover gives each part's page, and the part starts there.
    let contents = [
        ("Kernboodschappen en wat we vragen", "Kernboodschappen"),
        ("Knelpunten in cijfers", "Knelpunten in cijfers"),
        ("De knelpunten één voor één", "De knelpunten één voor één"),
        (
            "Bijlage A — Alle signalen per barrière",
            "Bijlage A — Alle signalen",
        ),
        (
            "Bijlage B — Werkwijze en betrouwbaarheid",
            "Bijlage B — Werkwijze",
        ),
        ("Bijlage C — Herkomst", "Bijlage C — Herkomst"),
    ];
    let mut previous = 1;
    for (entry, heading) in contents {
        let line = per_page[0]
            .lines()
            .find(|line| line.contains(entry))
            .unwrap_or_else(|| panic!("{entry} in the contents: {}", per_page[0]));
        let page: usize = line
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a page number after {entry}: {line}"));
        let starts = (2..=pages).find(|&n| per_page[n - 1].contains(heading));
        assert_eq!(starts, Some(page), "{entry}: the page the contents give");
        assert!(page >= previous, "{entry} comes in order");
        previous = page;
    }
    // The list that opens "De knelpunten één voor één" gives each knelpunt's page: the page
    // its link lands on.
    let landed = knooppunt_reports::archive::contents::destination_pages(&bytes).unwrap();
    let list = per_page[landed["een-voor-een"] as usize - 1];
    let knelpunten: Vec<_> = brief.sections.iter().flat_map(|s| &s.knelpunten).collect();
    assert!(!knelpunten.is_empty());
    for knelpunt in knelpunten {
        let page = landed[&format!("knelpunt-{}", knelpunt.barrier)];
        assert!(
            list.lines().any(|line| line.contains(&knelpunt.title)
                && line.trim_end().ends_with(&format!(" {page}"))),
            "{} on page {page}: {list}",
            knelpunt.title
        );
        assert!(per_page[page as usize - 1].contains(&knelpunt.title));
    }
}

#[test]
fn a_municipality_template_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let template = "Eigen brief {{quarter_label}}: {{#each sections}}{{label}} {{/each}}";
    std::fs::write(dir.path().join("brief.md.hbs"), template).unwrap();
    let mut brief = brief();
    brief.templates_dir = Some(dir.path().to_path_buf());
    let rendered = brief.render().unwrap();
    assert_eq!(
        rendered.markdown,
        "Eigen brief 3e kwartaal 2026: Groeiend Terug "
    );
    assert!(
        rendered.html.starts_with("<!DOCTYPE html>"),
        "no HTML template there: built-in"
    );

    std::fs::write(dir.path().join("brief.html.hbs"), "{{#each sections}}").unwrap();
    let error = brief.render().unwrap_err();
    assert!(format!("{error:#}").contains("brief.html.hbs"), "{error:#}");
}
