//! A rules file that does not parse or has the wrong shape, said in Dutch: the TOML reader
//! and serde speak English ("unknown field `x`, expected one of …", "invalid table header"),
//! the people who keep the rules file read Dutch. The shapes serde and the TOML reader use
//! are translated line by line; any other line is kept as it is, after the line number.

patterns! {
    /// `unknown field`, `unknown variant`, `missing field`, `duplicate field` and the TOML
    /// reader's `duplicate key`, with the name they quote and what they expected.
    NAMED = r"^(unknown field|unknown variant|missing field|duplicate field|duplicate key) `([^`]*)`(?:, (?:expected|there are no) (.*)| in .*)?$";

    /// `invalid type` and `invalid value`: what was found, and what was expected.
    INVALID = r"^invalid (type|value): (.*), expected (.*)$";

    /// The TOML reader's "invalid …" (what it was reading) and "expected …" (what may come next).
    SYNTAX = r"^(invalid|expected) (.*)$";

    /// A name quoted between backticks.
    QUOTED = r"`([^`]*)`";
}

/// What the TOML reader says it was reading when it stopped, in Dutch.
const READING: [(&str, &str); 20] = [
    ("string", "ongeldige waarde"),
    (
        "basic string",
        "ongeldige tekst tussen dubbele aanhalingstekens",
    ),
    (
        "literal string",
        "ongeldige tekst tussen enkele aanhalingstekens",
    ),
    (
        "multiline basic string",
        "ongeldige tekst over meer regels (\"\"\")",
    ),
    (
        "multiline literal string",
        "ongeldige tekst over meer regels (\'\'\')",
    ),
    ("table header", "ongeldige tabelkop"),
    ("key", "ongeldige sleutel"),
    ("array", "ongeldige lijst"),
    ("inline table", "ongeldige inline-tabel"),
    ("integer", "ongeldig geheel getal"),
    ("hexadecimal integer", "ongeldig hexadecimaal getal"),
    ("octal integer", "ongeldig octaal getal"),
    ("binary integer", "ongeldig binair getal"),
    ("floating-point number", "ongeldig kommagetal"),
    ("date-time", "ongeldige datum en tijd"),
    ("time", "ongeldige tijd"),
    ("time offset", "ongeldige tijdzone"),
    ("escape sequence", "ongeldige escape-reeks"),
    (
        "unicode 4-digit hex code",
        "ongeldige unicode-code (4 hexadecimale cijfers)",
    ),
    (
        "unicode 8-digit hex code",
        "ongeldige unicode-code (8 hexadecimale cijfers)",
    ),
];

/// Words the TOML reader and serde use for what they expected or found, in Dutch.
const WORDS: [(&str, &str); 14] = [
    ("newline", "nieuwe regel"),
    ("leading digit", "eerste cijfer"),
    ("digit", "cijfer"),
    ("a string", "tekst"),
    ("string", "tekst"),
    ("integer", "geheel getal"),
    ("floating point", "kommagetal"),
    ("a boolean", "waar of onwaar"),
    ("boolean", "waar of onwaar"),
    ("a sequence", "lijst"),
    ("sequence", "lijst"),
    ("a map", "tabel"),
    ("map", "tabel"),
    ("f64", "getal"),
];

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

