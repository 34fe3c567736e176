//! Robustness of the whole analysis: notes put together at random from the pieces extraction
//! reads (durations, bodies, verbs, stops of every width) never make it panic, and what it
//! reads from them is well-formed.

use super::*;
use proptest::prelude::*;
use std::sync::OnceLock;

static RULES: OnceLock<RuleSet> = OnceLock::new();

fn rules() -> RuleSet {
    RuleSet::default_rules().expect("default rules compile")
}

/// Pieces of notes that extraction reads: durations, bodies, verbs of waiting and sending,
/// stops of every width, numbers that are not waits.
const PIECES: &[&str] = &[
    "9 wk",
    "een half jaar",
    "anderhalve maand",
    "5 mnd",
    "3 maanden",
    "twee jaar",
    "14 dagen",
    "al",
    "nu",
    "sinds",
    "geleden",
    "over",
    "pas over",
    "binnen",
    "ruim",
    "bijna",
    "wacht",
    "wachtlijst",
    "aangemeld",
    "gemeld",
    "bij",
    "naar",
    "van",
    "door",
    "via",
    "namens",
    "terug",
    "Staedion",
    "de gemeente",
    "Parnassia",
    "het CJG",
    "Kredietbank",
    "Vestia",
    "PsyQ",
    "Jeugdbescherming",
    "de deurwaarder",
    "Eneco",
    "het wijkteam",
    "schulden",
    "woont",
    "zoon (23)",
    "bang dat",
    "zegt",
    "stuurt door",
    "reageert niet",
    ",",
    ".",
    ";",
    ":",
    "(",
    ")",
    "–",
    "—",
    "…",
    "’",
    "“",
    "\u{a0}",
    "\u{200b}",
    "\u{ad}",
    "ë",
    "€ 1.200",
    "1x/2 wk",
    "\n",
    "-",
    "/",
    "→",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    /// Any sequence of such pieces is analysed without a panic, and what is read from it is
    /// well-formed: a wait of 1 to 3,650 days, an organisation of the register.
    #[test]
    fn any_soup_of_pieces_is_analysed(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
        spaced in proptest::collection::vec(proptest::bool::ANY, 40),
    ) {
        let mut text = String::new();
        for (piece, space) in pieces.iter().zip(&spaced) {
            text.push_str(piece);
            if *space {
                text.push(' ');
            }
        }
        let rules = RULES.get_or_init(rules);
        let analysis = rules.analyse_signal(&text, Fields::default());
        if let Some(days) = analysis.wait_days {
            prop_assert!((1..=3650).contains(&days), "{days} days from {text:?}");
        }
        if let Some(name) = analysis.organisation {
            prop_assert!(rules.find_organisation(name).is_some(), "{name} from {text:?}");
        }
    }
}
