//! The overleg's cluster page: the same evidence as its agenda item, one panel per decision
//! (no default action; a refused panel reopens with what was typed and the reason), the
//! history with names instead of ids, vignettes with their approved state, and an undo for
//! the last decision of today's meeting.

use crate::accounts::User;
use crate::decision_form::DecisionForm;
use crate::error::WebError;
use crate::extract::{Reviewers, SignedIn};
use crate::label_history::{CorrectionRow, Notice};
use crate::labels::BarrierChoice;
use crate::time;
use crate::WebState;
use axum::http::StatusCode;
use axum::response::Response;
use knooppunt_domain::cluster::{ClusterRow, ClusterSummary};
use knooppunt_domain::envelope::partition_key;
use knooppunt_reports::agenda::AgendaItem;
use knooppunt_reports::dutch;
use knooppunt_reports::review::{Action, Decision, Snooze, Split, Standing, State as ReviewState};
use knooppunt_reports::review_store::{self, ReviewedCluster};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a refused decision panel shows again: the action, the fields typed, and why.
#[derive(Default)]
pub(crate) struct Refused {
    pub action: String,
    pub fields: PanelFields,
    pub error: String,
    /// A refused werkroute: what was typed and why.
    pub werkroute: Option<crate::werkroute::Typed>,
    /// A refused vignette: the signal and the text the overleg typed for it.
    pub vignette: Option<VignetteTyped>,
    /// A refused recognition correction: said at the signal's form too.
    pub label: Option<LabelRefused>,
}

/// A recognition correction refused for a signal, shown again at its form.
pub(crate) struct LabelRefused {
    pub source: String,
    pub signal: String,
    pub error: String,
}

/// The vignette text typed for a signal, shown again in its form after a refusal.
pub(crate) struct VignetteTyped {
    pub source: String,
    pub signal: String,
    pub text: String,
}

/// The fields of a decision panel as they were typed.
#[derive(Serialize, Default, Clone)]
pub(crate) struct PanelFields {
    reason: String,
    date: String,
    count: String,
    owner: String,
    programme: String,
    until_date: bool,
    until_signals: bool,
    until_spike: bool,
    by_organisation: bool,
    by_signals: bool,
}

/// One decision panel: closed and empty, or reopened after a refusal.
#[derive(Serialize, Default)]
struct Panel {
    /// Whether the cluster's state allows the action (a refused one stays, to show why).
    offered: bool,
    open: bool,
    error: String,
    fields: PanelFields,
}

/// The decisions, each with its own panel.
const ACTIONS: [&str; 10] = [
    "bevestigen",
    "afwijzen",
    "parkeren",
    "toewijzen",
    "samenvoegen",
    "splitsen",
    "notitie",
    "aanbeveling",
    "oplossen",
    "heropenen",
];

#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
}

/// A decision's details in words, with the cluster it names as a link.
#[derive(Serialize)]
struct Details {
    text: String,
    link: Option<Link>,
}

#[derive(Serialize)]
struct HistoryRow {
    when: String,
    action: &'static str,
    state: &'static str,
    actor: String,
    reason: String,
    count: i64,
    details: Details,
}

/// Another cluster, by id and in words.
#[derive(Serialize)]
struct Named {
    id: String,
    text: String,
}

