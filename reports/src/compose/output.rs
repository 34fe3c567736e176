//! Writing a brief out: Markdown and HTML from the templates, the PDF/A, the figures as CSV
//! and JSON, and the published snapshot.

use super::{template_pair, Builtin};
use crate::brief::{Brief, Rendered};
use crate::{archive, disclosure, export, presentation, release, snapshot};
use anyhow::Context;
use knooppunt_domain::quarter::Quarter;
use knooppunt_store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

const TEMPLATES: Builtin = Builtin {
    name: "brief",
    html: include_str!("../../templates/brief.html.hbs"),
    markdown: include_str!("../../templates/brief.md.hbs"),
};

/// What the templates see: the brief and its front matter.
#[derive(Serialize)]
struct View<'a> {
    #[serde(flatten)]
    brief: &'a Brief,
    front: presentation::Front,
    methods: crate::methods::Methods,
}

impl Brief {
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
            rows.extend(export::rows(
                quarter,
                level.level.caption(),
                &level.table,
                &titles,
                &provenance,
            )?);
        }
        Ok(Some((
            export::to_csv(&rows)?,
            export::to_json(&rows, self.min_group_size.max(1) as u64)?,
        )))
    }

    /// Freezes this brief's figures as the quarter's published snapshot (version 1), with
    /// the recognition ranges it shows and the counts behind it.
    pub async fn publish(&self, store: &Store, by: &str) -> anyhow::Result<()> {
        let mut figures = self.snapshot_figures()?;
        // The text as it goes out: rendered as the published version 1.
        let mut published = self.clone();
        published.published = true;
        published.version = Some(1);
        let rendered = published.render()?;
        figures.documents = Some(snapshot::Documents {
            markdown: rendered.markdown,
            html: rendered.html,
        });
        snapshot::publish(store, self.publication(by), &figures, &self.counts()).await
    }

    /// Publishes this brief, gathered as [`crate::compose::Edition::Rectification`], as the
    /// next version of its quarter with `reason` (checked: required, no personal data).
    /// Earlier versions stay as they were; returns the new version's number.
    pub async fn rectify(&mut self, store: &Store, by: &str, reason: &str) -> anyhow::Result<i64> {
        let reason = crate::rectification::checked_reason(reason).map_err(anyhow::Error::msg)?;
        let Some(rectification) = self.rectification.as_mut() else {
            anyhow::bail!(
                "alleen een brief die als rectificatie is samengesteld kan een rectificatie zijn"
            );
        };
        rectification.reason = reason.clone();
        let figures = self.snapshot_figures()?;
        let version = snapshot::rectify(
            store,
            self.publication(by),
            &reason,
            &figures,
            &self.counts(),
        )
        .await?;
        if let Some(rectification) = self.rectification.as_mut() {
            rectification.version = version;
        }
        self.version = Some(version);
        self.published = true;
        Ok(version)
    }

    fn publication<'a>(&'a self, by: &'a str) -> knooppunt_store::snapshots::Publication<'a> {
        knooppunt_store::snapshots::Publication {
            quarter: &self.quarter,
            programme: self.programme.as_deref().unwrap_or_default(),
            by,
            rules_version: &self.rules_version,
        }
    }

    /// The figures a publication freezes.
    fn snapshot_figures(&self) -> anyhow::Result<snapshot::Figures> {
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
        Ok(snapshot::Figures {
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
            recognition: self.recognition_to_freeze(),
            documents: None,
        })
    }

    /// Renders Markdown and HTML. HTML escapes every value; Markdown is plain text.
    pub fn render(&self) -> anyhow::Result<Rendered> {
        if let Some(frozen) = &self.frozen_documents {
            return Ok(Rendered {
                markdown: frozen.markdown.clone(),
                html: frozen.html.clone(),
            });
        }
        let dir = self.templates_dir.as_deref();
        let (mut html, mut markdown) = template_pair(dir, &TEMPLATES)?;
        for registry in [&mut html, &mut markdown] {
            registry.register_helper("weken", Box::new(weeks_helper));
        }
        let view = View {
            brief: self,
            front: presentation::Front::of(self, &self.cover, self.generated),
            methods: crate::methods::Methods::of(self),
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

    /// "brief-2026Q3" or "brief-2026Q3-armoede"; a rectificatie adds its version
    /// ("brief-2026Q3-versie2"), so the original's files stay beside it.
    pub fn file_stem(&self) -> String {
        let stem = match &self.programme {
            Some(programme) => format!(
                "brief-{}-{}",
                self.quarter,
                knooppunt_domain::cluster::slug(programme)
            ),
            None => format!("brief-{}", self.quarter),
        };
        match self.version {
            Some(version) if version > 1 => format!("{stem}-versie{version}"),
            _ => stem,
        }
    }

    /// Prints the written HTML with headless Chromium and stores it as tagged PDF/A-2a and
    /// PDF/UA-1 with its metadata (title, author, subject, language nl) in `brief-<quarter>.pdf`.
    pub fn write_pdf(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        let html = dir.join(format!("{}.html", self.file_stem()));
        let pdf = dir.join(format!("{}.pdf", self.file_stem()));
        archive::print(&html, &pdf, &self.archive_metadata())?;
        Ok(pdf)
    }

    /// The PDF's title, author and subject.
    pub fn archive_metadata(&self) -> archive::Metadata {
        archive::Metadata {
            title: match &self.programme {
                Some(p) => format!(
                    "Terug het systeem in - {} - programma {p}",
                    self.quarter_label
                ),
                None => format!("Terug het systeem in - {}", self.quarter_label),
            } + &self
                .rectification
                .as_ref()
                .map(|r| format!(" - rectificatie, versie {}", r.version))
                .unwrap_or_default(),
            author: if self.cover.sender.is_empty() {
                archive::OVERLEG.into()
            } else {
                self.cover.sender.clone()
            },
            subject: format!(
                "Kwartaalbrief signalering {}: systeembarrières die wijkteams en partners tegenkomen",
                self.quarter_label
            ),
        }
    }
}

handlebars::handlebars_helper!(weeks_helper: |days: i64| presentation::weeks(days));
