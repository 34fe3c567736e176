//! The decisions list of one meeting for one municipality programme: a page the programme's
//! officers read without signing in. It is the meeting's besluitenlijst through the disclosure
//! step:
//!
//! - only decisions on the programme's knelpunten (a cluster assigned to it, or the decision
//!   that assigned it);
//! - no count of its own: each knelpunt's figure is the one the latest published brief showed,
//!   and a cluster's wijk is named only when that brief showed a non-zero figure for it — a
//!   small cluster's wijk could point at a hidden cell;
//! - no signal text and no personal names: attendees by role or organisation (a name is
//!   needed at the table, not in the municipality's inbox), decisions without who took them,
//!   an action point's owner by the role they attended in; reasons only of notes and
//!   recommendations, the overleg's texts the brief publishes too.

use crate::compose::Builtin;
use crate::minutes::MeetingDay;
use crate::review::{Action, Decision, Snooze, Split, State};
use crate::snapshot::Figures;
use chrono::NaiveDate;
use knooppunt_domain::review::assigned;
use knooppunt_domain::scrub::scrub;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::{MeetingRecord, Reversal, Store};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

const TEMPLATES: Builtin = Builtin {
    name: "programma-besluitenlijst",
    html: include_str!("../../templates/programma-besluitenlijst.html.hbs"),
    markdown: include_str!("../../templates/programma-besluitenlijst.md.hbs"),
};

/// What the digest knows of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterFacts {
    pub id: String,
    pub barrier: String,
    pub area: String,
    pub programme: Option<String>,
    pub state: State,
    pub owner: Option<String>,
}

/// One meeting as recorded: attendees and action points, the day's decisions and those
/// taken back.
#[derive(Debug, Clone, Copy)]
pub struct Meeting<'a> {
    pub on: NaiveDate,
    pub recorded: bool,
    pub record: &'a MeetingRecord,
    pub decisions: &'a [Decision],
    pub reversals: &'a [Reversal],
}

/// The latest published brief: its quarter and figures.
#[derive(Debug, Clone, Copy)]
pub struct PublishedBrief<'a> {
    pub quarter: &'a str,
    pub figures: &'a Figures,
}

/// A decision as the programme digest lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigestDecision {
    /// `hh:mm`, Dutch time.
    pub time_local: String,
    /// The knelpunt's title, with its wijk when the published brief names it.
    pub knelpunt: String,
    pub action: String,
    pub details: String,
    pub state_after: String,
    /// Only for notes and recommendations.
    pub reason: String,
    pub reversed: bool,
}

/// An action point: what, who (by role) and by when.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigestAction {
    pub what: String,
    pub owner: String,
    pub due_label: String,
}

/// A knelpunt the meeting decided on, with its figures as published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigestKnelpunt {
    pub title: String,
    pub state: String,
    pub owner: String,
    /// The published count (a number or `x`), or empty when no published brief has it.
    pub signals: String,
    /// The wijken (or stadsdelen) the published brief showed for it.
    pub areas: String,
}

/// One meeting's decisions list for one programme.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeDigest {
    pub programme: String,
    #[serde(flatten)]
    pub meeting: MeetingDay,
    /// Roles and organisations at the table, with how many when more than one.
    pub attendance: Vec<String>,
    pub decisions: Vec<DigestDecision>,
    pub action_points: Vec<DigestAction>,
    pub knelpunten: Vec<DigestKnelpunt>,
    /// "3e kwartaal 2026": the brief the figures come from, if any was published.
    pub published_quarter: Option<String>,
    pub rules_version: String,
    #[serde(skip)]
    pub templates_dir: Option<PathBuf>,
}

/// Whether a decision belongs to the programme's digest.
fn in_programme(decision: &Decision, clusters: &[ClusterFacts], programme: &str) -> bool {
    let assigned_here =
        matches!(&decision.action, Action::Assign { programme: p, .. } if p.trim() == programme);
    let of_programme = clusters
        .iter()
        .any(|c| c.id == decision.cluster_id && c.programme.as_deref() == Some(programme));
    let counterpart = matches!(
        &decision.action,
        Action::Split {
            how: Split::From { .. }
        }
    );
    (assigned_here || of_programme) && !counterpart
}

/// The programmes with a decision on the day, in order.
pub fn programmes(decisions: &[Decision], clusters: &[ClusterFacts]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for decision in decisions {
        if let Action::Assign { programme, .. } = &decision.action {
            if !programme.trim().is_empty() {
                out.insert(programme.trim().to_string());
            }
        }
        if let Some(p) = clusters
            .iter()
            .find(|c| c.id == decision.cluster_id)
            .and_then(|c| c.programme.clone())
        {
            out.insert(p);
        }
    }
    out.into_iter().collect()
}

