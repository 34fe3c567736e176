//! Gathering a quarterly brief from the store and rendering it: the disclosure step, the
//! sections, the tables and the templates.

use crate::brief::{Brief, BriefRow, Cover, PairRow, Rendered, Section, TableRow, TableView};
use crate::{
    archive, coverage, disclosure, export, knelpunten, pdf, presentation, release, snapshot,
};
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use handlebars::Handlebars;
use knooppunt_domain::cluster::{BarrierStats, CoOccurrence};
use knooppunt_domain::published::suppress;
use knooppunt_domain::quarter::Quarter;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

const MARKDOWN_TEMPLATE: &str = include_str!("../templates/brief.md.hbs");
const HTML_TEMPLATE: &str = include_str!("../templates/brief.html.hbs");

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

/// What the templates see: the brief and its front matter.
#[derive(Serialize)]
struct View<'a> {
    #[serde(flatten)]
    brief: &'a Brief,
    front: presentation::Front,
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

const SECTIONS: [(&str, &str); 5] = [
    ("nieuw", "Nieuw"),
    ("groeiend", "Groeiend"),
    ("aanhoudend", "Aanhoudend"),
    ("terug", "Terug"),
    ("opgelost", "Opgelost"),
];

impl Brief {
    /// Builds the brief from per-barrier figures of this and the previous quarter.
    #[allow(clippy::too_many_arguments)]
    pub fn from_stats(
        quarter: Quarter,
        catalog: &Catalog,
        current: &[BarrierStats],
        previous: &[BarrierStats],
        pairs: &[CoOccurrence],
        unclassified: i64,
        min_group_size: i64,
        generated_on: NaiveDate,
    ) -> Self {
        let find = |stats: &[BarrierStats], id: &str| {
            stats
                .iter()
                .find(|s| s.barrier == id)
                .cloned()
                .unwrap_or(BarrierStats {
                    barrier: id.to_string(),
                    signals: 0,
                    sources: 0,
                    areas: 0,
                })
        };
        let mut rows: Vec<BriefRow> = catalog
            .barriers()
            .iter()
            .map(|barrier| {
                let now = find(current, &barrier.id);
                let before = find(previous, &barrier.id);
                BriefRow {
                    barrier: barrier.id.clone(),
                    title: barrier.title.clone(),
                    kader: barrier.kader.clone(),
                    owner: barrier.owner.clone(),
                    signals: suppress(now.signals, min_group_size),
                    sources: release::breadth(now.sources, min_group_size),
                    areas: release::breadth(now.areas, min_group_size),
                    previous_signals: suppress(before.signals, min_group_size),
                    change: change(now.signals, before.signals, min_group_size),
                    raw_signals: now.signals,
                }
            })
            .collect();
        // Published counts first, largest first; suppressed rows after them in the rule set's
        // order, so their position says nothing about their size either.
        let shown = |r: &BriefRow| r.raw_signals >= min_group_size;
        rows.sort_by(|a, b| match (shown(a), shown(b)) {
            (true, true) => b
                .raw_signals
                .cmp(&a.raw_signals)
                .then(a.title.cmp(&b.title)),
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            (false, false) => std::cmp::Ordering::Equal,
        });
        let top = rows
            .first()
            .filter(|r| r.raw_signals >= min_group_size)
            .cloned();
        let end = quarter.end().pred_opt().unwrap_or_default();
        Brief {
            quarter: quarter.to_string(),
            quarter_label: quarter.dutch_label(),
            previous_label: quarter.previous().dutch_label(),
            period_from: dutch_date(quarter.start()),
            period_to: dutch_date(end),
            barriers_with_signals: rows.iter().filter(|r| shown(r)).count(),
            barrier_total: rows.len(),
            rows,
            top,
            unclassified: suppress(unclassified, min_group_size),
            co_occurrence: pairs
                .iter()
                .filter(|p| p.signals >= min_group_size)
                .map(|p| PairRow {
                    first: catalog.title(&p.first),
                    second: catalog.title(&p.second),
                    signals: p.signals,
                })
                .collect(),
            rules_version: catalog.version().to_string(),
            min_group_size,
            generated_on: dutch_date(generated_on),
            product_version: env!("CARGO_PKG_VERSION"),
            programme: None,
            sections: Vec::new(),
            knelpunten_total: 0,
            tables: Vec::new(),
            suppressed_symbol: disclosure::SUPPRESSED,
            cluster_key: catalog.cluster_key().describe(),
            release: None,
            context_leaks: 0,
            knelpunten: Vec::new(),
            templates_dir: None,
            cover: Cover::default(),
            generated: generated_on,
            published: false,
            coverage: None,
        }
    }

