//! What the rule set needs to know about a pattern without compiling it on its own: whether it
//! is valid, and whether it asks for an ASCII capital anywhere. Each pattern is parsed once; the
//! set is compiled from the parsed patterns. The set only asks whether a pattern matches, so
//! its groups are read as non-capturing: the syntax tree comes without captures for the set to
//! unwrap again.

use regex_syntax::ast::{self, Ast, ClassAsciiKind, ClassSet, ClassSetItem};
use regex_syntax::hir::{translate::TranslatorBuilder, Hir};

/// A pattern parsed once, the way the rule set compiles it (bytes, ASCII-only classes): its
/// syntax tree, and what it matches case-sensitively.
#[derive(Debug)]
pub(crate) struct Parsed {
    pattern: String,
    ast: Ast,
    hir: Hir,
}

/// Parses a pattern, reporting the same syntax errors (as text) compiling it would.
pub(crate) fn parse(pattern: &str) -> Result<Parsed, String> {
    let mut ast = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| regex_syntax::Error::from(e).to_string())?;
    uncapture(&mut ast);
    let hir = translator(false)
        .translate(pattern, &ast)
        .map_err(|e| regex_syntax::Error::from(e).to_string())?;
    Ok(Parsed {
        pattern: pattern.to_string(),
        ast,
        hir,
    })
}

/// Every capturing group of `ast` made non-capturing (no flags), in place.
fn uncapture(ast: &mut Ast) {
    match ast {
        Ast::Group(group) => {
            if group.capture_index().is_some() {
                group.kind = ast::GroupKind::NonCapturing(ast::Flags {
                    span: group.span,
                    items: Vec::new(),
                });
            }
            uncapture(&mut group.ast);
        }
        Ast::Repetition(repetition) => uncapture(&mut repetition.ast),
        Ast::Alternation(alternation) => alternation.asts.iter_mut().for_each(uncapture),
        Ast::Concat(concat) => concat.asts.iter_mut().for_each(uncapture),
        _ => {}
    }
}

/// The translator the rule set's patterns go through.
fn translator(case_insensitive: bool) -> regex_syntax::hir::translate::Translator {
    TranslatorBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(case_insensitive)
        .build()
}

impl Parsed {
    /// The pattern as written (its `{register}` filled in).
    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether matching the pattern case-sensitively finds exactly what matching it
    /// case-insensitively finds, on text without ASCII capitals (normalised text): no literal
    /// is a capital, and every class that holds a capital also holds its small letter (`\w`,
    /// `[A-Za-z]`). Unsure cases (Unicode classes, nested classes, set operations) count as not.
    pub(crate) fn lower_case_only(&self) -> bool {
        ast::visit(&self.ast, LowerCaseOnly).unwrap_or(false)
    }

    /// What the pattern matches, case-insensitively if asked.
    pub(crate) fn into_hir(self, case_insensitive: bool) -> Result<Hir, String> {
        if !case_insensitive {
            return Ok(self.hir);
        }
        translator(true)
            .translate(&self.pattern, &self.ast)
            .map_err(|e| regex_syntax::Error::from(e).to_string())
    }
}

struct LowerCaseOnly;

impl ast::Visitor for LowerCaseOnly {
    type Output = bool;
    type Err = ();

    fn finish(self) -> Result<bool, ()> {
        Ok(true)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
        let fine = match ast {
            Ast::Literal(literal) => !literal.c.is_ascii_uppercase(),
            Ast::ClassUnicode(_) => false,
            Ast::ClassBracketed(class) => {
                let mut letters = Letters::default();
                letters.add_set(&class.kind) && letters.closed()
            }
            _ => true,
        };
        if fine {
            Ok(())
        } else {
            Err(())
        }
    }
}

/// The ASCII letters a bracketed class names, to check that it is closed under case.
#[derive(Default)]
struct Letters {
    upper: [bool; 26],
    lower: [bool; 26],
}

