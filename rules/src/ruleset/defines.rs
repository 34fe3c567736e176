//! `[define]` in the rules file: patterns with a name, written once and used by several rules
//! as `{name}` ("still waiting", told the same way for the GGZ wait and for debt help). Each
//! use stands for the pattern as a group of its own, so an alternation in it stays inside;
//! `{register}` keeps its own meaning ([`super::register_words`]), and a repetition count
//! (`{2}`, `{0,5}`) is no name. Pure: no I/O.

use super::spec::{BarrierSpec, RulesFile};
use super::RuleError;
use std::collections::BTreeMap;

/// Replaces every `{name}` in the patterns of `file`'s barriers by its `[define]` pattern,
/// after checking the definitions; an unknown name is an error naming the barrier and the
/// pattern. Returns the names defined but used by no pattern (a warning, not an error).
pub(super) fn expand(file: &mut RulesFile, errors: &mut Vec<RuleError>) -> Vec<String> {
    let valid = checked(&file.define, errors);
    let mut unused: std::collections::BTreeSet<String> = file.define.keys().cloned().collect();
    for barrier in &mut file.barriers {
        let id = barrier.id.clone();
        for pattern in patterns_of(barrier) {
            let mut unknown = Vec::new();
            for name in names_in(pattern) {
                unused.remove(name);
                if name != "register" && !file.define.contains_key(name) {
                    errors.push(RuleError(format!(
                        "barrière '{id}': onbekende naam {{{name}}} in '{pattern}' (namen staan in [define])"
                    )));
                    unknown.push(name.to_string());
                }
            }
            // (An unknown name is read literally, so that it is not also named a bad pattern.)
            let expanded = filled(pattern, &valid, &unknown);
            *pattern = expanded;
        }
    }
    unused.into_iter().collect()
}

/// `pattern` with every name of `defines` it uses replaced by that name's pattern, as a group
/// of its own, and the names in `literal` by themselves in escaped braces; other names
/// (`{register}`) are left as written.
pub(super) fn filled(
    pattern: &str,
    defines: &BTreeMap<String, String>,
    literal: &[String],
) -> String {
    replaced(pattern, |name| match defines.get(name) {
        Some(define) => Some(format!("(?:{define})")),
        None => literal
            .iter()
            .any(|l| l == name)
            .then(|| format!("\\{{{name}\\}}")),
    })
}

/// `pattern` with each name it uses replaced by what `with` gives for it, or left as written
/// where `with` gives nothing.
fn replaced(pattern: &str, with: impl Fn(&str) -> Option<String>) -> String {
    let mut result = String::with_capacity(pattern.len());
    let mut from = 0;
    for (at, name) in names_at(pattern) {
        if let Some(text) = with(name) {
            result.push_str(&pattern[from..at.start]);
            result.push_str(&text);
            from = at.end;
        }
    }
    result.push_str(&pattern[from..]);
    result
}

/// The definitions whose names and patterns are valid; the rest are errors (a name of
/// lower-case letters, digits and `_`, not `register`; a pattern that compiles and names no
/// other).
fn checked(
    defines: &BTreeMap<String, String>,
    errors: &mut Vec<RuleError>,
) -> BTreeMap<String, String> {
    let mut valid = BTreeMap::new();
    for (name, pattern) in defines {
        if !is_name(name) || name == "register" {
            errors.push(RuleError(format!(
                "define: deze naam kan niet (kleine letters, cijfers en _, niet register): '{name} ='"
            )));
            continue;
        }
        if names_in(pattern).next().is_some() {
            errors.push(RuleError(format!(
                "define.{name}: een gedefinieerd patroon gebruikt geen andere namen: '{pattern}'"
            )));
            continue;
        }
        if let Err(reason) = super::compile::single_pattern(pattern) {
            errors.push(RuleError(format!(
                "define.{name}: ongeldig patroon ({}): '{pattern}'",
                reason.trim()
            )));
            continue;
        }
        valid.insert(name.clone(), pattern.clone());
    }
    valid
}

/// Every pattern of a barrier that may use a name.
fn patterns_of(barrier: &mut BarrierSpec) -> impl Iterator<Item = &mut String> {
    let groups = barrier.all.iter_mut().flatten();
    let own_groups = barrier.groups.iter_mut().flat_map(|g| g.all.iter_mut());
    let pairs = barrier
        .exclude_unless
        .iter_mut()
        .flat_map(|(exclusion, unless)| [exclusion, unless]);
    barrier
        .patterns
        .iter_mut()
        .chain(groups)
        .chain(own_groups)
        .chain(barrier.exclude.iter_mut())
        .chain(barrier.keep.iter_mut())
        .chain(pairs)
        .chain(barrier.wait_context.iter_mut())
        .chain(barrier.topic.iter_mut())
        .chain(barrier.model.needs.iter_mut())
}

/// The names a pattern uses: `{` and `}` around a word that starts with a letter (a
/// repetition count starts with a digit; an escaped `\{` is a brace meant literally).
fn names_in(pattern: &str) -> impl Iterator<Item = &str> {
    names_at(pattern).map(|(_, name)| name)
}

/// [`names_in`], each name with where it stands in `pattern`, its braces included.
fn names_at(pattern: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    pattern.match_indices('{').filter_map(move |(at, _)| {
        if pattern[..at].ends_with('\\') {
            return None;
        }
        let rest = &pattern[at + 1..];
        let name = &rest[..rest.find('}')?];
        is_name(name).then(|| (at..at + name.len() + 2, name))
    })
}

fn is_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_words_in_braces_not_counts() {
        let names: Vec<&str> = names_in("(a|b){2} {still_waiting} x{0,5} {register}").collect();
        assert_eq!(names, ["still_waiting", "register"]);
        assert_eq!(names_in(r"\{literal\}").count(), 0);
    }
}
