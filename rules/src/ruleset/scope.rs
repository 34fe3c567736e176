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
            let sentence = sentence_around(text, m.start());
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

/// The sentence of `text` around byte `at`: from just after the last `.`, `!`, `?`, `;` or line
/// break before it to the next one (a `.` between digits, as in "€ 3.000", ends nothing).
pub(crate) fn sentence_around(text: &str, at: usize) -> &str {
    let bytes = text.as_bytes();
    let ends = |i: usize| match bytes[i] {
        b'!' | b'?' | b';' | b'\n' => true,
        b'.' => {
            !(i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        }
        _ => false,
    };
    let at = at.min(bytes.len());
    let start = (0..at).rev().find(|&i| ends(i)).map_or(0, |i| i + 1);
    let end = (at..bytes.len())
        .find(|&i| ends(i))
        .map_or(bytes.len(), |i| i + 1);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::sentence_around;

    #[test]
    fn the_sentence_around_a_place() {
        let text = "eerste zin. tweede, met € 3.000 erin; derde";
        assert_eq!(sentence_around(text, 3), "eerste zin.");
        assert_eq!(sentence_around(text, 14), " tweede, met € 3.000 erin;");
        assert_eq!(sentence_around(text, text.len() - 1), " derde");
        assert_eq!(sentence_around("", 0), "");
    }
}
