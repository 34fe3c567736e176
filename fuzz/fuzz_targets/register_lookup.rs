//! The register lookup on arbitrary names: never panics; a name it accepts maps to a canonical
//! entry that maps to itself; lookup keys are stable; a refusal never repeats a long input.
#![no_main]

use knooppunt_domain::register::{key, Register};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static REGISTER: LazyLock<Register> = LazyLock::new(Register::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let k = key(input);
    assert_eq!(key(&k), k);
    match REGISTER.resolve_area(input) {
        Ok(area) => {
            let again = REGISTER.resolve_area(&area.name).map(|a| a.name.clone());
            assert_eq!(again.as_deref(), Ok(area.name.as_str()));
        }
        Err(message) => {
            assert!(message.starts_with("onbekende wijk of buurt"));
            assert!(!echoes(&message, input));
        }
    }
    match REGISTER.resolve_source(input) {
        Ok(code) => assert_eq!(REGISTER.resolve_source(&code).as_deref(), Ok(code.as_str())),
        Err(message) => {
            assert!(message.starts_with("onbekende bron"));
            assert!(!echoes(&message, input));
        }
    }
});

/// Whether a refusal repeats a long input. Register names are short, so a long input found in
/// the message can only come from its fixed wording (which the fuzzer may copy).
fn echoes(message: &str, input: &str) -> bool {
    const FIXED: [&str; 4] = [
        "onbekende wijk of buurt; gebruik een naam of CBS-code (zoals WK051836) uit het register van gebieden",
        "'? Gebruik een naam of CBS-code uit het register van gebieden",
        "onbekende bron; gebruik de code van uw team uit het register van bronnen",
        "'? Gebruik de code van uw team uit het register van bronnen",
    ];
    let input = input.trim();
    input.chars().count() > 40
        && message.contains(input)
        && !FIXED.iter().any(|fixed| fixed.contains(input))
}
