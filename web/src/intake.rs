//! The signal form of an indiener: preview what the scrubber removes, then send; refusals are
//! shown per field, tied to the input they are about. And the way to "Mijn signalen".

use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn, Submitters};
use crate::mine;
use crate::render::with_status;
use crate::WebState;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use knooppunt_domain::envelope::Channel;
use knooppunt_domain::signal::Theme;
use knooppunt_ingest::http::ItemResult;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An indiener's signals: the form and their own list.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/signalen", get(own_signals).post(submit_signal))
        .route("/signalen/nieuw", get(intake_page))
}

const TITLE: &str = "Signaal melden";

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignalForm {
    #[serde(rename = "stap")]
    step: String,
    observed_on: String,
    area: String,
    organisation: String,
    wait_days: String,
    text: String,
    themes: Vec<String>,
    /// The signal's id, made when the form was shown: sending the same form again (a reload
    /// of the confirmation, a double click) is the same signal, which the store keeps once.
    kenmerk: String,
}

#[derive(Serialize)]
struct ThemeChoice {
    id: &'static str,
    label: &'static str,
    checked: bool,
}

/// What the scrubber would remove, shown before anything is sent.
#[derive(Serialize)]
struct Preview {
    text: String,
    kinds: Vec<&'static str>,
    clean: bool,
}

/// A refusal under the form field's Dutch name; `id`/`input` tie it to the input.
#[derive(Serialize)]
struct FieldError {
    label: &'static str,
    message: String,
    id: Option<String>,
    input: Option<&'static str>,
}

/// An error shown at its input (as well as in the summary at the top): on a phone the
/// summary has scrolled away by the time one reaches the field.
#[derive(Serialize, Clone)]
struct AtInput {
    /// `veld-fout-<input>`: what the input's `aria-describedby` names.
    id: String,
    message: String,
}

/// Per input: the error that describes it, if any (the first, when there are more).
#[derive(Serialize, Default)]
struct Described {
    observed_on: Option<AtInput>,
    area: Option<AtInput>,
    organisation: Option<AtInput>,
    wait_days: Option<AtInput>,
    text: Option<AtInput>,
}

impl Described {
    fn tie(&mut self, input: &str, message: &str) {
        let slot = match input {
            "observed_on" => &mut self.observed_on,
            "area" => &mut self.area,
            "organisation" => &mut self.organisation,
            "wait_days" => &mut self.wait_days,
            "text" => &mut self.text,
            _ => return,
        };
        slot.get_or_insert_with(|| AtInput {
            id: format!("veld-fout-{input}"),
            message: message.to_string(),
        });
    }
}

/// The form page: what was typed (or a fresh form), and what became of it.
#[derive(Serialize, Default)]
struct SignalPage {
    /// The team as the page shows it: its name in the register, else its code.
    source: String,
    themes: Vec<ThemeChoice>,
    observed_on: String,
    area: String,
    organisation: String,
    wait_days: String,
    text: String,
    /// The id the signal in this form will have ([`SignalForm::kenmerk`]).
    kenmerk: String,
    preview: Option<Preview>,
    accepted: Option<String>,
    /// The kinds of personal data taken out of the accepted signal ("[NAAM]").
    removed: Vec<&'static str>,
    /// Werkroutes of confirmed knelpunten the accepted signal matches.
    help: Vec<crate::werkroute::Help>,
    errors: Vec<FieldError>,
    err: Described,
    /// The register's wijken and buurten, suggested as the area is typed, each with what it
    /// is ("buurt in Moerwijk").
    areas: Vec<knooppunt_domain::register::AreaOption>,
}

impl SignalPage {
    fn fresh(source: &str) -> Self {
        Self {
            source: knooppunt_domain::register::active().source_name(source),
            themes: themes(&[]),
            observed_on: knooppunt_ingest::today_nl().to_string(),
            areas: knooppunt_domain::register::active().local_area_options(),
            kenmerk: fresh_id(),
            ..Default::default()
        }
    }

    fn typed(source: &str, form: &SignalForm) -> Self {
        Self {
            source: knooppunt_domain::register::active().source_name(source),
            themes: themes(&form.themes),
            observed_on: form.observed_on.clone(),
            area: form.area.clone(),
            organisation: form.organisation.clone(),
            wait_days: form.wait_days.clone(),
            text: form.text.clone(),
            areas: knooppunt_domain::register::active().local_area_options(),
            kenmerk: kenmerk(form),
            ..Default::default()
        }
    }

