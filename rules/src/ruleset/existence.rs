//! A set of patterns asked only *which* of them match somewhere in a text, never where.
//!
//! A text is read once ([`ExistenceSet::scan`]) for where each pattern could begin; which
//! patterns match is then asked per range of them. A rule set keeps its positive patterns and
//! its exclusions in one set: the exclusions share the reading, and are tried only when a
//! barrier was found.
//!
//! Nearly every rule begins with one of a few words, so the set is not searched as one
//! automaton holding every pattern's start at every byte (costly states, built anew by a
//! process's first notes): [`starts`] finds where each pattern could begin and tries it only
//! there.
//!
//! For that question a pattern may also be replaced by any pattern that matches somewhere in
//! the same texts, and a smaller one is quicker to try. The patterns come without captures
//! (their groups are read as non-capturing when parsed, [`super::syntax`]); one rewrite keeps
//! "matches somewhere" exactly:
//!
//! - a piece at the very end or the very start of a pattern that can match the empty string
//!   without any look-around (`s?`, `(\w+ )?`, `\w*`, an alternation with an empty branch) is
//!   dropped, and a repetition there that must occur at least once keeps one occurrence. Every
//!   match of the original contains a match of the result at the same positions (so a `\b`
//!   inside sees the same neighbours), and every match of the result is itself a match of the
//!   original (the dropped piece matching empty, the repetition once).
//!
//! (Alternations whose branches share a first byte were also factored, `bang|benauwd` →
//! `b(?:ang|enauwd)`, while one automaton held every pattern's start; tried from their own
//! starts it no longer made a difference, and it took 23 M instructions of start-up.)

mod starts;

use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::{hybrid, meta};
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::hir::{Hir, HirKind, Literal};
use starts::Starts;

/// The lazy DFAs' transition caches. With the default 2 MiB the ~170 patterns overflowed
/// one shared cache on real notes and the engine fell back to a much slower matcher: 276 µs
/// instead of 3 µs a signal.
const CACHE_CAPACITY: usize = 16 << 20;

/// A set of patterns asked only which of them match somewhere in a text, each compiled in
/// its smallest form (see the module comment). Matching is byte-oriented and ASCII-only, like
/// the `regex::bytes::RegexSet` this replaces, with the same limits.
///
/// Most patterns begin with one of a few literals and are tried only where one occurs
/// ([`starts`]); the few others are searched for together, everywhere.
#[derive(Debug, Clone)]
pub(crate) struct ExistenceSet {
    len: usize,
    starts: Option<std::sync::Arc<Starts>>,
    /// The patterns without a small set of first literals, and each one's index in the set.
    rest: Option<(meta::Regex, Vec<usize>)>,
}

impl ExistenceSet {
    /// Compiles `patterns` (ASCII classes, bytes; `case_insensitive` as asked); the error is
    /// the regex engine's, in English, for the caller to wrap.
    #[cfg(test)]
    pub(crate) fn new(patterns: &[String], case_insensitive: bool) -> Result<Self, String> {
        Self::from_hirs(parsed(patterns, case_insensitive)?)
    }

    /// Compiles patterns already parsed (bytes, ASCII classes); the error is the regex
    /// engine's, in English, for the caller to wrap.
    pub(crate) fn from_hirs(hirs: Vec<Hir>) -> Result<Self, String> {
        Self::with_dfa(
            hirs,
            hybrid::dfa::Config::new().cache_capacity(CACHE_CAPACITY),
        )
    }

    /// [`ExistenceSet::from_hirs`] with the anchored patterns' lazy DFA configured as `dfa`.
    fn with_dfa(hirs: Vec<Hir>, dfa: hybrid::dfa::Config) -> Result<Self, String> {
        let len = hirs.len();
        let (mut anchored, mut rest, mut rest_ids) = (Vec::new(), Vec::new(), Vec::new());
        for (index, hir) in hirs.into_iter().map(simplified).enumerate() {
            match starts::first_literals(&hir) {
                Some(literals) => anchored.push((index, hir, literals)),
                None => {
                    rest.push(hir);
                    rest_ids.push(index);
                }
            }
        }
        let starts = match anchored.is_empty() {
            true => None,
            false => Some(std::sync::Arc::new(Starts::new(anchored, dfa)?)),
        };
        let rest = match rest.is_empty() {
            true => None,
            false => Some((everywhere(&rest)?, rest_ids)),
        };
        Ok(Self { len, starts, rest })
    }

    /// The patterns (indexes in the set) without a small set of first literals, searched for
    /// everywhere in every text: each makes every text slower to read.
    pub(crate) fn searched_everywhere(&self) -> &[usize] {
        self.rest
            .as_ref()
            .map(|(_, ids)| ids.as_slice())
            .unwrap_or_default()
    }

    /// The patterns that match somewhere in `haystack`.
    #[cfg(test)]
    pub(crate) fn matches(&self, haystack: &[u8]) -> Found {
        self.scan(haystack).found(0..self.len)
    }

