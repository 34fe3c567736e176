//! "Mijn signalen": something back for every signal a team sent — when it was received, what
//! it was recognised as (barrier titles), the knelpunt it is part of and that knelpunt's state,
//! and the brief it counts in once confirmed (with the werkroute the overleg approved for it).
//! Twenty per page, newest first, Dutch dates.

use crate::accounts::User;
use crate::error::WebError;
use crate::extract::{SignedIn, Submitters};
use crate::{time, WebState};
use axum::response::Response;
use chrono::NaiveDate;
use knooppunt_reports::review::State as ReviewState;
use knooppunt_reports::review_store::{self, ReviewedCluster};
use knooppunt_reports::Quarter;
use knooppunt_store::team_signals::Membership;
use serde::Serialize;
use std::collections::HashMap;

pub(crate) const PER_PAGE: i64 = 20;

/// What became of a knelpunt, in the team's words.
fn state_words(state: ReviewState, promoted: bool) -> &'static str {
    match state {
        ReviewState::Open if promoted => "op de agenda van het overleg",
        ReviewState::Open => "verzameld; nog niet op de agenda",
        ReviewState::Confirmed => "bevestigd als knelpunt",
        ReviewState::Dismissed => "besproken, niet als knelpunt aangemerkt",
        ReviewState::Parked => "geparkeerd door het overleg",
        ReviewState::Solved => "opgelost",
        ReviewState::Merged => "samengevoegd met een ander knelpunt",
    }
}

pub(crate) async fn view(me: &SignedIn<Submitters>, page_no: i64) -> Result<Response, WebError> {
    let data = data(&me.state, &me.user, page_no).await?;
    me.page("signalen", "Mijn signalen", &data)
}

/// A knelpunt a signal is part of, and what became of it.
#[derive(Serialize)]
struct KnelpuntView {
    title: String,
    area: String,
    /// "12 signalen", or "minder dan 5 signalen": a team reads no small count of other
    /// teams' signals here either.
    signals: String,
    state: &'static str,
    /// While it waits for the agenda: when it gets there ("zodra er in 8 weken …").
    until_agenda: Option<String>,
    /// The brief it counts in ("3e kwartaal 2026"), once confirmed.
    brief: Option<String>,
    /// The werkroute the overleg approved, while the knelpunt is confirmed.
    werkroute: Option<String>,
    #[serde(skip)]
    cluster_id: String,
    #[serde(skip)]
    confirmed: bool,
}

#[derive(Serialize)]
struct SignalView {
    /// The signal's id: the kenmerk the form confirmed it with.
    id: String,
    observed_on: String,
    received: String,
    area: String,
    text: String,
    recognised: Vec<String>,
    knelpunten: Vec<KnelpuntView>,
}

#[derive(Serialize)]
struct MinePage {
    /// The team as pages show it: its name in the register, else its code.
    source: String,
    signals: Vec<SignalView>,
    total: i64,
    page: i64,
    pages: i64,
    previous: Option<i64>,
    next: Option<i64>,
}

/// What the page knows of the clusters: their standing and whether they were promoted.
struct Knowledge<'a> {
    state: &'a WebState,
    reviewed: Vec<ReviewedCluster>,
    promoted: Vec<String>,
    /// Per cluster, how many of the team's own signals count in it (merged ones included).
    own: HashMap<String, i64>,
    /// Per cluster, its signals with those of the clusters merged into it.
    counted: HashMap<String, i64>,
    /// Per cluster, the one its signals count in ([`review_store::merge_targets`]).
    targets: HashMap<String, String>,
}

/// A knelpunt's signals in words, below the minimum group size without the number. The team
/// knows `own` of them (its own signals there), so a total that would tell how many the
/// others sent, when that is 1 to the minimum − 1, is said without it.
fn signal_count(count: i64, own: i64, min_group_size: i64) -> String {
    let others = count - own;
    if count < min_group_size {
        format!("minder dan {min_group_size} signalen")
    } else if others > 0 && others < min_group_size {
        format!(
            "{} van uw team en minder dan {min_group_size} van anderen",
            knooppunt_reports::dutch::signals(own)
        )
    } else {
        knooppunt_reports::dutch::signals(count)
    }
}

/// A barrier's title (its id when the rule set no longer has it).
pub(crate) fn barrier_title(state: &WebState, barrier: &str) -> String {
    state.rules.title(barrier)
}

