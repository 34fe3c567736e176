//! The overleg's decision form: what was posted, read into a review action (or a Dutch
//! refusal naming the field).

use crate::time::parse_day;
use knooppunt_reports::review::{Action, Snooze, Split};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecisionForm {
    pub actie: String,
    pub reden: String,
    pub met: String,
    pub tot: String,
    pub datum: String,
    pub aantal: String,
    pub eigenaar: String,
    pub programma: String,
    /// Splitsen: "organisatie" or "signalen".
    pub splits_op: String,
    /// Splitsen: the selected signals, as "source|id".
    pub signalen: Vec<String>,
}

fn snooze_from_form(form: &DecisionForm) -> Result<Snooze, String> {
    Ok(match form.tot.as_str() {
        "datum" => Snooze::Date {
            date: parse_day(Some(&form.datum))
                .ok()
                .filter(|_| !form.datum.trim().is_empty())
                .ok_or_else(|| "parkeren: vul een geldige datum in (dd-mm-jjjj)".to_string())?,
        },
        "signalen" => Snooze::Signals {
            count: form
                .aantal
                .trim()
                .parse()
                .map_err(|_| "parkeren: vul het aantal nieuwe signalen in".to_string())?,
        },
        "piek" => Snooze::Spike,
        _ => return Err("parkeren: kies tot wanneer".into()),
    })
}

fn split_from_form(form: &DecisionForm) -> Result<Split, String> {
    Ok(match form.splits_op.as_str() {
        "organisatie" => Split::ByOrganisation,
        "signalen" => Split::Signals {
            signals: form
                .signalen
                .iter()
                .filter_map(|s| s.split_once('|'))
                .map(|(source, id)| (source.to_string(), id.to_string()))
                .collect(),
        },
        _ => return Err("splitsen: kies op organisatie of op gekozen signalen".into()),
    })
}

pub(crate) fn action_from_form(form: &DecisionForm) -> Result<Action, String> {
    Ok(match form.actie.as_str() {
        "bevestigen" => Action::Confirm,
        "afwijzen" => Action::Dismiss,
        "notitie" => Action::Note,
        "aanbeveling" => Action::Recommend,
        "oplossen" => Action::Solve,
        "heropenen" => Action::Reopen,
        "samenvoegen" => Action::Merge {
            with: form.met.trim().to_string(),
        },
        "splitsen" => Action::Split {
            how: split_from_form(form)?,
        },
        "toewijzen" => Action::Assign {
            owner: form.eigenaar.trim().to_string(),
            programme: form.programma.trim().to_string(),
        },
        "parkeren" => Action::Park {
            snooze: snooze_from_form(form)?,
        },
        other => return Err(format!("actie: onbekend besluit '{other}'")),
    })
}
