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

/// The furthest day a cluster can be parked until, in days from today.
const MAX_SNOOZE_DAYS: i64 = 731;
/// The most new signals a cluster can be parked until.
const MAX_SNOOZE_SIGNALS: i64 = 10_000;

fn snooze_from_form(form: &DecisionForm) -> Result<Snooze, String> {
    Ok(match form.until.as_str() {
        "datum" => {
            let date = parse_day(Some(&form.date))
                .ok()
                .filter(|_| !form.date.trim().is_empty())
                .ok_or_else(|| "parkeren: vul een geldige datum in (dd-mm-jjjj)".to_string())?;
            // Parked until a day that has come is no parking (most likely a typing slip).
            let today = knooppunt_ingest::today_nl();
            if date <= today {
                return Err("parkeren: kies een datum na vandaag".into());
            }
            // Parked for years is put away, not parked: the overleg looks again within two.
            if date > today + chrono::Duration::days(MAX_SNOOZE_DAYS) {
                return Err("parkeren: kies een datum binnen twee jaar".into());
            }
            Snooze::Date { date }
        }
        "signalen" => Snooze::Signals {
            count: form
                .count
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=MAX_SNOOZE_SIGNALS).contains(n))
                .ok_or_else(|| {
                    format!(
                        "parkeren: vul het aantal nieuwe signalen in (1 tot en met {})",
                        knooppunt_domain::dutch_number::count(MAX_SNOOZE_SIGNALS as usize)
                    )
                })?,
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
        "samenvoegen" if form.with.trim().is_empty() => {
            return Err("samenvoegen: kies het cluster waarmee dit cluster samengaat".into())
        }
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
