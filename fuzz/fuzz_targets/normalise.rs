//! The boundary normalisation on arbitrary text: never panics; the result holds no invisible
//! or bidi control, no control character but `\n` and `\t` (text) or none at all (one-line
//! fields), is NFC, and normalising it again changes nothing.
#![no_main]

use knooppunt_domain::normalise::{is_stripped, normalise_label, normalise_text};
use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let text = normalise_text(input);
    assert!(!text.chars().any(is_stripped));
    assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
    assert!(is_nfc(&text));
    assert_eq!(normalise_text(&text), text);

    let label = normalise_label(input);
    assert!(!label.chars().any(|c| is_stripped(c) || c.is_control()));
    assert!(!label.contains("  ") && label.trim() == label);
    assert!(is_nfc(&label));
    assert_eq!(normalise_label(&label), label);
});
