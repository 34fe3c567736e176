//! The decisions list (besluitenlijst) of one meeting of the signaleringsoverleg: who
//! attended, each decision of the meeting's Dutch day with its details (park-until date,
//! owner and programme, merge target, split result, reason; those taken back marked), and the
//! action points with owner and due date — as HTML, Markdown and PDF (headless Chromium).

use crate::compose::Builtin;
use crate::review::{Action, Decision, Snooze, Split};
use crate::review_store::{decisions_on, reviewed_clusters, ReviewedCluster};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster_event::ClusterRef;
use knooppunt_domain::labels::{Label, Verdict};
use knooppunt_domain::scrub::{scrub, PiiKind};
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const TEMPLATES: Builtin = Builtin {
    name: "besluitenlijst",
    html: include_str!("../templates/besluitenlijst.html.hbs"),
    markdown: include_str!("../templates/besluitenlijst.md.hbs"),
};

/// The longest name or role of an attendee (or owner of an action point) accepted.
pub const MAX_LABEL: usize = 100;

/// Why an attendee needs a role: the lists for people who do not sign in (the programme's
/// decisions list) name attendees by their role alone, so one without would not be there.
pub const ROLE_NEEDED: &str =
    "vul een rol of organisatie in; de besluitenlijst per programma noemt alleen rollen";

/// A name or role on the decisions list (the website's form and `knooppunt agenda
/// --attendee` alike): at most [`MAX_LABEL`] characters and no contact details or numbers
/// that identify someone (a name is what a decisions list needs, nothing more). The Dutch
/// error starts with `what`, the field it names.
pub fn check_label(value: &str, what: &str) -> Result<(), String> {
    if value.chars().count() > MAX_LABEL {
        return Err(format!("{what}: hoogstens {MAX_LABEL} tekens"));
    }
    let found: Vec<&str> = scrub(value)
        .found
        .into_iter()
        .filter(|kind| *kind != PiiKind::Name)
        .map(PiiKind::as_str)
        .collect();
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: geen contact- of persoonsgegevens ({}); alleen een naam en een rol",
            found.join(", ")
        ))
    }
}

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

/// A decision as the minutes list it.
#[derive(Debug, Clone, Serialize)]
pub struct MinutesDecision {
    pub cluster_id: String,
    pub title: String,
    pub area: String,
    pub action: String,
    pub state_after: String,
    pub actor: String,
    pub reason: String,
    pub decided_at: String,
    /// Dutch local time of the decision, `dd-mm-jjjj hh:mm`.
    pub decided_at_local: String,
    /// What was decided beyond the action: until when parked, owner and programme, the
    /// cluster merged into or split from (by name).
    pub details: String,
    /// The time of day alone, `hh:mm` (Europe/Amsterdam): the list is of one day.
    pub time_local: String,
    /// The clusters the decision names (merge target, split results), with their pages.
    pub links: Vec<ClusterLink>,
    /// Taken back during the meeting: the decision stays in the list, marked.
    pub reversed: bool,
    /// When and by whom it was taken back: "om 10:42 door …; status weer open", or empty.
    pub reversal: String,
    /// Taken after the meeting was recorded that day: not a decision of the meeting.
    pub after_recording: bool,
}

/// A recognition correction of the day: which signal (its short kenmerk), what, who.
#[derive(Debug, Clone, Serialize)]
pub struct MinutesCorrection {
    /// The time of day, `hh:mm` (Europe/Amsterdam).
    pub time_local: String,
    pub kenmerk: String,
    /// The wijk of the signal.
    pub area: String,
    /// "hoort niet bij ‘…’", "ook bij ‘…’", "ingedeeld bij ‘…’", "hoort bij geen barrière".
    pub what: String,
    pub actor: String,
    /// The cluster page it was made on, or the cluster it added the signal to.
    pub cluster_id: Option<String>,
    pub reversed: bool,
    /// "door … om hh:mm", or empty.
    pub reversal: String,
}