    fn refused(mut self, field: &str, message: String) -> Self {
        let (label, input) = signal_field(field);
        if let Some(input) = input {
            self.err.tie(input, &message);
        }
        self.errors.push(FieldError {
            label,
            message,
            id: input.map(|i| format!("fout-{i}")),
            input,
        });
        self
    }
}

fn themes(selected: &[String]) -> Vec<ThemeChoice> {
    Theme::ALL
        .iter()
        .map(|t| ThemeChoice {
            id: t.as_str(),
            label: t.label(),
            checked: selected.iter().any(|s| s == t.as_str()),
        })
        .collect()
}

/// For a typed wijk the register does not know: the refusal in a team member's words (the
/// intake's own names the register of areas and CBS codes, which partners' systems use).
fn unknown_area(typed: &str) -> Option<String> {
    let register = knooppunt_domain::register::active();
    if typed.trim().is_empty() || register.resolve_area(typed).is_ok() {
        return None;
    }
    Some(match register.suggest_area(typed) {
        Some(name) => {
            format!(
                "deze wijk of buurt kennen we niet; bedoelt u ‘{name}’? Kies een naam uit de lijst"
            )
        }
        None => "deze wijk of buurt kennen we niet; kies een naam uit de lijst".into(),
    })
}

/// The Dutch name of a signal field, and the form input it belongs to.
fn signal_field(field: &str) -> (&'static str, Option<&'static str>) {
    match field {
        "observed_on" => ("Datum van de waarneming", Some("observed_on")),
        "area" => ("Wijk", Some("area")),
        "text" => ("Wat liep er vast", Some("text")),
        "wait_days" => ("Wachttijd in dagen", Some("wait_days")),
        "organisation" => ("Organisatie", Some("organisation")),
        "themes" => ("Thema's", None),
        "source" => ("Bron", None),
        "verzenden" => ("Verzenden", None),
        _ => ("Signaal", None),
    }
}

pub(crate) async fn intake_page(me: SignedIn<Submitters>) -> Result<Response, WebError> {
    me.page("signaal", TITLE, &SignalPage::fresh(&me.user.source))
}

/// A new signal's id: a random UUID with its hex digits 0–9 written as the letters g–p, so
/// that the intake's check of ids never takes it for a phone number, BSN or postcode. (Written
/// with digits, about one UUID in a few hundred looked like one, and the form refused the
/// resident's signal with "Signaal: lijkt een telefoonnummer te bevatten".)
fn fresh_id() -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .bytes()
        .map(|b| match b {
            b'0'..=b'9' => char::from(b'g' + (b - b'0')),
            other => char::from(other),
        })
        .collect()
}

/// The form's kenmerk when it has the shape [`fresh_id`] gives (so it holds nothing else),
/// else a fresh one.
fn kenmerk(form: &SignalForm) -> String {
    let kenmerk = form.kenmerk.trim();
    if kenmerk.len() == 32 && kenmerk.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
        kenmerk.to_string()
    } else {
        fresh_id()
    }
}

/// The signal as the intake takes it from any channel.
fn item(source: &str, form: &SignalForm) -> serde_json::Value {
    let mut item = json!({
        "id": kenmerk(form),
        "source": source,
        "observed_on": form.observed_on.trim(),
        "area": form.area,
        "text": form.text,
        "themes": form.themes,
    });
    if !form.organisation.trim().is_empty() {
        item["organisation"] = json!(form.organisation.trim());
    }
    if !form.wait_days.trim().is_empty() {
        item["wait_days"] = match form.wait_days.trim().parse::<i64>() {
            Ok(days) => json!(days),
            Err(_) => json!(form.wait_days.trim()),
        };
    }
    item
}