    /// The whole brief: the overview of all signals plus the knelpunten the overleg confirmed,
    /// their table through the disclosure step (checked against last quarter's published
    /// brief), trends against the four quarters before (as published where they were).
    pub async fn gather_full(
        store: &Store,
        catalog: &Catalog,
        quarter: Quarter,
        programme: Option<&str>,
        min_group_size: i64,
        wider_areas: &std::collections::BTreeMap<String, String>,
        generated_on: NaiveDate,
    ) -> anyhow::Result<Self> {
        let mut brief = Self::gather(store, catalog, quarter, min_group_size, generated_on).await?;
        let programme_key = programme.unwrap_or_default();
        let mut published = std::collections::BTreeMap::new();
        let mut previous_table = None;
        let mut q = quarter;
        for _ in 0..4 {
            q = q.previous();
            if let Some(figures) = snapshot::load(store, &q.to_string(), programme_key).await? {
                if q == quarter.previous() {
                    previous_table = Some(figures.table.clone());
                }
                published.insert(q.to_string(), figures.totals);
            }
        }
        let mut knelpunten = knelpunten::gather(
            store,
            catalog,
            quarter,
            programme,
            min_group_size,
            &published,
            generated_on,
        )
        .await?;
        // A published quarter shows the vignettes it published, also after retention
        // removed them from the live store.
        if let Some(own) = snapshot::load(store, &quarter.to_string(), programme_key).await? {
            for knelpunt in knelpunten.iter_mut().filter(|k| k.vignettes.is_empty()) {
                if let Some(published) = own.vignettes.get(&knelpunt.barrier) {
                    knelpunt.vignettes = published.clone();
                }
            }
        }
        // Everything already published (earlier quarters, other programmes) is audited
        // together with this brief; a brief that was published keeps its published figures.
        let snapshots = snapshot::all(store).await?;
        let quarter_key = quarter.to_string();
        let frozen = snapshots
            .iter()
            .find(|(q, p, _)| *q == quarter_key && p == programme_key)
            .filter(|(_, _, figures)| !figures.levels.is_empty())
            .map(|(_, _, figures)| release::Release {
                levels: figures.levels.clone(),
                context_leaks: Vec::new(),
            });
        brief.published = frozen.is_some();
        let release = match frozen {
            Some(release) => {
                knelpunten::apply(&mut knelpunten, &release, min_group_size);
                release
            }
            None => {
                let mut context =
                    snapshot::context(&snapshots, &quarter_key, programme_key, wider_areas);
                if programme.is_none() {
                    // The programmes' briefs of this quarter will publish their own sums.
                    let mut groups: std::collections::BTreeMap<String, Vec<String>> =
                        Default::default();
                    for k in &knelpunten {
                        if let Some(p) = &k.programme {
                            groups.entry(p.clone()).or_default().push(k.barrier.clone());
                        }
                    }
                    let areas: Vec<String> = knelpunten
                        .iter()
                        .flat_map(|k| k.area_counts.keys().cloned())
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    context.watch_groups(&quarter_key, &groups, &areas);
                }
                knelpunten::publish(
                    &mut knelpunten,
                    min_group_size,
                    previous_table.as_ref(),
                    wider_areas,
                    &quarter_key,
                    &snapshot::output_name(&quarter_key, programme_key),
                    &mut context,
                )?
            }
        };
        let title = |id: &str| {
            knelpunten
                .iter()
                .find(|k| k.barrier == id)
                .map_or(id.to_string(), |k| k.title.clone())
        };
        brief.tables = release
            .levels
            .iter()
            .map(|level| {
                let table = &level.table;
                let render = |p: disclosure::Position| table.render(p).unwrap_or_default();
                TableView {
                    caption: level.level.caption(),
                    columns: table.columns.clone(),
                    rows: table
                        .rows
                        .iter()
                        .enumerate()
                        .map(|(row, id)| TableRow {
                            title: title(id),
                            cells: (0..table.columns.len())
                                .map(|column| render(disclosure::Position::Cell { row, column }))
                                .collect(),
                            total: render(disclosure::Position::RowTotal { row }),
                        })
                        .collect(),
                    column_totals: (0..table.columns.len())
                        .map(|column| render(disclosure::Position::ColumnTotal { column }))
                        .collect(),
                    grand_total: render(disclosure::Position::GrandTotal),
                }
            })
            .collect();
        brief.sections = SECTIONS
            .iter()
            .map(|(id, label)| Section {
                id,
                label,
                knelpunten: knelpunten
                    .iter()
                    .filter(|k| k.section == *id)
                    .cloned()
                    .collect(),
            })
            .filter(|s| !s.knelpunten.is_empty())
            .collect();
        brief.knelpunten_total = knelpunten.len();
        brief.programme = programme.map(str::to_string);
        brief.context_leaks = release.context_leaks.len();
        brief.coverage = Some(coverage::gather(store, quarter, min_group_size).await?);
        brief.release = Some(release);
        brief.knelpunten = knelpunten;
        Ok(brief)
    }