impl MinutesCorrection {
    fn of((label, area): (Label, String), rules: &Catalog) -> Self {
        let title = rules.title(&label.barrier);
        let what = match label.verdict {
            Verdict::DoesNotBelong => format!("hoort niet bij ‘{title}’"),
            Verdict::NoBarrier => "hoort bij geen barrière".into(),
            Verdict::Belongs if label.cluster_id.is_none() => {
                format!("ingedeeld bij ‘{title}’ (Niet ingedeeld)")
            }
            Verdict::Belongs => format!("ook bij ‘{title}’"),
        };
        let reversal = label
            .withdrawn
            .as_ref()
            .map(|w| format!("door {} om {}", w.actor, clock(&w.at)));
        MinutesCorrection {
            time_local: clock(&label.labelled_at),
            kenmerk: label.short_kenmerk(),
            area,
            what,
            actor: label.actor,
            cluster_id: label.cluster_id.or(label.joined_cluster),
            reversed: reversal.is_some(),
            reversal: reversal.unwrap_or_default(),
        }
    }
}

/// The time of day of an instant, `hh:mm` in Europe/Amsterdam.
fn clock(at: &DateTime<Utc>) -> String {
    let local = crate::dutch::local_time(at);
    local.get(11..).unwrap_or(&local).to_string()
}

/// A cluster a decision names, by name, with the path of its page.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterLink {
    pub href: String,
    pub text: String,
}

/// The meeting a decisions list is of: its day, and whether it was recorded. The
/// besluitenlijst and the programme's digest head their pages with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingDay {
    pub meeting_on: String,
    /// `dd-mm-jjjj`.
    pub meeting_label: String,
    /// Whether the meeting was recorded ("Vergadering vastleggen").
    pub recorded: bool,
}

impl MeetingDay {
    pub fn new(on: NaiveDate, recorded: bool) -> Self {
        Self {
            meeting_on: on.to_string(),
            meeting_label: crate::dutch::date(on),
            recorded,
        }
    }
}

