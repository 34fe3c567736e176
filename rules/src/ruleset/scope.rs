//! Where an exclusion speaks: a note about several matters ("De Sleutels reageerde binnen een
//! week", beside debt help that never answered) may hold an exclusion of one barrier in a
//! sentence about another's matter. Such an exclusion does not remove the barrier: it counts
//! unless every sentence it is found in speaks of another barrier's `topic` and not of this
//! barrier's own. A barrier without a `topic` keeps note-wide exclusions.

use super::{RuleSet, Scanned};

/// A pattern of the exclusion set, with a regex that finds where it matches (the existence set
/// only says whether it does), compiled when first needed.
#[derive(Debug, Clone)]
pub(crate) struct Finder {
    source: String,
    regex: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Finder {
    pub(crate) fn new(source: String) -> Self {
        Self {
            source,
            regex: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn regex(&self) -> Option<&regex::Regex> {
        self.regex
            .get_or_init(|| super::compile::single_pattern(&self.source).ok())
            .as_ref()
    }
}

impl Scanned<'_, '_> {
    /// Whether exclusion `exclusion` (counted from the first exclusion) of `barrier` speaks
    /// of that barrier: found in at least one sentence that is not about another barrier's
    /// matter alone.
    pub(super) fn concerns(&self, exclusion: usize, barrier: usize) -> bool {
        let rules: &RuleSet = self.rules;
        let Some(own) = rules.barriers[barrier]
            .topic
            .as_ref()
            .and_then(Finder::regex)
        else {
            return true;
        };
        let Some(finder) = rules
            .exclusion_finders
            .get(exclusion)
            .and_then(Finder::regex)
        else {
            return true;
        };
        let text = self.normalised;
        let mut found = false;
        for m in finder.find_iter(text) {
            found = true;
            let sentence = crate::extract::sentence_at(text, m.start());
            let elsewhere = rules.barriers.iter().enumerate().any(|(b, other)| {
                b != barrier
                    && (other.topic.as_ref())
                        .and_then(Finder::regex)
                        .is_some_and(|t| t.is_match(sentence))
            });
            if !elsewhere || own.is_match(sentence) {
                return true;
            }
        }
        // The existence set found it; a regex that does not is no reason to drop it.
        !found
    }
}
