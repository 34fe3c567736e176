//! Details that can make a person recognisable in a vignette although no name is left: an
//! age, an origin or language, a health condition, the make-up of a family, a street. The
//! scrubber removes names, numbers and addresses; these it keeps, because they carry meaning
//! in a signal the overleg reads. A vignette goes in the brief to the municipality, which may
//! forward it: there, "vader (39), Marokkaans, zoon met autisme, Twickelstraat" can point to
//! one household in a small wijk. The overleg is shown what was found before it approves.
//!
//! Pure: a warning aid, not a guarantee; it finds the usual ways these details are written.

use regex::Regex;
use std::sync::LazyLock;

/// A kind of identifying detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DetailKind {
    Age,
    Origin,
    Health,
    Family,
    Street,
}

impl DetailKind {
    /// The Dutch word the overleg reads.
    pub fn dutch(self) -> &'static str {
        match self {
            DetailKind::Age => "leeftijd",
            DetailKind::Origin => "herkomst, taal of verblijfsstatus",
            DetailKind::Health => "gezondheid",
            DetailKind::Family => "gezinssamenstelling",
            DetailKind::Street => "straat",
        }
    }
}

/// One detail found: its kind and the words as they stand in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub kind: DetailKind,
    pub found: String,
}

/// Nationalities, origins and languages, as adjectives and nouns (stems: endings follow).
const ORIGINS: &[&str] = &[
    "marokka",
    "turk",
    "surina",
    "antillia",
    "arub",
    "curaçao",
    "curacao",
    "kaapverdi",
    "syri",
    "eritre",
    "somali",
    "ethiopi",
    "soedan",
    "afgha",
    "iraak",
    "irakees",
    "irakese",
    "iraan",
    "koerd",
    "pools",
    "poolse",
    "bulga",
    "roeme",
    "oekraïn",
    "oekrain",
    "russisch",
    "russin",
    "armeen",
    "chine",
    "hindoesta",
    "indonesi",
    "moluk",
    "ghane",
    "nigeria",
    "egypt",
    "jemeni",
    "tunesi",
    "algerij",
    "pakista",
    "indiase",
    "indiaas",
    "filipijn",
    "vietnam",
    "colombia",
    "braziliaa",
    "venezola",
    "arabisch",
    "berber",
    "tigrinya",
    "papiaments",
    "statushoud",
    "vluchteling",
    "asielzoek",
    "arbeidsmigra",
    "nieuwkomer",
    // Countries, where the adjective's stem does not cover them.
    "marokko",
    "rusland",
    "china",
    "iran",
    "irak",
    "india",
    "ghana",
    "polen",
    "armeni",
    "brazili",
    "venezuela",
    "jemen",
    "libano",
    "libanees",
    "libanese",
];

/// Diagnoses and conditions, as they are usually written.
const HEALTH: &[&str] = &[
    "autis",
    "adhd",
    "add",
    "schizofre",
    "psychose",
    "psychotisch",
    "bipolair",
    "borderline",
    "ptss",
    "trauma",
    "depressie",
    "depressief",
    "dementie",
    "dement",
    "alzheimer",
    "parkinson",
    "korsakov",
    "kanker",
    "tumor",
    "chemo",
    "diabetes",
    "suikerziekte",
    "hiv",
    "epilep",
    "verslaafd",
    "verslaving",
    "lvb",
    "verstandelijke beperking",
    "verstandelijk beperkt",
    "downsyndroom",
    "syndroom van down",
    "nah",
    "hersenletsel",
    "eetstoornis",
    "anorexia",
    "copd",
    "hartfalen",
    "dwarslaesie",
    "rolstoel",
    "zwanger",
    "blind",
    "doof",
    "ms",
    "als",
];

/// People an age is written after: "zoon van 19", "mevrouw 82 jaar". Not "moeder van 3",
/// which is the make-up of a family.
const PERSONS: &str =
    "man|vrouw|meneer|mevrouw|mevr\\.?|dhr\\.?|mw\\.?|zoon|dochter|jongen|meisje|\
                       kind|cliënt|client|bewoner|inwoner|oudere|weduwe|weduwnaar|jongere|broer|\
                       zus|opa|oma|partner|echtgenote?";