    /// `haystack` read once for where each pattern could begin; which patterns match is
    /// then asked per range of them ([`Scan::found`]), so patterns asked about only
    /// sometimes (a rule set's exclusions) share the reading without always being tried.
    pub(crate) fn scan<'s, 'h>(&'s self, haystack: &'h [u8]) -> Scan<'s, 'h> {
        let places = self
            .starts
            .as_ref()
            .map(|starts| starts.places(haystack))
            .unwrap_or_default();
        Scan {
            set: self,
            haystack,
            places,
        }
    }
}

/// `patterns` parsed as the rule set parses them ([`super::syntax`]).
#[cfg(test)]
fn parsed(patterns: &[String], case_insensitive: bool) -> Result<Vec<Hir>, String> {
    patterns
        .iter()
        .map(|p| super::syntax::parse(p)?.into_hir(case_insensitive))
        .collect()
}

/// One set that searches for all of `hirs` everywhere at once.
fn everywhere(hirs: &[Hir]) -> Result<meta::Regex, String> {
    let config = meta::Config::new()
        .match_kind(MatchKind::All)
        .utf8_empty(false)
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(64 << 20))
        .hybrid_cache_capacity(CACHE_CAPACITY);
    meta::Builder::new()
        .configure(config)
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())
}

/// A text read once by an [`ExistenceSet`] ([`ExistenceSet::scan`]).
pub(crate) struct Scan<'s, 'h> {
    set: &'s ExistenceSet,
    haystack: &'h [u8],
    places: Vec<starts::Place>,
}

impl Scan<'_, '_> {
    /// Which of the patterns in `patterns` (indexes in the set) match somewhere in the text;
    /// the others are not tried and reported as not matching.
    pub(crate) fn found(&self, patterns: std::ops::Range<usize>) -> Found {
        let mut found = vec![false; self.set.len];
        if let Some(starts) = &self.set.starts {
            starts.mark(self.haystack, &self.places, &patterns, &mut found);
        }
        if let Some((set, ids)) = &self.set.rest {
            let mut hits = PatternSet::new(set.pattern_len());
            set.which_overlapping_matches(&Input::new(self.haystack), &mut hits);
            for id in hits.iter() {
                let index = ids.get(id.as_usize()).copied().unwrap_or(usize::MAX);
                if let Some(slot) = found.get_mut(index).filter(|_| patterns.contains(&index)) {
                    *slot = true;
                }
            }
        }
        Found(found)
    }
}

/// The patterns of an [`ExistenceSet`] that match somewhere in a text.
pub(crate) struct Found(Vec<bool>);

impl Found {
    /// Whether pattern `index` matched.
    pub(crate) fn has(&self, index: usize) -> bool {
        self.0.get(index).copied().unwrap_or(false)
    }

    /// Their indexes, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, &m)| m)
            .map(|(i, _)| i)
    }
}

/// `hir` rewritten to match somewhere in exactly the texts it matches somewhere in.
fn simplified(hir: Hir) -> Hir {
    trim(trim(hir, true), false)
}

/// A kind back into a `Hir` (whose smart constructors recompute its properties).
fn rebuild(kind: HirKind) -> Hir {
    match kind {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(Literal(bytes)) => Hir::literal(bytes),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
        HirKind::Repetition(rep) => Hir::repetition(rep),
        HirKind::Capture(capture) => Hir::capture(capture),
        HirKind::Concat(subs) => Hir::concat(subs),
        HirKind::Alternation(subs) => Hir::alternation(subs),
    }
}

/// Matches the empty string wherever it is tried: no look-around, minimum length 0.
fn optional(hir: &Hir) -> bool {
    hir.properties().minimum_len() == Some(0) && hir.properties().look_set().is_empty()
}

/// `hir` without what it may leave off at its end (`at_end`) or at its start (see the module
/// comment).
fn trim(hir: Hir, at_end: bool) -> Hir {
    match hir.into_kind() {
        HirKind::Concat(mut subs) => {
            if at_end {
                subs.reverse();
            }
            // The pieces from that end that may match empty, keeping at least one.
            let optional_head = subs
                .iter()
                .take(subs.len().saturating_sub(1))
                .take_while(|s| optional(s))
                .count();
            subs.drain(..optional_head);
            if let Some(head) = subs.first_mut() {
                let taken = std::mem::replace(head, Hir::empty());
                *head = trim(taken, at_end);
            }
            if at_end {
                subs.reverse();
            }
            Hir::concat(subs)
        }
        HirKind::Alternation(branches) => {
            let branches: Vec<Hir> = branches.into_iter().map(|b| trim(b, at_end)).collect();
            if branches.iter().any(optional) {
                Hir::empty()
            } else {
                Hir::alternation(branches)
            }
        }
        HirKind::Repetition(rep) if rep.min == 1 => trim(*rep.sub, at_end),
        other => rebuild(other),
    }
}

#[cfg(test)]
mod tests;
