use super::*;

#[test]
fn every_action_has_a_label_by_its_name() {
    let actions = [
        Action::Confirm,
        Action::Dismiss,
        Action::Park {
            snooze: Snooze::Spike,
        },
        Action::Assign {
            owner: "o".into(),
            programme: "p".into(),
        },
        Action::Note,
        Action::Recommend,
        Action::Merge { with: "c".into() },
        Action::Split {
            how: Split::ByOrganisation,
        },
        Action::Solve,
        Action::Reopen,
    ];
    for action in &actions {
        assert_eq!(
            Action::label_of(action.name()),
            Some(action.label()),
            "{action:?}"
        );
    }
    assert_eq!(Action::label_of("iets"), None);
}

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

#[test]
fn stored_and_posted_names_stay_dutch() {
    let assign = Action::Assign {
        owner: "Werk en Inkomen".into(),
        programme: "armoede".into(),
    };
    assert_eq!(
        serde_json::to_string(&assign).unwrap(),
        r#"{"actie":"toewijzen","eigenaar":"Werk en Inkomen","programma":"armoede"}"#
    );
    let park = Action::Park {
        snooze: Snooze::Signals { count: 3 },
    };
    assert_eq!(
        serde_json::to_string(&park).unwrap(),
        r#"{"actie":"parkeren","snooze":{"tot":"signalen","aantal":3}}"#
    );
    let stored = r#"{"actie":"splitsen","op":{"wijze":"van","cluster":"c1"}}"#;
    let split: Action = serde_json::from_str(stored).unwrap();
    assert_eq!(
        split,
        Action::Split {
            how: Split::From {
                cluster: "c1".into()
            }
        }
    );
    assert_eq!(
        serde_json::to_string(&State::Parked).unwrap(),
        r#""geparkeerd""#
    );
    assert_eq!(
        serde_json::to_string(&Snooze::Spike).unwrap(),
        r#"{"tot":"piek"}"#
    );
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

#[test]
fn allowed_transitions() {
    use State::*;
    let park = Action::Park {
        snooze: Snooze::Spike,
    };
    let merge = Action::Merge { with: "x".into() };
    let split = Action::Split {
        how: Split::ByOrganisation,
    };
    let split_nothing = Action::Split {
        how: Split::Signals { signals: vec![] },
    };
    let assign = Action::Assign {
        owner: "Haag Wonen".into(),
        programme: String::new(),
    };
    for (from, action, reason, to) in [
        (Open, &Action::Confirm, "", Ok(Confirmed)),
        (Open, &Action::Dismiss, "incident", Ok(Dismissed)),
        (Open, &park, "", Ok(Parked)),
        (Open, &merge, "", Ok(Merged)),
        (Open, &assign, "", Ok(Open)),
        (Confirmed, &split, "", Ok(Confirmed)),
        (Parked, &split, "", Ok(Parked)),
        (
            Dismissed,
            &split,
            "",
            Err(DecisionError::NotAllowed {
                action: "splitsen",
                state: "afgewezen",
            }),
        ),
        (Open, &split_nothing, "", Err(DecisionError::NothingToSplit)),
        (Confirmed, &Action::Solve, "", Ok(Solved)),
        (Confirmed, &park, "", Ok(Parked)),
        (Parked, &Action::Confirm, "", Ok(Confirmed)),
        (Parked, &Action::Reopen, "", Ok(Open)),
        (Solved, &Action::Reopen, "", Ok(Open)),
        (Dismissed, &Action::Reopen, "", Ok(Open)),
        (Dismissed, &Action::Note, "nagevraagd", Ok(Dismissed)),
    ] {
        assert_eq!(transition(from, action, reason), to, "{from:?} {action:?}");
    }
}

#[test]
fn refused_transitions_say_why_in_dutch() {
    use State::*;
    for (from, action) in [
        (Confirmed, Action::Confirm),
        (Open, Action::Solve),
        (Dismissed, Action::Confirm),
        (Solved, Action::Merge { with: "x".into() }),
        (Merged, Action::Reopen),
        (Merged, Action::Note),
        (Open, Action::Reopen),
        (
            Parked,
            Action::Park {
                snooze: Snooze::Spike,
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
        transition(Open, &Action::Dismiss, "  "),
        Err(DecisionError::ReasonRequired("afwijzen"))
    );
    assert_eq!(
        transition(
            Open,
            &Action::Park {
                snooze: Snooze::Signals { count: 0 }
            },
            ""
        ),
        Err(DecisionError::SnoozeCount)
    );
    assert_eq!(
        transition(
            Open,
            &Action::Assign {
                owner: " ".into(),
                programme: "Armoede".into()
            },
            ""
        ),
        Err(DecisionError::OwnerRequired)
    );
}

#[test]
fn a_solved_cluster_with_new_signals_is_back() {
    let history = vec![
        decision(Action::Confirm, State::Confirmed, 6, "2026-07-01T10:00:00Z"),
        decision(Action::Solve, State::Solved, 8, "2026-09-01T10:00:00Z"),
    ];
    let today = day("2026-11-01");
    assert!(!standing(&history, 8, day("2026-08-30"), false, today).returned);
    assert!(standing(&history, 9, day("2026-10-02"), false, today).returned);
    let s = standing(&history, 9, day("2026-10-02"), false, today);
    assert_eq!(s.state, State::Solved);
    assert_eq!(s.grown, 1, "one signal since it was solved");
}

#[test]
fn snoozes_wake_on_date_count_or_spike() {
    let on_date = || Snooze::Date {
        date: day("2026-10-01"),
    };
    let three_more = || Snooze::Signals { count: 3 };
    // (snooze, signals now, latest signal, spike, today, awake); parked at 5 signals.
    for (snooze, signals, latest, spike, today, awake) in [
        (on_date(), 5, "2026-09-01", false, "2026-09-30", false),
        (on_date(), 5, "2026-09-01", false, "2026-10-01", true),
        (three_more(), 7, "2026-09-20", false, "2026-10-01", false),
        (three_more(), 8, "2026-09-20", false, "2026-10-01", true),
        (Snooze::Spike, 9, "2026-09-20", false, "2026-10-01", false),
        (Snooze::Spike, 9, "2026-09-20", true, "2026-10-01", true),
    ] {
        let case = format!("{snooze:?} with {signals} signals, spike {spike}, on {today}");
        let parked = vec![decision(
            Action::Park { snooze },
            State::Parked,
            5,
            "2026-09-01T10:00:00Z",
        )];
        let standing = standing(&parked, signals, day(latest), spike, day(today));
        assert_eq!(standing.woken, awake, "{case}");
    }
}

#[test]
fn owner_and_merge_follow_the_history() {
    let history = vec![
        decision(
            Action::Assign {
                owner: "Haag Wonen".into(),
                programme: "Wonen".into(),
            },
            State::Open,
            5,
            "2026-09-01T10:00:00Z",
        ),
        decision(
            Action::Merge {
                with: "other".into(),
            },
            State::Merged,
            5,
            "2026-09-02T10:00:00Z",
        ),
    ];
    let s = standing(&history, 5, day("2026-09-01"), false, day("2026-10-01"));
    assert_eq!(s.owner.as_deref(), Some("Haag Wonen"));
    assert_eq!(s.programme.as_deref(), Some("Wonen"));
    assert_eq!(s.merged_into.as_deref(), Some("other"));
    assert_eq!(s.state, State::Merged);
}

#[test]
fn a_knelpunt_names_every_owner_its_clusters_were_given_once() {
    assert_eq!(assigned([None, None]), None);
    assert_eq!(
        assigned([Some("GGZ-aanbieders Haaglanden"), None, Some(" ggd ")]),
        Some("GGZ-aanbieders Haaglanden; ggd".into())
    );
    assert_eq!(
        assigned([Some("Vestia"), Some("Vestia"), Some("")]),
        Some("Vestia".into())
    );
}

#[test]
fn a_component_of_knooppunt_is_named_as_such_and_a_person_by_name() {
    assert_eq!(actor_label(carry::CARRIER), "Knooppunt (herindeling)");
    assert_eq!(actor_label("demo-overleg"), "demo-overleg");
    assert_eq!(actor_label("systeembeheer"), "systeembeheer");
}