/// Words a street's name ends in (not "hof", "park" or "plein": "Gerechtshof", "Zuiderpark",
/// the municipality's "Werkplein").
const STREETS: &[&str] = &[
    "straat",
    "laan",
    "weg",
    "kade",
    "gracht",
    "singel",
    "dreef",
    "steeg",
    "plantsoen",
];

/// The first word of a street named by a phrase ("Laan van Meerdervoort").
const STREET_HEADS: &str = "Laan|Weg|Kade|Singel|Dreef|Plein|Straat|Burgwal|Gracht";

const NUMBER_WORDS: &str = "twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf";

fn alternation(stems: &[&str]) -> String {
    stems
        .iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

static PATTERNS: LazyLock<Vec<(DetailKind, Regex)>> = LazyLock::new(|| {
    let streets = alternation(STREETS);
    let followers = AGE_FOLLOWERS.join("|");
    let patterns = [
        (
            DetailKind::Age,
            format!(
                r"\b\d{{1,3}}-?jarige?\b|\b\d{{1,3}}\s+(?:jaar|jr\.?)\s+oud\b|\(\s*\d{{1,3}}\s*(?:jaar|jr\.?|j\.?)?\s*\)|\b(?:{PERSONS})\s+van\s+\d{{1,3}}(?:\s*(?:jaar|jr\b\.?))?(?:\s*[,.;:)]|\s+(?:{followers}|oud)\b|\s*$)|\b(?:{PERSONS})\s+\d{{2,3}}\s*(?:jaar|jr\b\.?)|\b(?:tachtig|negentig|zeventig|zestig|vijftig|veertig|dertig|twintig)ers?\b|\bgeboren\s+in\s+\d{{4}}\b"
            ),
        ),
        (
            DetailKind::Origin,
            format!(r"\b(?:{})\p{{L}}*", alternation(ORIGINS)),
        ),
        (
            DetailKind::Health,
            format!(r"\b(?:{})(?:\p{{L}}*)", alternation(HEALTH)),
        ),
        (
            DetailKind::Family,
            format!(
                r"\b(?:moeder|vader|ouders?|gezin|alleenstaande\s+(?:moeder|vader))\s+(?:van|met)\s+(?:[1-9]|1[0-2]|{NUMBER_WORDS})\b(?:\s+kinderen)?|\b(?:tweeling|drieling)\b"
            ),
        ),
        (
            DetailKind::Street,
            format!(r"\b\p{{Lu}}\p{{Ll}}+(?:{streets})\b"),
        ),
        // A street named by a phrase: "Laan van Meerdervoort", "Weg naar Zee", "Laan van
        // Nieuw Oost-Indië".
        (
            DetailKind::Street,
            format!(
                r"\b(?:{STREET_HEADS})\s+(?:van|naar|der|de|den|op|ter|te|achter|over)\s+\p{{Lu}}[\p{{L}}-]+(?:\s+\p{{Lu}}[\p{{L}}-]+)?"
            ),
        ),
    ];
    patterns
        .into_iter()
        .map(|(kind, source)| {
            let ci = !matches!(kind, DetailKind::Street);
            let re = regex::RegexBuilder::new(&source)
                .case_insensitive(ci)
                .build()
                .expect("valid identifying-detail pattern");
            (kind, re)
        })
        .collect()
});

/// Words that would read as a condition but are common words: whole-word only.
const WHOLE_WORD_ONLY: &[&str] = &[
    "add", "ms", "als", "nah", "hiv", "lvb", "copd", "blind", "doof",
];

/// The identifying details in `text`, in the order they stand, each found once.
pub fn identifying_details(text: &str) -> Vec<Detail> {
    let mut found: Vec<(usize, Detail)> = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for m in re.find_iter(text) {
            let words = shown(m.as_str());
            if *kind == DetailKind::Health && !health_word(words) {
                continue;
            }
            // A capitalised word opening a sentence is no street ("Onderweg", "Blokkade").
            // A street named by a phrase ("Laan van Meerdervoort") is one there too.
            if *kind == DetailKind::Street
                && !m.as_str().contains(char::is_whitespace)
                && opens_sentence(&text[..m.start()])
            {
                continue;
            }
            // "cliënt 12 jaar op de wachtlijst": a duration, not an age.
            if *kind == DetailKind::Age && duration_follows(&text[m.end()..]) {
                continue;
            }
            if found
                .iter()
                .any(|(_, d)| d.kind == *kind && d.found.eq_ignore_ascii_case(words))
            {
                continue;
            }
            found.push((
                m.start(),
                Detail {
                    kind: *kind,
                    found: words.to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(at, d)| (*at, d.kind));
    found.into_iter().map(|(_, d)| d).collect()
}

/// Whether what stands before a match ends a sentence (or is nothing at all).
fn opens_sentence(before: &str) -> bool {
    let before = before.trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '-', '•', '*'])
}

/// Whether the words after an age say it was a duration: "… 12 jaar op de wachtlijst".
fn duration_follows(after: &str) -> bool {
    let next = after.split_whitespace().next().unwrap_or("");
    matches!(
        next.trim_matches(|c: char| !c.is_alphanumeric()),
        "op" | "in" | "bij" | "lang" | "geleden" | "gewacht" | "wachten" | "wacht" | "onder"
    )
}

/// The words of a match as the overleg reads them: without the word or punctuation that
/// only told an age from a count ("zoon van 24 wil" → "zoon van 24").
fn shown(matched: &str) -> &str {
    let trimmed = matched
        .trim()
        .trim_end_matches([',', '.', ';', ':'])
        .trim_end();
    match trimmed.rsplit_once(' ') {
        Some((head, last)) if AGE_FOLLOWERS.contains(&last) => head,
        _ if trimmed.ends_with(')') && !trimmed.contains('(') => trimmed.trim_end_matches(')'),
        _ => trimmed,
    }
}

/// The words after "zoon van 24" that say 24 is an age (in the age pattern, and trimmed
/// from what is shown).
const AGE_FOLLOWERS: [&str; 10] = [
    "en", "die", "met", "is", "woont", "heeft", "wil", "kan", "zit", "moet",
];

/// A health match counts unless it is a short stem inside a longer, ordinary word ("als",
/// "adder", "msn", "blinde vlek" stays).
fn health_word(words: &str) -> bool {
    let lower = words.to_lowercase();
    match WHOLE_WORD_ONLY.iter().find(|w| lower.starts_with(**w)) {
        Some(stem) => {
            lower == *stem
                && (lower != "als" || words == "ALS")
                && (lower != "ms" || words == "MS")
                && (lower != "add" || words == "ADD")
                && (lower != "nah" || words == "NAH")
        }
        None => true,
    }
}

/// A text as a vignette would be stored: normalised as intake normalises signal text (line
/// ends as a form sends them made plain, invisible characters gone, NFC), trimmed.
fn as_stored(text: &str) -> String {
    crate::normalise::normalise_text(text).trim().to_string()
}

/// Whether `edited` says what `original` says, character for character once both are
/// stored alike: a form sent back unchanged is no rewrite.
pub fn unchanged(edited: &str, original: &str) -> bool {
    as_stored(edited) == as_stored(original)
}

/// "leeftijd („39”), herkomst, taal of verblijfsstatus („Marokkaanse”)": for the overleg, in the order found.
pub fn describe_nl(details: &[Detail]) -> String {
    details
        .iter()
        .map(|d| format!("{} („{}”)", d.kind.dutch(), d.found))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(DetailKind, String)> {
        identifying_details(text)
            .into_iter()
            .map(|d| (d.kind, d.found))
            .collect()
    }

    #[test]
    fn an_age_origin_and_diagnosis_are_found() {
        let found = kinds(
            "Dhr. (39), Marokkaanse vader van vier kinderen, zoon met autisme; woont aan de \
             Twickelstraat. Wacht al 2 jaar op een woning.",
        );
        assert_eq!(
            found,
            vec![
                (DetailKind::Age, "(39)".into()),
                (DetailKind::Origin, "Marokkaanse".into()),
                (DetailKind::Family, "vader van vier kinderen".into()),
                (DetailKind::Health, "autisme".into()),
                (DetailKind::Street, "Twickelstraat".into()),
            ]
        );
    }

    #[test]
    fn a_street_named_by_a_phrase_is_found() {
        assert_eq!(
            kinds("Woont op de Laan van Meerdervoort, boven een winkel."),
            vec![(DetailKind::Street, "Laan van Meerdervoort".into())]
        );
        assert_eq!(
            kinds("Laan van Nieuw Oost-Indië: de lift is al weken stuk."),
            vec![(DetailKind::Street, "Laan van Nieuw Oost-Indië".into())]
        );
        assert!(kinds("Op weg naar het loket; de weg naar huis is lang.").is_empty());
    }

    #[test]
    fn ages_are_written_many_ways() {
        for text in [
            "een 82-jarige weduwe",
            "mevrouw 82 jaar",
            "zoon van 19 woont weer thuis",
            "hij is 17 jaar oud",
            "cliënt (45 jr)",
            "een vrouw, een tachtiger",
            "geboren in 1961",
        ] {
            assert!(
                kinds(text).iter().any(|(k, _)| *k == DetailKind::Age),
                "{text}: {:?}",
                kinds(text)
            );
        }
    }

    #[test]
    fn an_age_is_shown_without_the_word_that_told_it() {
        assert_eq!(
            kinds("Zoon van 24 wil weer thuis wonen; dochter van 19, die studeert."),
            vec![
                (DetailKind::Age, "Zoon van 24".into()),
                (DetailKind::Age, "dochter van 19".into()),
            ]
        );
    }

    #[test]
    fn a_plain_barrier_note_raises_nothing() {
        for text in [
            "Wacht al 2 jaar op een woning; de corporatie reageert al 9 weken niet.",
            "Uitkering gekort door de kostendelersnorm toen de zoon weer thuis kwam wonen.",
            "Als de gemeente niet belt, blijft de aanvraag liggen. Ze durft geen vrijwilligerswerk te doen.",
            "De wachtlijst bij de GGZ is 7 maanden, ver boven de Treeknorm.",
            "Meneer kreeg een brief van de straat hiernaast; de adder in het gras.",
            "Bij het Werkplein en het Gerechtshof lag de aanvraag; cliënt 12 jaar op de wachtlijst.",
            "Onderweg naar het loket. Blokkade bij de deur; in de doofpot gestopt.",
            "Vader van 39 kinderen is onzin; het gezin met 14 betrokken hulpverleners.",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn short_conditions_count_only_as_written_for_them() {
        assert_eq!(kinds("vader heeft MS")[0].1, "MS");
        assert!(kinds("vader heeft ms gehad als kind").is_empty());
        assert_eq!(kinds("bekend met ADD")[0].1, "ADD");
    }

    #[test]
    fn a_form_sent_back_unchanged_is_no_rewrite() {
        let original = "Een vader wacht al 9 maanden.\nNiemand belt terug.";
        assert!(unchanged(
            "  Een vader wacht al\u{200B} 9 maanden.\r\nNiemand belt terug.\r\n",
            original
        ));
        assert!(!unchanged("Een vader wacht.", original));
    }

    #[test]
    fn the_description_names_kind_and_words() {
        let details = identifying_details("Syrische statushouder met PTSS");
        assert_eq!(
            describe_nl(&details),
            "herkomst, taal of verblijfsstatus („Syrische”), herkomst, taal of verblijfsstatus („statushouder”), gezondheid („PTSS”)"
        );
    }
}
