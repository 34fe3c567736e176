//! The two sentences of the brief's methods appendix that depend on what the brief holds:
//! whether its counts carry a range corrected for recognition, and where its earlier
//! quarters come from. A brief forwarded to an alderman must not promise an estimate it does
//! not give or a published source it did not use.

use crate::brief::Brief;
use serde::Serialize;
use std::collections::BTreeSet;

/// What the methods appendix says about correction and about earlier quarters.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Methods {
    /// Whether, and for which counts, a corrected range is given.
    pub correction: String,
    /// Where the earlier quarters' figures come from; empty when the brief shows none.
    pub earlier: String,
}

impl Methods {
    pub fn of(brief: &Brief) -> Self {
        Methods {
            correction: correction(brief),
            earlier: earlier(brief),
        }
    }
}

fn correction(brief: &Brief) -> String {
    let Some(view) = &brief.accuracy else {
        return "Hoe nauwkeurig de herkenning is, is voor deze brief niet gemeten; de aantallen \
                zijn daarom niet gecorrigeerd."
            .into();
    };
    let published = view
        .lines
        .iter()
        .filter(|l| {
            l.signals
                .trim()
                .parse::<i64>()
                .is_ok_and(|n| n >= brief.min_group_size)
        })
        .count();
    let ranged = view.lines.iter().filter(|l| !l.range.is_empty()).count();
    if published == 0 {
        "Deze brief publiceert geen aantal per barrière, en dus ook geen schatting na \
         correctie voor herkenning."
            .into()
    } else if ranged == 0 {
        "Precisie en volledigheid zijn voor geen van de gepubliceerde aantallen gemeten; de \
         aantallen zijn daarom niet gecorrigeerd (zie hieronder)."
            .into()
    } else if ranged < published {
        "Daarom staat bij een gepubliceerd aantal een schatting na correctie voor herkenning, \
         waar precisie en volledigheid van die barrière gemeten zijn (zie hieronder)."
            .into()
    } else {
        "Daarom staat bij elk gepubliceerd aantal een schatting na correctie voor herkenning \
         (zie hieronder)."
            .into()
    }
}

fn earlier(brief: &Brief) -> String {
    let mut published = BTreeSet::new();
    let mut recounted = BTreeSet::new();
    let points = brief
        .sections
        .iter()
        .flat_map(|s| &s.knelpunten)
        .flat_map(|k| &k.trend)
        .filter(|p| p.quarter != brief.quarter);
    for point in points {
        let set = if point.from_snapshot {
            &mut published
        } else {
            &mut recounted
        };
        set.insert((point.quarter.clone(), point.label.clone()));
    }
    let list = |set: &BTreeSet<(String, String)>| {
        let labels: Vec<String> = set.iter().map(|(_, label)| label.clone()).collect();
        crate::presentation::join_dutch(&labels)
    };
    let overview = if brief.rows.is_empty() {
        ""
    } else {
        " Het verschil met het vorige kwartaal in bijlage A is wel opnieuw geteld."
    };
    match (published.is_empty(), recounted.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(
            "Eerdere kwartalen van de knelpunten komen uit de gepubliceerde brieven zelf, niet \
             uit een nieuwe telling.{overview}"
        ),
        (true, false) => "Over eerdere kwartalen is nog geen brief gepubliceerd: hun aantallen \
                          zijn nu opnieuw geteld, met de signalen die sindsdien nog over die \
                          kwartalen binnenkwamen."
            .into(),
        (false, false) => format!(
            "Eerdere kwartalen van de knelpunten komen uit de gepubliceerde brieven zelf waar \
             een brief verscheen ({}); de andere ({}) zijn nu opnieuw geteld.{overview}",
            list(&published),
            list(&recounted)
        ),
    }
}
