//! A confirmation after every change (post/redirect/get): the handler that changed something
//! sets a short-lived cookie with a message code and redirects; the next page shows the Dutch
//! message once and removes the cookie. Only codes travel in the cookie (no names, no text a
//! user typed): the Dutch text is looked up here.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use knooppunt_domain::review::Action;

const FLASH_COOKIE: &str = "kp_melding";

/// The jar with a message code set, for the redirect that follows a change. A code is
/// `[a-z0-9-]` words joined by `:` (an action name, a state).
pub fn set(jar: CookieJar, code: &str, secure: bool) -> CookieJar {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':'))
        .take(120)
        .collect();
    jar.add(
        Cookie::build((FLASH_COOKIE, code))
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .path("/")
            .build(),
    )
}

/// A redirect to `to` that shows the message of `code` there once.
pub fn redirect(code: &str, to: &str, secure: bool) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        set(CookieJar::new(), code, secure),
        axum::response::Redirect::to(to),
    )
        .into_response()
}

/// The message to show once, and the jar without it.
pub fn take(jar: CookieJar) -> (CookieJar, Option<String>) {
    let (jar, code) = take_code(jar);
    (jar, code.as_deref().and_then(text))
}

/// The code of the message to show once, and the jar without it: for a message told from
/// what the code names (a recognition correction, by its number).
pub fn take_code(jar: CookieJar) -> (CookieJar, Option<String>) {
    let Some(code) = jar.get(FLASH_COOKIE).map(|c| c.value().to_string()) else {
        return (jar, None);
    };
    let jar = jar.remove(Cookie::build(FLASH_COOKIE).path("/").build());
    (jar, Some(code))
}

/// The Dutch message for a code; `None` for a code this version does not know.
pub fn text(code: &str) -> Option<String> {
    let mut parts = code.split(':');
    let kind = parts.next()?;
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    Some(match kind {
        "besluit" => format!(
            "Besluit vastgelegd: {}. De status is nu: {}.",
            Action::label_of(first)?,
            state_word(second)?
        ),
        "ongedaan" => format!(
            "Het laatste besluit ({}) is ongedaan gemaakt. De status is weer: {}.",
            Action::label_of(first)?,
            state_word(second)?
        ),
        "vignet" => "Het signaal is goedgekeurd als vignet voor de brief.".into(),
        "vergadering" => "De vergadering is vastgelegd.".into(),
        "besluitenlijst" => format!(
            "De vergadering is vastgelegd met {} {} en {} {}.",
            first.parse::<usize>().ok()?,
            if first == "1" {
                "aanwezige"
            } else {
                "aanwezigen"
            },
            second.parse::<usize>().ok()?,
            if second == "1" {
                "actiepunt"
            } else {
                "actiepunten"
            },
        ),
        "werkroute" => match first {
            "vastgelegd" => "De werkroute is vastgelegd. Teams zien haar zodra ze een signaal \
                             melden dat bij dit bevestigde knelpunt hoort."
                .into(),
            "verwijderd" => "De werkroute is verwijderd.".into(),
            "geen" => "Er was geen werkroute om te verwijderen.".into(),
            _ => return None,
        },
        // Said in full (signal, barrier, cluster) where the label is read: `label_history`.
        "label" => match first {
            "niet" => "Vastgelegd: het signaal hoort niet bij de barrière en telt daar niet \
                       meer mee."
                .into(),
            "ook" => "Vastgelegd: het signaal telt ook mee bij de gekozen barrière.".into(),
            _ => return None,
        },
        "triage" => match first {
            "ingedeeld" => "Vastgelegd: het signaal is ingedeeld bij de gekozen barrière.".into(),
            "geen" => "Vastgelegd: het signaal hoort bij geen barrière.".into(),
            _ => return None,
        },
        "correctie" => "De correctie is ongedaan gemaakt.".into(),
        "opgevolgd" => "Het cluster dat u opende bestaat niet meer: bij het opnieuw indelen \
                        gingen zijn signalen en de besluiten van het overleg naar dit cluster."
            .into(),
        "beheer" => crate::beheer::message(first)?.into(),
        "vastgesteld" => crate::publish::message(first, second)?,
        _ => return None,
    })
}

fn state_word(state: &str) -> Option<&'static str> {
    knooppunt_reports::review::State::from_name(state).map(|s| s.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_dutch_messages_and_unknown_codes_nothing() {
        assert_eq!(
            text("besluit:afwijzen:afgewezen").as_deref(),
            Some("Besluit vastgelegd: afgewezen. De status is nu: afgewezen.")
        );
        assert_eq!(
            text("besluit:aanbeveling:bevestigd").as_deref(),
            Some("Besluit vastgelegd: aanbeveling aan de gemeente. De status is nu: bevestigd.")
        );
        assert!(text("besluit:iets:open").is_none());
        assert!(text("<script>").is_none());
        assert!(text("vignet").is_some());
    }
}