pub(crate) async fn submit_signal(
    me: SignedIn<Submitters>,
    CsrfForm(form): CsrfForm<SignalForm>,
) -> Result<Response, WebError> {
    let source = me.user.source.clone();
    let mut data = SignalPage::typed(&source, &form);
    if form.step == "voorbeeld" {
        let scrubbed = knooppunt_domain::scrub::scrub(&form.text);
        let kinds: Vec<&'static str> = scrubbed.found.iter().map(|k| k.placeholder()).collect();
        data.preview = Some(Preview {
            text: scrubbed.text,
            clean: kinds.is_empty(),
            kinds,
        });
        // The fields checked as sending checks them, so a misspelt wijk or a date in the
        // future shows before the team member sends; nothing is sent.
        let checked = knooppunt_ingest::accept(
            &item(&source, &form),
            knooppunt_ingest::today_nl(),
            Channel::Form,
            chrono::Utc::now(),
        );
        if let Err(errors) = checked {
            data = with_refusals(data, &form, &errors);
        }
        return me.page("signaal", TITLE, &data);
    }
    let items = [item(&source, &form)];
    let result =
        knooppunt_ingest::http::submit(me.state.publisher.as_ref(), &items, Channel::Form).await;
    result.count("form");
    match result.results.first() {
        Some(ItemResult::Accepted { id, .. }) => {
            tracing::info!(id = %id, "Signal submitted through the form");
            let mut fresh = SignalPage::fresh(&source);
            fresh.accepted = Some(id.to_string());
            fresh.removed = removed(&form);
            fresh.help = help(&me, &items[0]).await;
            me.page("signaal", TITLE, &fresh)
        }
        Some(ItemResult::Refused { errors, .. }) => {
            let data = with_refusals(data, &form, errors);
            let page = me.page("signaal", TITLE, &data);
            with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Some(ItemResult::Failed { .. }) | None => {
            let text = "het signaal kon nu niet worden doorgegeven; er is niets bewaard, probeer het later opnieuw";
            let page = me.page("signaal", TITLE, &data.refused("verzenden", text.into()));
            with_status(StatusCode::SERVICE_UNAVAILABLE, page)
        }
    }
}

/// What the scrubber took out of the text and the organisation before the signal was stored
/// ("[NAAM] [TELEFOON]"), for the confirmation: sent without a preview, the team member
/// still learns what was not kept. Empty: nothing was.
fn removed(form: &SignalForm) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = [form.text.as_str(), form.organisation.as_str()]
        .iter()
        .flat_map(|text| knooppunt_domain::scrub::scrub(text).found)
        .map(|kind| kind.placeholder())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// The page with the intake's refusals at their fields; a wijk it does not know with a
/// suggestion in plain words.
fn with_refusals(
    mut data: SignalPage,
    form: &SignalForm,
    errors: &[knooppunt_domain::signal::FieldError],
) -> SignalPage {
    for error in errors {
        let message = match error.field.as_str() {
            "area" => unknown_area(&form.area).unwrap_or_else(|| error.message.clone()),
            _ => error.message.clone(),
        };
        data = data.refused(&error.field, message);
    }
    data
}

/// The werkroutes for an accepted signal. The signal is in already: a failure here is logged
/// and shows no werkroute, it does not undo the submission.
async fn help(me: &SignedIn<Submitters>, item: &serde_json::Value) -> Vec<crate::werkroute::Help> {
    let today = knooppunt_ingest::today_nl();
    let Ok(envelope) = knooppunt_ingest::accept(item, today, Channel::Form, chrono::Utc::now())
    else {
        return Vec::new();
    };
    match crate::werkroute::help_for(&me.state, envelope).await {
        Ok(help) => help,
        Err(error) => {
            tracing::warn!(error = %error, "Werkroutes for a submitted signal not read");
            Vec::new()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    #[serde(rename = "pagina")]
    page: String,
}

/// "Mijn signalen": what became of the team's signals.
pub(crate) async fn own_signals(
    me: SignedIn<Submitters>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let page_no = query.page.trim().parse::<i64>().unwrap_or(1);
    mine::view(&me, page_no).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(id: &str) -> bool {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let signal = json!({
            "id": id, "source": "verbinders-moerwijk", "observed_on": "2026-11-30",
            "area": "Moerwijk", "text": "Corporatie reageert niet.", "themes": ["huisvesting"],
        });
        knooppunt_domain::signal::parse_signal(&signal, today).is_err()
    }

    #[test]
    fn a_fresh_id_is_never_taken_for_personal_data() {
        let ids: Vec<String> = (0..20_000).map(|_| fresh_id()).collect();
        assert!(ids.iter().all(|id| id.len() == 32));
        let bad: Vec<&String> = ids.iter().filter(|id| refused(id)).collect();
        assert!(bad.is_empty(), "{bad:?}");
        // Written with digits, as the form wrote them before, 35 of 20,000 random UUIDs were
        // refused; this one among them.
        assert!(refused("a7a4310e-0046-4018-86e7-530411466c18"));
    }
}
