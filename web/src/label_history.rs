//! Recognition corrections made visible and undoable: the message after a correction names the
//! signal (by its short kenmerk), the barrier and the cluster; the cluster page's history lists
//! the corrections made there or that added a signal to it (who, when, which signal, what);
//! and the last correction in force on a signal, made today, can be taken back there, like
//! the last decision (`/clusters/{id}/correctie-ongedaan`; `/correcties/ongedaan` from the
//! agenda's message when the correction emptied its cluster). Taking back appends a withdrawal;
//! the label stays, no longer holds (replay, training, the measure) and its effect is undone.

use crate::error::WebError;
use crate::extract::{CsrfForm, OwnCluster, Reviewers, SignedIn};
use crate::{flash, time, WebState};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_domain::envelope::partition_key;
use knooppunt_domain::labels::{short_kenmerk, HistoryLabel, Label, NotWithdrawn, Verdict};
use serde::{Deserialize, Serialize};

/// A message shown once; after a correction, with the button that takes it back.
#[derive(Serialize, Default)]
pub(crate) struct Notice {
    pub text: String,
    /// The correction the message confirms, while it can be taken back.
    pub undo: Option<UndoButton>,
}

impl From<String> for Notice {
    fn from(text: String) -> Self {
        Notice { text, undo: None }
    }
}

/// The button that takes a correction back.
#[derive(Serialize)]
pub(crate) struct UndoButton {
    seq: i64,
    /// "Correctie op signaal 9f3a61c0… ongedaan maken".
    text: String,
}

/// One correction in a cluster's history.
#[derive(Serialize)]
pub(crate) struct CorrectionRow {
    when: String,
    kenmerk: String,
    /// The whole id, for the tooltip.
    signal_id: String,
    what: String,
    actor: String,
    /// "door voorzitter om 07-12-2026 10:10", after the label *teruggedraaid*.
    reversal: Option<String>,
    undo: Option<UndoButton>,
}

/// The flash code after a correction: the label's sequence number travels, nothing else.
pub(crate) fn code(kind: &str, seq: i64) -> String {
    format!("{kind}:{seq}")
}

/// The message to show once, and the jar without it: a correction's message is told from the
/// label it names (only to a member whose wijken hold its signal).
pub(crate) async fn take_flash(
    me: &SignedIn<Reviewers>,
    jar: CookieJar,
) -> Result<(CookieJar, Option<Notice>), WebError> {
    let (jar, code) = flash::take_code(jar);
    let Some(code) = code else {
        return Ok((jar, None));
    };
    let notice = match correction_code(&code) {
        Some((kind, seq)) => correction_notice(me, kind, seq).await?,
        None => flash::text(&code).map(Notice::from),
    };
    Ok((jar, notice))
}

/// `label:niet:12` → ("label:niet", 12), for the codes [`code`] makes.
fn correction_code(code: &str) -> Option<(&str, i64)> {
    let (kind, seq) = code.rsplit_once(':')?;
    let known = [
        "label:niet",
        "label:ook",
        "triage:ingedeeld",
        "triage:geen",
        "correctie",
    ];
    known.contains(&kind).then_some(kind).zip(seq.parse().ok())
}

/// The label `seq` if its signal lies in the member's wijken.
async fn visible_label(me: &SignedIn<Reviewers>, seq: i64) -> Result<Option<Label>, WebError> {
    let Some(label) = me.state.store.label(seq).await? else {
        return Ok(None);
    };
    let store = &me.state.store;
    let area = store
        .signal_area_key(&label.source, &label.signal_id)
        .await?;
    Ok(area.filter(|area| me.user.covers_area(area)).map(|_| label))
}

