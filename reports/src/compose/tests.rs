use super::*;
use crate::brief::Brief;
use chrono::NaiveDate;
use knooppunt_domain::cluster::{BarrierStats, CoOccurrence};
use knooppunt_domain::published::suppress;
use knooppunt_domain::quarter::Quarter;
use knooppunt_rules::ruleset::RuleSet;

fn stats(barrier: &str, signals: i64, sources: i64, areas: i64) -> BarrierStats {
    BarrierStats {
        barrier: barrier.into(),
        signals,
        sources,
        areas,
    }
}

#[test]
fn quarters_parse_and_step() {
    let q: Quarter = "2026Q3".parse().unwrap();
    assert_eq!(q.start(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
    assert_eq!(q.end(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
    assert_eq!(q.previous().to_string(), "2026Q2");
    assert_eq!(
        "2026q1".parse::<Quarter>().unwrap().previous().to_string(),
        "2025Q4"
    );
    assert_eq!(
        "2026-Q4".parse::<Quarter>().unwrap().next().to_string(),
        "2027Q1"
    );
    assert!("2026Q5".parse::<Quarter>().unwrap_err().contains("2026Q3"));
    assert!("Q3".parse::<Quarter>().is_err());
}

#[test]
fn small_counts_are_suppressed_and_so_are_changes_that_would_reveal_them() {
    assert_eq!(suppress(4, 5), "x");
    assert_eq!(suppress(0, 5), "0");
    assert_eq!(suppress(5, 5), "5");
    assert_eq!(change(12, 10, 5), "+2 (+20%)");
    assert_eq!(change(8, 10, 5), "−2 (−20%)");
    assert_eq!(change(10, 10, 5), "gelijk");
    assert_eq!(change(12, 3, 5), "n.v.t.");
    assert_eq!(change(3, 12, 5), "n.v.t.");
}

#[test]
fn renders_every_barrier_in_dutch_with_suppression() {
    let catalog = RuleSet::default_rules().unwrap().catalog();
    let brief = Brief::from_stats(
        "2026Q3".parse().unwrap(),
        &catalog,
        &[
            stats("kostendelersnorm", 12, 6, 3),
            stats("wachtlijst-ggz", 3, 2, 1),
        ],
        &[stats("kostendelersnorm", 10, 5, 3)],
        &[
            CoOccurrence {
                first: "huisuitzetting".into(),
                second: "schuldhulp-toegang".into(),
                signals: 6,
            },
            CoOccurrence {
                first: "kostendelersnorm".into(),
                second: "wachtlijst-ggz".into(),
                signals: 2,
            },
        ],
        2,
        5,
        NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
    );
    let rendered = brief.render().unwrap();
    for output in [&rendered.markdown, &rendered.html] {
        assert!(output.contains("3e kwartaal 2026"));
        assert!(output.contains("1 juli 2026 t/m 30 september 2026"));
        assert!(output.contains("Kostendelersnorm verlaagt de uitkering"));
        assert!(output.contains("+2 (+20%)"));
        assert!(!output.contains("| 3 |"), "a count of 3 is never shown");
    }
    assert!(rendered.html.contains("Participatiewet art. 22a"));
    // Sources and wijken as ranges that identify nobody.
    assert!(rendered.markdown.contains(
        "| Kostendelersnorm verlaagt de uitkering bij samenwonen | 12 | 5–9 | 1–4 | +2 (+20%) |"
    ));
    assert!(rendered
        .markdown
        .contains("| Wachtlijst GGZ boven de Treeknorm | x | 1–4 | 1–4 | n.v.t. |"));
    assert!(
        rendered.html.contains("<td class=\"n\">x</td>"),
        "a suppressed figure reads x"
    );
    assert!(!rendered.html.contains("&lt;5") && !rendered.markdown.contains("<5"));
    assert!(rendered.markdown.contains("- (Dreigende) huisuitzetting door huurachterstand + Schuldhulp moeilijk bereikbaar of traag; schuldeisers innen door: 6 signalen"));
    assert_eq!(
        brief.co_occurrence.len(),
        1,
        "a pair below the minimum is not listed"
    );
    assert_eq!(brief.rows.len(), 9);
    assert_eq!(
        brief.barriers_with_signals, 1,
        "only published counts are counted"
    );
    assert_eq!(
        brief.rows[1].barrier, "angst-uitkeringskorting",
        "suppressed rows keep rule order"
    );
    assert_eq!(
        brief.top.as_ref().map(|t| t.barrier.as_str()),
        Some("kostendelersnorm")
    );
}

#[test]
fn days_in_templates_read_as_dutch_readers_write_them() {
    assert_eq!(super::dutch_day("2026-09-20"), "20-09-2026");
    assert_eq!(super::dutch_day("morgen"), "morgen");
}