/// A sibling cluster (same barrier) to merge with.
#[derive(Serialize)]
struct Other {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct Example {
    source: String,
    id: String,
    text: String,
    area: String,
    observed_on: String,
    approved: bool,
    /// The approved vignette in the overleg's own words, if it rewrote the text.
    edited: Option<String>,
    /// The text in the vignette form: the signal's, or what was typed before a refusal.
    form_text: String,
    /// Whether the form's text box is open (after a refusal of a typed text).
    form_open: bool,
    /// What in the text can make someone recognisable ("leeftijd („39”), …"); empty if
    /// nothing was found.
    identifying: String,
    /// How the cluster's barrier was found in it ("herkend door het model (zekerheid …)").
    herkend: String,
    /// The signal's id as the history names it ("9f3a61c0…").
    kenmerk: String,
    /// Why a correction of this signal was refused.
    label_error: Option<String>,
}

#[derive(Serialize)]
struct Undo {
    action: &'static str,
}

#[derive(Serialize)]
struct ClusterPage {
    cluster: ClusterRow,
    label: String,
    first_seen: String,
    last_seen: String,
    standing: Standing,
    merged_into: Option<Named>,
    kader: Option<String>,
    item: Option<AgendaItem>,
    history: Vec<HistoryRow>,
    split_off: Vec<Named>,
    /// Clusters merged into this one: their signals count here now.
    merged_here: Vec<Named>,
    examples: Vec<Example>,
    /// Said when the cluster holds more signals than the page shows.
    examples_note: Option<String>,
    others: Vec<Other>,
    panels: BTreeMap<&'static str, Panel>,
    error: Option<String>,
    flash: Option<Notice>,
    undo: Option<Undo>,
    /// The recognition corrections made here or that added a signal here.
    corrections: Vec<CorrectionRow>,
    /// The barriers a signal here can also belong to: all but this cluster's.
    ook_choices: Vec<BarrierChoice>,
    werkroute: crate::werkroute::Panel,
}

/// "Laak — 12 signalen, 3 bronnen, sinds 03-09-2026": a cluster told apart from its siblings.
fn cluster_label(cluster: &ReviewedCluster, sources: Option<i64>) -> String {
    let mut label = cluster.cluster.area.clone();
    if !cluster.cluster.organisation.is_empty() {
        if !label.is_empty() {
            label.push_str(" / ");
        }
        label.push_str(&cluster.cluster.organisation);
    }
    if label.is_empty() {
        label = "zonder wijk".into();
    }
    let count = cluster.cluster.signal_count;
    let mut text = format!(
        "{label} — {count} {}",
        if count == 1 { "signaal" } else { "signalen" }
    );
    if let Some(sources) = sources {
        text.push_str(&format!(
            ", {sources} {}",
            if sources == 1 { "bron" } else { "bronnen" }
        ));
    }
    text.push_str(&format!(
        ", sinds {}",
        time::day(cluster.cluster.first_seen)
    ));
    text
}

/// The details of a decision in words, with the clusters it names as links.
fn details(decision: &Decision, name: &dyn Fn(&str) -> Option<String>) -> Details {
    let link = |id: &str| {
        Some(Link {
            href: format!("/clusters/{id}"),
            text: name(id).unwrap_or_else(|| "een ander cluster".into()),
        })
    };
    let (text, link) = match &decision.action {
        Action::Park { snooze } => (
            match snooze {
                Snooze::Date { date } => format!("tot {}", time::day(*date)),
                Snooze::Signals { count } => format!(
                    "tot {} nieuwe signalen",
                    knooppunt_domain::dutch_number::count(usize::try_from(*count).unwrap_or(0))
                ),
                Snooze::Spike => "tot een piek".into(),
            },
            None,
        ),
        Action::Assign { owner, programme } if programme.is_empty() => {
            (format!("eigenaar {owner}"), None)
        }
        Action::Assign { owner, programme } => {
            (format!("eigenaar {owner}, programma {programme}"), None)
        }
        Action::Merge { with } => ("samengevoegd met".into(), link(with)),
        Action::Split {
            how: Split::From { cluster },
        } => ("afgesplitst van".into(), link(cluster)),
        Action::Split {
            how: Split::ByOrganisation,
        } => ("per organisatie".into(), None),
        Action::Split {
            how: Split::Signals { signals },
        } => (format!("{} gekozen signalen apart", signals.len()), None),
        _ => (String::new(), None),
    };
    Details { text, link }
}

pub(crate) async fn cluster_view(
    me: &SignedIn<Reviewers>,
    id: &str,
    refused: Option<Refused>,
    flash: Option<Notice>,
) -> Result<Response, WebError> {
    let Some((title, data)) = cluster_data(&me.state, &me.user, id, refused, flash).await? else {
        return Err(WebError::NotFound(
            "Dit cluster bestaat niet of hoort niet bij uw wijken.",
        ));
    };
    me.page("cluster", &title, &data)
}

/// What the page knows of the clusters the member may see.
struct Context<'a> {
    state: &'a WebState,
    user: &'a User,
    reviewed: Vec<ReviewedCluster>,
    summaries: Vec<ClusterSummary>,
}

impl Context<'_> {
    fn sources(&self, id: &str) -> Option<i64> {
        self.summaries
            .iter()
            .find(|s| s.cluster.id == id)
            .map(|s| s.sources)
    }

    fn title(&self, c: &ReviewedCluster) -> String {
        self.state.rules.title(&c.cluster.barrier)
    }

    fn visible(&self, c: &ReviewedCluster) -> bool {
        self.user.covers_area(&partition_key(&c.cluster.area))
    }

    /// A name for an id, only for clusters the member may see.
    fn name(&self, id: &str) -> Option<String> {
        self.reviewed
            .iter()
            .find(|c| c.cluster.id == id && self.visible(c))
            .map(|c| format!("{} — {}", self.title(c), cluster_label(c, self.sources(id))))
    }

    fn named(&self, id: &str) -> Named {
        Named {
            id: id.to_string(),
            text: self.name(id).unwrap_or_else(|| "een ander cluster".into()),
        }
    }
}

