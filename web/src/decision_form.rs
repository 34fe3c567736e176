//! The overleg's decision form: what was posted, read into a review action (or a Dutch
//! refusal naming the field).

use crate::time::parse_day;
use knooppunt_reports::review::{Action, Snooze, Split};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecisionForm {
    #[serde(rename = "actie")]
    pub action: String,
    #[serde(rename = "reden")]
    pub reason: String,
    #[serde(rename = "met")]
    pub with: String,
    #[serde(rename = "tot")]
    pub until: String,
    #[serde(rename = "datum")]
    pub date: String,
    #[serde(rename = "aantal")]
    pub count: String,
    #[serde(rename = "eigenaar")]
    pub owner: String,
    #[serde(rename = "programma")]
    pub programme: String,
    /// Splitsen: "organisatie" or "signalen".
    #[serde(rename = "splits_op")]
    pub split_by: String,
    /// Splitsen: the selected signals, as "source|id".
    #[serde(rename = "signalen")]
    pub signals: Vec<String>,
}

fn snooze_from_form(form: &DecisionForm) -> Result<Snooze, String> {
    Ok(match form.until.as_str() {
        "datum" => {
            let date = parse_day(Some(&form.date))
                .ok()
                .filter(|_| !form.date.trim().is_empty())
                .ok_or_else(|| "parkeren: vul een geldige datum in (dd-mm-jjjj)".to_string())?;
            // Parked until a day that has come is no parking (most likely a typing slip).
            if date <= knooppunt_ingest::today_nl() {
                return Err("parkeren: kies een datum na vandaag".into());
            }
            Snooze::Date { date }
        }
        "signalen" => Snooze::Signals {
            count: form
                .count
                .trim()
                .parse()
                .map_err(|_| "parkeren: vul het aantal nieuwe signalen in".to_string())?,
        },
        "piek" => Snooze::Spike,
        _ => return Err("parkeren: kies tot wanneer".into()),
    })
}

fn split_from_form(form: &DecisionForm) -> Result<Split, String> {
    Ok(match form.split_by.as_str() {
        "organisatie" => Split::ByOrganisation,
        "signalen" => Split::Signals {
            signals: form
                .signals
                .iter()
                .filter_map(|s| s.split_once('|'))
                .map(|(source, id)| (source.to_string(), id.to_string()))
                .collect(),
        },
        _ => return Err("splitsen: kies op organisatie of op gekozen signalen".into()),
    })
}

pub(crate) fn action_from_form(form: &DecisionForm) -> Result<Action, String> {
    Ok(match form.action.as_str() {
        "bevestigen" => Action::Confirm,
        "afwijzen" => Action::Dismiss,
        "notitie" => Action::Note,
        "aanbeveling" => Action::Recommend,
        "oplossen" => Action::Solve,
        "heropenen" => Action::Reopen,
        "samenvoegen" => Action::Merge {
            with: form.with.trim().to_string(),
        },
        "splitsen" => Action::Split {
            how: split_from_form(form)?,
        },
        "toewijzen" => Action::Assign {
            owner: form.owner.trim().to_string(),
            programme: form.programme.trim().to_string(),
        },
        "parkeren" => Action::Park {
            snooze: snooze_from_form(form)?,
        },
        other => return Err(format!("actie: onbekend besluit '{other}'")),
    })
}
