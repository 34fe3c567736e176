//! The signaleringsoverleg's decisions on clusters: states, the transitions allowed between
//! them, and what a cluster's history (append-only) says about it now. Pure: no I/O.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who may do what. Checked by every page and route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Team or partner (*indiener*): submits signals and sees its own submissions.
    Submitter,
    /// The signaleringsoverleg: reviews the clusters of its areas.
    Reviewer,
    /// The municipality (*gemeente*): reads briefs and confirmed clusters, never signal text.
    Municipality,
    /// Administrator (*beheer*): users, partner API tokens, rules, quarantine counts.
    Admin,
}

crate::named::stored_names!(Role {
    Submitter => "indiener",
    Reviewer => "overleg",
    Municipality => "gemeente",
    Admin => "beheer",
});

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        Self::from_name(text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Submitter => "Indiener (team of partner)",
            Role::Reviewer => "Signaleringsoverleg",
            Role::Municipality => "Gemeente",
            Role::Admin => "Beheer",
        }
    }
}

/// Where a cluster stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Not decided on yet.
    Open,
    /// Confirmed as a knelpunt: it goes into the brief.
    Confirmed,
    /// Dismissed, with a reason.
    Dismissed,
    /// Snoozed until a date, a number of new signals, or a spike.
    Parked,
    /// The knelpunt was solved.
    Solved,
    /// Merged into another cluster; its signals count there.
    Merged,
}

crate::named::stored_names!(State {
    Open => "open",
    Confirmed => "bevestigd",
    Dismissed => "afgewezen",
    Parked => "geparkeerd",
    Solved => "opgelost",
    Merged => "samengevoegd",
});

/// When a snoozed cluster comes back. Stored and posted with Dutch names (`tot`: `datum`,
/// `signalen`, `piek`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tot")]
pub enum Snooze {
    /// Until a date.
    #[serde(rename = "datum")]
    Date {
        #[serde(rename = "datum")]
        date: NaiveDate,
    },
    /// Until this many more signals arrived.
    #[serde(rename = "signalen")]
    Signals {
        #[serde(rename = "aantal")]
        count: i64,
    },
    /// Until the cluster spikes (a spike promotion).
    #[serde(rename = "piek")]
    Spike,
}

/// A decision, as the overleg takes it. Stored with Dutch names (`actie`: `bevestigen`, …),
/// which are also the action names the forms post and the events carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "actie")]
pub enum Action {
    #[serde(rename = "bevestigen")]
    Confirm,
    #[serde(rename = "afwijzen")]
    Dismiss,
    #[serde(rename = "parkeren")]
    Park { snooze: Snooze },
    #[serde(rename = "toewijzen")]
    Assign {
        #[serde(rename = "eigenaar")]
        owner: String,
        #[serde(rename = "programma")]
        programme: String,
    },
    #[serde(rename = "notitie")]
    Note,
    /// What the overleg asks of the municipality for this knelpunt ("wat vragen we"); the
    /// brief shows the latest one.
    #[serde(rename = "aanbeveling")]
    Recommend,
    #[serde(rename = "samenvoegen")]
    Merge {
        #[serde(rename = "met")]
        with: String,
    },
    /// Moves signals into clusters of their own: by a key, or the selected ones.
    #[serde(rename = "splitsen")]
    Split {
        #[serde(rename = "op")]
        how: Split,
    },
    #[serde(rename = "oplossen")]
    Solve,
    #[serde(rename = "heropenen")]
    Reopen,
}

