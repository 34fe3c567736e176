//! The signaleringsoverleg's agenda for a meeting: the clusters promoted since the last
//! meeting (new, frequent and broad, spiking, norm breach), confirmed knelpunten that grew
//! since their last decision, snoozed clusters whose condition is met, and solved knelpunten
//! that came back, and clusters an earlier meeting had on its agenda without deciding on them
//! (still open: they stay until the overleg decides) — each with its "waarom", figures, trend,
//! waiting time against the norm, co-occurring barriers and scrubbed example signals. After the
//! meeting the same export lists the decisions taken.

pub use crate::minutes::{ClusterLink, MinutesDecision};

use crate::compose::Builtin;
use crate::knelpunten::WaitNorm;
use crate::minutes::meeting_decisions;
use crate::review::State;
use crate::review_store::{
    add_meeting, example_signals, previous_meeting, reviewed_clusters, ExampleSignal,
    ReviewedCluster,
};
use chrono::NaiveDate;
use knooppunt_domain::cluster::StoredPromotion;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;
use serde::Serialize;

const TEMPLATES: Builtin = Builtin {
    name: "agenda",
    html: include_str!("../templates/agenda.html.hbs"),
    markdown: include_str!("../templates/agenda.md.hbs"),
};

/// One cluster on the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaItem {
    pub cluster_id: String,
    pub barrier: String,
    pub title: String,
    pub kader: String,
    pub area: String,
    pub organisation: String,
    pub state: String,
    /// Why it is on the agenda: "nieuw", "piek", "normoverschrijding", "terug", …
    pub labels: Vec<String>,
    pub waarom: String,
    /// The day `waarom` was counted ("03-12-2026"): a split or a merge since then changes
    /// the cluster's figures, not the reasons it was put on the agenda with.
    pub waarom_on: String,
    pub signals: i64,
    pub sources: i64,
    pub areas: i64,
    pub median_wait_days: Option<f64>,
    #[serde(flatten)]
    pub norm: WaitNorm,
    /// Signals per four-week period, oldest first (the last six periods up to the meeting).
    pub trend: Vec<i64>,
    pub trend_svg: String,
    pub co_occurring: Vec<String>,
    pub examples: Vec<ExampleSignal>,
    /// The projector-sized chart of `trend` (see [`crate::trend`]).
    pub trend_chart: String,
    /// Each period's first day, `dd-mm-jjjj`.
    pub trend_periods: Vec<String>,
    /// The last period's last day, `dd-mm-jjjj`: the meeting's date on the agenda, today on
    /// a cluster's page (so the two may differ, and say why).
    pub trend_until: String,
    /// "stijgend", "dalend" or "gelijk", and its arrow.
    pub trend_direction: String,
    pub trend_arrow: String,
    /// The median wait and the norm in weeks, Dutch ("21,7 weken").
    pub median_wait_weeks: Option<String>,
    pub norm_weeks: Option<String>,
    /// The decision so far: the last one's action and when, or empty.
    pub last_decision: String,
}

/// The agenda of one meeting, and the decisions taken on its day.
#[derive(Debug, Clone, Serialize)]
pub struct Agenda {
    pub meeting_on: String,
    pub since: String,
    /// Whether `since` is the previous recorded meeting (else: eight weeks back).
    pub since_meeting: bool,
    pub items: Vec<AgendaItem>,
    pub decisions: Vec<MinutesDecision>,
    pub rules_version: String,
    /// Sources that sent signals steadily and then stopped: silence is not a solution.
    pub silent_sources: Vec<crate::governance::SilentSourceView>,
    /// `meeting_on` and `since` as `dd-mm-jjjj`.
    pub meeting_label: String,
    pub since_label: String,
    /// A directory with the municipality's own `agenda.html.hbs` / `agenda.md.hbs`.
    #[serde(skip)]
    pub templates_dir: Option<std::path::PathBuf>,
}

fn label(reason: &serde_json::Value) -> Option<&'static str> {
    Some(match reason.get("criterion")?.as_str()? {
        "frequency" => "vaak uit meerdere bronnen",
        "spike" => "piek",
        "new" => "nieuw",
        "norm_breach" => "normoverschrijding",
        _ => return None,
    })
}

