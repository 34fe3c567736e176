//! The password policy: 12 to 128 characters, not only spaces, not the account name, and not
//! on the blocklists in `data/` (19,640 common passwords from Django, plus Dutch additions).
//! Length beats composition rules: a long phrase is allowed, `Wachtwoord12!` is not.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Minimum password length, in characters.
pub const MIN_PASSWORD: usize = 12;
/// Maximum password length, in characters (Argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD: usize = 128;

const COMMON: &str = include_str!("data/common-passwords.txt");
const DUTCH: &str = include_str!("data/veelgebruikt-nl.txt");

fn blocklist() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        COMMON
            .lines()
            .chain(DUTCH.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// The forms of a password that are looked up: as typed (lower case), without the digits and
/// punctuation people add at either end, and without spaces.
fn candidates(password: &str) -> Vec<String> {
    let lower = password.trim().to_lowercase();
    let trim_ends = |s: &str| s.trim_matches(|c: char| !c.is_alphabetic()).to_string();
    let no_spaces: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    vec![trim_ends(&lower), trim_ends(&no_spaces), no_spaces, lower]
}

/// Checks a new password; the error is Dutch and names the field.
pub fn check(password: &str, account: &str) -> Result<(), String> {
    let length = password.chars().count();
    if password.is_empty() {
        return Err("wachtwoord: vul een wachtwoord in; kies een zin of woorden".into());
    }
    if password.trim().is_empty() {
        return Err("wachtwoord: bestaat alleen uit spaties; kies een zin of woorden".into());
    }
    if length < MIN_PASSWORD {
        return Err(format!("wachtwoord: minstens {MIN_PASSWORD} tekens"));
    }
    if length > MAX_PASSWORD {
        return Err(format!("wachtwoord: hoogstens {MAX_PASSWORD} tekens"));
    }
    let list = blocklist();
    let forms = candidates(password);
    let account = account.trim().to_lowercase();
    if !account.is_empty() && forms.iter().any(|f| f.contains(&account)) {
        return Err("wachtwoord: mag de gebruikersnaam niet bevatten".into());
    }
    if forms
        .iter()
        .any(|f| f.is_empty() || list.contains(f.as_str()))
    {
        return Err(
            "wachtwoord: dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden; \
             kies een zin van een paar woorden"
                .into(),
        );
    }
    // "aaaaaaaaaaaa", "121212121212": a repeated short pattern is as weak as its pattern.
    let chars: Vec<char> = password.chars().collect();
    if (1..=3)
        .any(|n| chars.len() >= n * 2 && chars.iter().enumerate().all(|(i, c)| *c == chars[i % n]))
    {
        return Err("wachtwoord: een herhaald patroon is te makkelijk te raden".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_the_field_named() {
        for weak in [
            "            ",
            "kort",
            "wachtwoord12",
            "Wachtwoord2026!",
            "password1234",
            "qwertyuiop12",
            "aaaaaaaaaaaaaaa",
            "121212121212",
            "Den Haag 2026",
            "jan.jansen-geheim",
        ] {
            let error = check(weak, "jan.jansen").expect_err(weak);
            assert!(error.starts_with("wachtwoord: "), "{weak}: {error}");
        }
        assert!(check(&"x".repeat(129), "a").is_err());
    }

    #[test]
    fn a_phrase_passes() {
        for good in [
            "correct horse battery staple",
            "fiets regen koffie dijk",
            "Zeven zwanen op de Vliet",
        ] {
            assert_eq!(check(good, "overleg"), Ok(()), "{good}");
        }
        assert!(blocklist().len() > 19_000);
    }
}
