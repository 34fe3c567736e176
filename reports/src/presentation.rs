//! What the first pages of the brief say, and in which formats: the cover, three to five key
//! messages, "wat vragen we", the running header, Dutch numbers and dates.
//!
//! Everything here is built from figures that already went through the disclosure step (the
//! strings of [`crate::knelpunten::Knelpunt`]), never from raw counts.

use crate::brief::Brief;
pub use crate::brief::Cover;
use crate::knelpunten::Knelpunt;
use chrono::NaiveDate;
use serde::Serialize;

/// A request to the municipality: the overleg's recommendation for one knelpunt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Ask {
    pub title: String,
    pub owner: String,
    pub text: String,
}

/// The brief's front matter, computed at render time.
#[derive(Debug, Clone, Serialize)]
pub struct Front {
    pub addressee: String,
    pub sender: String,
    /// "30-11-2026".
    pub date: String,
    pub key_messages: Vec<String>,
    pub asks: Vec<Ask>,
    /// The running header and footer as CSS strings (escaped for a `content:` value).
    pub header_css: String,
    pub footer_css: String,
}

/// "30-11-2026".
pub fn short_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// Days as weeks, Dutch: "2 weken", "1 week", "3,5 weken" (half weeks below ten weeks).
pub fn weeks(days: i64) -> String {
    let w = days as f64 / 7.0;
    let text = if w < 10.0 {
        let halves = (w * 2.0).round() / 2.0;
        if halves.fract() == 0.0 {
            format!("{}", halves as i64)
        } else {
            format!("{},5", halves.trunc() as i64)
        }
    } else {
        format!("{}", w.round() as i64)
    };
    if text == "1" {
        "1 week".into()
    } else {
        format!("{text} weken")
    }
}

/// A text as the value of a CSS `content:` string: quotes and backslashes escaped, and `<`
/// written as an escape so the text can never close the `<style>` element.
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Front {
    pub fn of(brief: &Brief, cover: &Cover, today: NaiveDate) -> Self {
        let knelpunten: Vec<&Knelpunt> = brief
            .sections
            .iter()
            .flat_map(|s| s.knelpunten.iter())
            .collect();
        let title = match &brief.programme {
            Some(p) => format!(
                "Terug het systeem in — {} — programma {p}",
                brief.quarter_label
            ),
            None => format!("Terug het systeem in — {}", brief.quarter_label),
        };
        let title = match &brief.rectification {
            Some(r) => format!("{title} — rectificatie, versie {}", r.version),
            None => title,
        };
        let footer = format!(
            "{} · {} · {}",
            if cover.sender.is_empty() {
                "Signaleringsoverleg"
            } else {
                cover.sender.as_str()
            },
            if brief.published {
                "vastgesteld door het signaleringsoverleg"
            } else {
                "concept, nog niet vastgesteld"
            },
            short_date(today)
        );
        Front {
            addressee: cover.addressee.clone(),
            sender: cover.sender.clone(),
            date: short_date(today),
            key_messages: key_messages(brief, &knelpunten),
            asks: knelpunten
                .iter()
                .filter_map(|k| {
                    Some(Ask {
                        title: k.title.clone(),
                        owner: k.owner.clone(),
                        text: k.aanbeveling.clone()?,
                    })
                })
                .collect(),
            header_css: css_string(&title),
            footer_css: css_string(&footer),
        }
    }
}

/// Three to five sentences a reader takes away, from the published figures.
fn key_messages(brief: &Brief, knelpunten: &[&Knelpunt]) -> Vec<String> {
    let mut messages: Vec<String> = [
        empty_quarter_message(brief),
        summary_message(brief, knelpunten.len()),
        top_message(knelpunten),
        growing_message(knelpunten),
        wait_message(knelpunten),
    ]
    .into_iter()
    .flatten()
    .collect();
    if messages.len() < 5 {
        messages.push(
            "De aantallen zijn signalen van professionals, geen tellingen van mensen: ze laten \
             zien waar hulp vastloopt, niet hoe vaak dat in de hele stad gebeurt."
                .into(),
        );
    }
    messages.truncate(5);
    messages
}

/// A quarter without a single signal says so first: its zeros are no all-clear.
fn empty_quarter_message(brief: &Brief) -> Option<String> {
    let none = |count: &str| count == "0";
    (brief.rows.iter().all(|row| none(&row.signals)) && none(&brief.unclassified)).then(|| {
        format!(
            "Over het {} zijn geen signalen vastgelegd. De nullen in deze brief betekenen niet \
             dat er geen knelpunten waren.",
            brief.quarter_label
        )
    })
}

