use super::*;
use crate::review::{Snooze, Standing};
use chrono::{DateTime, Utc};

const AT: &str = "2026-10-01T09:00:00Z";

fn decided(action: Action, state_after: State, reason: &str, count: i64) -> Decision {
    Decision {
        seq: 0,
        cluster_id: "voor".into(),
        action,
        state_after,
        actor: "overleg".into(),
        reason: reason.into(),
        signal_count: count,
        decided_at: AT.parse().unwrap(),
    }
}

fn assign(owner: &str, programme: &str) -> Action {
    Action::Assign {
        owner: owner.into(),
        programme: programme.into(),
    }
}

/// The carried decisions as the successor's history, recorded at `at`.
fn as_history(carried: &CarryOver, at: DateTime<Utc>) -> Vec<Decision> {
    carried
        .decisions
        .iter()
        .map(|c| Decision {
            seq: 0,
            cluster_id: "na".into(),
            action: c.action.clone(),
            state_after: c.state_after,
            actor: CARRIER.into(),
            reason: c.reason.clone(),
            signal_count: carried.signal_count,
            decided_at: at,
        })
        .collect()
}

fn standing_of(history: &[Decision], count: i64, spiked: bool, today: NaiveDate) -> Standing {
    standing(history, count, today, spiked, today)
}

/// Histories the overleg can leave behind, one per state, with owners, recommendations and
/// signals that arrived after the last decision.
fn histories() -> Vec<(&'static str, Vec<Decision>, i64)> {
    use State::*;
    vec![
        (
            "bevestigd met eigenaar en aanbeveling",
            vec![
                decided(Action::Confirm, Confirmed, "", 4),
                decided(assign("Team Moerwijk", "armoede"), Confirmed, "", 5),
                decided(Action::Recommend, Confirmed, "Norm afschaffen", 5),
            ],
            7,
        ),
        (
            "geparkeerd tot twee signalen meer",
            vec![
                decided(Action::Confirm, Confirmed, "", 3),
                decided(
                    Action::Park {
                        snooze: Snooze::Signals { count: 2 },
                    },
                    Parked,
                    "eerst de pilot",
                    3,
                ),
            ],
            4,
        ),
        (
            "geparkeerd tot een datum",
            vec![decided(
                Action::Park {
                    snooze: Snooze::Date {
                        date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    },
                },
                Parked,
                "",
                2,
            )],
            2,
        ),
        (
            "afgewezen",
            vec![
                decided(assign("GGD", ""), Open, "", 1),
                decided(Action::Dismiss, Dismissed, "geen systeemprobleem", 1),
            ],
            3,
        ),
        (
            "opgelost",
            vec![
                decided(Action::Confirm, Confirmed, "duidelijk", 2),
                decided(Action::Solve, Solved, "regeling aangepast", 6),
            ],
            6,
        ),
        (
            "heropend na afwijzen",
            vec![
                decided(Action::Dismiss, Dismissed, "te weinig", 1),
                decided(Action::Reopen, Open, "", 5),
            ],
            5,
        ),
    ]
}

#[test]
fn the_successor_stands_where_the_predecessor_stood() {
    let later: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap();
    for today in [
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    ] {
        for (name, history, count) in histories() {
            for (extra, spiked) in [(0, false), (3, true)] {
                let successor_count = count + extra;
                let carried = carry_over(&history, count, successor_count, "overgenomen")
                    .unwrap_or_else(|| panic!("{name}: carried"));
                let before = standing_of(&history, count, spiked, today);
                let after =
                    standing_of(&as_history(&carried, later), successor_count, spiked, today);
                assert_eq!(after.state, before.state, "{name}");
                assert_eq!(after.owner, before.owner, "{name}");
                assert_eq!(after.programme, before.programme, "{name}");
                assert_eq!(after.woken, before.woken, "{name} on {today}");
                assert_eq!(after.merged_into, None, "{name}");
                assert_eq!(after.grown, before.grown, "{name}: signals since");
                assert_eq!(carried.decisions[0].action, Action::Note, "{name}");
                assert_eq!(carried.decisions[0].reason, "overgenomen", "{name}");
            }
        }
    }
}

#[test]
fn the_reasons_and_the_latest_recommendation_go_along() {
    let (_, history, count) = histories().remove(0);
    let carried = carry_over(&history, count, count, "overgenomen").unwrap();
    let names: Vec<(&str, &str)> = carried
        .decisions
        .iter()
        .map(|c| (c.action.name(), c.reason.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("notitie", "overgenomen"),
            ("toewijzen", ""),
            ("aanbeveling", "Norm afschaffen"),
            ("bevestigen", ""),
        ]
    );
    let (_, history, count) = histories().remove(3);
    let carried = carry_over(&history, count, count, "overgenomen").unwrap();
    let last = carried.decisions.last().unwrap();
    assert_eq!(
        (last.action.name(), last.reason.as_str()),
        ("afwijzen", "geen systeemprobleem")
    );
}

#[test]
fn nothing_is_carried_from_a_merged_cluster_or_an_empty_history() {
    let merged = vec![
        decided(Action::Confirm, State::Confirmed, "", 2),
        decided(
            Action::Merge {
                with: "elders".into(),
            },
            State::Merged,
            "",
            2,
        ),
    ];
    assert_eq!(carry_over(&merged, 2, 2, "overgenomen"), None);
    assert_eq!(carry_over(&[], 2, 2, "overgenomen"), None);
}

#[test]
fn the_predecessor_is_merged_where_it_may_be_and_noted_where_not() {
    for (state, action) in [
        (State::Open, "samenvoegen"),
        (State::Confirmed, "samenvoegen"),
        (State::Parked, "samenvoegen"),
        (State::Dismissed, "notitie"),
        (State::Solved, "notitie"),
    ] {
        let told = handed_over(state, "na", "verhuisd").unwrap();
        assert_eq!(told.action.name(), action, "{state:?}");
        assert_eq!(told.reason, "verhuisd");
        let expected = match action {
            "samenvoegen" => State::Merged,
            _ => state,
        };
        assert_eq!(told.state_after, expected, "{state:?}");
    }
    assert!(handed_over(State::Merged, "na", "verhuisd").is_err());
}