impl Knowledge<'_> {
    fn title(&self, barrier: &str) -> String {
        barrier_title(self.state, barrier)
    }

    /// When a cluster of `barrier` goes on the agenda, by the rule set's criteria for it.
    fn agenda_threshold(&self, barrier: &str) -> Option<String> {
        use knooppunt_domain::promotion::CriteriaSource;
        let criteria = self.state.rules.promotion_criteria();
        let (_, criteria) = criteria.iter().find(|(id, _)| *id == barrier)?;
        Some(criteria.agenda_threshold())
    }

    fn knelpunt(&self, membership: &Membership, observed_on: NaiveDate) -> Option<KnelpuntView> {
        // A merged knelpunt lives on in the one it was merged into.
        let member = membership.cluster_id.as_deref()?;
        let target = self.targets.get(member).map_or(member, String::as_str);
        let cluster = self.reviewed.iter().find(|r| r.cluster.id == target)?;
        let cluster_id = cluster.cluster.id.as_str();
        let standing = &cluster.standing;
        let counted = matches!(standing.state, ReviewState::Confirmed | ReviewState::Solved);
        let promoted = self.promoted.iter().any(|p| p == cluster_id);
        let until_agenda = (standing.state == ReviewState::Open && !promoted)
            .then(|| self.agenda_threshold(&cluster.cluster.barrier))
            .flatten();
        Some(KnelpuntView {
            title: self.title(&membership.barrier),
            area: cluster.cluster.area.clone(),
            signals: signal_count(
                self.counted
                    .get(cluster_id)
                    .copied()
                    .unwrap_or(cluster.cluster.signal_count),
                self.own.get(cluster_id).copied().unwrap_or(0),
                self.state.min_group_size,
            ),
            state: state_words(standing.state, promoted),
            until_agenda,
            brief: counted.then(|| Quarter::containing(observed_on).dutch_label()),
            werkroute: None,
            cluster_id: cluster_id.to_string(),
            confirmed: standing.state == ReviewState::Confirmed,
        })
    }
}

async fn data(state: &WebState, user: &User, page_no: i64) -> anyhow::Result<MinePage> {
    let today = knooppunt_ingest::today_nl();
    let total = state.store.source_signal_count(&user.source).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page_no = page_no.clamp(1, pages);
    let stored = state
        .store
        .source_signals(&user.source, PER_PAGE, (page_no - 1) * PER_PAGE)
        .await?;
    let reviewed = review_store::reviewed_clusters(&state.store, today).await?;
    // Counted where they count: a cluster merged into another counts there, the team's own
    // signals in it too.
    let targets = review_store::merge_targets(&reviewed);
    let mut own: HashMap<String, i64> = HashMap::new();
    for share in state.store.source_cluster_counts(&user.source).await? {
        let target = targets.get(&share.cluster_id).cloned();
        *own.entry(target.unwrap_or(share.cluster_id)).or_default() += share.signals;
    }
    let knowledge = Knowledge {
        state,
        counted: review_store::counted_in(&reviewed, &targets),
        targets,
        reviewed,
        promoted: state
            .store
            .promotions(today - chrono::Duration::days(366), today)
            .await?
            .into_iter()
            .map(|p| p.cluster_id)
            .collect(),
        own,
    };
    let mut signals = Vec::new();
    // Werkroutes of the confirmed knelpunten on this page, each read once.
    let mut werkroutes: HashMap<String, Option<String>> = HashMap::new();
    for signal in stored {
        let memberships = state
            .store
            .signal_clusters(&user.source, &signal.id)
            .await?;
        let mut knelpunten: Vec<KnelpuntView> = memberships
            .iter()
            .filter_map(|m| knowledge.knelpunt(m, signal.observed_on))
            .collect();
        for knelpunt in knelpunten.iter_mut().filter(|k| k.confirmed) {
            if !werkroutes.contains_key(&knelpunt.cluster_id) {
                let found = state.store.werkroute(&knelpunt.cluster_id).await?;
                werkroutes.insert(knelpunt.cluster_id.clone(), found.map(|w| w.text));
            }
            knelpunt.werkroute = werkroutes.get(&knelpunt.cluster_id).cloned().flatten();
        }
        signals.push(SignalView {
            observed_on: time::day(signal.observed_on),
            received: time::moment_at(signal.stored_at),
            recognised: signal.barriers.iter().map(|b| knowledge.title(b)).collect(),
            knelpunten,
            area: signal.area,
            text: signal.text,
            id: signal.id,
        });
    }
    Ok(MinePage {
        source: knooppunt_domain::register::active().source_name(&user.source),
        signals,
        total,
        page: page_no,
        pages,
        previous: (page_no > 1).then(|| page_no - 1),
        next: (page_no < pages).then(|| page_no + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::signal_count;

    #[test]
    fn a_small_knelpunt_shows_no_count() {
        assert_eq!(signal_count(3, 0, 5), "minder dan 5 signalen");
        assert_eq!(signal_count(5, 0, 5), "5 signalen");
        assert_eq!(signal_count(1, 0, 1), "1 signaal");
    }

    #[test]
    fn a_count_that_would_tell_how_few_others_sent_is_not_shown() {
        // Seven, five of them the team's own: two from others is a small count.
        assert_eq!(
            signal_count(7, 5, 5),
            "5 signalen van uw team en minder dan 5 van anderen"
        );
        // All the team's own, or five or more from others: the total says nothing small.
        assert_eq!(signal_count(7, 7, 5), "7 signalen");
        assert_eq!(signal_count(12, 7, 5), "12 signalen");
    }
}
