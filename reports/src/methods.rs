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
        "Daarom staat bij de gepubliceerde aantallen van barrières waarvan precisie en \
         volledigheid gemeten zijn een schatting na correctie voor herkenning (zie hieronder)."
            .into()
    } else {
        "Daarom staat bij elk gepubliceerd aantal een schatting na correctie voor herkenning \
         (zie hieronder)."
            .into()
    }
}

fn earlier(brief: &Brief) -> String {
    // A point is "from a snapshot" when the published brief about its quarter named the
    // knelpunt; otherwise it is a recount, whether no brief appeared or one appeared without
    // this knelpunt. So only the first can be said of a quarter.
    let mut published = BTreeSet::new();
    let mut any_recounted = false;
    let points = brief
        .sections
        .iter()
        .flat_map(|s| &s.knelpunten)
        .flat_map(|k| &k.trend)
        .filter(|p| p.quarter != brief.quarter);
    for point in points {
        if point.from_snapshot {
            published.insert((point.quarter.clone(), point.label.clone()));
        } else {
            any_recounted = true;
        }
    }
    let overview = if brief.rows.is_empty() {
        ""
    } else {
        " Het verschil met het vorige kwartaal in bijlage A is wel opnieuw geteld."
    };
    match (published.is_empty(), any_recounted) {
        (true, false) => String::new(),
        (false, false) => format!(
            "Eerdere kwartalen van de knelpunten komen uit de gepubliceerde brieven zelf, niet \
             uit een nieuwe telling.{overview}"
        ),
        (true, true) => "Geen eerdere brief noemde deze knelpunten: hun eerdere kwartalen zijn \
                         nu opnieuw geteld, met de signalen die sindsdien nog over die \
                         kwartalen binnenkwamen."
            .into(),
        (false, true) => {
            let labels: Vec<String> = published.into_iter().map(|(_, label)| label).collect();
            format!(
                "Eerdere kwartalen van de knelpunten komen uit de gepubliceerde brief over dat \
                 kwartaal als die het knelpunt noemde ({}); anders zijn ze nu opnieuw \
                 geteld.{overview}",
                crate::presentation::join_dutch(&labels)
            )
        }
    }
}
