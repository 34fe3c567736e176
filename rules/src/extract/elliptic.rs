//! Aliases that leave out their noun (`elliptic` in the rules file): "de sociale" for "de
//! sociale dienst", as people say it ("als de sociale dat ziet", "iemand van de sociale
//! komt"). Written before a noun the same words are an adjective ("de sociale kaart", "de
//! sociale huur", "de sociale media"), so such an alias counts only where no noun can follow
//! it: at the end of its clause, or before a word of a closed class (a verb a body does, a
//! pronoun, a conjunction or an adverb). Pure: no I/O.

use std::collections::HashMap;

/// Words after which an elliptic alias still names its body: what a body does ("de sociale
/// kort", "zegt", "komt"), pronouns ("kort de sociale me"), conjunctions and adverbs ("als de
/// sociale dat ziet", "de sociale en het UWV", "de sociale dan zegt"). None of them is a noun
/// an adjective would go with.
const FOLLOWERS: &[&str] = &[
    // Conjunctions, relative and demonstrative pronouns.
    "dat",
    "die",
    "dit",
    "en",
    "of",
    "maar",
    "want",
    "omdat",
    "als",
    "toen",
    "waar",
    "wat",
    // Adverbs.
    "dan",
    "nu",
    "nou",
    "ook",
    "nog",
    "niet",
    "nooit",
    "al",
    "weer",
    "wel",
    "er",
    "toch",
    "gewoon",
    "zelf",
    "eerst",
    "meteen",
    "pas",
    "straks",
    "alles",
    "niks",
    "niets",
    // Personal pronouns, as objects.
    "me",
    "mij",
    "je",
    "jou",
    "haar",
    "hem",
    "hen",
    "hun",
    "ons",
    "u",
    "ze",
    "zij",
    "hij",
    "het",
    // What a body does.
    "is",
    "was",
    "zegt",
    "zei",
    "zeggen",
    "komt",
    "kwam",
    "belt",
    "belde",
    "heeft",
    "had",
    "wil",
    "wilde",
    "gaat",
    "ging",
    "kort",
    "kortte",
    "stopt",
    "stopte",
    "doet",
    "deed",
    "weet",
    "wist",
    "ziet",
    "zag",
    "hoort",
    "hoorde",
    "vindt",
    "vond",
    "moet",
    "moest",
    "kan",
    "kon",
    "mag",
    "zou",
    "zal",
    "vraagt",
    "vroeg",
    "stuurt",
    "stuurde",
    "haalt",
    "krijgt",
    "controleert",
    "betaalt",
];

/// The matcher of the aliases that leave out their noun: their own, since in the register's
/// one alternation "de sociale" would win over "sociale dienst", which starts a word later.
#[derive(Debug, Clone, Default)]
pub struct Elliptic {
    matcher: Option<super::WholeWords>,
}

impl Elliptic {
    /// From the matcher of the register's elliptic aliases ([`super::WholeWords`]).
    pub fn new(matcher: Option<super::WholeWords>) -> Self {
        Self { matcher }
    }

    /// Adds to `named` (where, end and canonical name of each alias found in `normalised`, in
    /// text order) the elliptic aliases of `normalised` that no noun follows and no other name
    /// overlaps, named by `names` (normalised alias → canonical name).
    pub fn add_to<'a>(
        &self,
        named: &mut Vec<(usize, usize, Option<&'a str>)>,
        normalised: &str,
        names: &'a HashMap<String, String>,
    ) {
        let Some(matcher) = &self.matcher else {
            return;
        };
        let before = named.len();
        for m in matcher.find_iter(normalised) {
            let (start, end) = (m.start(), m.end());
            if no_noun_after(&normalised[end..])
                && !named[..before]
                    .iter()
                    .any(|&(s, e, _)| s < end && start < e)
            {
                named.push((start, end, names.get(m.as_str()).map(String::as_str)));
            }
        }
        if named.len() > before {
            named.sort_by_key(|&(start, ..)| start);
        }
    }
}

/// Whether `after` (the normalised text after an alias) ends the clause or goes on with one
/// of [`FOLLOWERS`].
fn no_noun_after(after: &str) -> bool {
    super::capitals::clause_words(after)
        .next()
        .is_none_or(|word| FOLLOWERS.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    static NAMES: std::sync::LazyLock<HashMap<String, String>> = std::sync::LazyLock::new(|| {
        HashMap::from([("de sociale".to_string(), "gemeente".to_string())])
    });

    fn elliptic() -> Elliptic {
        Elliptic::new(
            super::super::WholeWords::new(NAMES.keys().map(String::as_str)).unwrap_or_default(),
        )
    }

    fn named(normalised: &str) -> Vec<(usize, usize, Option<&'static str>)> {
        let mut named = Vec::new();
        elliptic().add_to(&mut named, normalised, &NAMES);
        named
    }

    #[test]
    fn an_alias_without_its_noun_counts_where_no_noun_follows() {
        for text in [
            "als de sociale dat ziet gaan we omlaag",
            "iemand van de sociale komt langs",
            "bang dat de sociale dan zegt: jij kan werken",
            "maar dan kort de sociale me",
            "vanwege het geld van de sociale, betaalt ook niet mee",
            "ze belt de sociale",
            "'de sociale' wil het niet weten",
        ] {
            assert_eq!(named(text).len(), 1, "{text}");
        }
    }

    #[test]
    fn before_a_noun_the_words_are_an_adjective() {
        for text in [
            "de sociale kaart van de wijk",
            "een woning in de sociale huur",
            "de sociale media staan vol",
            "via de sociale advocatuur",
            "de sociale contacten zijn weg",
        ] {
            assert!(named(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_name_found_already_keeps_its_place() {
        let elliptic = elliptic();
        let text = "bij de sociale, en later bij vestia";
        let vestia = text.find("vestia").unwrap_or_default();
        let mut found = vec![(vestia, vestia + 6, Some("Vestia")), (3, 13, Some("x"))];
        elliptic.add_to(&mut found, text, &NAMES);
        // Overlapping the name found already: not added.
        assert_eq!(found.len(), 2);
        let mut found = vec![(vestia, vestia + 6, Some("Vestia"))];
        elliptic.add_to(&mut found, text, &NAMES);
        assert_eq!(
            found,
            vec![
                (4, 14, Some("gemeente")),
                (vestia, vestia + 6, Some("Vestia"))
            ]
        );
    }
}
