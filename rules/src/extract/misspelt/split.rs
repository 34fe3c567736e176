//! Names split in two, as speech recognition and hurried typists write them: two words whose
//! joined form is a one-word alias of six letters or more ("woon bron", "parnas sia", "ge
//! meente", "krediet bank"). Only the joined form written exactly counts: a split name that
//! is also misspelt is too far from the name to be read as one. (An initialism spelt letter
//! by letter, "u w v", is one of the register's derived aliases.) Pure.

use std::collections::HashMap;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The fewest letters of a name read from two words.
const MIN_JOINED: usize = 6;
/// The longest joined form looked up (no one-word alias is longer).
const MAX_JOINED: usize = 63;
/// How many first-and-last-letter slots the length filter has.
const SLOTS: usize = 1024;

/// The length filter's slot of a word that starts with `first` and ends with `last`.
fn slot(first: u8, last: u8) -> usize {
    (usize::from(first) * 32 + usize::from(last)) % SLOTS
}

/// The register's one-word aliases, for names written split.
#[derive(Debug, Clone)]
pub(super) struct SplitNames {
    /// One-word ASCII alias → canonical name.
    joined: Map<Box<[u8]>, String>,
    /// Per first and last letter ([`slot`]), the lengths of those aliases as bits: most pairs
    /// of words are no alias's length between its first and last letter, and are passed over
    /// without being joined.
    lengths: Box<[u64; SLOTS]>,
}

impl SplitNames {
    /// From the register's normalised aliases and their canonical names: those of one word of
    /// ASCII lower-case letters only.
    pub(super) fn new<'a>(aliases: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut joined = Map::default();
        let mut lengths = Box::new([0u64; SLOTS]);
        for (alias, name) in aliases {
            let bytes = alias.as_bytes();
            if bytes.len() < MIN_JOINED
                || bytes.len() > MAX_JOINED
                || !bytes.iter().all(u8::is_ascii_lowercase)
            {
                continue;
            }
            lengths[slot(bytes[0], bytes[bytes.len() - 1])] |= 1 << bytes.len();
            joined.insert(bytes.into(), name.to_string());
        }
        Self { joined, lengths }
    }

    /// The canonical name of the alias the words `first` and `second` (written one space
    /// apart) make joined, if they make one of six letters or more: both of two ASCII
    /// lower-case letters or more.
    #[inline]
    pub(super) fn name_of(&self, first: &[u8], second: &[u8]) -> Option<&str> {
        let len = first.len() + second.len();
        let (&a, &z) = (first.first()?, second.last()?);
        if !(MIN_JOINED..=MAX_JOINED).contains(&len) || self.lengths[slot(a, z)] & (1 << len) == 0 {
            return None;
        }
        if first.len() < 2
            || second.len() < 2
            || !first.iter().chain(second).all(u8::is_ascii_lowercase)
        {
            return None;
        }
        let mut buffer = [0u8; MAX_JOINED];
        buffer.get_mut(..first.len())?.copy_from_slice(first);
        buffer.get_mut(first.len()..len)?.copy_from_slice(second);
        self.joined.get(buffer.get(..len)?).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::SplitNames;

    #[test]
    fn two_words_that_join_into_a_one_word_alias_name_it() {
        let names = SplitNames::new([
            ("woonbron", "Woonbron"),
            ("parnassia", "Parnassia"),
            ("gemeente", "gemeente"),
            ("uwv", "UWV"),
            ("veilig thuis", "Veilig Thuis"),
        ]);
        // A name of several words, or one shorter than six letters, is not joined.
        let cases = [
            ("woon", "bron", Some("Woonbron")),
            ("parnas", "sia", Some("Parnassia")),
            ("ge", "meente", Some("gemeente")),
            ("woon", "bron", Some("Woonbron")),
            ("veilig", "thuis", None),
            ("uw", "v", None),
            ("woonb", "ron", Some("Woonbron")),
            ("woon", "bronn", None),
            // Letters only, in lower case, two or more a word.
            ("woon", "br0n", None),
            ("w", "oonbron", None),
        ];
        for (first, second, expected) in cases {
            assert_eq!(
                names.name_of(first.as_bytes(), second.as_bytes()),
                expected,
                "{first} {second}"
            );
        }
    }
}
