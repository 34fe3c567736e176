//! Patterns found by how they start: every match of such a pattern begins with one of a few
//! literals (`kostendeler`, `bang ` …), so one Aho-Corasick scan finds where each could start,
//! and the pattern is then tried only there, anchored, on a lazy DFA of its own states.
//!
//! This replaces one unanchored search with every pattern at once, whose DFA states each held
//! the start of every pattern: costly to build (what a process's first notes paid for) and slow
//! to run (the matches of all patterns tracked at every byte). An anchored search from one
//! pattern's start holds that pattern's states only.
//!
//! Exact: the literals are those `regex_syntax` extracts as the prefixes of every match (a
//! finite set, or the pattern is not taken here), Aho-Corasick reports every occurrence of
//! every literal (overlapping), and each occurrence is tried as the start of a match, with the
//! bytes before it seen by a leading `\b`.

use aho_corasick::automaton::Automaton;
use aho_corasick::{nfa::contiguous, MatchKind as LiteralKind};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind, PatternID};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::Hir;
use std::sync::Arc;

type Caches<T> = Pool<T, Box<dyn Fn() -> T + Send + Sync>>;

/// Patterns whose matches all begin with one of a finite set of non-empty literals.
pub(super) struct Starts {
    literals: contiguous::NFA,
    /// Per literal (Aho-Corasick's pattern id): the patterns (ids in `dfa`) that may begin there.
    begins: Vec<Vec<PatternID>>,
    dfa: Arc<DFA>,
    caches: Caches<Cache>,
    /// The slow, never failing engine for a search the lazy DFA gives up on.
    pikevm: Arc<PikeVM>,
    pikevm_caches: Caches<pikevm::Cache>,
    /// Per pattern here, its index in the whole set.
    ids: Vec<usize>,
}

impl std::fmt::Debug for Starts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Starts")
            .field("patterns", &self.ids.len())
            .field("literals", &self.begins.len())
            .finish()
    }
}

/// Where a literal begins in a haystack, and which (its id in the literal automaton).
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    start: usize,
    literal: aho_corasick::PatternID,
}

/// How many of a literal's first bytes are looked for. Measured with callgrind on 5,000 and
/// 15,000 notes (start-up, first and later notes): 7 builds as fast as the single set this
/// replaced, and runs within 2 % of keeping whole literals.
const FIRST_BYTES: usize = 7;

/// How many literals extraction may hold at once (`regex_syntax`'s default is 250). Past it,
/// extraction first cuts every literal to four bytes, then gives up, and the pattern is
/// searched for everywhere. The shipped kostendelersnorm group of long alternations passed 250
/// at rule set 2026.12-66 (322.7 k instructions a note instead of 306.9 k with this limit;
/// 500: 308.4 k, 2,000: 306.2 k, callgrind on 5,000 and 15,000 notes).
const LIMIT_TOTAL: usize = 1000;

/// The literals every match of `hir` begins with (at most [`FIRST_BYTES`] of each), when they
/// are finitely many (`regex_syntax`'s limits, [`LIMIT_TOTAL`] in all) and none is empty.
pub(super) fn first_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(LIMIT_TOTAL)
        .extract(hir);
    let literals = seq.literals()?;
    if literals.iter().any(|l| l.is_empty()) {
        return None;
    }
    // Only the first bytes: a match still begins with them, and a shorter literal makes a
    // smaller automaton (quicker to build at start) for a few more places to try.
    let mut bytes: Vec<Vec<u8>> = literals
        .iter()
        .map(|l| l.as_bytes()[..l.len().min(FIRST_BYTES)].to_vec())
        .collect();
    bytes.sort();
    bytes.dedup();
    Some(bytes)
}