/// How many knelpunten the overleg confirmed, and how many of them are new or growing.
fn summary_message(brief: &Brief, total: usize) -> Option<String> {
    let count = |section: &str| {
        brief
            .sections
            .iter()
            .find(|s| s.id == section)
            .map_or(0, |s| s.knelpunten.len())
    };
    summary_text(total, count("nieuw"), count("groeiend"))
}

/// [`summary_message`] from the counts: all knelpunten, the new and the growing ones.
fn summary_text(total: usize, new: usize, growing: usize) -> Option<String> {
    if total == 0 {
        return None;
    }
    let mut text = format!(
        "Het signaleringsoverleg bevestigde {total} {} waarin mensen vastlopen op regels of \
         organisaties",
        if total == 1 { "knelpunt" } else { "knelpunten" }
    );
    match (new, growing) {
        (0, 0) => text.push('.'),
        (1, 0) if total == 1 => text.push_str("; het is nieuw."),
        (2, 0) if total == 2 => text.push_str("; beide zijn nieuw."),
        (n, 0) if n == total => text.push_str(&format!("; alle {n} zijn nieuw.")),
        (n, 0) => text.push_str(&format!(
            "; {n} daarvan {} nieuw.",
            if n == 1 { "is" } else { "zijn" }
        )),
        (0, g) => text.push_str(&format!(
            "; {g} daarvan {} groeiend.",
            if g == 1 { "is" } else { "zijn" }
        )),
        (n, g) => text.push_str(&format!("; {n} nieuw en {g} groeiend.")),
    }
    Some(text)
}

/// The largest published knelpunt.
fn top_message(knelpunten: &[&Knelpunt]) -> Option<String> {
    let top = knelpunten
        .iter()
        .filter_map(|k| k.signals.parse::<u64>().ok().map(|n| (n, k)))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, k)| k)?;
    let mut text = format!(
        "Het meest gemeld: {} — {} signalen dit kwartaal",
        top.title, top.signals
    );
    if top.previous.parse::<u64>().is_ok() {
        text.push_str(&format!(" (vorig kwartaal {})", top.previous));
    }
    if !top.area_names.is_empty() {
        text.push_str(&format!(", vooral in {}", join_dutch(&top.area_names)));
    }
    text.push('.');
    Some(text)
}

/// The first growing knelpunt against the quarter before.
fn growing_message(knelpunten: &[&Knelpunt]) -> Option<String> {
    let k = knelpunten.iter().find(|k| k.section == "groeiend")?;
    let previous = match k.previous.strip_prefix('<') {
        Some(n) => format!("minder dan {n}"),
        None => k.previous.clone(),
    };
    Some(format!(
        "{} groeit: {} signalen tegen {previous} het kwartaal ervoor.",
        k.title, k.signals
    ))
}

/// The first of the five largest knelpunten whose median wait is above its named norm. A
/// median is what half wait *or longer* ("langer dan" the median would not hold where several
/// waits equal it).
fn wait_message(knelpunten: &[&Knelpunt]) -> Option<String> {
    knelpunten.iter().take(5).find_map(|k| {
        let w = k.waits.as_ref().filter(|w| w.norm.above_norm)?;
        let (norm, name) = (w.norm.norm_days?, w.norm.norm_name.as_ref()?);
        Some(format!(
            "{}: de helft wacht {} of langer, de {name} is {}.",
            k.title,
            weeks(w.median_days),
            weeks(norm)
        ))
    })
}

/// "A, B en C".
pub fn join_dutch(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_formats() {
        assert_eq!(
            short_date(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
            "30-11-2026"
        );
        assert_eq!(
            short_date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05-01-2026"
        );
        assert_eq!(weeks(7), "1 week");
        assert_eq!(weeks(70), "10 weken");
        assert_eq!(weeks(24), "3,5 weken");
        assert_eq!(weeks(126), "18 weken");
        assert_eq!(
            join_dutch(&["Laak".into(), "Moerwijk".into(), "Transvaal".into()]),
            "Laak, Moerwijk en Transvaal"
        );
    }

    #[test]
    fn a_summary_says_all_new_when_all_are() {
        let summary = |total, new, growing| summary_text(total, new, growing).unwrap();
        assert!(summary(5, 5, 0).ends_with("; alle 5 zijn nieuw."));
        assert!(summary(1, 1, 0).ends_with(
            "bevestigde 1 knelpunt waarin mensen vastlopen op regels of organisaties; het is nieuw."
        ));
        assert!(summary(5, 2, 0).ends_with("; 2 daarvan zijn nieuw."));
        assert!(summary(2, 2, 0).ends_with("; beide zijn nieuw."));
        assert!(summary(5, 0, 1).ends_with("; 1 daarvan is groeiend."));
        assert_eq!(summary_text(0, 0, 0), None);
    }

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        let nasty = css_string("</style><script>x</script>");
        assert!(!nasty.contains('<') && !nasty.contains('>'), "{nasty}");
    }
}