/// The digest of `meeting` for `programme`: pure, from what the store holds.
pub fn compose(
    programme: &str,
    meeting: Meeting<'_>,
    clusters: &[ClusterFacts],
    published: Option<PublishedBrief<'_>>,
    catalog: &Catalog,
) -> ProgrammeDigest {
    let shown = |barrier: &str| published.and_then(|p| p.figures.published(barrier));
    // "Kostendelersnorm — Moerwijk" when the brief showed Moerwijk for it, else the title.
    let name = |id: &str| -> String {
        let Some(cluster) = clusters.iter().find(|c| c.id == id) else {
            return "een ander knelpunt".into();
        };
        let title = catalog.title(&cluster.barrier);
        match shown(&cluster.barrier) {
            Some((_, areas)) if areas.iter().any(|a| a == &cluster.area) => {
                format!("{title} — {}", cluster.area)
            }
            _ => title,
        }
    };
    let decisions: Vec<&Decision> = meeting
        .decisions
        .iter()
        .filter(|d| in_programme(d, clusters, programme))
        .collect();
    let knelpunten = knelpunten_of(&decisions, clusters, published, catalog);
    ProgrammeDigest {
        programme: programme.to_string(),
        meeting: MeetingDay::new(meeting.on, meeting.recorded),
        attendance: attendance(meeting.record),
        decisions: decisions
            .into_iter()
            .map(|d| {
                let local = crate::dutch::local_time(&d.decided_at);
                DigestDecision {
                    time_local: local.get(11..).unwrap_or(&local).to_string(),
                    knelpunt: name(&d.cluster_id),
                    action: d.action.name().to_string(),
                    details: details(&d.action, &name),
                    state_after: d.state_after.as_str().to_string(),
                    reason: if matches!(d.action, Action::Note | Action::Recommend) {
                        d.reason.clone()
                    } else {
                        String::new()
                    },
                    reversed: meeting.reversals.iter().any(|r| r.reversed_seq == d.seq),
                }
            })
            .collect(),
        action_points: meeting
            .record
            .action_points
            .iter()
            .map(|p| DigestAction {
                what: p.what.clone(),
                owner: owner_role(&p.owner, meeting.record),
                due_label: crate::dutch::date(p.due_on),
            })
            .collect(),
        knelpunten,
        published_quarter: published.map(|p| {
            p.quarter
                .parse::<crate::Quarter>()
                .map_or(p.quarter.to_string(), |q| q.dutch_label())
        }),
        rules_version: catalog.version().to_string(),
        templates_dir: None,
    }
}

/// The knelpunten the programme's decisions were about, in order of first decision, with the
/// latest published brief's figure and wijken.
fn knelpunten_of(
    decisions: &[&Decision],
    clusters: &[ClusterFacts],
    published: Option<PublishedBrief<'_>>,
    catalog: &Catalog,
) -> Vec<DigestKnelpunt> {
    let mut barriers: Vec<&str> = Vec::new();
    for d in decisions {
        if let Some(c) = clusters.iter().find(|c| c.id == d.cluster_id) {
            if !barriers.contains(&c.barrier.as_str()) {
                barriers.push(&c.barrier);
            }
        }
    }
    barriers
        .iter()
        .map(|barrier| {
            let of_barrier = clusters.iter().filter(|c| c.barrier == *barrier);
            let state = of_barrier
                .clone()
                .map(|c| c.state)
                .find(|s| *s == State::Confirmed)
                .or_else(|| of_barrier.clone().map(|c| c.state).next())
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            let owner = assigned(of_barrier.clone().map(|c| c.owner.as_deref()))
                .or_else(|| catalog.barrier(barrier).map(|b| b.owner.clone()))
                .unwrap_or_default();
            let (signals, areas) = published
                .and_then(|p| p.figures.published(barrier))
                .unwrap_or_default();
            DigestKnelpunt {
                title: catalog.title(barrier),
                state,
                owner,
                signals,
                areas: areas.join(", "),
            }
        })
        .collect()
}

/// The roles and organisations at the table, in order of first appearance: "GGD (2)".
fn attendance(record: &MeetingRecord) -> Vec<String> {
    let mut roles: Vec<(String, usize)> = Vec::new();
    for attendee in &record.attendees {
        let role = role_of(&attendee.role);
        match roles.iter_mut().find(|(r, _)| *r == role) {
            Some((_, n)) => *n += 1,
            None => roles.push((role, 1)),
        }
    }
    roles
        .into_iter()
        .map(|(role, n)| {
            if n == 1 {
                role
            } else {
                format!("{role} ({n})")
            }
        })
        .collect()
}