/// The history, oldest first, and the undo for today's last decision.
fn history(context: &Context<'_>, decisions: &[Decision]) -> (Vec<HistoryRow>, Option<Undo>) {
    let today = knooppunt_ingest::today_nl();
    let label = |d: &Decision| d.action.label();
    let undo = decisions
        .last()
        .filter(|d| dutch::local_day(&d.decided_at) == today)
        .filter(|d| !matches!(d.action, Action::Split { .. }))
        .map(|d| Undo { action: label(d) });
    let rows = decisions
        .iter()
        .map(|d| HistoryRow {
            when: time::moment_at(d.decided_at),
            action: label(d),
            state: d.state_after.as_str(),
            actor: knooppunt_domain::review::actor_label(&d.actor),
            reason: d.reason.clone(),
            count: d.signal_count,
            details: details(d, &|id| context.name(id)),
        })
        .collect();
    (rows, undo)
}

/// How many of a cluster's signals its page shows (the newest), each with its labels and its
/// vignette form; the page says so when the cluster holds more.
const SIGNALS_SHOWN: i64 = 50;

/// "De 50 nieuwste van de 73 signalen staan hieronder.", when the page shows only part.
fn shown_note(shown: usize, total: i64) -> Option<String> {
    let shown = i64::try_from(shown).unwrap_or(i64::MAX);
    (total > shown).then(|| {
        format!(
            "De {shown} nieuwste van de {} signalen staan hieronder; de oudere tellen gewoon mee.",
            knooppunt_domain::dutch_number::count(usize::try_from(total).unwrap_or(0))
        )
    })
}

/// The cluster's signals (scrubbed), newest first, with their vignette approval; the form of
/// a refused vignette keeps what was typed, a refused correction is said at its signal.
async fn examples(
    state: &WebState,
    id: &str,
    (retry, label): (Option<&VignetteTyped>, Option<&LabelRefused>),
) -> anyhow::Result<Vec<Example>> {
    let mut examples =
        review_store::example_signals(&state.store, &[id.to_string()], SIGNALS_SHOWN).await?;
    examples.sort_by_key(|e| std::cmp::Reverse(e.observed_on));
    let approved = state.store.approved_vignettes(id).await?;
    Ok(examples
        .into_iter()
        .map(|e| {
            let approval = approved
                .iter()
                .find(|(s, i, _)| s == &e.source && i == &e.id);
            let typed = retry
                .filter(|t| t.source == e.source && t.signal == e.id)
                .map(|t| t.text.clone());
            let form_open = typed.is_some();
            let label_error = label
                .filter(|l| l.source == e.source && l.signal == e.id)
                .map(|l| l.error.clone());
            let form_text = typed.unwrap_or_else(|| e.text.clone());
            Example {
                approved: approval.is_some(),
                edited: approval.and_then(|(_, _, edited)| edited.clone()),
                identifying: knooppunt_domain::vignette::describe_nl(
                    &knooppunt_domain::vignette::identifying_details(&form_text),
                ),
                form_text,
                form_open,
                kenmerk: knooppunt_domain::labels::short_kenmerk(&e.id),
                observed_on: time::day(e.observed_on),
                source: e.source,
                id: e.id,
                text: e.text,
                area: e.area,
                herkend: e.herkend,
                label_error,
            }
        })
        .collect())
}

/// Clusters split off from this one: their first decision says where they came from.
async fn split_off(context: &Context<'_>, id: &str) -> anyhow::Result<Vec<Named>> {
    let all = review_store::all_decisions(&context.state.store).await?;
    Ok(all
        .iter()
        .filter(|(_, list)| {
            list.first().is_some_and(|d| {
                matches!(&d.action, Action::Split { how: Split::From { cluster } } if cluster == id)
            })
        })
        .filter_map(|(cid, _)| {
            context.name(cid).map(|text| Named {
                id: cid.clone(),
                text,
            })
        })
        .collect())
}

/// Every panel the cluster's state allows, closed, but the refused one open with what was
/// typed and why.
fn panels(refused: &Refused, state: ReviewState) -> BTreeMap<&'static str, Panel> {
    ACTIONS
        .iter()
        .map(|action| {
            let offered = knooppunt_domain::review::offers(state, action);
            let panel = if *action == refused.action {
                Panel {
                    offered: true,
                    open: true,
                    error: refused.error.clone(),
                    fields: refused.fields.clone(),
                }
            } else {
                Panel {
                    offered,
                    ..Panel::default()
                }
            };
            (*action, panel)
        })
        .collect()
}

