//! The rewritten patterns match somewhere in exactly the texts the written ones do: checked
//! against the regex crate's own set, exhaustively on short texts for the shapes the rewrites
//! touch, and on every training note for the shipped rule set's patterns.

use super::{hybrid, parsed, simplified, ExistenceSet};
use regex::bytes::RegexSetBuilder;

/// Which of `patterns` match somewhere in `text`, by the regex crate (as the rule set
/// matched before) and by the rewritten set; both ascending.
fn both(patterns: &[String], case_insensitive: bool, texts: &[Vec<u8>]) {
    let rewritten = ExistenceSet::new(patterns, case_insensitive).expect("valid patterns");
    same_as_the_regex_crate(&rewritten, patterns, case_insensitive, texts);
}

/// [`both`] for a set already built.
fn same_as_the_regex_crate(
    rewritten: &ExistenceSet,
    patterns: &[String],
    case_insensitive: bool,
    texts: &[Vec<u8>],
) {
    let written = RegexSetBuilder::new(patterns)
        .case_insensitive(case_insensitive)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .expect("valid patterns");
    for text in texts {
        let expected: Vec<usize> = written.matches(text).iter().collect();
        let found: Vec<usize> = rewritten.matches(text).iter().collect();
        assert_eq!(found, expected, "on {:?}", String::from_utf8_lossy(text));
    }
}

/// `patterns` as strings, and their set (case-sensitive).
fn set_of(patterns: &[&str]) -> (Vec<String>, ExistenceSet) {
    let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
    let set = ExistenceSet::new(&patterns, false).expect("valid patterns");
    (patterns, set)
}

/// Every text of up to `len` bytes over `alphabet`.
fn all_texts(alphabet: &[u8], len: usize) -> Vec<Vec<u8>> {
    let mut texts = vec![Vec::new()];
    let mut last = vec![Vec::new()];
    for _ in 0..len {
        last = last
            .iter()
            .flat_map(|t: &Vec<u8>| {
                alphabet.iter().map(move |&b| {
                    let mut t = t.clone();
                    t.push(b);
                    t
                })
            })
            .collect();
        texts.extend(last.iter().cloned());
    }
    texts
}

/// What each rewrite touches: optional and repeated ends (also behind or before a `\b`),
/// alternations sharing first bytes, branches that are prefixes of others, captures, empty
/// branches, and a pattern that matches everywhere.
#[test]
fn rewritten_shapes_match_where_the_written_ones_do_on_every_short_text() {
    let patterns: Vec<String> = [
        r"ab?",
        r"a(b|ba)",
        r"(ab|a)b",
        r"a\b",
        r"\ba",
        r"a(b )?\b",
        r"(a )?\bb",
        r"a\w*",
        r"\w+a",
        r"a(\w+ )?b",
        r"(a|ab|abb|b a)\b",
        r"\b(a|ab|)b",
        r"(ab|a\b|aa)",
        r"(?:a b|a a|b)+",
        r"a[^.]*b",
        r"(a(b|)|b(a|a ))",
        r"a?",
        r"^a b?",
        r"a\.?$",
        r"(b|ba)+ ?a",
        r"a(b ){2}",
        r"(a\b)?b",
        r"b( \ba)?",
    ]
    .map(String::from)
    .to_vec();
    let texts = all_texts(b"ab .", 7);
    both(&patterns, false, &texts);
    both(&patterns, true, &all_texts(b"aAb .", 5));
}

/// The shipped rule set's positive and exclusion patterns.
fn shipped_patterns() -> (Vec<String>, Vec<String>) {
    let rules: toml::Value = toml::from_str(crate::ruleset::DEFAULT_RULES).expect("rules");
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|v| match v {
                toml::Value::Array(group) => group.clone(),
                other => vec![other.clone()],
            })
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    // `{name}` of `[define]` as the rule set fills it in.
    let defines: std::collections::BTreeMap<String, String> = rules
        .get("define")
        .cloned()
        .map(|d| d.try_into().expect("define"))
        .unwrap_or_default();
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        strings(value)
            .iter()
            .map(|p| crate::ruleset::defines::filled(p, &defines, &[]))
            .collect()
    };
    let (mut positive, mut exclude) = (Vec::new(), Vec::new());
    let organisations: Vec<crate::ruleset::spec::OrganisationSpec> = rules["organisation"]
        .clone()
        .try_into()
        .expect("organisations");
    for barrier in rules["barrier"].as_array().expect("barriers") {
        // `{register}` as the rule set fills it in.
        let id = barrier["id"].as_str().expect("id");
        let register = crate::ruleset::register_words::alternation(id, &organisations);
        let filled = |patterns: Vec<String>| -> Vec<String> {
            let mut errors = Vec::new();
            let filled = patterns
                .iter()
                .map(|p| {
                    crate::ruleset::register_words::expand(id, p, register.as_deref(), &mut errors)
                })
                .collect();
            assert!(errors.is_empty(), "{errors:?}");
            filled
        };
        positive.extend(filled(strings(barrier.get("patterns"))));
        positive.extend(filled(strings(barrier.get("all"))));
        for group in barrier
            .get("group")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
        {
            positive.extend(filled(strings(group.get("all"))));
        }
        exclude.extend(strings(barrier.get("exclude")));
        exclude.extend(strings(barrier.get("keep")));
    }
    assert!(
        positive.len() > 100 && exclude.len() > 30,
        "{} {}",
        positive.len(),
        exclude.len()
    );
    (positive, exclude)
}

