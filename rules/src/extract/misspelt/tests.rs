use super::*;
use proptest::prelude::*;

#[test]
fn every_word_one_or_two_edits_away_may_be_close() {
    let alias = "staedion";
    let alphabet: Vec<char> = "abcdeiklmnostuz".chars().collect();
    // Every word one edit from `w`: a letter dropped, added, changed, or neighbours swapped.
    let edits = |w: &str| -> Vec<String> {
        let w: Vec<char> = w.chars().collect();
        let mut out = Vec::new();
        for i in 0..=w.len() {
            for &c in &alphabet {
                let mut v = w.clone();
                v.insert(i, c);
                out.push(v.into_iter().collect());
            }
            if i < w.len() {
                let mut v = w.clone();
                v.remove(i);
                out.push(v.iter().collect());
                for &c in &alphabet {
                    let mut v = w.clone();
                    v[i] = c;
                    out.push(v.into_iter().collect());
                }
            }
            if i + 1 < w.len() {
                let mut v = w.clone();
                v.swap(i, i + 1);
                out.push(v.into_iter().collect());
            }
        }
        out
    };
    let close = |word: &str, max: usize| {
        super::may_be_close(alias, word, max)
            && letters_may_be_close(letters(alias.as_bytes()), letters(word.as_bytes()), max)
    };
    for one in edits(alias) {
        assert!(close(&one, 1), "{one}");
        for two in edits(&one) {
            if strsim::osa_distance(alias, &two) <= 2 {
                assert!(close(&two, 2), "{two}");
            }
        }
    }
    assert!(!letters_may_be_close(
        letters(b"staedion"),
        letters(b"stadhuis"),
        2
    ));
    assert!(!super::may_be_close(alias, "stadhuis", 1));
    assert!(!super::may_be_close(alias, "stadhuis", 2));
}

fn register() -> Misspellings {
    Misspellings::new([
        ("de sleutels", "De Sleutels"),
        ("staedion", "Staedion"),
        ("steadion", "Staedion"),
        ("middin", "Middin"),
        ("parnassia", "Parnassia"),
        ("vestia", "Vestia"),
        ("cak", "CAK"),
    ])
}

fn found(text: &str) -> Vec<String> {
    found_in(&register(), text)
}

/// The names `register` finds in `text`, as "written=name".
fn found_in(register: &Misspellings, text: &str) -> Vec<String> {
    let normalised = knooppunt_domain::text::normalise(text);
    register
        .add_to(Vec::new(), text, &normalised)
        .into_iter()
        .filter_map(|(start, end, name)| Some(format!("{}={}", &normalised[start..end], name?)))
        .collect()
}

#[test]
fn capitalised_words_and_whether_they_open_a_sentence() {
    let words: Vec<(&str, bool)> =
        capitalised_words("Bij Staedion gemeld. Vestia: niks (Parnassia) en GGZ-Delfland")
            .collect();
    assert_eq!(
        words,
        [
            ("Bij", true),
            ("Staedion", false),
            ("Vestia", true),
            ("Parnassia", true),
            ("GGZ", false),
            ("Delfland", true),
        ]
    );
    assert_eq!(capitalised_words("").count(), 0);
    assert_eq!(capitalised_words("alles klein").count(), 0);
}

#[test]
fn one_letter_swapped_added_dropped_or_changed() {
    assert_eq!(
        found("Ze melden bij Staedoin maar niemand komt"),
        ["staedoin=Staedion"]
    );
    assert_eq!(
        found("aangemeld bij Parnasia in maart"),
        ["parnasia=Parnassia"]
    );
    assert_eq!(found("huurder van Vesttia belt"), ["vesttia=Vestia"]);
    assert_eq!(found("huurder van Vestai belt"), ["vestai=Vestia"]);
}

#[test]
fn two_words_that_join_into_a_one_word_alias_name_it() {
    let names = Misspellings::new([
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
            names.joined_name(first, second),
            expected,
            "{first} {second}"
        );
    }
}

#[test]
fn common_words_short_names_and_exact_names_are_not_misspellings() {
    // Lower case: a common word, not a name.
    assert!(found("ze woont midden in de wijk").is_empty());
    // At the start of a sentence any word has a capital: six letters are too few there.
    assert!(found("Midden in de nacht belde ze.").is_empty());
    // Names shorter than six letters are never matched with an edit.
    assert!(found("schuld bij het CAX").is_empty());
    // Two edits away.
    assert!(found("bij Stedoin gemeld").is_empty());
    // The exact alias is the matcher's, not this one's.
    assert!(found("bij Staedion gemeld").is_empty());
}

#[test]
fn the_rule_set_reads_a_misspelt_name() {
    let rules = crate::ruleset::RuleSet::default_rules().expect("default rules");
    assert_eq!(
        rules
            .analyse("Lekkage gemeld bij Vestai, al 6 weken geen reactie.")
            .organisation,
        Some("Vestia")
    );
    assert_eq!(
        rules
            .analyse("Midden in de nacht lekt het dak.")
            .organisation,
        None
    );
}

#[test]
fn long_names_two_letters_off_and_the_last_word_of_a_longer_name() {
    let register = Misspellings::new([
        ("staedion", "Staedion"),
        ("ggz delfland", "GGZ Delfland"),
        ("ggz", "GGZ"),
    ]);
    let found = |text: &str| -> Vec<String> {
        let normalised = knooppunt_domain::text::normalise(text);
        let named: Vec<(usize, usize, Option<&str>)> = normalised
            .match_indices("ggz")
            .map(|(start, m)| (start, start + m.len(), Some("GGZ")))
            .collect();
        register
            .add_to(named, text, &normalised)
            .into_iter()
            .filter_map(|(s, e, name)| Some(format!("{}={}", &normalised[s..e], name?)))
            .collect()
    };
    assert_eq!(found("gemeld bij Staedium, niks"), ["staedium=Staedion"]);
    // Two edits only for a word of eight letters or more, not opening a sentence.
    assert!(found("Staedium heeft niks gedaan").is_empty());
    assert!(found("gemeld bij Stadiom").is_empty());
    assert_eq!(
        found("aangemeld bij GGZ Delflnd"),
        ["ggz delflnd=GGZ Delfland"]
    );
    // The last word alone, without the alias's first words, is no name.
    assert!(found("waterschap Delflnd").is_empty());
}

