//! Gathering a quarterly brief from the store and rendering it: the overview of all signals
//! ([`overview`]), the knelpunten through the disclosure step ([`full`]), and the Markdown,
//! HTML, PDF and figures written out ([`output`]); here the Dutch text helpers they share.

mod full;
pub use full::Edition;
mod output;
mod overview;
#[cfg(test)]
mod tests;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use handlebars::Handlebars;
use std::path::Path;

/// The change between two quarters, shown only when neither count is suppressed: otherwise a
/// hidden count could be worked out from the published one and the difference.
pub fn change(current: i64, previous: i64, min_group_size: i64) -> String {
    if current < min_group_size || previous < min_group_size {
        return "n.v.t.".into();
    }
    let diff = current - previous;
    let percent = (diff as f64 / previous as f64 * 100.0).round() as i64;
    match diff {
        0 => "gelijk".into(),
        d if d > 0 => format!("+{d} (+{percent}%)"),
        d => format!("−{} (−{}%)", -d, -percent),
    }
}

/// A template: `dir/name` when a directory is configured and the file exists, else the
/// built-in one.
pub fn template_source(
    dir: Option<&Path>,
    name: &str,
    builtin: &'static str,
) -> anyhow::Result<std::borrow::Cow<'static, str>> {
    match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
        Some(path) => std::fs::read_to_string(&path)
            .map(std::borrow::Cow::Owned)
            .with_context(|| format!("sjabloon {} lezen", path.display())),
        None => Ok(std::borrow::Cow::Borrowed(builtin)),
    }
}

/// A built-in template pair: its name, the files `<name>.html.hbs` and `<name>.md.hbs`
/// stand for, and the text of each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Builtin {
    pub(crate) name: &'static str,
    pub(crate) html: &'static str,
    pub(crate) markdown: &'static str,
}

/// The template pair `<name>.html.hbs` and `<name>.md.hbs` (the municipality's own from
/// `dir` when it has them, else `builtin`'s), each registered as `name` in a strict registry
/// of its own: (HTML, escaped as HTML; Markdown, escaped as Markdown).
pub(crate) fn template_pair(
    dir: Option<&Path>,
    builtin: &Builtin,
) -> anyhow::Result<(Handlebars<'static>, Handlebars<'static>)> {
    let Builtin {
        name,
        html: builtin_html,
        markdown: builtin_markdown,
    } = *builtin;
    let mut html = Handlebars::new();
    html.set_strict_mode(true);
    html.register_helper("dag", Box::new(day_helper));
    let file = format!("{name}.html.hbs");
    html.register_template_string(name, template_source(dir, &file, builtin_html)?)
        .with_context(|| format!("HTML-sjabloon {file} laden"))?;
    let mut markdown = Handlebars::new();
    markdown.set_strict_mode(true);
    markdown.register_escape_fn(markdown_escape);
    markdown.register_helper("dag", Box::new(day_helper));
    let file = format!("{name}.md.hbs");
    markdown
        .register_template_string(name, template_source(dir, &file, builtin_markdown)?)
        .with_context(|| format!("Markdown-sjabloon {file} laden"))?;
    Ok((html, markdown))
}

/// `{{dag d}}`: a day `jjjj-mm-dd` as Dutch readers write it, `dd-mm-jjjj` (anything else as
/// it is).
pub(crate) fn dutch_day(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|day| day.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

handlebars::handlebars_helper!(day_helper: |iso: str| dutch_day(iso));

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "30 september 2026".
pub fn dutch_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// Escapes text for Markdown: HTML-significant characters become entities (a Markdown viewer
/// renders inline HTML) and Markdown syntax characters are backslash-escaped, so a signal's
/// text can neither inject markup nor change the document's structure.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            // Only what could start a tag or an entity: "<5" stays readable.
            '<' if next
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                out.push_str("&amp;")
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