/// Every training note, normalised as the rule set reads it.
fn training_texts() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/training");
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).expect("training notes") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            for line in std::fs::read_to_string(&path).expect("notes").lines() {
                let note: serde_json::Value = serde_json::from_str(line).expect("note");
                let text = note["text"].as_str().expect("text");
                texts.push(crate::ruleset::normalise(text).into_bytes());
            }
        }
    }
    assert!(texts.len() > 3000, "{}", texts.len());
    texts
}

/// The shipped rule set's positive and exclusion patterns, on every training note.
#[test]
fn rewritten_rule_set_matches_where_the_written_one_does_on_the_training_notes() {
    let (positive, exclude) = shipped_patterns();
    let texts = training_texts();
    both(&positive, false, &texts);
    both(&exclude, false, &texts);
}

/// Where the lazy DFA gives up (here: a cache too small to hold a state, cleared at once),
/// the slower matcher answers, and the answers are the same.
#[test]
fn a_lazy_dfa_that_gives_up_changes_no_answer() {
    let giving_up = hybrid::dfa::Config::new()
        .cache_capacity(0)
        .skip_cache_capacity_check(true)
        .minimum_cache_clear_count(Some(0));
    let (positive, _) = shipped_patterns();
    let hirs = parsed(&positive, false).expect("valid patterns");
    let set = ExistenceSet::with_dfa(hirs, giving_up).expect("valid patterns");
    assert!(
        set.starts
            .as_ref()
            .is_some_and(|s| s.gives_up_on(b"kostendelersnorm")),
        "the lazy DFA should give up in this test"
    );
    let texts: Vec<Vec<u8>> = training_texts().into_iter().step_by(7).collect();
    same_as_the_regex_crate(&set, &positive, false, &texts);
}

/// Patterns that begin with a few literals are tried where those occur; the others (no
/// finite set of first literals, or one that may be empty) are searched for everywhere.
#[test]
fn patterns_go_where_their_first_literals_allow() {
    let (patterns, set) = set_of(&[r"\bbang (voor|dat)", r"\w+ weken", r"x?", r"[0-9]+ mnd"]);
    assert_eq!(set.starts.as_ref().map(|s| s.len()), Some(2));
    assert_eq!(
        set.rest.as_ref().map(|(_, ids)| ids.clone()),
        Some(vec![1, 2])
    );
    let texts = [
        "ze is bang dat ze weg moet",
        "al 12 weken en 3 mnd",
        "",
        "bang voor",
    ]
    .map(|t| t.as_bytes().to_vec());
    both(&patterns, false, &texts);
}

/// A rewrite that would not keep "matches somewhere" is not made: a look-around at an end
/// stays, and so does a repetition that must occur twice.
#[test]
fn ends_with_look_arounds_or_required_repeats_are_kept() {
    let shown = |p: &str| {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(p)
            .expect("pattern");
        simplified(hir).to_string()
    };
    assert_eq!(shown(r"kosten ?delers?"), shown(r"kosten ?deler"));
    assert_ne!(shown(r"ab?\b"), shown(r"a\b"));
    assert_ne!(shown(r"a(bc){2}"), shown(r"abc"));
}

/// One scan answers for any range of the set: the patterns outside the range asked for are
/// never reported, whether tried from their first literals or searched for everywhere, and
/// the two halves together are the whole set's answer.
#[test]
fn a_scan_answers_for_the_range_asked() {
    let (_, set) = set_of(&[r"\bbang (voor|dat)", r"\w+ weken", r"bang", r"[0-9]+ mnd"]);
    let text = b"ze is bang dat het 12 weken en 3 mnd duurt";
    let scan = set.scan(text);
    let first: Vec<usize> = scan.found(0..2).iter().collect();
    let second: Vec<usize> = scan.found(2..4).iter().collect();
    assert_eq!(first, vec![0, 1]);
    assert_eq!(second, vec![2, 3]);
    let whole: Vec<usize> = set.matches(text).iter().collect();
    assert_eq!(whole, [first, second].concat());
    assert!(scan.found(1..1).iter().next().is_none());
}