impl Letters {
    fn add_char(&mut self, c: char) {
        if c.is_ascii_uppercase() {
            self.upper[(c as u8 - b'A') as usize] = true;
        } else if c.is_ascii_lowercase() {
            self.lower[(c as u8 - b'a') as usize] = true;
        }
    }

    /// False when the set holds something this check does not follow.
    fn add_set(&mut self, set: &ClassSet) -> bool {
        match set {
            ClassSet::Item(item) => self.add_item(item),
            ClassSet::BinaryOp(_) => false,
        }
    }

    fn add_item(&mut self, item: &ClassSetItem) -> bool {
        match item {
            ClassSetItem::Empty(_) | ClassSetItem::Perl(_) => true,
            ClassSetItem::Literal(literal) => {
                self.add_char(literal.c);
                true
            }
            ClassSetItem::Range(range) => {
                for c in range.start.c..=range.end.c {
                    if !c.is_ascii() {
                        break;
                    }
                    self.add_char(c);
                }
                true
            }
            ClassSetItem::Ascii(class) => {
                !matches!(class.kind, ClassAsciiKind::Upper | ClassAsciiKind::Lower)
            }
            ClassSetItem::Union(union) => union.items.iter().all(|item| self.add_item(item)),
            ClassSetItem::Unicode(_) | ClassSetItem::Bracketed(_) => false,
        }
    }

    /// Every capital named comes with its small letter.
    fn closed(&self) -> bool {
        self.upper.iter().zip(&self.lower).all(|(&u, &l)| !u || l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_case_only(pattern: &str) -> bool {
        parse(pattern).is_ok_and(|p| p.lower_case_only())
    }

    #[test]
    fn capitals_anywhere_keep_case_insensitive_matching() {
        for pattern in [
            r"wacht\W+lijst",
            r"(?:^|[^a-z0-9])bijstand",
            r"[A-Za-z]+ ?\d",
            r"\bggz\b|\bpoh-ggz",
            r"[[:alpha:]]{2}",
        ] {
            assert!(lower_case_only(pattern), "{pattern}");
        }
        for pattern in [
            "GGZ",
            r"\x41",
            "[A-Z]",
            "[^A]",
            "[[:upper:]]",
            "[[:^lower:]]",
            r"\pL",
            "[a[^B]]",
            "[a-z&&b]",
            "(open",
        ] {
            assert!(!lower_case_only(pattern), "{pattern}");
        }
    }

    #[test]
    #[allow(clippy::invalid_regex)] // compiling an invalid pattern is the point
    fn parse_errors_read_like_compile_errors() {
        let parsed = parse("(open").unwrap_err();
        let compiled = regex::bytes::RegexBuilder::new("(open")
            .unicode(false)
            .build()
            .unwrap_err()
            .to_string();
        assert_eq!(parsed, compiled);
        assert!(parse(r"wacht\W+(?:\w+\W+){0,12}?lijst").is_ok());
    }

    #[test]
    fn groups_come_without_captures_and_match_the_same() {
        for pattern in [
            r"(wacht|wachten) (al )?(\d+) (?P<unit>weken|maanden)",
            r"((a)(?i:B)(c|(d)))+",
        ] {
            let parsed = parse(pattern).expect("valid");
            assert_eq!(
                parsed.hir.properties().explicit_captures_len(),
                0,
                "{pattern}"
            );
            let with = regex::bytes::Regex::new(pattern).expect("valid");
            let without = regex::bytes::Regex::new(&parsed.hir.to_string()).expect("valid");
            for text in [
                "wacht al 5 weken",
                "wachten 12 maanden",
                "abcabd",
                "aBd",
                "ab",
            ] {
                assert_eq!(
                    with.find(text.as_bytes()).map(|m| m.range()),
                    without.find(text.as_bytes()).map(|m| m.range()),
                    "{pattern} on {text}"
                );
            }
        }
    }
}