impl Starts {
    /// Builds the matcher for `patterns`: (index in the whole set, ascending; pattern; its
    /// literals), with the lazy DFA configured as `dfa_config` (its cache; the match semantics
    /// are set here).
    pub(super) fn new(
        patterns: Vec<(usize, Hir, Vec<Vec<u8>>)>,
        dfa_config: regex_automata::hybrid::dfa::Config,
    ) -> Result<Self, String> {
        let mut literal_ids: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut begins: Vec<Vec<PatternID>> = Vec::new();
        let mut ids = Vec::with_capacity(patterns.len());
        let mut hirs = Vec::with_capacity(patterns.len());
        for (local, (index, hir, firsts)) in patterns.into_iter().enumerate() {
            let pid = PatternID::new(local).map_err(|e| e.to_string())?;
            for literal in firsts {
                let id = *literal_ids.entry(literal.clone()).or_insert_with(|| {
                    literals.push(literal);
                    begins.push(Vec::new());
                    begins.len() - 1
                });
                begins[id].push(pid);
            }
            ids.push(index);
            hirs.push(hir);
        }
        // Walked by hand below (Aho-Corasick's own overlapping iterator took dozens of
        // instructions a byte). A contiguous NFA, not a full DFA: its failure links cost 3 %
        // more a note warm (callgrind, 340.6 k against 330.3 k instructions), but building the
        // DFA's table of 3,615 literals took 12 % of start-up (362 M against 319 M
        // instructions; 57 against 52 ms) and held 2.5 MB (peak RSS 39.1 against 37.4 MiB).
        let literals = contiguous::NFA::builder()
            .match_kind(LiteralKind::Standard)
            .build(&literals)
            .map_err(|e| e.to_string())?;
        let nfa = NFA::compiler()
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(64 << 20)),
            )
            .build_many_from_hir(&hirs)
            .map_err(|e| e.to_string())?;
        let dfa = Arc::new(
            DFA::builder()
                .configure(
                    dfa_config
                        .match_kind(MatchKind::All)
                        .starts_for_each_pattern(true),
                )
                .build_from_nfa(nfa.clone())
                .map_err(|e| e.to_string())?,
        );
        let pikevm = Arc::new(
            PikeVM::builder()
                .configure(PikeVM::config().match_kind(MatchKind::All))
                .build_from_nfa(nfa)
                .map_err(|e| e.to_string())?,
        );
        let for_cache = Arc::clone(&dfa);
        let for_pikevm = Arc::clone(&pikevm);
        Ok(Self {
            literals,
            begins,
            dfa,
            caches: Pool::new(Box::new(move || for_cache.create_cache())),
            pikevm,
            pikevm_caches: Pool::new(Box::new(move || for_pikevm.create_cache())),
            ids,
        })
    }

    /// How many patterns are here.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the lazy DFA gives up on some anchored search in `haystack` (for the tests of
    /// the fallback).
    #[cfg(test)]
    pub(super) fn gives_up_on(&self, haystack: &[u8]) -> bool {
        let mut cache = self.caches.get();
        (0..self.ids.len()).any(|p| {
            (0..haystack.len()).any(|start| {
                let input = Input::new(haystack)
                    .range(start..)
                    .anchored(Anchored::Pattern(PatternID::must(p)));
                self.dfa.try_search_fwd(&mut cache, &input).is_err()
            })
        })
    }

    /// Where a literal begins in `haystack`, and which: every occurrence of every literal.
    pub(super) fn places(&self, haystack: &[u8]) -> Vec<Place> {
        // Allocated once: a literal begins about once in nine bytes of a note, and at most
        // once in four in any of the project's or the peers' notes.
        let mut places = Vec::with_capacity(haystack.len() / 4);
        let Ok(mut state) = self.literals.start_state(aho_corasick::Anchored::No) else {
            return places;
        };
        for (at, &byte) in haystack.iter().enumerate() {
            state = self
                .literals
                .next_state(aho_corasick::Anchored::No, state, byte);
            if !self.literals.is_special(state) || !self.literals.is_match(state) {
                continue;
            }
            // Every literal that ends here (a match state holds those of its suffixes too).
            for index in 0..self.literals.match_len(state) {
                let literal = self.literals.match_pattern(state, index);
                // A literal ending here began within the haystack; checked all the same.
                if let Some(start) = (at + 1).checked_sub(self.literals.pattern_len(literal)) {
                    places.push(Place { start, literal });
                }
            }
        }
        places
    }

    /// Marks in `found` (indexed by the whole set) the patterns here whose index in the whole
    /// set lies in `patterns` and that match somewhere in `haystack`, tried from `places`
    /// (`haystack`'s, from [`Starts::places`]).
    pub(super) fn mark(
        &self,
        haystack: &[u8],
        places: &[Place],
        patterns: &std::ops::Range<usize>,
        found: &mut [bool],
    ) {
        let mut cache = self.caches.get();
        for place in places {
            // A literal's patterns are listed in the set's order.
            for &pid in self
                .begins
                .get(place.literal.as_usize())
                .into_iter()
                .flatten()
            {
                let index = self.ids.get(pid.as_usize()).copied().unwrap_or(usize::MAX);
                if index >= patterns.end {
                    break;
                }
                if index >= patterns.start {
                    self.try_at(haystack, place.start, pid, index, &mut cache, found);
                }
            }
        }
    }

    /// Whether pattern `pid` (`index` in the whole set) matches from `start`, marked in
    /// `found` (once).
    fn try_at(
        &self,
        haystack: &[u8],
        start: usize,
        pid: PatternID,
        index: usize,
        cache: &mut Cache,
        found: &mut [bool],
    ) {
        let Some(slot) = found.get_mut(index) else {
            return;
        };
        if *slot {
            return;
        }
        let input = Input::new(haystack)
            .range(start..)
            .anchored(Anchored::Pattern(pid))
            .earliest(true);
        *slot = match self.dfa.try_search_fwd(cache, &input) {
            Ok(found) => found.is_some(),
            Err(_) => self.pikevm.is_match(&mut self.pikevm_caches.get(), input),
        };
    }
}
