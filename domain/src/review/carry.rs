//! Carrying the overleg's decisions across a replay. When a new rule set or cluster key
//! re-forms the clusters, a cluster the overleg decided on can lose all its signals to one
//! other cluster (a buurt's cluster into its wijk's). Its standing then goes with them: the
//! successor gets the decisions that give it the same standing, and the predecessor a
//! decision that says where it went. Only actions the history already knows are used, so
//! the standing fold, the minutes, the pages and the events need nothing new. Pure: no I/O.

use super::{standing, transition, Action, Decision, DecisionError, State};
use chrono::NaiveDate;

/// Who records the carried decisions (a `system:` actor, as in the processing log).
pub const CARRIER: &str = "system:herindeling";

/// A decision to record: the action, why, and the state it leaves the cluster in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub action: Action,
    pub reason: String,
    pub state_after: State,
}

/// What the successor gets from a predecessor's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarryOver {
    /// In order, from `open`: a note saying where they come from, the owner, the latest
    /// recommendation, then what puts it in the predecessor's state.
    pub decisions: Vec<Carried>,
    /// The signal count to record with them: the successor's count less the signals the
    /// predecessor had gained since its last decision, so "grown since the last decision"
    /// and a snooze until N more signals read as they did.
    pub signal_count: i64,
}

/// The decisions that give a cluster without a history of its own the standing `history`
/// (oldest first) gave its predecessor, which held `predecessor_count` signals;
/// `successor_count` is the successor's count after the replay. `None` for a predecessor
/// without decisions or merged into another cluster (its signals already count there).
pub fn carry_over(
    history: &[Decision],
    predecessor_count: i64,
    successor_count: i64,
    note: &str,
) -> Option<CarryOver> {
    let last = history.last()?;
    let day = NaiveDate::MIN;
    let now = standing(history, predecessor_count, day, false, day);
    if now.state == State::Merged {
        return None;
    }
    let latest = |pick: fn(&Action) -> bool| history.iter().rev().find(|d| pick(&d.action));
    let mut steps: Vec<(Action, String)> = vec![(Action::Note, note.to_string())];
    if let Some(owner) = &now.owner {
        let assign = Action::Assign {
            owner: owner.clone(),
            programme: now.programme.clone().unwrap_or_default(),
        };
        steps.push((
            assign,
            reason_of(latest(|a| matches!(a, Action::Assign { .. }))),
        ));
    }
    if let Some(recommended) = latest(|a| matches!(a, Action::Recommend)) {
        steps.push((Action::Recommend, recommended.reason.clone()));
    }
    let confirmed = || {
        (
            Action::Confirm,
            reason_of(latest(|a| *a == Action::Confirm)),
        )
    };
    match now.state {
        State::Open | State::Merged => {}
        State::Confirmed => steps.push(confirmed()),
        State::Parked => {
            // Only a snooze parks a cluster.
            let park = latest(|a| matches!(a, Action::Park { .. }))?;
            let Action::Park { snooze } = &park.action else {
                return None;
            };
            let snooze = snooze.clone();
            steps.push((Action::Park { snooze }, park.reason.clone()));
        }
        State::Dismissed => {
            steps.push((
                Action::Dismiss,
                reason_of(latest(|a| *a == Action::Dismiss)),
            ));
        }
        State::Solved => {
            steps.push(confirmed());
            steps.push((Action::Solve, reason_of(latest(|a| *a == Action::Solve))));
        }
    }
    let mut state = State::Open;
    let mut decisions = Vec::with_capacity(steps.len());
    for (action, reason) in steps {
        // Every step is allowed by the table: a refusal would be a bug here, not the user's.
        state = transition(state, &action, &reason).ok()?;
        decisions.push(Carried {
            action,
            reason,
            state_after: state,
        });
    }
    let grown = (predecessor_count - last.signal_count).max(0);
    Some(CarryOver {
        decisions,
        signal_count: (successor_count - grown).max(0),
    })
}

/// The decision that tells the predecessor's history where it went: merged into the
/// successor where the table allows that (open, confirmed, parked), else a note.
pub fn handed_over(state: State, successor: &str, reason: &str) -> Result<Carried, DecisionError> {
    let merge = Action::Merge {
        with: successor.to_string(),
    };
    let (action, state_after) = match transition(state, &merge, reason) {
        Ok(merged) => (merge, merged),
        Err(_) => (Action::Note, transition(state, &Action::Note, reason)?),
    };
    Ok(Carried {
        action,
        reason: reason.to_string(),
        state_after,
    })
}

/// A decision's reason, or nothing.
fn reason_of(decision: Option<&Decision>) -> String {
    decision.map(|d| d.reason.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