/// A role as the digest shows it; an empty one reads "deelnemer".
fn role_of(role: &str) -> String {
    let role = role.trim();
    if role.is_empty() {
        "deelnemer".into()
    } else {
        role.to_string()
    }
}

/// Who takes an action point up, without a personal name: the role of the attendee of that
/// name; otherwise the text as typed (an organisation or desk) unless the anonymiser finds a
/// name or other personal data in it.
fn owner_role(owner: &str, record: &MeetingRecord) -> String {
    let owner = owner.trim();
    if let Some(attendee) = record
        .attendees
        .iter()
        .find(|a| a.name.trim().eq_ignore_ascii_case(owner))
    {
        return role_of(&attendee.role);
    }
    if scrub(owner).found.is_empty() {
        owner.to_string()
    } else {
        "een deelnemer van het overleg".into()
    }
}

/// What a decision decided, without counts: park-until, owner and programme, merge target
/// (by the digest's name), that a split happened.
fn details(action: &Action, name: &dyn Fn(&str) -> String) -> String {
    match action {
        Action::Park {
            snooze: Snooze::Date { date },
        } => format!("geparkeerd tot {}", crate::dutch::date(*date)),
        Action::Park {
            snooze: Snooze::Signals { count },
        } => format!("geparkeerd tot {count} nieuwe signalen"),
        Action::Park {
            snooze: Snooze::Spike,
        } => "geparkeerd tot een piek".into(),
        Action::Assign { owner, programme } if programme.is_empty() => {
            format!("eigenaar {owner}")
        }
        Action::Assign { owner, programme } => format!("eigenaar {owner}, programma {programme}"),
        Action::Merge { with } => format!("samengevoegd met {}", name(with)),
        Action::Split {
            how: Split::ByOrganisation,
        } => "gesplitst per organisatie".into(),
        Action::Split { .. } => "een deel van de signalen apart gezet".into(),
        _ => String::new(),
    }
}

impl ProgrammeDigest {
    /// Reads the meeting on `on` and composes the digest for `programme`.
    pub async fn gather(
        store: &Store,
        catalog: &Catalog,
        on: NaiveDate,
        programme: &str,
    ) -> anyhow::Result<Self> {
        let (clusters, decisions, reversals, record, recorded) = read(store, on).await?;
        let latest = match crate::snapshot::latest(store, programme).await? {
            Some(found) => Some(found),
            None => crate::snapshot::latest(store, "").await?,
        };
        let meeting = Meeting {
            on,
            recorded,
            record: &record,
            decisions: &decisions,
            reversals: &reversals,
        };
        let published = latest
            .as_ref()
            .map(|(quarter, figures)| PublishedBrief { quarter, figures });
        Ok(compose(programme, meeting, &clusters, published, catalog))
    }

    /// The programmes with a decision in the meeting on `on`.
    pub async fn programmes_on(store: &Store, on: NaiveDate) -> anyhow::Result<Vec<String>> {
        let (clusters, decisions, ..) = read(store, on).await?;
        Ok(programmes(&decisions, &clusters))
    }
}

impl super::Digest for ProgrammeDigest {
    /// `besluitenlijst-2026-09-30-armoede`.
    fn file_stem(&self) -> String {
        format!(
            "besluitenlijst-{}-{}",
            self.meeting.meeting_on,
            super::slug(&self.programme)
        )
    }

    /// One printable page.
    fn render(&self) -> anyhow::Result<(String, String)> {
        crate::minutes::render_both(self.templates_dir.as_deref(), &TEMPLATES, self)
    }

    fn archive_metadata(&self) -> crate::archive::Metadata {
        crate::archive::Metadata {
            title: format!(
                "Besluitenlijst signaleringsoverleg {} - programma {}",
                self.meeting.meeting_label, self.programme
            ),
            author: crate::archive::OVERLEG.into(),
            subject: format!(
                "Besluiten van het signaleringsoverleg van {} voor het programma {}",
                self.meeting.meeting_label, self.programme
            ),
        }
    }
}

type Read = (
    Vec<ClusterFacts>,
    Vec<Decision>,
    Vec<Reversal>,
    MeetingRecord,
    bool,
);

async fn read(store: &Store, on: NaiveDate) -> anyhow::Result<Read> {
    let reviewed = crate::review_store::reviewed_clusters(store, on).await?;
    let clusters = reviewed
        .into_iter()
        .map(|c| ClusterFacts {
            id: c.cluster.id,
            barrier: c.cluster.barrier,
            area: c.cluster.area,
            programme: c.standing.programme,
            state: c.standing.state,
            owner: c.standing.owner,
        })
        .collect();
    Ok((
        clusters,
        crate::review_store::decisions_on(store, on).await?,
        store.reversals_on(on).await?,
        store.meeting_record(on).await?,
        store.meeting_recorded(on).await?,
    ))
}