/// "het cluster in Moerwijk (nu 11 signalen)": a cluster the member may see, by its place
/// (its barrier is named beside it) and its count as it is now.
async fn cluster_name(me: &SignedIn<Reviewers>, id: &str) -> Result<Option<String>, WebError> {
    let Some(cluster) = me.state.store.cluster(id).await? else {
        return Ok(None);
    };
    if !me.user.covers_area(&partition_key(&cluster.area)) {
        return Ok(None);
    }
    let place = [cluster.area.as_str(), cluster.organisation.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let place = if place.is_empty() {
        "het cluster zonder wijk".to_string()
    } else {
        format!("het cluster in {place}")
    };
    let count = cluster.signal_count;
    let noun = if count == 1 { "signaal" } else { "signalen" };
    Ok(Some(format!("{place} (nu {count} {noun})")))
}

/// The message after correction `seq` (or after taking it back), with its undo button while
/// it can still be taken back.
async fn correction_notice(
    me: &SignedIn<Reviewers>,
    kind: &str,
    seq: i64,
) -> Result<Option<Notice>, WebError> {
    let Some(label) = visible_label(me, seq).await? else {
        return Ok(None);
    };
    let signal = format!("signaal {}", label.short_kenmerk());
    let title = me.state.rules.title(&label.barrier);
    let joined = match &label.joined_cluster {
        Some(id) => cluster_name(me, id).await?,
        None => None,
    };
    let text = match (kind, label.verdict) {
        ("correctie", verdict) => format!(
            "De correctie op {signal} is ongedaan gemaakt: {}.",
            withdrawn_effect(verdict, &title)
        ),
        (_, Verdict::DoesNotBelong) => {
            let left = match &label.cluster_id {
                Some(id) => cluster_name(me, id).await?,
                None => None,
            };
            match left {
                Some(cluster) => format!(
                    "Vastgelegd: {signal} hoort niet bij de barrière ‘{title}’ en telt niet meer \
                     mee in {cluster}."
                ),
                None => format!(
                    "Vastgelegd: {signal} hoort niet bij de barrière ‘{title}’. Het cluster had \
                     verder geen signalen en staat niet meer op de agenda."
                ),
            }
        }
        (_, Verdict::NoBarrier) => format!("Vastgelegd: {signal} hoort bij geen barrière."),
        // From the queue the signal had no barrier yet: it is placed, not "also" counted.
        ("triage:ingedeeld", Verdict::Belongs) if joined.is_some() => format!(
            "Vastgelegd: {signal} is ingedeeld bij de barrière ‘{title}’, in {}.",
            joined.unwrap_or_default()
        ),
        (_, Verdict::Belongs) => match joined {
            Some(cluster) => format!(
                "Vastgelegd: {signal} telt nu ook mee bij de barrière ‘{title}’, in {cluster}."
            ),
            None => format!(
                "Vastgelegd: {signal} hoort bij de barrière ‘{title}’; het telde daar al mee."
            ),
        },
    };
    let undo = undo_button(me, &label).await?;
    Ok(Some(Notice { text, undo }))
}

/// What taking back a label with `verdict` on barrier `title` did, in words.
fn withdrawn_effect(verdict: Verdict, title: &str) -> String {
    match verdict {
        Verdict::DoesNotBelong => format!("het telt weer mee bij de barrière ‘{title}’"),
        Verdict::Belongs => format!("het telt niet meer mee bij de barrière ‘{title}’"),
        Verdict::NoBarrier => "de barrières die het had, tellen weer mee".into(),
    }
}

/// The undo button for `label`, if it can be taken back today.
async fn undo_button(
    me: &SignedIn<Reviewers>,
    label: &Label,
) -> Result<Option<UndoButton>, WebError> {
    let today = knooppunt_ingest::today_nl();
    // Where the label is listed: the page it was made on, or the cluster it added to. A
    // "geen barrière" from the queue is listed nowhere: its message, right after it, offers
    // the undo (a later label on the signal would be refused by the store, saying so).
    let followed = match label.cluster_id.as_ref().or(label.joined_cluster.as_ref()) {
        Some(cluster) => {
            let history = me.state.store.cluster_labels(cluster).await?;
            history
                .iter()
                .find(|h| h.label.seq == label.seq)
                .is_some_and(|h| h.followed)
        }
        None => false,
    };
    Ok(label
        .withdrawable(followed, today)
        .ok()
        .map(|()| button(label)))
}

fn button(label: &Label) -> UndoButton {
    UndoButton {
        seq: label.seq,
        text: format!(
            "Correctie op signaal {} ongedaan maken",
            label.short_kenmerk()
        ),
    }
}

/// What a correction did, seen from cluster `here`.
fn what(state: &WebState, label: &Label, here: &str) -> String {
    let title = state.rules.title(&label.barrier);
    let made_here = label.cluster_id.as_deref() == Some(here);
    match label.verdict {
        Verdict::DoesNotBelong => "Hoort niet bij deze barrière; telt hier niet meer mee".into(),
        Verdict::NoBarrier => "Hoort bij geen barrière".into(),
        Verdict::Belongs if made_here && label.joined_cluster.as_deref() != Some(here) => {
            format!("Ook bij de barrière ‘{title}’")
        }
        Verdict::Belongs if label.cluster_id.is_none() => {
            "Ingedeeld bij deze barrière vanuit Niet ingedeeld".into()
        }
        Verdict::Belongs => {
            "Toegevoegd vanuit een ander cluster: hoort ook bij deze barrière".into()
        }
    }
}

/// The corrections of cluster `id`'s history, oldest first: those made on its page and those
/// that added a signal to it, with an undo for those that can still be taken back.
pub(crate) async fn corrections(
    state: &WebState,
    id: &str,
) -> Result<Vec<CorrectionRow>, WebError> {
    let today = knooppunt_ingest::today_nl();
    let history = state.store.cluster_labels(id).await?;
    Ok(history
        .into_iter()
        .map(|HistoryLabel { label, followed }| {
            let undoable = label.withdrawable(followed, today).is_ok();
            CorrectionRow {
                when: time::moment_at(label.labelled_at),
                kenmerk: label.short_kenmerk(),
                what: what(state, &label, id),
                reversal: label
                    .withdrawn
                    .as_ref()
                    .map(|w| format!("door {} op {}", w.actor, time::moment_at(w.at))),
                undo: undoable.then(|| button(&label)),
                actor: label.actor.clone(),
                signal_id: label.signal_id,
            }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UndoForm {
    /// The label's sequence number.
    label: String,
}

impl UndoForm {
    /// The label's number, when the form holds one.
    fn seq(&self) -> Option<i64> {
        self.label.trim().parse().ok()
    }
}

/// Takes back a correction listed on this cluster's page (made there, or that added a signal
/// to it), if it was made today and is the last in force on its signal.
pub(crate) async fn undo_correction(
    cluster: OwnCluster,
    CsrfForm(form): CsrfForm<UndoForm>,
) -> Result<Response, WebError> {
    let OwnCluster { me, id } = &cluster;
    let label = match form.seq() {
        Some(seq) => me.state.store.label(seq).await?,
        None => None,
    };
    let here = Some(id.as_str());
    let listed = |l: &Label| l.cluster_id.as_deref() == here || l.joined_cluster.as_deref() == here;
    let Some(label) = label.filter(listed) else {
        let error = "ongedaan maken: deze correctie hoort niet bij dit cluster.".to_string();
        return crate::clusters::refused_again(&cluster, error).await;
    };
    match withdraw(me, &label).await? {
        Ok(done) => Ok(done),
        Err(error) => crate::clusters::refused_again(&cluster, error).await,
    }
}

/// Takes back a correction whose cluster it emptied (the message on the agenda offers it: the
/// cluster page is gone until the signal is back), for a member whose wijken hold its signal.
pub(crate) async fn undo_anywhere(
    me: SignedIn<Reviewers>,
    CsrfForm(form): CsrfForm<UndoForm>,
) -> Result<Response, WebError> {
    let label = match form.seq() {
        Some(seq) => visible_label(&me, seq).await?,
        None => None,
    };
    let Some(label) = label else {
        return Err(WebError::refused(
            StatusCode::NOT_FOUND,
            "Niet ongedaan gemaakt",
            "Deze correctie bestaat niet of hoort niet bij uw wijken.",
        ));
    };
    match withdraw(&me, &label).await? {
        Ok(done) => Ok(done),
        Err(error) => Err(WebError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Niet ongedaan gemaakt",
            &error,
        )),
    }
}

/// Takes `label` back: the redirect to the cluster the signal is back in (the agenda when it
/// has none), with the message; or the refusal in Dutch, naming the signal.
async fn withdraw(
    me: &SignedIn<Reviewers>,
    label: &Label,
) -> Result<Result<Response, String>, WebError> {
    let today = knooppunt_ingest::today_nl();
    let store = &me.state.store;
    let why = match store
        .withdraw_label(label.seq, today, &me.user.name)
        .await?
    {
        Ok(withdrawn) => {
            tracing::info!(
                label = withdrawn.label.seq,
                verdict = withdrawn.label.verdict.as_str(),
                left = withdrawn.effect.left.as_deref().unwrap_or(""),
                back_in = withdrawn.effect.joined.as_deref().unwrap_or(""),
                "Recognition label withdrawn"
            );
            // A triage from Niet ingedeeld goes back to the queue, where the signal is again.
            let mut to = match label.cluster_id {
                None => "/niet-ingedeeld#melding",
                Some(_) => "/agenda",
            }
            .to_string();
            let clusters = [&label.cluster_id, &label.joined_cluster];
            for cluster in clusters
                .into_iter()
                .flatten()
                .filter(|_| label.cluster_id.is_some())
            {
                if store.cluster(cluster).await?.is_some() {
                    to = format!("/clusters/{cluster}#melding");
                    break;
                }
            }
            let code = code("correctie", label.seq);
            return Ok(Ok(flash::redirect(&code, &to, me.state.secure_cookies)));
        }
        Err(NotWithdrawn::Already) => "deze correctie is al ongedaan gemaakt",
        Err(NotWithdrawn::NotThatDay) => {
            "alleen een correctie van vandaag kan ongedaan worden gemaakt"
        }
        Err(NotWithdrawn::Later) => {
            "er is daarna nog een correctie op dit signaal vastgelegd; maak die eerst ongedaan"
        }
        Err(NotWithdrawn::Unknown) => "dit signaal bestaat niet meer",
    };
    let signal = short_kenmerk(&label.signal_id);
    Ok(Err(format!("ongedaan maken (signaal {signal}): {why}.")))
}

#[cfg(test)]
mod tests {
    use super::correction_code;

    #[test]
    fn only_correction_codes_with_a_number_name_a_label() {
        assert_eq!(correction_code("label:niet:12"), Some(("label:niet", 12)));
        assert_eq!(correction_code("correctie:3"), Some(("correctie", 3)));
        assert_eq!(correction_code("label:niet"), None);
        assert_eq!(correction_code("besluit:afwijzen:afgewezen"), None);
        assert_eq!(correction_code("label:ook:x"), None);
    }
}