/// A small inline bar chart of the trend; every value is a number, nothing to escape.
pub fn sparkline(values: &[i64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (width, height, bar) = (12 * values.len().max(1), 32, 10);
    let bars: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = (*v as f64 / max as f64 * (height - 2) as f64).round() as i64;
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{}\" fill=\"#2b6cb0\"><title>{v}</title></rect>",
                i * 12,
                height as i64 - h,
                h.max(0)
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Signalen per vier weken: {}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">{bars}</svg>",
        values
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Agenda {
    /// Builds the agenda for the meeting on `on`; with `record`, the meeting is recorded (by
    /// that user), so the next agenda starts after it. Promotions are computed for that day
    /// first, so the agenda never depends on the engine's timer; they are stored only with
    /// `record`.
    pub async fn gather(
        store: &Store,
        rules: &Catalog,
        on: NaiveDate,
        record: Option<&str>,
    ) -> anyhow::Result<Self> {
        let previous = previous_meeting(store, on).await?;
        let since = previous.unwrap_or(on - chrono::Duration::days(56));
        let promotions = promotions_since(store, rules, on, since, record).await?;
        // What earlier recorded meetings had on their agendas: each one what was promoted
        // since the one before it, the first what was promoted in the eight weeks before it.
        let earlier = match previous {
            Some(previous) => {
                let year_back = previous - chrono::Duration::days(CARRY_DAYS);
                let first = store.next_meeting(year_back).await?.unwrap_or(previous);
                store
                    .promotions(first - chrono::Duration::days(55), previous)
                    .await?
            }
            None => Vec::new(),
        };
        let reviewed = crate::review_store::reviewed_clusters_as_of(store, on).await?;
        let summaries = store.cluster_summaries().await?;
        let confirmed: Vec<String> = reviewed
            .iter()
            .filter(|c| c.standing.state == State::Confirmed)
            .map(|c| c.cluster.id.clone())
            .collect();
        let silence = crate::governance::silence(store, on, &confirmed).await?;
        let recorded_at = store.meeting_recorded_at(on).await?;
        let decisions = meeting_decisions(store, rules, on, &reviewed, recorded_at).await?;
        // The clusters decided on the meeting's day stay on its agenda with the reasons they
        // came up for, also once the decision took them off later agendas (dismissed, parked,
        // merged): a meeting's agenda does not lose the items it dealt with.
        let decided: std::collections::HashSet<&str> =
            decisions.iter().map(|d| d.cluster_id.as_str()).collect();
        let counted = crate::review_store::counted_signals(&reviewed);
        let mut items = Vec::new();
        for cluster in &reviewed {
            let id = &cluster.cluster.id;
            let latest = promotions.iter().find(|p| &p.cluster_id == id);
            let mut labels = item_labels(latest, &cluster.standing, silence.drops.get(id));
            if labels.is_empty() && decided.contains(id.as_str()) {
                labels = latest.map(reason_labels).unwrap_or_default();
            }
            // On an earlier meeting's agenda and not decided on since: still open (and on
            // the agenda of the meeting that decides on it).
            let carried = match earlier.iter().find(|p| &p.cluster_id == id) {
                Some(promotion) if labels.is_empty() => {
                    carried_since(store, &earlier, promotion, cluster, &decided).await?
                }
                _ => None,
            };
            let latest = match carried {
                Some((promotion, since)) => {
                    labels.push(carried_label(since, decided.contains(id.as_str())));
                    Some(promotion)
                }
                None => latest,
            };
            if labels.is_empty() {
                continue;
            }
            let mut item =
                build_item(store, rules, cluster, &summaries, labels, latest, on).await?;
            // A cluster others were merged into counts their signals too.
            if cluster.standing.state != State::Merged {
                item.signals = counted.get(id).copied().unwrap_or(item.signals);
            }
            items.push(item);
        }
        items.sort_by(|a, b| {
            b.signals
                .cmp(&a.signals)
                .then(a.cluster_id.cmp(&b.cluster_id))
        });
        Ok(Self {
            meeting_on: on.to_string(),
            since: since.to_string(),
            since_meeting: previous.is_some(),
            meeting_label: crate::dutch::date(on),
            since_label: crate::dutch::date(since),
            items,
            decisions,
            rules_version: rules.version().to_string(),
            silent_sources: silence.silent_sources,
            templates_dir: None,
        })
    }

    /// Markdown and HTML. Both escape every value taken from signals or users.
    pub fn render(&self) -> anyhow::Result<(String, String)> {
        crate::minutes::render_both(self.templates_dir.as_deref(), &TEMPLATES, self)
    }
}

/// The label of a cluster an earlier meeting left open: still open, or decided at this
/// meeting (it stays on the agenda that dealt with it, and the label must not say "no
/// decision" beside the decision).
fn carried_label(since: NaiveDate, decided_today: bool) -> String {
    let since = crate::dutch::date(since);
    if decided_today {
        format!("op de agenda sinds {since}, besloten in deze vergadering")
    } else {
        format!("nog open: op de agenda sinds {since}, nog geen besluit")
    }
}

/// How far back an undecided cluster is carried to the next agenda: a year of meetings.
const CARRY_DAYS: i64 = 366;

/// For a cluster an earlier recorded meeting had on its agenda (`latest`, its newest
/// promotion in `earlier`, which is newest first): that promotion and the first meeting that
/// had it, when no decision on it came since (or the one came at this meeting:
/// `decided_today`).
async fn carried_since<'p>(
    store: &Store,
    earlier: &'p [StoredPromotion],
    latest: &'p StoredPromotion,
    cluster: &ReviewedCluster,
    decided_today: &std::collections::HashSet<&str>,
) -> anyhow::Result<Option<(&'p StoredPromotion, NaiveDate)>> {
    let id = cluster.cluster.id.as_str();
    let first = earlier
        .iter()
        .rev()
        .find(|p| p.cluster_id == id)
        .unwrap_or(latest);
    let since = store
        .next_meeting(first.evaluated_on)
        .await?
        .unwrap_or(first.evaluated_on);
    let undecided = cluster.standing.state == State::Open
        && cluster
            .last_decision
            .as_ref()
            .is_none_or(|d| crate::dutch::local_day(&d.decided_at) < since);
    Ok((undecided || decided_today.contains(id)).then_some((latest, since)))
}

/// The day's promotions (computed; stored only when the meeting is recorded by `record`)
/// followed by those evaluated since the previous meeting. Looking never writes.
async fn promotions_since(
    store: &Store,
    rules: &Catalog,
    on: NaiveDate,
    since: NaiveDate,
    record: Option<&str>,
) -> anyhow::Result<Vec<StoredPromotion>> {
    let mut promotions = match record {
        Some(by) => {
            let promotions = store.evaluate_promotions(rules, on).await?;
            add_meeting(store, on, by).await?;
            promotions
        }
        None => store.compute_promotions(rules, on).await?,
    };
    promotions.sort_by(|a, b| (&a.barrier, &a.cluster_id).cmp(&(&b.barrier, &b.cluster_id)));
    let earlier = store
        .promotions(since.succ_opt().unwrap_or(since), on)
        .await?;
    promotions.extend(earlier.into_iter().filter(|p| p.evaluated_on != on));
    Ok(promotions)
}

/// The labels of a promotion's reasons ("frequent", "piek", …).
fn reason_labels(promotion: &StoredPromotion) -> Vec<String> {
    promotion
        .reasons
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(label)
        .map(str::to_string)
        .collect()
}

/// Why a cluster is on the agenda: its latest promotion's reasons (while it is open or
/// confirmed), growth since its last decision, waking from a snooze, coming back, and a
/// source that stopped. Empty: not on the agenda.
fn item_labels(
    latest: Option<&StoredPromotion>,
    standing: &crate::review::Standing,
    dropped: Option<&String>,
) -> Vec<String> {
    let open_for_review = matches!(standing.state, State::Open | State::Confirmed);
    let mut labels: Vec<String> = Vec::new();
    if let Some(promotion) = latest.filter(|_| open_for_review) {
        labels.extend(reason_labels(promotion));
    }
    if standing.state == State::Confirmed && standing.grown > 0 {
        labels.push(format!(
            "gegroeid (+{} sinds het laatste besluit)",
            standing.grown
        ));
    }
    if standing.woken {
        labels.push("terug na parkeren".into());
    }
    if standing.returned {
        labels.push("terug".into());
    }
    labels.extend(dropped.cloned());
    labels
}

/// Builds one agenda item: the evidence the overleg weighs (also on the cluster's page).
async fn build_item(
    store: &Store,
    rules: &Catalog,
    cluster: &ReviewedCluster,
    summaries: &[knooppunt_domain::cluster::ClusterSummary],
    labels: Vec<String>,
    latest: Option<&StoredPromotion>,
    on: NaiveDate,
) -> anyhow::Result<AgendaItem> {
    let waarom = latest.map(|p| p.waarom.clone()).unwrap_or_default();
    let waarom_on = latest
        .map(|p| crate::dutch::date(p.evaluated_on))
        .unwrap_or_default();
    let id = &cluster.cluster.id;
    let standing = &cluster.standing;
    let barrier = rules.barrier(&cluster.cluster.barrier);
    let summary = summaries.iter().find(|s| &s.cluster.id == id);
    let median_wait_days = summary.and_then(|s| s.median_wait_days);
    let norm = WaitNorm::of(barrier, median_wait_days);
    let trend = trend(store, id, on).await?;
    let starts = crate::trend::period_starts(on, trend.len());
    let direction = crate::trend::direction(&trend);
    let last_decision = cluster
        .last_decision
        .as_ref()
        .map(|d| {
            format!(
                "{} ({})",
                d.action.label(),
                crate::dutch::date(crate::dutch::local_day(&d.decided_at))
            )
        })
        .unwrap_or_default();
    Ok(AgendaItem {
        cluster_id: id.clone(),
        barrier: cluster.cluster.barrier.clone(),
        title: barrier.map_or(cluster.cluster.barrier.clone(), |b| b.title.clone()),
        kader: barrier.map(|b| b.kader.clone()).unwrap_or_default(),
        area: cluster.cluster.area.clone(),
        organisation: cluster.cluster.organisation.clone(),
        state: standing.state.as_str().to_string(),
        labels,
        waarom,
        waarom_on,
        signals: cluster.cluster.signal_count,
        sources: summary.map_or(0, |s| s.sources),
        areas: summary.map_or(0, |s| s.areas),
        median_wait_days,
        trend_svg: sparkline(&trend),
        trend_chart: crate::trend::chart(&trend, &starts),
        trend_periods: starts.iter().map(|d| crate::dutch::date(*d)).collect(),
        trend_until: crate::dutch::date(on),
        trend_direction: direction.to_string(),
        trend_arrow: crate::trend::arrow(direction).to_string(),
        median_wait_weeks: median_wait_days.map(crate::dutch::weeks),
        norm_weeks: norm.norm_days.map(|n| crate::dutch::weeks(n as f64)),
        norm,
        last_decision,
        trend,
        co_occurring: co_occurring(store, rules, id).await?,
        examples: example_signals(store, std::slice::from_ref(id), 3).await?,
    })
}

/// The evidence for one cluster as its agenda item would show it, whether or not it is on an
/// agenda: the latest promotion's labels and "waarom" of the past year.
pub async fn evidence(
    store: &Store,
    rules: &Catalog,
    cluster_id: &str,
    on: NaiveDate,
) -> anyhow::Result<Option<AgendaItem>> {
    let reviewed = reviewed_clusters(store, on).await?;
    let Some(cluster) = reviewed.iter().find(|c| c.cluster.id == cluster_id) else {
        return Ok(None);
    };
    let promotions = store
        .promotions(on - chrono::Duration::days(366), on)
        .await?;
    let latest = promotions.iter().find(|p| p.cluster_id == cluster_id);
    let labels = latest.map(reason_labels).unwrap_or_default();
    let summaries = store.cluster_summaries().await?;
    let item = build_item(store, rules, cluster, &summaries, labels, latest, on);
    Ok(Some(item.await?))
}

/// Signals per four-week period, the six periods up to and including `on`.
async fn trend(store: &Store, cluster_id: &str, on: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let start = on - chrono::Duration::days(6 * 28 - 1);
    let mut buckets = vec![0i64; 6];
    for day in store.cluster_signal_days(cluster_id, start, on).await? {
        let bucket = ((day - start).num_days() / 28).clamp(0, 5) as usize;
        buckets[bucket] += 1;
    }
    Ok(buckets)
}

/// The other barriers of this cluster's signals (their titles), most frequent first.
async fn co_occurring(
    store: &Store,
    rules: &Catalog,
    cluster_id: &str,
) -> anyhow::Result<Vec<String>> {
    Ok(store
        .cluster_co_occurrence(cluster_id, 5)
        .await?
        .into_iter()
        .map(|(barrier, n)| {
            let title = rules.title(&barrier);
            format!("{title} ({n})")
        })
        .collect())
}