/// How a cluster is split (stored as `wijze`: `organisatie`, `signalen`, `van`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "wijze")]
pub enum Split {
    /// One cluster per organisation; the largest group stays.
    #[serde(rename = "organisatie")]
    ByOrganisation,
    /// The selected signals, as (source, id), move to one new cluster.
    #[serde(rename = "signalen")]
    Signals {
        #[serde(rename = "signalen")]
        signals: Vec<(String, String)>,
    },
    /// Recorded on a cluster that was split off: where its signals came from.
    #[serde(rename = "van")]
    From { cluster: String },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Confirm => "bevestigen",
            Action::Dismiss => "afwijzen",
            Action::Park { .. } => "parkeren",
            Action::Assign { .. } => "toewijzen",
            Action::Note => "notitie",
            Action::Recommend => "aanbeveling",
            Action::Merge { .. } => "samenvoegen",
            Action::Split { .. } => "splitsen",
            Action::Solve => "oplossen",
            Action::Reopen => "heropenen",
        }
    }

    /// The decision as the pages name it once taken ("bevestigd als knelpunt").
    pub fn label(&self) -> &'static str {
        Self::label_of(self.name()).unwrap_or(self.name())
    }

    /// The label of an action by its stored name ([`Action::name`]); `None` for a name this
    /// version does not know.
    pub fn label_of(name: &str) -> Option<&'static str> {
        ACTION_LABELS
            .iter()
            .find(|(stored, _)| *stored == name)
            .map(|(_, label)| *label)
    }
}

/// Each action's stored name and its label once taken (a test checks every action has one).
const ACTION_LABELS: [(&str, &str); 10] = [
    ("bevestigen", "bevestigd als knelpunt"),
    ("afwijzen", "afgewezen"),
    ("parkeren", "geparkeerd"),
    ("toewijzen", "toegewezen"),
    ("notitie", "notitie"),
    ("aanbeveling", "aanbeveling aan de gemeente"),
    ("samenvoegen", "samengevoegd"),
    ("splitsen", "gesplitst"),
    ("oplossen", "opgelost"),
    ("heropenen", "heropend"),
];

/// Why a decision is not allowed; the message is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("'{action}' kan niet bij een cluster dat {state} is")]
    NotAllowed {
        action: &'static str,
        state: &'static str,
    },
    #[error("{}", reason_required(.0))]
    ReasonRequired(&'static str),
    #[error("samenvoegen: een cluster kan niet met zichzelf worden samengevoegd")]
    MergeWithItself,
    #[error("parkeren: het aantal signalen moet minstens 1 zijn")]
    SnoozeCount,
    #[error("toewijzen: vul de eigenaar (organisatie) in")]
    OwnerRequired,
    #[error("splitsen: kies de signalen die een eigen cluster krijgen")]
    NothingToSplit,
    /// A typed text refused: too long, or holding personal data (the Dutch message names the
    /// field and never repeats the text).
    #[error("{0}")]
    Text(String),
}

/// What an action without its required text says, in the words of its form's field.
fn reason_required(action: &str) -> String {
    match action {
        "notitie" => "notitie: vul de notitie in".into(),
        "aanbeveling" => "aanbeveling: vul in wat het overleg van de gemeente vraagt".into(),
        other => format!("{other}: vul een reden in"),
    }
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
        (Open | Parked, Action::Confirm) => Confirmed,
        (Open | Confirmed | Parked, Action::Dismiss) => {
            if reason.trim().is_empty() {
                return Err(DecisionError::ReasonRequired("afwijzen"));
            }
            Dismissed
        }
        (Open | Confirmed, Action::Park { snooze }) => {
            if let Snooze::Signals { count } = snooze {
                if *count < 1 {
                    return Err(DecisionError::SnoozeCount);
                }
            }
            Parked
        }
        (Open | Confirmed | Parked, Action::Assign { owner, .. }) => {
            if owner.trim().is_empty() {
                return Err(DecisionError::OwnerRequired);
            }
            state
        }
        (Merged, Action::Note | Action::Recommend) => {
            return Err(DecisionError::NotAllowed {
                action: action.name(),
                state: state.as_str(),
            })
        }
        (_, Action::Note | Action::Recommend) => {
            if reason.trim().is_empty() {
                return Err(DecisionError::ReasonRequired(action.name()));
            }
            state
        }
        (Open | Confirmed | Parked, Action::Merge { .. }) => Merged,
        (Open | Confirmed | Parked, Action::Split { how }) => {
            if let Split::Signals { signals } = how {
                if signals.is_empty() {
                    return Err(DecisionError::NothingToSplit);
                }
            }
            state
        }
        (Confirmed, Action::Solve) => Solved,
        (Dismissed | Solved | Parked, Action::Reopen) => Open,
        _ => {
            return Err(DecisionError::NotAllowed {
                action: action.name(),
                state: state.as_str(),
            })
        }
    };
    Ok(next)
}

