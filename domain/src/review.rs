//! The signaleringsoverleg's decisions on clusters: states, the transitions allowed between
//! them, and what a cluster's history (append-only) says about it now. Pure: no I/O.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who may do what. Checked by every page and route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Team or partner: submits signals and sees its own submissions.
    Indiener,
    /// Signaleringsoverleg: reviews the clusters of its areas.
    Overleg,
    /// Municipality: reads briefs and confirmed clusters, never signal text.
    Gemeente,
    /// Administrator: users, partner API tokens, rules, quarantine counts.
    Beheer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Indiener, Role::Overleg, Role::Gemeente, Role::Beheer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Indiener => "indiener",
            Role::Overleg => "overleg",
            Role::Gemeente => "gemeente",
            Role::Beheer => "beheer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Indiener => "Indiener (team of partner)",
            Role::Overleg => "Signaleringsoverleg",
            Role::Gemeente => "Gemeente",
            Role::Beheer => "Beheer",
        }
    }
}

/// Where a cluster stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not decided on yet.
    Open,
    /// Confirmed as a knelpunt: it goes into the brief.
    Bevestigd,
    /// Dismissed, with a reason.
    Afgewezen,
    /// Snoozed until a date, a number of new signals, or a spike.
    Geparkeerd,
    /// The knelpunt was solved.
    Opgelost,
    /// Merged into another cluster; its signals count there.
    Samengevoegd,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Bevestigd => "bevestigd",
            State::Afgewezen => "afgewezen",
            State::Geparkeerd => "geparkeerd",
            State::Opgelost => "opgelost",
            State::Samengevoegd => "samengevoegd",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            State::Open,
            State::Bevestigd,
            State::Afgewezen,
            State::Geparkeerd,
            State::Opgelost,
            State::Samengevoegd,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// When a snoozed cluster comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tot", rename_all = "lowercase")]
pub enum Snooze {
    /// Until a date.
    Datum { datum: NaiveDate },
    /// Until this many more signals arrived.
    Signalen { aantal: i64 },
    /// Until the cluster spikes (a spike promotion).
    Piek,
}

/// A decision, as the overleg takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "actie", rename_all = "lowercase")]
pub enum Action {
    Bevestigen,
    Afwijzen,
    Parkeren {
        snooze: Snooze,
    },
    Toewijzen {
        eigenaar: String,
        programma: String,
    },
    Notitie,
    /// What the overleg asks of the municipality for this knelpunt ("wat vragen we"); the
    /// brief shows the latest one.
    Aanbeveling,
    Samenvoegen {
        met: String,
    },
    /// Moves signals into clusters of their own: by a key, or the selected ones.
    Splitsen {
        op: Split,
    },
    Oplossen,
    Heropenen,
}

/// How a cluster is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "wijze", rename_all = "lowercase")]
pub enum Split {
    /// One cluster per organisation; the largest group stays.
    Organisatie,
    /// The selected signals, as (source, id), move to one new cluster.
    Signalen { signalen: Vec<(String, String)> },
    /// Recorded on a cluster that was split off: where its signals came from.
    Van { cluster: String },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Bevestigen => "bevestigen",
            Action::Afwijzen => "afwijzen",
            Action::Parkeren { .. } => "parkeren",
            Action::Toewijzen { .. } => "toewijzen",
            Action::Notitie => "notitie",
            Action::Aanbeveling => "aanbeveling",
            Action::Samenvoegen { .. } => "samenvoegen",
            Action::Splitsen { .. } => "splitsen",
            Action::Oplossen => "oplossen",
            Action::Heropenen => "heropenen",
        }
    }
}

/// Why a decision is not allowed; the message is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("'{action}' kan niet bij een cluster dat {state} is")]
    NotAllowed {
        action: &'static str,
        state: &'static str,
    },
    #[error("{0}: vul een reden in")]
    ReasonRequired(&'static str),
    #[error("samenvoegen: een cluster kan niet met zichzelf worden samengevoegd")]
    MergeWithItself,
    #[error("parkeren: het aantal signalen moet minstens 1 zijn")]
    SnoozeCount,
    #[error("toewijzen: vul de eigenaar (organisatie) in")]
    OwnerRequired,
    #[error("splitsen: kies de signalen die een eigen cluster krijgen")]
    NothingToSplit,
}

