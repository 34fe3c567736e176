//! Werkroutes: a workaround or contact the overleg approves for a knelpunt, so a team that
//! reports the same barrier gets help at once. The overleg sets, changes or removes it on the
//! cluster page (every change kept and in the processing log); the text goes through the
//! same normalisation and personal-data check as a signal's, and is refused if the scrubber
//! finds anything. A team sees it on the form's confirmation when its signal matches the
//! knelpunt while that is confirmed.

use crate::{time, WebState};
use knooppunt_domain::envelope::Envelope;
use knooppunt_reports::free_text::{self, Refusal};
use knooppunt_reports::review::{standing, State as ReviewState};
use serde::Serialize;

/// Longest werkroute: a route or a contact, not a manual.
pub(crate) const MAX_WERKROUTE: usize = 1000;

/// The text to store (`None`: remove the werkroute), or why it is refused (Dutch, naming the
/// field, never echoing the text).
pub(crate) fn checked(text: &str) -> Result<Option<String>, String> {
    let text = free_text::checked(text, MAX_WERKROUTE).map_err(|refusal| match refusal {
        Refusal::TooLong(limit) => format!("Werkroute: {limit}"),
        Refusal::Personal(kinds) => format!(
            "Werkroute: bevat persoonsgegevens ({kinds}); noem een organisatie, loket of \
             functie, geen persoon, telefoonnummer, e-mailadres of adres"
        ),
    })?;
    Ok((!text.is_empty()).then_some(text))
}

/// A werkroute as shown: the text, who approved it and when (Dutch local time).
#[derive(Serialize, Clone)]
pub(crate) struct WerkrouteView {
    pub text: String,
    pub approved_by: String,
    pub approved_at: String,
}

/// What was typed in a refused werkroute form, and why it was refused.
#[derive(Default, Clone)]
pub(crate) struct Typed {
    pub text: String,
    pub error: String,
}

/// The cluster page's werkroute panel.
#[derive(Serialize)]
pub(crate) struct Panel {
    current: Option<WerkrouteView>,
    /// The text in the form: what was typed after a refusal, else the current text.
    text: String,
    error: Option<String>,
    /// How many times it was set, changed or removed.
    changes: usize,
    max: usize,
    /// The limit as the page writes it ("1.000").
    max_text: String,
}

async fn current(state: &WebState, cluster_id: &str) -> anyhow::Result<Option<WerkrouteView>> {
    Ok(state
        .store
        .werkroute(cluster_id)
        .await?
        .map(|w| WerkrouteView {
            text: w.text,
            approved_by: w.approved_by,
            approved_at: time::moment_at(w.approved_at),
        }))
}

pub(crate) async fn panel(
    state: &WebState,
    cluster_id: &str,
    typed: Option<Typed>,
) -> anyhow::Result<Panel> {
    let current = current(state, cluster_id).await?;
    let changes = state.store.werkroute_changes(cluster_id).await?.len();
    let (text, error) = match typed {
        Some(typed) => (typed.text, Some(typed.error)),
        None => (
            current.as_ref().map(|c| c.text.clone()).unwrap_or_default(),
            None,
        ),
    };
    Ok(Panel {
        current,
        text,
        error,
        changes,
        max: MAX_WERKROUTE,
        max_text: knooppunt_domain::dutch_number::count(MAX_WERKROUTE),
    })
}

/// A confirmed knelpunt's werkroute that a just-accepted signal matches.
#[derive(Serialize, Clone)]
pub(crate) struct Help {
    /// The barrier's title.
    pub title: String,
    pub area: String,
    #[serde(flatten)]
    pub werkroute: WerkrouteView,
}

/// The werkroutes of the confirmed knelpunten `envelope` would join: classified the way the
/// engine will, each cluster followed to the one it was merged into.
pub(crate) async fn help_for(state: &WebState, envelope: Envelope) -> anyhow::Result<Vec<Help>> {
    let today = knooppunt_ingest::today_nl();
    let classified = knooppunt_rules::engine::classify(&state.rules, envelope);
    let mut found: Vec<Help> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for found_match in &classified.matches {
        let mut id = found_match.cluster_id();
        // A merge chain is short; the bound keeps a corrupt cycle from looping.
        for _ in 0..8 {
            if seen.contains(&id) {
                break;
            }
            seen.push(id.clone());
            let Some(cluster) = state.store.cluster(&id).await? else {
                break;
            };
            let decisions = knooppunt_reports::review_store::decisions(&state.store, &id).await?;
            let now = standing(
                &decisions,
                cluster.signal_count,
                cluster.last_seen,
                false,
                today,
            );
            match (now.state, now.merged_into) {
                (ReviewState::Merged, Some(into)) => id = into,
                (ReviewState::Confirmed, _) => {
                    if let Some(werkroute) = current(state, &id).await? {
                        found.push(Help {
                            title: crate::mine::barrier_title(state, &cluster.barrier),
                            area: cluster.area.clone(),
                            werkroute,
                        });
                    }
                    break;
                }
                _ => break,
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_werkroute_is_normalised_and_refused_with_personal_data() {
        assert_eq!(checked("  \u{200b} ").unwrap(), None, "empty removes");
        assert_eq!(
            checked("Bel het Sociaal Wijkteam,\r\nvraag naar de schuldhulpcoach.").unwrap(),
            Some("Bel het Sociaal Wijkteam,\nvraag naar de schuldhulpcoach.".into())
        );
        let refused = checked("Bel Jan de Vries op 06-12345678").unwrap_err();
        assert!(
            refused.starts_with("Werkroute: bevat persoonsgegevens"),
            "{refused}"
        );
        assert!(!refused.contains("12345678"), "never echoes: {refused}");
        let long = "a".repeat(MAX_WERKROUTE + 1);
        assert!(checked(&long)
            .unwrap_err()
            .contains("hoogstens 1.000 tekens (nu 1.001)"));
        assert_eq!(knooppunt_domain::dutch_number::count(12345), "12.345");
        assert_eq!(knooppunt_domain::dutch_number::count(999), "999");
    }
}