/// Whether the overleg can take the action posted as `name` ("heropenen") on a cluster in
/// `state`: [`transition`] of a well-filled example of it, so the table above stays the one
/// rule. The cluster page offers only these.
pub fn offers(state: State, name: &str) -> bool {
    let example = match name {
        "bevestigen" => Action::Confirm,
        "afwijzen" => Action::Dismiss,
        "parkeren" => Action::Park {
            snooze: Snooze::Signals { count: 1 },
        },
        "toewijzen" => Action::Assign {
            owner: "eigenaar".into(),
            programme: String::new(),
        },
        "notitie" => Action::Note,
        "aanbeveling" => Action::Recommend,
        "samenvoegen" => Action::Merge {
            with: String::new(),
        },
        "splitsen" => Action::Split {
            how: Split::ByOrganisation,
        },
        "oplossen" => Action::Solve,
        "heropenen" => Action::Reopen,
        _ => return false,
    };
    transition(state, &example, "toelichting").is_ok()
}

/// Who took a decision, as people read it: a component of Knooppunt itself
/// (`system:herindeling`, see [`carry`]) as "Knooppunt (herindeling)", a person by name.
pub fn actor_label(actor: &str) -> String {
    match actor.strip_prefix("system:") {
        Some(component) => format!("Knooppunt ({component})"),
        None => actor.to_string(),
    }
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
    pub returned: bool,
    /// A snoozed cluster whose condition is met: back on the agenda.
    pub woken: bool,
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
    last_seen: NaiveDate,
    spiked: bool,
    today: NaiveDate,
) -> Standing {
    let state = decisions.last().map_or(State::Open, |d| d.state_after);
    let mut standing = Standing {
        state,
        returned: false,
        woken: false,
        merged_into: None,
        owner: None,
        programme: None,
        grown: 0,
    };
    for decision in decisions {
        match &decision.action {
            Action::Assign { owner, programme } => {
                standing.owner = Some(owner.clone());
                standing.programme = (!programme.trim().is_empty()).then(|| programme.clone());
            }
            Action::Merge { with } => standing.merged_into = Some(with.clone()),
            Action::Reopen => standing.merged_into = None,
            _ => {}
        }
    }
    let Some(last) = decisions.last() else {
        return standing;
    };
    standing.grown = (signal_count - last.signal_count).max(0);
    match (&last.action, state) {
        (Action::Solve, State::Solved) => {
            // New signals after it was solved: the knelpunt is back.
            let solved_on = crate::dutch_time::local_day(&last.decided_at);
            standing.returned = signal_count > last.signal_count && last_seen > solved_on;
        }
        (Action::Park { snooze }, State::Parked) => {
            standing.woken = match snooze {
                Snooze::Date { date } => today >= *date,
                Snooze::Signals { count } => signal_count >= last.signal_count + count,
                Snooze::Spike => spiked,
            };
        }
        _ => {}
    }
    standing
}

/// The owners (or programmes) the overleg assigned to the clusters of one knelpunt, each once,
/// in the order given, joined ("GGZ-aanbieders Haaglanden; woningcorporatie"); `None` when
/// none of them has one (the catalogue's owner then stands). A knelpunt spans wijken, and each
/// wijk's cluster may have been given its own: naming only the first would hide the others.
pub fn assigned<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let mut distinct: Vec<&str> = Vec::new();
    for value in values.into_iter().flatten().map(str::trim) {
        if !value.is_empty() && !distinct.contains(&value) {
            distinct.push(value);
        }
    }
    (!distinct.is_empty()).then(|| distinct.join("; "))
}

pub mod carry;

#[cfg(test)]
mod tests;