/// The state after `action` on a cluster in `state`; the single place transitions are defined.
///
/// | from \ action | bevestigen | afwijzen | parkeren | toewijzen/notitie | samenvoegen | oplossen | heropenen |
/// |---------------|-----------|----------|----------|-------------------|-------------|----------|-----------|
/// | open          | bevestigd | afgewezen| geparkeerd | (same)          | samengevoegd| –        | –         |
/// | bevestigd     | –         | afgewezen| geparkeerd | (same)          | samengevoegd| opgelost | –         |
/// | geparkeerd    | bevestigd | afgewezen| –        | (same)            | samengevoegd| –        | open      |
/// | afgewezen     | –         | –        | –        | notitie only      | –           | –        | open      |
/// | opgelost      | –         | –        | –        | notitie only      | –           | –        | open      |
/// | samengevoegd  | –         | –        | –        | –                 | –           | –        | –         |
///
/// Splitsen is allowed where samenvoegen is and keeps the state; the split-off clusters start
/// open (their first decision records where they came from).
pub fn transition(state: State, action: &Action, reason: &str) -> Result<State, DecisionError> {
    use State::*;
    let next = match (state, action) {
        (Open | Geparkeerd, Action::Bevestigen) => Bevestigd,
        (Open | Bevestigd | Geparkeerd, Action::Afwijzen) => {
            if reason.trim().is_empty() {
                return Err(DecisionError::ReasonRequired("afwijzen"));
            }
            Afgewezen
        }
        (Open | Bevestigd, Action::Parkeren { snooze }) => {
            if let Snooze::Signalen { aantal } = snooze {
                if *aantal < 1 {
                    return Err(DecisionError::SnoozeCount);
                }
            }
            Geparkeerd
        }
        (Open | Bevestigd | Geparkeerd, Action::Toewijzen { eigenaar, .. }) => {
            if eigenaar.trim().is_empty() {
                return Err(DecisionError::OwnerRequired);
            }
            state
        }
        (Samengevoegd, Action::Notitie | Action::Aanbeveling) => {
            return Err(DecisionError::NotAllowed {
                action: action.name(),
                state: state.as_str(),
            })
        }
        (_, Action::Notitie | Action::Aanbeveling) => {
            if reason.trim().is_empty() {
                return Err(DecisionError::ReasonRequired(action.name()));
            }
            state
        }
        (Open | Bevestigd | Geparkeerd, Action::Samenvoegen { .. }) => Samengevoegd,
        (Open | Bevestigd | Geparkeerd, Action::Splitsen { op }) => {
            if let Split::Signalen { signalen } = op {
                if signalen.is_empty() {
                    return Err(DecisionError::NothingToSplit);
                }
            }
            state
        }
        (Bevestigd, Action::Oplossen) => Opgelost,
        (Afgewezen | Opgelost | Geparkeerd, Action::Heropenen) => Open,
        _ => {
            return Err(DecisionError::NotAllowed {
                action: action.name(),
                state: state.as_str(),
            })
        }
    };
    Ok(next)
}

/// One recorded decision (a row of the append-only history).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub seq: i64,
    pub cluster_id: String,
    pub action: Action,
    pub state_after: State,
    pub actor: String,
    pub reason: String,
    /// The cluster's signal count when the decision was taken.
    pub signal_count: i64,
    pub decided_at: DateTime<Utc>,
}

/// What a cluster's history says about it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub state: State,
    /// Confirmed earlier, solved, and new signals arrived since: shown as *terug*.
    pub terug: bool,
    /// A snoozed cluster whose condition is met: back on the agenda.
    pub wakker: bool,
    pub merged_into: Option<String>,
    pub owner: Option<String>,
    pub programme: Option<String>,
    /// Signals that arrived since the last decision.
    pub grown: i64,
}