    /// The figures as CSV (Dutch Excel) and JSON, from the published table only.
    pub fn figures(&self) -> anyhow::Result<Option<(Vec<u8>, String)>> {
        let Some(release) = &self.release else {
            return Ok(None);
        };
        let quarter: Quarter = self
            .quarter
            .parse()
            .map_err(|_| anyhow::anyhow!("kwartaal {} onleesbaar", self.quarter))?;
        let titles = self
            .knelpunten
            .iter()
            .map(|k| (k.barrier.clone(), k.title.clone()))
            .collect();
        let provenance = export::Provenance {
            rules_version: self.rules_version.clone(),
            clusters: self
                .knelpunten
                .iter()
                .map(|k| (k.barrier.clone(), k.cluster_ids.clone()))
                .collect(),
        };
        let mut rows = Vec::new();
        for level in &release.levels {
            rows.extend(export::rows(quarter, &level.table, &titles, &provenance)?);
        }
        Ok(Some((
            export::to_csv(&rows)?,
            export::to_json(&rows, self.min_group_size.max(1) as u64)?,
        )))
    }

    /// Freezes this brief's figures as the quarter's published snapshot.
    pub async fn publish(&self, store: &Store, by: &str) -> anyhow::Result<()> {
        let Some(release) = &self.release else {
            anyhow::bail!("alleen een volledige brief (met knelpunten) kan worden gepubliceerd");
        };
        let wijk_table = release
            .levels
            .iter()
            .find(|l| l.level == release::Level::Wijk)
            .or(release.levels.first())
            .map(|l| l.table.clone())
            .unwrap_or_else(|| disclosure::PublishedTable {
                rows: Vec::new(),
                columns: Vec::new(),
                cells: Vec::new(),
                row_totals: Vec::new(),
                column_totals: Vec::new(),
                grand_total: disclosure::Cell::Shown(0),
                min_group_size: self.min_group_size.max(1) as u64,
                zeros_shown: true,
            });
        let figures = snapshot::Figures {
            table: wijk_table,
            totals: self
                .knelpunten
                .iter()
                .map(|k| (k.barrier.clone(), k.signals.clone()))
                .collect(),
            clusters: self
                .knelpunten
                .iter()
                .map(|k| (k.barrier.clone(), k.cluster_ids.clone()))
                .collect(),
            vignettes: self
                .knelpunten
                .iter()
                .filter(|k| !k.vignettes.is_empty())
                .map(|k| (k.barrier.clone(), k.vignettes.clone()))
                .collect(),
            levels: release.levels.clone(),
        };
        snapshot::publish(
            store,
            &self.quarter,
            self.programme.as_deref().unwrap_or_default(),
            by,
            &self.rules_version,
            &figures,
        )
        .await
    }

