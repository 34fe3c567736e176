//! The anonymiser on arbitrary text: it must never panic, and what it returns must not still
//! hold what it can recognise with certainty (e-mail addresses, mod-97-valid IBANs).
#![no_main]

use knooppunt_domain::scrub::{scrub, PiiKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let once = scrub(text);
    let again = scrub(&once.text);
    assert!(
        !again.found.contains(&PiiKind::Email) && !again.found.contains(&PiiKind::Iban),
        "scrubbed text still holds an e-mail address or IBAN: {:?}",
        once.text
    );
    let _ = once.mostly_personal(text);
});
