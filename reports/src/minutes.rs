//! The decisions list (besluitenlijst) of one meeting of the signaleringsoverleg: who
//! attended, each decision of the meeting's Dutch day with its details (park-until date,
//! owner and programme, merge target, split result, reason; those taken back marked), and the
//! action points with owner and due date — as HTML, Markdown and PDF (headless Chromium).

use crate::agenda::{meeting_decisions, MinutesDecision};
use crate::review_store::reviewed_clusters;
use anyhow::Context;
use chrono::NaiveDate;
use handlebars::Handlebars;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

const HTML_TEMPLATE: &str = include_str!("../templates/besluitenlijst.html.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../templates/besluitenlijst.md.hbs");

/// One person at the table.
#[derive(Debug, Clone, Serialize)]
pub struct AttendeeView {
    pub name: String,
    pub role: String,
}

/// An action point as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionPointView {
    pub what: String,
    pub owner: String,
    /// `jjjj-mm-dd`, for forms.
    pub due_on: String,
    /// `dd-mm-jjjj`.
    pub due_label: String,
}

/// The decisions list of the meeting on one day.
#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    pub meeting_on: String,
    /// `dd-mm-jjjj`.
    pub meeting_label: String,
    /// Whether the meeting was recorded ("Vergadering vastleggen").
    pub recorded: bool,
    pub attendees: Vec<AttendeeView>,
    pub decisions: Vec<MinutesDecision>,
    pub action_points: Vec<ActionPointView>,
    /// Decisions in force (not taken back).
    pub in_force: usize,
    pub rules_version: String,
    /// A directory with the municipality's own `besluitenlijst.html.hbs` / `.md.hbs`.
    #[serde(skip)]
    pub templates_dir: Option<PathBuf>,
}

impl Minutes {
    /// The decisions list of the meeting on `on`, as recorded so far.
    pub async fn gather(store: &Store, rules: &RuleSet, on: NaiveDate) -> anyhow::Result<Self> {
        let reviewed = reviewed_clusters(store, on).await?;
        let decisions = meeting_decisions(store, rules, on, &reviewed).await?;
        let record = store.meeting_record(on).await?;
        Ok(Self {
            meeting_on: on.to_string(),
            meeting_label: crate::dutch::date(on),
            recorded: store.meeting_recorded(on).await?,
            attendees: record
                .attendees
                .into_iter()
                .map(|a| AttendeeView {
                    name: a.name,
                    role: a.role,
                })
                .collect(),
            in_force: decisions.iter().filter(|d| !d.reversed).count(),
            decisions,
            action_points: record
                .action_points
                .into_iter()
                .map(|p| ActionPointView {
                    due_on: p.due_on.to_string(),
                    due_label: crate::dutch::date(p.due_on),
                    what: p.what,
                    owner: p.owner,
                })
                .collect(),
            rules_version: rules.version().to_string(),
            templates_dir: None,
        })
    }

    /// Keeps the decisions on clusters `keep` accepts (a member restricted to some wijken).
    pub fn retain_decisions(&mut self, keep: impl Fn(&MinutesDecision) -> bool) {
        self.decisions.retain(keep);
        self.in_force = self.decisions.iter().filter(|d| !d.reversed).count();
    }

    /// The file name without extension: `besluitenlijst-2026-11-30`.
    pub fn file_stem(&self) -> String {
        format!("besluitenlijst-{}", self.meeting_on)
    }

    /// Markdown and HTML (a page of its own, print-ready). Both escape every value.
    pub fn render(&self) -> anyhow::Result<(String, String)> {
        render_both(
            self.templates_dir.as_deref(),
            "besluitenlijst",
            (HTML_TEMPLATE, MARKDOWN_TEMPLATE),
            self,
        )
    }

    /// Writes the HTML to `dir` and prints it to a PDF there with headless Chromium; returns
    /// the PDF's path. Blocking: run it off the async threads.
    pub fn write_pdf(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        let (_, html) = self.render()?;
        let input = dir.join(format!("{}.html", self.file_stem()));
        std::fs::write(&input, html).context("besluitenlijst schrijven")?;
        let output = dir.join(format!("{}.pdf", self.file_stem()));
        crate::pdf::html_to_pdf(&input, &output, crate::pdf::DEFAULT_TIMEOUT)?;
        Ok(output)
    }
}

/// `data` through the template pair `<name>.html.hbs` and `<name>.md.hbs` (the municipality's
/// own from `dir` when it has them, else `builtin`'s), as (Markdown, HTML); strict, and the
/// Markdown escaped as Markdown.
pub(crate) fn render_both<T: Serialize>(
    dir: Option<&Path>,
    name: &str,
    (builtin_html, builtin_markdown): (&'static str, &'static str),
    data: &T,
) -> anyhow::Result<(String, String)> {
    let mut html = Handlebars::new();
    html.set_strict_mode(true);
    let file = format!("{name}.html.hbs");
    html.register_template_string(
        name,
        crate::compose::template_source(dir, &file, builtin_html)?,
    )
    .with_context(|| format!("HTML-sjabloon {file} laden"))?;
    let mut markdown = Handlebars::new();
    markdown.set_strict_mode(true);
    markdown.register_escape_fn(crate::compose::markdown_escape);
    let file = format!("{name}.md.hbs");
    markdown
        .register_template_string(
            name,
            crate::compose::template_source(dir, &file, builtin_markdown)?,
        )
        .with_context(|| format!("Markdown-sjabloon {file} laden"))?;
    Ok((
        markdown
            .render(name, data)
            .with_context(|| format!("{name} maken"))?,
        html.render(name, data)
            .with_context(|| format!("{name} maken"))?,
    ))
}
