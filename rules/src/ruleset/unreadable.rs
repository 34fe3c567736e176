//! A rules file that does not parse or has the wrong shape, said in Dutch: the TOML reader
//! and serde speak English ("unknown field `x`, expected one of …"), the people who keep the
//! rules file read Dutch. The shapes serde and the TOML reader use are translated; any other
//! message is kept as it is, after the line it is on.

use regex::Regex;
use std::sync::LazyLock;

/// `unknown field`, `unknown variant`, `missing field`, `duplicate field` and the TOML
/// reader's `duplicate key`, with the name they quote and what they expected.
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(unknown field|unknown variant|missing field|duplicate field|duplicate key) `([^`]*)`(?:, (?:expected|there are no) (.*)| in .*)?$")
        .expect("valid pattern")
});

/// `invalid type` and `invalid value`: what was found, and what was expected.
static INVALID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^invalid (type|value): (.*), expected (.*)$").expect("valid pattern")
});

/// A name quoted between backticks.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]*)`").expect("valid pattern"));

/// The error of reading `source`, in Dutch and with its line ("regel 84: …") when known.
pub(super) fn unreadable(source: &str, error: &toml::de::Error) -> String {
    let message = dutch(error.message().trim());
    match error.span() {
        Some(span) => {
            let line = source
                .get(..span.start)
                .map_or(0, |before| before.matches('\n').count())
                + 1;
            format!("regel {line}: regelbestand onleesbaar: {message}")
        }
        None => format!("regelbestand onleesbaar: {message}"),
    }
}

/// serde's and the TOML reader's message in Dutch; another message as it is.
fn dutch(message: &str) -> String {
    if let Some(invalid) = INVALID.captures(message) {
        let kind = if &invalid[1] == "type" {
            "verkeerd type"
        } else {
            "ongeldige waarde"
        };
        return format!("{kind}: {}, verwacht {}", &invalid[2], &invalid[3]);
    }
    let Some(named) = NAMED.captures(message) else {
        return message.to_string();
    };
    let name = &named[2];
    let expected = named.get(3).map_or("", |m| m.as_str());
    let allowed: Vec<&str> = QUOTED
        .captures_iter(expected)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    let allowed = if allowed.is_empty() {
        String::new()
    } else {
        format!(", toegestaan: {}", allowed.join(", "))
    };
    match &named[1] {
        "unknown field" => format!("onbekende sleutel '{name}'{allowed}"),
        "unknown variant" => format!("onbekende waarde '{name}'{allowed}"),
        "missing field" => format!("ontbreekt: '{name}'"),
        _ => format!("'{name}' staat er twee keer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shapes_serde_and_toml_use_are_said_in_dutch() {
        #[rustfmt::skip]
        let cases = [
            ("unknown field `patern`, expected one of `id`, `title`", "onbekende sleutel 'patern', toegestaan: id, title"),
            ("unknown variant `kort`, expected `cuts` or `evicts`", "onbekende waarde 'kort', toegestaan: cuts, evicts"),
            ("missing field `title`", "ontbreekt: 'title'"),
            ("duplicate key `id` in table `barrier`", "'id' staat er twee keer"),
            ("invalid type: integer `3`, expected a string", "verkeerd type: integer `3`, verwacht a string"),
            // Anything else stays as it is.
            ("expected newline, `#`", "expected newline, `#`"),
        ];
        for (english, dutch_message) in cases {
            assert_eq!(dutch(english), dutch_message, "{english}");
        }
    }

    #[test]
    fn the_error_names_its_line() {
        let source = "version = \"t\"\n\n[[barrier]]\nid = \"x\"\nresponsible = \"kort\"\n";
        let error =
            toml::from_str::<super::super::spec::RulesFile>(source).expect_err("an unknown value");
        let said = unreadable(source, &error);
        assert!(said.starts_with("regel "), "{said}");
        assert!(
            said.contains("onbekende waarde 'kort', toegestaan: cuts, evicts"),
            "{said}"
        );
    }
}