#[test]
fn the_first_word_of_a_longer_name_before_its_exact_last_words() {
    let register = Misspellings::new([
        ("veilig thuis", "Veilig Thuis"),
        ("rijswijk wonen", "Rijswijk Wonen"),
        ("gemeente rijswijk", "gemeente"),
    ]);
    #[rustfmt::skip]
    let cases: [(&str, &[&str]); 6] = [
        ("bang dat Vielig Thuis de kinderen meeneemt", &["vielig thuis=Veilig Thuis"]),
        ("lekkage gemeld bij rijswjik wonen, niks", &["rijswjik wonen=Rijswijk Wonen"]),
        // The first word alone, or before other words, is no name; nor is the common
        // phrase, written exactly.
        ("ze voelt zich niet Vielig hier", &[]),
        ("niet Vielig Thuisbasis", &[]),
        ("voelt zich niet veilig thuis", &[]),
        // A word close to a last word is read as that, as before: "gemeente Rijswjik".
        ("brief van de gemeente Rijswjik", &["gemeente rijswjik=gemeente"]),
    ];
    for (text, names) in cases {
        assert_eq!(found_in(&register, text), names, "{text}");
    }
}

#[test]
fn long_lower_case_names_as_hurried_typists_and_speech_recognition_write_them() {
    let register = Misspellings::new([
        ("haagwonen", "Haag Wonen"),
        ("jeugdbescherming", "Jeugdbescherming"),
        ("kredietbank", "Kredietbank"),
        ("staedion", "Staedion"),
        ("ggz rivierduinen", "Rivierduinen"),
    ]);
    let found = |text: &str| found_in(&register, text);
    assert_eq!(found("nu haagwone stuurt brief"), ["haagwone=Haag Wonen"]);
    assert_eq!(
        found("aangemeld bij ggz rivierduinn"),
        ["ggz rivierduinn=Rivierduinen"]
    );
    // Its last word alone is no name.
    assert!(found("de rivierduinn op").is_empty());
    // Two edits from twelve letters on.
    assert_eq!(
        found("ik ben bang voor jeukbescherming"),
        ["jeukbescherming=Jeugdbescherming"]
    );
    // An alias's first letter stays: a word run together with its article is no name.
    assert!(found("dekredietbank niks gehoord").is_empty());
    // A lower-case word of fewer than eight letters is left alone.
    assert!(found("stedion komt niet").is_empty());
    // Two edits are too many for a lower-case word of eight.
    assert!(found("bij staeduom gemeld").is_empty());
    // The exact name is the matcher's.
    assert!(found("bij haagwonen gemeld").is_empty());
}

/// [`capitalised_words`] by its definition, character by character.
fn capitalised_words_by_characters(text: &str) -> Vec<(&str, bool)> {
    let mut words = Vec::new();
    let mut sentence_start = true;
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            let word = &text[s..i];
            if word.chars().next().is_some_and(char::is_uppercase) {
                words.push((word, sentence_start));
            }
            sentence_start = false;
        }
        if opens_sentence(c) {
            sentence_start = true;
        }
    }
    words
}

/// Text from an alphabet of capitals, sentence ends and non-ASCII letters, marks and symbols.
fn texts() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "aZzA09 .!?:\n'\"(-,;ÉéÖöĲßΣσİ\u{2028}\u{200b}\u{301}Ⅳ①Ⓐ🙂—’"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

/// A word of up to eleven letters from a small alphabet, so that words lie close together.
fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(b"aeinost".to_vec()), 0..12)
        .prop_map(|letters| letters.into_iter().map(char::from).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn capitalised_words_are_those_of_the_character_by_character_definition(text in texts()) {
        prop_assert_eq!(
            capitalised_words(&text).collect::<Vec<_>>(),
            capitalised_words_by_characters(&text)
        );
    }

    #[test]
    fn words_are_where_they_say(text in texts()) {
        let normalised = knooppunt_domain::text::normalise(&text);
        let expected: Vec<&str> = normalised
            .split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let words: Vec<(usize, &str)> = words_at(&normalised).collect();
        for &(start, word) in &words {
            prop_assert_eq!(normalised.get(start..start + word.len()), Some(word));
        }
        prop_assert_eq!(words.into_iter().map(|(_, w)| w).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn the_distance_is_strsims(a in words(), b in words()) {
        prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
    }
}

#[test]
fn capitalised_words_of_a_note() {
    let note =
        "Bij Staedion gemeld. Vestia: niks (Parnassia) en GGZ-Delfland, mw. Ümit ÉÉN 2Xyz aBc";
    assert_eq!(
        capitalised_words(note).collect::<Vec<_>>(),
        capitalised_words_by_characters(note)
    );
}

#[test]
fn the_distance_of_names_is_strsims() {
    for (a, b) in [
        ("staedion", "staedoin"),
        ("staedion", "steadion"),
        ("ab", "bca"),
        ("", "vestia"),
        ("vestia", ""),
        ("parnassia", "parnasia"),
        ("staedion", "stäedion"),
        ("staedion", &"s".repeat(40)),
    ] {
        assert_eq!(osa_distance(a, b), strsim::osa_distance(a, b), "{a} {b}");
    }
}