/// serde's and the TOML reader's message in Dutch, line by line (joined with "; "); a line
/// in another shape as it is.
fn dutch(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(dutch_line)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line of [`dutch`].
fn dutch_line(message: &str) -> String {
    if let Some(invalid) = INVALID.captures(message) {
        let kind = if &invalid[1] == "type" {
            "verkeerd type"
        } else {
            "ongeldige waarde"
        };
        return format!(
            "{kind}: {}, verwacht {}",
            words(&invalid[2]),
            words(&invalid[3])
        );
    }
    if let Some(dutch) = other_shapes(message) {
        return dutch;
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

/// The TOML reader's syntax lines ("invalid array", "expected `]`") and its few fixed
/// sentences, in Dutch.
fn other_shapes(message: &str) -> Option<String> {
    match message {
        "value is out of range" => return Some("waarde buiten het toegestane bereik".into()),
        "recursion limit exceeded" => return Some("te diep genest".into()),
        _ => {}
    }
    // serde on a fixed-size list: `exclude_unless` pairs.
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((found, expected)) = rest.split_once(", expected a tuple of size ") {
            return Some(format!(
                "lijst van {found} in plaats van {expected} patronen"
            ));
        }
    }
    if let Some(rest) = message.strip_prefix("dotted key `") {
        let key = rest.split('`').next().unwrap_or_default();
        return Some(format!(
            "sleutel '{key}' breidt een waarde uit die geen tabel is"
        ));
    }
    let syntax = SYNTAX.captures(message)?;
    if &syntax[1] == "expected" {
        return Some(format!("verwacht: {}", words(&syntax[2])));
    }
    translated(&READING, &syntax[2]).map(String::from)
}

/// The Dutch for `english` in one of the tables [`READING`] and [`WORDS`].
fn translated(table: &[(&str, &'static str)], english: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(from, _)| *from == english)
        .map(|(_, dutch)| *dutch)
}

/// `text` with the words of [`WORDS`] in Dutch where they stand alone between commas (a word
/// before a backticked value too: "integer `3`"), backticked names as they are.
fn words(text: &str) -> String {
    text.split(", ")
        .map(|part| {
            let (head, tail) = match part.split_once(' ') {
                Some((head, tail)) if tail.starts_with('`') || tail.starts_with('"') => {
                    (head, Some(tail))
                }
                _ => (part, None),
            };
            let head = translated(&WORDS, head).unwrap_or(head);
            match tail {
                Some(tail) => format!("{head} {tail}"),
                None => head.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
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
            ("invalid type: integer `3`, expected a string", "verkeerd type: geheel getal `3`, verwacht tekst"),
            ("invalid type: string \"x\", expected a sequence", "verkeerd type: tekst \"x\", verwacht lijst"),
            ("expected newline, `#`", "verwacht: nieuwe regel, `#`"),
            ("invalid table header\nexpected `.`, `]]`", "ongeldige tabelkop; verwacht: `.`, `]]`"),
            ("invalid table header\nduplicate key `a` in document root", "ongeldige tabelkop; 'a' staat er twee keer"),
            ("invalid integer\nexpected digit", "ongeldig geheel getal; verwacht: cijfer"),
            ("invalid length 1, expected a tuple of size 2", "lijst van 1 in plaats van 2 patronen"),
            // Anything else stays as it is.
            ("something new", "something new"),
        ];
        for (english, dutch_message) in cases {
            assert_eq!(dutch(english), dutch_message, "{english}");
        }
    }

    /// Every kind of syntax mistake the TOML reader reports, read back in Dutch: no line of
    /// it left in English.
    #[test]
    fn syntax_mistakes_are_said_in_dutch() {
        let sources = [
            "version = \"1",
            "version = 1.2.3",
            "[barrier\nid = 1",
            "[[barrier]\nid = 1",
            "patterns = [\"a\", \"b\"",
            "patterns = [\"a\" \"b\"]",
            "id = \n",
            "= 1",
            "id = 'abc",
            "id = \"\"\"abc",
            "id = '''abc",
            "id = \"a\\qb\"",
            "id = \"a\\u12\"",
            "id = \"a\\U1234\"",
            "a.b = 1\na = 2",
            "a = 1\na.b = 2",
            "x = {a = 1",
            "x = 0x",
            "x = 0o9",
            "x = 0b2",
            "x = 1_",
            "x = 1.e5",
            "x = 1979-13-27",
            "x = 1979-05-27T25:00:00",
            "x = 1979-05-27T07:32:00+25:00",
            "[a]\n[a]",
            "x = 1\nx = 2",
            "x.= 1",
        ];
        let english = [
            "invalid",
            "expected",
            "duplicate",
            "dotted",
            "range",
            "limit",
        ];
        for source in sources {
            let error = toml::from_str::<toml::Table>(source).expect_err(source);
            let said = unreadable(source, &error);
            assert!(
                !english.iter().any(|word| said.contains(word)),
                "{source:?}: {:?} -> {said}",
                error.message()
            );
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
