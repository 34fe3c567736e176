//! The register lookup on arbitrary names: never panics; a name it accepts maps to a canonical
//! entry that maps to itself; lookup keys are stable; a refusal never repeats a long input.
#![no_main]

use knooppunt_ingest::register::{key, Register};
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
            if input.trim().chars().count() > 40 {
                assert!(!message.contains(input.trim()));
            }
        }
    }
    match REGISTER.resolve_source(input) {
        Ok(code) => assert_eq!(REGISTER.resolve_source(&code).as_deref(), Ok(code.as_str())),
        Err(message) => {
            assert!(message.starts_with("onbekende bron"));
            if input.trim().chars().count() > 40 {
                assert!(!message.contains(input.trim()));
            }
        }
    }
});
