//! The brief's types: what a quarterly brief holds, as the templates, exports and the
//! website read it. Plain data; [`crate::compose`] gathers and renders it.

use crate::{accuracy, coverage, knelpunten, release};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// To whom the brief goes and who sends it (configuration `[brief] addressee`, `sender`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Cover {
    pub addressee: String,
    pub sender: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefRow {
    pub barrier: String,
    pub title: String,
    pub kader: String,
    pub owner: String,
    pub signals: String,
    pub sources: String,
    pub areas: String,
    pub previous_signals: String,
    pub change: String,
    #[serde(skip)]
    pub(crate) raw_signals: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    pub first: String,
    pub second: String,
    pub signals: i64,
}

/// Everything a brief shows, already suppressed: safe to render or export.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub quarter: String,
    pub quarter_label: String,
    pub previous_label: String,
    pub period_from: String,
    pub period_to: String,
    pub rows: Vec<BriefRow>,
    pub top: Option<BriefRow>,
    /// Barriers with at least the minimum group size of signals (a count of barriers with
    /// one to four signals would tell them apart from those with none).
    pub barriers_with_signals: usize,
    pub barrier_total: usize,
    pub unclassified: String,
    /// Pairs of barriers that often occur in the same signal: only pairs with at least the
    /// minimum group size are listed, so a listed pair never reveals a small number.
    pub co_occurrence: Vec<PairRow>,
    pub rules_version: String,
    /// The learned model recognising beside the rules, if one was loaded.
    pub model_version: Option<String>,
    pub min_group_size: i64,
    pub generated_on: String,
    pub product_version: &'static str,
    /// The municipality programme this brief is for; all knelpunten when `None`.
    pub programme: Option<String>,
    /// The knelpunten the overleg confirmed, grouped in sections.
    pub sections: Vec<Section>,
    pub knelpunten_total: usize,
    /// The knelpunt tables as published: per wijk, per stadsdeel, for the whole municipality.
    pub tables: Vec<TableView>,
    pub suppressed_symbol: &'static str,
    /// How clusters were keyed, for readers ("barrière en wijk").
    pub cluster_key: String,
    #[serde(skip)]
    pub release: Option<release::Release>,
    /// Figures that earlier publications already gave away (counted, never shown).
    #[serde(skip)]
    pub context_leaks: usize,
    #[serde(skip)]
    pub knelpunten: Vec<knelpunten::Knelpunt>,
    /// A directory with the municipality's own `brief.html.hbs` / `brief.md.hbs`; the
    /// built-in templates are used for a file that is not there.
    #[serde(skip)]
    pub templates_dir: Option<PathBuf>,
    /// Addressee and sender on the cover.
    #[serde(skip)]
    pub cover: Cover,
    /// The day the brief was made.
    #[serde(skip)]
    pub generated: NaiveDate,
    /// Whether its figures are those of the published snapshot (vastgesteld).
    pub published: bool,
    /// Who submitted: sources per wijk, sources that fell silent.
    pub coverage: Option<coverage::Coverage>,
    /// Measured precision and recall of recognition and the corrected ranges; `None` until
    /// the caller passes its measurements ([`Brief::apply_recognition`]).
    pub accuracy: Option<accuracy::View>,
    /// The published version this brief shows (1 for the original); `None` for a draft.
    pub version: Option<i64>,
    /// A rectified version says so: which version it is, what it replaces, why, and what
    /// changed ([`crate::rectification`]).
    pub rectification: Option<crate::rectification::Rectification>,
    /// Whether `accuracy` and the knelpunten's ranges are those frozen with the published
    /// version (then the caller's measurements are not applied).
    #[serde(skip)]
    pub recognition_frozen: bool,
    /// The documents of the published version this brief shows, when they were kept: then
    /// they are what it renders ([`crate::snapshot::Figures::documents`]).
    #[serde(skip)]
    pub frozen_documents: Option<crate::snapshot::Documents>,
}

impl Brief {
    /// States how accurate recognition is: the appendix lines per barrier, and the range of
    /// every published knelpunt count. Ranges are computed from the published (suppressed)
    /// figures only, so they reveal nothing the brief does not already show.
    pub fn apply_recognition(&mut self, recognition: &accuracy::Recognition) {
        let rows: Vec<(String, String, String)> = self
            .rows
            .iter()
            .map(|r| (r.barrier.clone(), r.title.clone(), r.signals.clone()))
            .collect();
        let min = self.min_group_size;
        let range = |k: &knelpunten::Knelpunt| {
            accuracy::published_range(
                &k.signals,
                recognition.for_barrier(&k.barrier).map(|(m, _)| m),
                min,
            )
        };
        for k in self.knelpunten.iter_mut() {
            k.corrected = range(k);
        }
        for section in self.sections.iter_mut() {
            for k in section.knelpunten.iter_mut() {
                k.corrected = range(k);
            }
        }
        self.accuracy = Some(accuracy::View::build(recognition, &rows, min));
    }

    /// Shows recognition as it was frozen with the published version: the same appendix and
    /// ranges as when it was published, whatever was measured since.
    pub fn apply_frozen_recognition(&mut self, frozen: &crate::snapshot::FrozenRecognition) {
        for k in self.knelpunten.iter_mut() {
            k.corrected = frozen.ranges.get(&k.barrier).cloned();
        }
        for section in self.sections.iter_mut() {
            for k in section.knelpunten.iter_mut() {
                k.corrected = frozen.ranges.get(&k.barrier).cloned();
            }
        }
        self.accuracy = Some(frozen.view.clone());
        self.recognition_frozen = true;
    }

    /// Recognition as it is to be frozen with a publication, if it was applied.
    pub fn recognition_to_freeze(&self) -> Option<crate::snapshot::FrozenRecognition> {
        Some(crate::snapshot::FrozenRecognition {
            view: self.accuracy.clone()?,
            ranges: self
                .knelpunten
                .iter()
                .filter_map(|k| Some((k.barrier.clone(), k.corrected.clone()?)))
                .collect(),
        })
    }
}

/// A section of the brief: nieuw, aanhoudend, groeiend, opgelost, terug.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub label: &'static str,
    pub knelpunten: Vec<knelpunten::Knelpunt>,
}

/// The published knelpunt × wijk table, ready for a template.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub caption: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
    pub column_totals: Vec<String>,
    pub grand_total: String,
}

impl TableView {
    /// A released level as the templates show it, each row titled by `title(barrier)`.
    pub fn of_level(level: &release::PublishedLevel, title: impl Fn(&str) -> String) -> Self {
        use crate::disclosure::Position;
        let table = &level.table;
        let render = |p: Position| table.render(p).unwrap_or_default();
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
                        .map(|column| render(Position::Cell { row, column }))
                        .collect(),
                    total: render(Position::RowTotal { row }),
                })
                .collect(),
            column_totals: (0..table.columns.len())
                .map(|column| render(Position::ColumnTotal { column }))
                .collect(),
            grand_total: render(Position::GrandTotal),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub title: String,
    pub cells: Vec<String>,
    pub total: String,
}

/// The written files.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub markdown: String,
    pub html: String,
}