/// Derives a cluster's standing from its decisions (oldest first), its current signal count,
/// its last signal date, whether it spiked since the last decision, and today.
pub fn standing(
    decisions: &[Decision],
    signal_count: i64,
    last_seen: &str,
    spiked: bool,
    today: NaiveDate,
) -> Standing {
    let state = decisions.last().map_or(State::Open, |d| d.state_after);
    let mut standing = Standing {
        state,
        terug: false,
        wakker: false,
        merged_into: None,
        owner: None,
        programme: None,
        grown: 0,
    };
    for decision in decisions {
        match &decision.action {
            Action::Toewijzen {
                eigenaar,
                programma,
            } => {
                standing.owner = Some(eigenaar.clone());
                standing.programme = (!programma.trim().is_empty()).then(|| programma.clone());
            }
            Action::Samenvoegen { met } => standing.merged_into = Some(met.clone()),
            Action::Heropenen => standing.merged_into = None,
            _ => {}
        }
    }
    let Some(last) = decisions.last() else {
        return standing;
    };
    standing.grown = (signal_count - last.signal_count).max(0);
    match (&last.action, state) {
        (Action::Oplossen, State::Opgelost) => {
            // New signals after it was solved: the knelpunt is back.
            let solved_on = crate::dutch_time::local_day(&last.decided_at).to_string();
            standing.terug = signal_count > last.signal_count && last_seen > solved_on.as_str();
        }
        (Action::Parkeren { snooze }, State::Geparkeerd) => {
            standing.wakker = match snooze {
                Snooze::Datum { datum } => today >= *datum,
                Snooze::Signalen { aantal } => signal_count >= last.signal_count + aantal,
                Snooze::Piek => spiked,
            };
        }
        _ => {}
    }
    standing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(action: Action, state_after: State, count: i64, at: &str) -> Decision {
        Decision {
            seq: 0,
            cluster_id: "c".into(),
            action,
            state_after,
            actor: "overleg".into(),
            reason: String::new(),
            signal_count: count,
            decided_at: at.parse().unwrap(),
        }
    }

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn allowed_transitions() {
        use State::*;
        let park = Action::Parkeren {
            snooze: Snooze::Piek,
        };
        let merge = Action::Samenvoegen { met: "x".into() };
        let split = Action::Splitsen {
            op: Split::Organisatie,
        };
        let split_nothing = Action::Splitsen {
            op: Split::Signalen { signalen: vec![] },
        };
        let assign = Action::Toewijzen {
            eigenaar: "Haag Wonen".into(),
            programma: String::new(),
        };
        for (from, action, reason, to) in [
            (Open, &Action::Bevestigen, "", Ok(Bevestigd)),
            (Open, &Action::Afwijzen, "incident", Ok(Afgewezen)),
            (Open, &park, "", Ok(Geparkeerd)),
            (Open, &merge, "", Ok(Samengevoegd)),
            (Open, &assign, "", Ok(Open)),
            (Bevestigd, &split, "", Ok(Bevestigd)),
            (Geparkeerd, &split, "", Ok(Geparkeerd)),
            (
                Afgewezen,
                &split,
                "",
                Err(DecisionError::NotAllowed {
                    action: "splitsen",
                    state: "afgewezen",
                }),
            ),
            (Open, &split_nothing, "", Err(DecisionError::NothingToSplit)),
            (Bevestigd, &Action::Oplossen, "", Ok(Opgelost)),
            (Bevestigd, &park, "", Ok(Geparkeerd)),
            (Geparkeerd, &Action::Bevestigen, "", Ok(Bevestigd)),
            (Geparkeerd, &Action::Heropenen, "", Ok(Open)),
            (Opgelost, &Action::Heropenen, "", Ok(Open)),
            (Afgewezen, &Action::Heropenen, "", Ok(Open)),
            (Afgewezen, &Action::Notitie, "nagevraagd", Ok(Afgewezen)),
        ] {
            assert_eq!(transition(from, action, reason), to, "{from:?} {action:?}");
        }
    }

    #[test]
    fn refused_transitions_say_why_in_dutch() {
        use State::*;
        for (from, action) in [
            (Bevestigd, Action::Bevestigen),
            (Open, Action::Oplossen),
            (Afgewezen, Action::Bevestigen),
            (Opgelost, Action::Samenvoegen { met: "x".into() }),
            (Samengevoegd, Action::Heropenen),
            (Samengevoegd, Action::Notitie),
            (Open, Action::Heropenen),
            (
                Geparkeerd,
                Action::Parkeren {
                    snooze: Snooze::Piek,
                },
            ),
        ] {
            let err = transition(from, &action, "reden").unwrap_err();
            assert!(
                err.to_string().contains("kan niet bij een cluster dat"),
                "{err}"
            );
        }
        assert_eq!(
            transition(Open, &Action::Afwijzen, "  "),
            Err(DecisionError::ReasonRequired("afwijzen"))
        );
        assert_eq!(
            transition(
                Open,
                &Action::Parkeren {
                    snooze: Snooze::Signalen { aantal: 0 }
                },
                ""
            ),
            Err(DecisionError::SnoozeCount)
        );
        assert_eq!(
            transition(
                Open,
                &Action::Toewijzen {
                    eigenaar: " ".into(),
                    programma: "Armoede".into()
                },
                ""
            ),
            Err(DecisionError::OwnerRequired)
        );
    }

    #[test]
    fn a_solved_cluster_with_new_signals_is_back() {
        let history = vec![
            decision(
                Action::Bevestigen,
                State::Bevestigd,
                6,
                "2026-07-01T10:00:00Z",
            ),
            decision(Action::Oplossen, State::Opgelost, 8, "2026-09-01T10:00:00Z"),
        ];
        let today = day("2026-11-01");
        assert!(!standing(&history, 8, "2026-08-30", false, today).terug);
        assert!(standing(&history, 9, "2026-10-02", false, today).terug);
        let s = standing(&history, 9, "2026-10-02", false, today);
        assert_eq!(s.state, State::Opgelost);
        assert_eq!(s.grown, 1, "one signal since it was solved");
    }

    #[test]
    fn snoozes_wake_on_date_count_or_spike() {
        let at = "2026-09-01T10:00:00Z";
        let by_date = vec![decision(
            Action::Parkeren {
                snooze: Snooze::Datum {
                    datum: day("2026-10-01"),
                },
            },
            State::Geparkeerd,
            5,
            at,
        )];
        assert!(!standing(&by_date, 5, "2026-09-01", false, day("2026-09-30")).wakker);
        assert!(standing(&by_date, 5, "2026-09-01", false, day("2026-10-01")).wakker);
        let by_count = vec![decision(
            Action::Parkeren {
                snooze: Snooze::Signalen { aantal: 3 },
            },
            State::Geparkeerd,
            5,
            at,
        )];
        assert!(!standing(&by_count, 7, "2026-09-20", false, day("2026-10-01")).wakker);
        assert!(standing(&by_count, 8, "2026-09-20", false, day("2026-10-01")).wakker);
        let by_spike = vec![decision(
            Action::Parkeren {
                snooze: Snooze::Piek,
            },
            State::Geparkeerd,
            5,
            at,
        )];
        assert!(!standing(&by_spike, 9, "2026-09-20", false, day("2026-10-01")).wakker);
        assert!(standing(&by_spike, 9, "2026-09-20", true, day("2026-10-01")).wakker);
    }

    #[test]
    fn owner_and_merge_follow_the_history() {
        let history = vec![
            decision(
                Action::Toewijzen {
                    eigenaar: "Haag Wonen".into(),
                    programma: "Wonen".into(),
                },
                State::Open,
                5,
                "2026-09-01T10:00:00Z",
            ),
            decision(
                Action::Samenvoegen {
                    met: "other".into(),
                },
                State::Samengevoegd,
                5,
                "2026-09-02T10:00:00Z",
            ),
        ];
        let s = standing(&history, 5, "2026-09-01", false, day("2026-10-01"));
        assert_eq!(s.owner.as_deref(), Some("Haag Wonen"));
        assert_eq!(s.programme.as_deref(), Some("Wonen"));
        assert_eq!(s.merged_into.as_deref(), Some("other"));
        assert_eq!(s.state, State::Samengevoegd);
    }
}