    /// Reads this quarter's and the previous quarter's figures from the store.
    pub async fn gather(
        store: &Store,
        catalog: &Catalog,
        quarter: Quarter,
        min_group_size: i64,
        generated_on: NaiveDate,
    ) -> anyhow::Result<Self> {
        let current = store.barrier_stats(quarter.start(), quarter.end()).await?;
        let previous_quarter = quarter.previous();
        let previous = store
            .barrier_stats(previous_quarter.start(), previous_quarter.end())
            .await?;
        let unclassified = store
            .unclassified_between(quarter.start(), quarter.end())
            .await?;
        let pairs = store.co_occurrence(quarter.start(), quarter.end()).await?;
        Ok(Self::from_stats(
            quarter,
            catalog,
            &current,
            &previous,
            &pairs,
            unclassified,
            min_group_size,
            generated_on,
        ))
    }

    /// Renders Markdown and HTML. HTML escapes every value; Markdown is plain text.
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let dir = self.templates_dir.as_deref();
        let mut html = Handlebars::new();
        html.set_strict_mode(true);
        html.register_template_string(
            "brief",
            template_source(dir, "brief.html.hbs", HTML_TEMPLATE)?,
        )
        .context("HTML-sjabloon brief.html.hbs laden")?;
        let mut markdown = Handlebars::new();
        markdown.set_strict_mode(true);
        markdown.register_escape_fn(markdown_escape);
        markdown
            .register_template_string(
                "brief",
                template_source(dir, "brief.md.hbs", MARKDOWN_TEMPLATE)?,
            )
            .context("Markdown-sjabloon brief.md.hbs laden")?;
        for registry in [&mut html, &mut markdown] {
            registry.register_helper("weken", Box::new(weeks_helper));
        }
        let view = View {
            brief: self,
            front: presentation::Front::of(self, &self.cover, self.generated),
        };
        Ok(Rendered {
            markdown: markdown
                .render("brief", &view)
                .context("Markdown-brief maken")?,
            html: html.render("brief", &view).context("HTML-brief maken")?,
        })
    }

    /// Writes `brief-<quarter>.md`, `.html` and, for a full brief, the figures as `.csv` and
    /// `.json` into `dir`, returning the paths.
    pub fn write(&self, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
        let rendered = self.render()?;
        std::fs::create_dir_all(dir).with_context(|| format!("map {} aanmaken", dir.display()))?;
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("md", rendered.markdown.into_bytes()),
            ("html", rendered.html.into_bytes()),
        ];
        if let Some((csv, json)) = self.figures()? {
            files.push(("csv", csv));
            files.push(("json", json.into_bytes()));
        }
        let mut written = Vec::new();
        for (extension, content) in files {
            let path = dir.join(format!("{}.{extension}", self.file_stem()));
            std::fs::write(&path, content)
                .with_context(|| format!("{} schrijven", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }

    /// "brief-2026Q3" or "brief-2026Q3-armoede".
    pub fn file_stem(&self) -> String {
        match &self.programme {
            Some(programme) => format!(
                "brief-{}-{}",
                self.quarter,
                knooppunt_domain::cluster::slug(programme)
            ),
            None => format!("brief-{}", self.quarter),
        }
    }

    /// Prints the written HTML with headless Chromium and stores it as PDF/A-2b with its
    /// metadata (title, author, subject, language nl) in `brief-<quarter>.pdf`.
    pub fn write_pdf(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        let html = dir.join(format!("{}.html", self.file_stem()));
        let printed = dir.join(format!("{}.afdruk.pdf", self.file_stem()));
        let pdf = dir.join(format!("{}.pdf", self.file_stem()));
        pdf::html_to_pdf(&html, &printed, pdf::DEFAULT_TIMEOUT)?;
        let metadata = archive::Metadata {
            title: match &self.programme {
                Some(p) => format!(
                    "Terug het systeem in - {} - programma {p}",
                    self.quarter_label
                ),
                None => format!("Terug het systeem in - {}", self.quarter_label),
            },
            author: if self.cover.sender.is_empty() {
                "Signaleringsoverleg".into()
            } else {
                self.cover.sender.clone()
            },
            subject: format!(
                "Kwartaalbrief signalering {}: systeembarrieres die wijkteams en partners tegenkomen",
                self.quarter_label
            ),
        };
        let converted = archive::to_pdfa(&printed, &pdf, &metadata, pdf::DEFAULT_TIMEOUT);
        let _ = std::fs::remove_file(&printed);
        converted?;
        Ok(pdf)
    }
}

handlebars::handlebars_helper!(weeks_helper: |days: i64| presentation::weeks(days));

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

#[cfg(test)]
mod tests {
    use super::*;
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
}