/// The decisions list of the meeting on one day.
#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    #[serde(flatten)]
    pub meeting: MeetingDay,
    pub attendees: Vec<AttendeeView>,
    pub decisions: Vec<MinutesDecision>,
    /// The recognition corrections of the day (labels), those taken back marked.
    pub corrections: Vec<MinutesCorrection>,
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
    pub async fn gather(store: &Store, rules: &Catalog, on: NaiveDate) -> anyhow::Result<Self> {
        let reviewed = reviewed_clusters(store, on).await?;
        let recorded_at = store.meeting_recorded_at(on).await?;
        let decisions = meeting_decisions(store, rules, on, &reviewed, recorded_at).await?;
        let record = store.meeting_record(on).await?;
        let corrections = store.labels_on(on).await?;
        Ok(Self {
            meeting: MeetingDay::new(on, recorded_at.is_some()),
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
            corrections: corrections
                .into_iter()
                .map(|label| MinutesCorrection::of(label, rules))
                .collect(),
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

    /// Keeps the corrections on signals of the wijken `keep` accepts.
    pub fn retain_corrections(&mut self, keep: impl Fn(&str) -> bool) {
        self.corrections.retain(|c| keep(&c.area));
    }

    /// The file name without extension: `besluitenlijst-2026-11-30`.
    pub fn file_stem(&self) -> String {
        format!("besluitenlijst-{}", self.meeting.meeting_on)
    }

    /// Markdown and HTML (a page of its own, print-ready). Both escape every value.
    pub fn render(&self) -> anyhow::Result<(String, String)> {
        render_both(self.templates_dir.as_deref(), &TEMPLATES, self)
    }

    /// Writes the HTML to `dir` and prints it there as PDF/A-2a and PDF/UA-1 with headless
    /// Chromium ([`crate::archive::print`]); returns the PDF's path. Blocking: run it off the
    /// async threads.
    pub fn write_pdf(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        let (_, html) = self.render()?;
        let input = dir.join(format!("{}.html", self.file_stem()));
        std::fs::write(&input, html).context("besluitenlijst schrijven")?;
        let output = dir.join(format!("{}.pdf", self.file_stem()));
        crate::archive::print(&input, &output, &self.archive_metadata())?;
        Ok(output)
    }

    /// The PDF's title, author and subject: "Besluitenlijst signaleringsoverleg 30-11-2026".
    pub fn archive_metadata(&self) -> crate::archive::Metadata {
        crate::archive::Metadata {
            title: format!(
                "Besluitenlijst signaleringsoverleg {}",
                self.meeting.meeting_label
            ),
            author: crate::archive::OVERLEG.into(),
            subject: format!(
                "Besluiten en actiepunten van het signaleringsoverleg van {}",
                self.meeting.meeting_label
            ),
        }
    }
}

/// `data` through the template pair `<name>.html.hbs` and `<name>.md.hbs` (the municipality's
/// own from `dir` when it has them, else `builtin`'s), as (Markdown, HTML); strict, and the
/// Markdown escaped as Markdown.
pub(crate) fn render_both<T: Serialize>(
    dir: Option<&Path>,
    builtin: &Builtin,
    data: &T,
) -> anyhow::Result<(String, String)> {
    let name = builtin.name;
    let (html, markdown) = crate::compose::template_pair(dir, builtin)?;
    Ok((
        markdown
            .render(name, data)
            .with_context(|| format!("{name} maken"))?,
        html.render(name, data)
            .with_context(|| format!("{name} maken"))?,
    ))
}

/// The decisions taken on the Dutch day `on`, as the minutes list them: each with its
/// details and the clusters it names, those taken back marked. A split-off cluster's first
/// entry ("afgesplitst van") is folded into the split it came from. `recorded_at`: when the
/// meeting was recorded; decisions after it are marked.
pub(crate) async fn meeting_decisions(
    store: &Store,
    rules: &Catalog,
    on: NaiveDate,
    reviewed: &[ReviewedCluster],
    recorded_at: Option<DateTime<Utc>>,
) -> anyhow::Result<Vec<MinutesDecision>> {
    let decisions = decisions_on(store, on).await?;
    let reversals = store.reversals_on(on).await?;
    let is_split = |d: &Decision, parent: &str| {
        d.cluster_id == parent
            && matches!(&d.action, Action::Split { how } if !matches!(how, Split::From { .. }))
    };
    // The clusters each split produced: their origin entries share the split's time.
    let split_off = |split: &Decision| -> Vec<String> {
        decisions
            .iter()
            .filter(|d| d.decided_at == split.decided_at)
            .filter(|d| matches!(&d.action, Action::Split { how: Split::From { cluster } } if *cluster == split.cluster_id))
            .map(|d| d.cluster_id.clone())
            .collect()
    };
    let folded = |d: &Decision| match &d.action {
        Action::Split {
            how: Split::From { cluster },
        } => decisions
            .iter()
            .any(|s| s.decided_at == d.decided_at && is_split(s, cluster)),
        _ => false,
    };
    let known = |id: &str| reviewed.iter().any(|c| c.cluster.id == id);
    let mut missing: Vec<&str> = decisions
        .iter()
        .flat_map(|d| {
            let merged_into = match &d.action {
                Action::Merge { with } => Some(with.as_str()),
                _ => None,
            };
            std::iter::once(d.cluster_id.as_str()).chain(merged_into)
        })
        .filter(|id| !known(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let gone = store.clusters_named_by_events(&missing).await?;
    let named = Named {
        reviewed,
        gone: &gone,
        rules,
    };
    Ok(decisions
        .iter()
        .filter(|d| !folded(d))
        .map(|d| {
            let results = match &d.action {
                Action::Split { .. } => split_off(d),
                _ => Vec::new(),
            };
            let reversal = reversals.iter().find(|r| r.reversed_seq == d.seq);
            let mut decision = minutes_decision(d.clone(), &named, &results, reversal);
            decision.after_recording = recorded_at.is_some_and(|at| d.decided_at > at);
            decision
        })
        .collect())
}

/// The clusters the minutes can name: those that exist, and those a replay emptied since, by
/// their last event.
struct Named<'a> {
    reviewed: &'a [ReviewedCluster],
    gone: &'a HashMap<String, ClusterRef>,
    rules: &'a Catalog,
}

/// A cluster the minutes name.
enum Found<'a> {
    Here(&'a ReviewedCluster),
    /// Emptied by a replay, as its last event named it.
    Gone(&'a ClusterRef),
}

impl Named<'_> {
    fn find(&self, id: &str) -> Option<Found<'_>> {
        match self.reviewed.iter().find(|c| c.cluster.id == id) {
            Some(here) => Some(Found::Here(here)),
            None => self.gone.get(id).map(Found::Gone),
        }
    }

    /// A cluster as the minutes name it: "Kostendelersnorm — Laak / Woonzorg (2 signalen)", or
    /// "Kostendelersnorm — Laak (opgeheven)" for one that no longer exists.
    fn name(&self, id: &str) -> String {
        match self.find(id) {
            Some(Found::Here(c)) => format!(
                "{} — {} ({})",
                self.rules.title(&c.cluster.barrier),
                key(&c.cluster.area, &c.cluster.organisation),
                crate::dutch::signals(c.cluster.signal_count)
            ),
            Some(Found::Gone(gone)) => {
                format!("{} — {}", self.rules.title(&gone.barrier), gone_key(gone))
            }
            None => "een ander cluster".into(),
        }
    }
}

/// An emptied cluster's key, as its last event named it: "Laak (opgeheven)".
fn gone_key(gone: &ClusterRef) -> String {
    format!("{} (opgeheven)", key(&gone.wijk, &gone.organisation))
}

/// A cluster's key as the minutes show it: "Laak / Woonzorg", or "Laak".
fn key(area: &str, organisation: &str) -> String {
    match organisation.is_empty() {
        true => area.to_string(),
        false => format!("{area} / {organisation}"),
    }
}

fn minutes_decision(
    decision: Decision,
    named: &Named,
    split_off: &[String],
    reversal: Option<&knooppunt_store::Reversal>,
) -> MinutesDecision {
    let (title, area) = match named.find(&decision.cluster_id) {
        // A cluster that exists shows its area only.
        Some(Found::Here(c)) => (
            named.rules.title(&c.cluster.barrier),
            c.cluster.area.clone(),
        ),
        Some(Found::Gone(gone)) => (named.rules.title(&gone.barrier), gone_key(gone)),
        None => (decision.cluster_id.clone(), String::new()),
    };
    let name = |id: &str| named.name(id);
    let link = |id: &str| ClusterLink {
        href: format!("/clusters/{id}"),
        text: name(id),
    };
    let details = action_details(&decision.action, &name, split_off);
    let links = match &decision.action {
        Action::Merge { with } => vec![link(with)],
        Action::Split {
            how: Split::From { cluster },
        } => vec![link(cluster)],
        Action::Split { .. } => split_off.iter().map(|id| link(id)).collect(),
        _ => Vec::new(),
    };
    let local = crate::dutch::local_time(&decision.decided_at);
    let time_local = clock(&decision.decided_at);
    MinutesDecision {
        details,
        links,
        title,
        reversed: reversal.is_some(),
        reversal: reversal.map(reversal_text).unwrap_or_default(),
        after_recording: false,
        area,
        action: decision.action.name().to_string(),
        state_after: decision.state_after.as_str().to_string(),
        actor: crate::review::actor_label(&decision.actor),
        reason: decision.reason,
        time_local,
        decided_at_local: local,
        decided_at: decision.decided_at.format("%Y-%m-%d %H:%M").to_string(),
        cluster_id: decision.cluster_id,
    }
}

/// What a decision decided, in words: park-until, owner and programme, merge target, split
/// result (by the clusters' names).
fn action_details(action: &Action, name: &dyn Fn(&str) -> String, split_off: &[String]) -> String {
    let names = |ids: &[String]| ids.iter().map(|id| name(id)).collect::<Vec<_>>().join("; ");
    match action {
        Action::Park { snooze } => match snooze {
            Snooze::Date { date: datum } => {
                format!("geparkeerd tot {}", crate::dutch::date(*datum))
            }
            Snooze::Signals { count: aantal } => format!("geparkeerd tot {aantal} nieuwe signalen"),
            Snooze::Spike => "geparkeerd tot een piek".into(),
        },
        Action::Assign {
            owner: eigenaar,
            programme: programma,
        } if programma.is_empty() => format!("eigenaar {eigenaar}"),
        Action::Assign {
            owner: eigenaar,
            programme: programma,
        } => format!("eigenaar {eigenaar}, programma {programma}"),
        Action::Merge { with: met } => format!("samengevoegd met {}", name(met)),
        Action::Split {
            how: Split::From { cluster },
        } => format!("afgesplitst van {}", name(cluster)),
        Action::Split {
            how: Split::ByOrganisation,
        } => format!("gesplitst per organisatie; nieuw: {}", names(split_off)),
        Action::Split {
            how: Split::Signals { signals: signalen },
        } => format!(
            "{} afgesplitst naar {}",
            crate::dutch::signals(signalen.len() as i64),
            names(split_off)
        ),
        _ => String::new(),
    }
}

/// When and by whom a decision was taken back, and the state the cluster is in again.
fn reversal_text(r: &knooppunt_store::Reversal) -> String {
    format!(
        "om {} door {}; status weer {}",
        clock(&r.reversed_at),
        r.actor,
        r.state_back.as_str()
    )
}