async fn cluster_data(
    state: &WebState,
    user: &User,
    id: &str,
    refused: Option<Refused>,
    flash: Option<Notice>,
) -> Result<Option<(String, ClusterPage)>, WebError> {
    let today = knooppunt_ingest::today_nl();
    let context = Context {
        state,
        user,
        reviewed: review_store::reviewed_clusters(&state.store, today).await?,
        summaries: state.store.cluster_summaries().await?,
    };
    let Some(cluster) = context
        .reviewed
        .iter()
        .find(|c| c.cluster.id == id && context.visible(c))
    else {
        return Ok(None);
    };
    let (history, undo) = history(&context, &review_store::decisions(&state.store, id).await?);
    let others = context
        .reviewed
        .iter()
        .filter(|c| {
            c.cluster.id != id
                && c.cluster.barrier == cluster.cluster.barrier
                && c.standing.state != ReviewState::Merged
                && context.visible(c)
        })
        .map(|c| Other {
            id: c.cluster.id.clone(),
            label: cluster_label(c, context.sources(&c.cluster.id)),
        })
        .collect();
    let barrier = state.rules.barrier(&cluster.cluster.barrier);
    let mut refused = refused.unwrap_or_default();
    let werkroute = crate::werkroute::panel(state, id, refused.werkroute.take()).await?;
    let retry = (refused.vignette.as_ref(), refused.label.as_ref());
    let examples = examples(state, id, retry).await?;
    let mut shown = cluster.cluster.clone();
    // A cluster others were merged into counts their signals too.
    if cluster.standing.state != ReviewState::Merged {
        let counted = review_store::counted_signals(&context.reviewed);
        shown.signal_count = counted.get(id).copied().unwrap_or(shown.signal_count);
    }
    let page = ClusterPage {
        cluster: shown,
        label: cluster_label(cluster, context.sources(id)),
        first_seen: time::day(cluster.cluster.first_seen),
        last_seen: time::day(cluster.cluster.last_seen),
        standing: cluster.standing.clone(),
        merged_into: cluster
            .standing
            .merged_into
            .as_deref()
            .map(|m| context.named(m)),
        kader: barrier.map(|b| b.kader.clone()),
        item: knooppunt_reports::agenda::evidence(&state.store, &state.catalog, id, today).await?,
        history,
        split_off: split_off(&context, id).await?,
        merged_here: context
            .reviewed
            .iter()
            .filter(|c| c.standing.merged_into.as_deref() == Some(id) && context.visible(c))
            .map(|c| context.named(&c.cluster.id))
            .collect(),
        examples_note: shown_note(examples.len(), cluster.cluster.signal_count),
        examples,
        others,
        panels: panels(&refused, cluster.standing.state),
        error: (refused.action.is_empty() && !refused.error.is_empty()).then_some(refused.error),
        flash,
        undo,
        werkroute,
        corrections: crate::label_history::corrections(state, id).await?,
        ook_choices: crate::labels::barrier_choices(&state.rules, Some(&cluster.cluster.barrier)),
    };
    Ok(Some((context.title(cluster), page)))
}

/// The cluster page again after a refused decision: the same panel open, with what was typed
/// and the reason it was refused.
pub(crate) async fn refused_view(
    me: &SignedIn<Reviewers>,
    id: &str,
    form: &DecisionForm,
    error: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let refused = Refused {
        action: ACTIONS
            .iter()
            .find(|a| **a == form.action)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        fields: PanelFields {
            reason: form.reason.clone(),
            date: form.date.clone(),
            count: form.count.clone(),
            owner: form.owner.clone(),
            programme: form.programme.clone(),
            until_date: form.until == "datum",
            until_signals: form.until == "signalen",
            until_spike: form.until == "piek",
            by_organisation: form.split_by == "organisatie",
            by_signals: form.split_by == "signalen",
        },
        error,
        werkroute: None,
        vignette: None,
        label: None,
    };
    let page = cluster_view(me, id, Some(refused), None).await;
    crate::render::with_status(status, page)
}

#[cfg(test)]
mod tests {
    use super::shown_note;

    #[test]
    fn the_page_says_when_it_shows_only_the_newest_signals() {
        assert_eq!(shown_note(19, 19), None);
        assert_eq!(
            shown_note(50, 1234).as_deref(),
            Some("De 50 nieuwste van de 1.234 signalen staan hieronder; de oudere tellen gewoon mee.")
        );
    }
}
