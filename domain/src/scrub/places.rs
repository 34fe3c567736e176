//! Street addresses and dates of birth.
//!
//! An address is a street — a word ending in a street type (`Twickelstraat`, `Heeswijkplein`)
//! or a street-type word leading a name (`Laan van Meerdervoort`) — followed by a house number.
//! "de straat" or "het plein" without a number is not an address.
//!
//! A date is a date of birth when birth context precedes it (`geboren`, `geb.`,
//! `geboortedatum`), when it stands in parentheses (`(12/3/87)`), or when its year lies so far
//! back that it cannot be the date of an event in a current signal. "sinds 3 maart" and
//! "op 14-09-2026" stay: they carry meaning.

use super::PiiKind;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;

/// Words a street name ends in.
pub(super) const STREET_TYPES: [&str; 29] = [
    "straat",
    "laan",
    "weg",
    "plein",
    "kade",
    "gracht",
    "singel",
    "dijk",
    "hof",
    "park",
    "pad",
    "steeg",
    "dreef",
    "plantsoen",
    "markt",
    "wal",
    "baan",
    "allee",
    "boulevard",
    "erf",
    "hoven",
    "passage",
    "promenade",
    "dwarsstraat",
    "straatweg",
    "hage",
    "burcht",
    "werf",
    "bocht",
];

/// Words that lead a street's name (`Laan van Meerdervoort`, `Burgemeester de Monchyplein`):
/// the second alternative of [`STREET`]; the anonymiser's check for whether that alternative
/// can match reads this list too.
pub(super) const LEADING_WORDS: [&str; 13] = [
    "Laan",
    "Plein",
    "Weg",
    "Kade",
    "Burgemeester",
    "Prinses",
    "Prins",
    "Koningin",
    "Koning",
    "Generaal",
    "Sint",
    "Dokter",
    "Dr.",
];

/// A house number after its street: maybe "nr" or "nummer" first, then a letter ("3a", "3 A"),
/// an addition ("12-1"), "hs", "bis" or a floor ("179-II", "4 III") after it. Every address
/// pattern below ends in it (written for `(?x)`: its spaces are escaped).
const HOUSE_NUMBER: &str = r"(?:nr\.?\ |nummer\ )?[0-9]{1,4}(?:\ ?-?\ ?[A-Za-z](?-u:\b)|-[0-9]{1,3}(?-u:\b)|(?:\ |-)?(?:hs|bis|I{1,3})(?-u:\b))?";

/// What stands between a street and its house number: a space, or a space or ", " and "nr",
/// "nr.", "nummer" or "huisnummer", maybe after "op": "Beijersstraat, op nummer 12". Written for
/// `(?x)`; [`super::candidates::NUMBER_LEADS`] lists the same leads for the prefilter.
const NUMBER_LEAD: &str = r"(?:,?\ (?:op\ )?(?:nummer|huisnummer|nr\.?)\ |\ )";

pub(super) static STREET: LazyLock<Regex> = LazyLock::new(|| {
    let street_types = STREET_TYPES.join("|");
    let leading_words = LEADING_WORDS.map(regex::escape).join("|");
    let pattern = format!(
        r"(?x)
        (?-u:\b)(?:
            # a word ending in a street type, maybe after a name with particles:
            # Twickelstraat, Van der Vennestraat, Jan van Goyenkade
            (?:[A-Z][\p{{L}}'’.-]*\ (?:van|der|den|de|ter|ten|'t)\ (?:(?:van|der|den|de|ter|ten|'t)\ )?)?
            [A-Za-z][\p{{L}}'’-]+(?:{street_types})
          | # a street-type word leading the name: Laan van Meerdervoort
            (?:{leading_words})
            (?:\ (?:van|der|den|de|ter|ten|op|'t|[A-Z][\p{{L}}'’.-]*)){{1,4}}
          | # a ring road, capitalised: Zuidring, Binnenring; not a noun in -ering
            # (Uitkering 3 mnd gestopt, at the start of a sentence)
            [A-Z](?:[\p{{L}}'’-]*[\p{{L}}--e])?ring
        )
        {NUMBER_LEAD}{HOUSE_NUMBER}"
    );
    Regex::new(&pattern).expect("valid street pattern")
});

/// "laan van meerdervoort 12": the one leading word written in lower case often enough (the
/// city's longest avenue) to be looked for so; "weg", "plein" and "kade" in lower case are
/// ordinary words ("ging weg van huis 3 keer").
static LOWER_CASE_LAAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)laan van (?:de |der |den |het |'t )?(?:[a-z][\p{{L}}'’-]+ ){{1,2}}{HOUSE_NUMBER}",
    ))
    .expect("valid lower-case laan pattern")
});

/// A street without a street-type word, told by the words that lead an address: "woont op de
/// Lange Poten 12", "adres: Spui 70", "verhuisd naar de Zuidring 40". What is found is the
/// street and its number; a number followed by a unit ("verhuisd naar Moerwijk 3 maanden
/// geleden") is not a house number ([`NOT_HOUSE_NUMBER`]).
static ADDRESS_AFTER_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
        (?i:(?-u:\b)(?:woont|woonde|wonen|wonend|woonachtig|verhuisd|verhuist|huisbezoek|huisbezoeken|verblijft
            # Adres nu: …, adres van haar zus: … (a few words and a colon after adres)
            |adres(?:\ [^\n:0-9]{{1,32}}:)?))
        [\ :]+(?:(?i:op|aan|naar)\ +)?(?:(?i:de|het|'t)\ +)?
        (?P<street>
            [A-Z][\p{{L}}'’.-]+(?:\ (?:van|der|den|de|ter|ten|[A-Z][\p{{L}}'’.-]+)){{0,3}}
            {NUMBER_LEAD}{HOUSE_NUMBER}
        )(?:[^0-9]|$)",
    ))
    .expect("valid address context pattern")
});

/// A street and its number right before a postcode: "Mient 12 A, 2564 KK Den Haag" needs no
/// street-type word; the postcode itself is [`super::POSTCODE`]'s.
pub(super) static STREET_BEFORE_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
        (?-u:\b)(?P<street>
            [A-Z][\p{{L}}'’.-]+(?:\ (?:van|der|den|de|ter|ten|'t|[A-Z][\p{{L}}'’.-]+)){{0,3}}
            \ {HOUSE_NUMBER}
        )
        (?:\ ?,\ ?|\ +)[1-9][0-9]{{3}}\ ?[A-Z]{{2}}(?-u:\b)",
    ))
    .expect("valid street before postcode pattern")
});

/// The house number written before its street: "woont op nr 23 van de Zuidlarenstraat",
/// "huisnummer 4 aan de Hoefkade".
pub(super) static NUMBER_BEFORE_STREET: LazyLock<Regex> = LazyLock::new(|| {
    let street_types = STREET_TYPES.join("|");
    Regex::new(&format!(
        r"(?x)
        (?i:(?-u:\b)(?:nr\.?|nummer|huisnummer))\ [0-9]{{1,4}}(?:\ ?[A-Za-z](?-u:\b))?
        \ (?i:van|aan|in|op)\ (?:(?i:de|het)\ )?
        [A-Za-z][\p{{L}}'’-]+(?:{street_types})(?-u:\b)",
    ))
    .expect("valid number before street pattern")
});

/// Words after a number that make it a count, a duration or a date, not a house number.
static NOT_HOUSE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    // A month after the number makes it a date ("huisbezoek op Dinsdag 3 maart").
    Regex::new(&format!(
        r"(?i)^\s*(?:jaar|jaren|jr|maand|maanden|mnd|week|weken|wk|dag|dagen|keer|uur|min|minuten|kinderen|personen|mensen|euro|procent|%|{MONTHS})(?-u:\b)",
    ))
    .expect("valid unit pattern")
});

const MONTHS: &str = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec";

pub(super) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?i)(?-u:\b)(?:(?P<d>[0-9]{{1,2}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<y>[0-9]{{4}}|['’]?[0-9]{{2}})|(?P<d2>[0-9]{{1,2}})\ (?P<mn>{MONTHS})\.?\ (?P<y2>[0-9]{{4}}|['’][0-9]{{2}})|(?P<y3>[0-9]{{4}})-(?P<m3>[0-9]{{1,2}})-(?P<d3>[0-9]{{1,2}}))(?-u:\b)"
    );
    Regex::new(&pattern).expect("valid date pattern")
});

static BIRTH_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:geboren|geb\.?|geboortedatum|geb\.? ?datum|geboortedag|dob|°|\*)\W{0,3}(?:op\W{0,2})?$")
        .expect("valid birth context pattern")
});

/// A year of birth on its own: "geboren in 1954", "geb. 1961".
static BIRTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:geboren|geb\.?)\ (?:in\ )?(?:het\ jaar\ )?((?:19|20)[0-9]{2})(?-u:\b)",
    )
    .expect("valid birth year pattern")
});

/// Whether the number in a [`STREET`] match (`start..end` of `text`) is followed by a unit
/// ([`NOT_HOUSE_NUMBER`], "uur", "u/wk"): a job or a road with a count after it, no address.
fn counts_after_its_number(text: &str, start: usize, end: usize) -> bool {
    let Some(digits) = text[start..end].find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let rest = &text[start + digits..];
    let number_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let after = &rest[number_end..];
    NOT_HOUSE_NUMBER.is_match(after) || HOURS_ABBREVIATED.is_match(after)
}

/// "24 u/wk", "8 u per dag", "6 u p.w.": hours, after a number.
static HOURS_ABBREVIATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s?u(?:\s?/|\s(?:per|p\.?w|p\.?d|pw)(?-u:\b))").expect("valid hours pattern")
});

/// Years this far back or more are years of birth, not of events in a current signal.
const BIRTH_YEARS_BACK: i32 = 12;

pub(super) fn find(
    text: &str,
    traits: &super::candidates::Traits,
    spans: &mut Vec<(usize, usize, PiiKind)>,
) {
    // An address ends in a house number after a street type or a leading word.
    if super::candidates::may_hold_address(text, traits) {
        for m in STREET.find_iter(text) {
            // "een uitzendbaan 24 u/wk", "bijbaan 12 uur per week": a count, not a number.
            if !counts_after_its_number(text, m.start(), m.end()) {
                spans.push((m.start(), m.end(), PiiKind::Address));
            }
        }
    }
    if super::candidates::may_hold_address_after_context(text, traits) {
        for caps in ADDRESS_AFTER_CONTEXT.captures_iter(text) {
            if let Some(street) = caps.name("street") {
                if !NOT_HOUSE_NUMBER.is_match(&text[street.end()..]) {
                    spans.push((street.start(), street.end(), PiiKind::Address));
                }
            }
        }
    }
    if traits.postcode && super::candidates::may_hold_address_before_postcode(traits) {
        for caps in STREET_BEFORE_POSTCODE.captures_iter(text) {
            if let Some(street) = caps.name("street") {
                spans.push((street.start(), street.end(), PiiKind::Address));
            }
        }
    }
    if super::candidates::may_number_a_street(text) {
        for m in NUMBER_BEFORE_STREET.find_iter(text) {
            spans.push((m.start(), m.end(), PiiKind::Address));
        }
    }
    if text.contains("laan van ") {
        for m in LOWER_CASE_LAAN.find_iter(text) {
            spans.push((m.start(), m.end(), PiiKind::Address));
        }
    }
    // A date is "12-3-87" (digits between two separators) or "12 maart 1987" (a day, a
    // month, a year).
    if super::candidates::may_hold_date(traits) {
        find_dates(text, spans);
    }
    if super::candidates::may_hold_year(traits) {
        for caps in BIRTH_YEAR.captures_iter(text) {
            if let Some(year) = caps.get(1) {
                spans.push((year.start(), year.end(), PiiKind::DateOfBirth));
            }
        }
    }
}

fn find_dates(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    let this_year = chrono::Utc::now().year();
    for caps in DATE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let year = caps
            .name("y")
            .or_else(|| caps.name("y2"))
            .or_else(|| caps.name("y3"))
            // "3 april '85": the apostrophe stands for the century.
            .and_then(|y| {
                y.as_str()
                    .trim_start_matches(['\'', '’'])
                    .parse::<i32>()
                    .ok()
            });
        let Some(mut year) = year else { continue };
        let two_digit = year < 100;
        if two_digit {
            // "(12/3/87)": a two-digit year after this year's is last century.
            year += if year > this_year % 100 { 1900 } else { 2000 };
        }
        let day = caps
            .name("d")
            .or_else(|| caps.name("d2"))
            .or_else(|| caps.name("d3"))
            .and_then(|d| d.as_str().parse().ok());
        let month = match (caps.name("m").or_else(|| caps.name("m3")), caps.name("mn")) {
            (Some(m), _) => m.as_str().parse().ok(),
            (_, Some(name)) => month_number(name.as_str()),
            _ => None,
        };
        let (Some(day), Some(month)) = (day, month) else {
            continue;
        };
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            continue;
        }
        let before = &text[..whole.start()];
        let context_start = before.char_indices().rev().nth(24).map_or(0, |(i, _)| i);
        let in_parentheses =
            before.trim_end().ends_with('(') && text[whole.end()..].trim_start().starts_with(')');
        let is_birth = BIRTH_CONTEXT.is_match(&before[context_start..])
            || in_parentheses
            || year <= this_year - BIRTH_YEARS_BACK;
        if is_birth {
            spans.push((whole.start(), whole.end(), PiiKind::DateOfBirth));
        }
    }
}

fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    let months = [
        "jan", "feb", "m", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    if name == "mrt" || name == "maart" {
        return Some(3);
    }
    months
        .iter()
        .position(|m| *m != "m" && name.starts_with(m))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::super::checks::{kept, scrubs_to};

    #[test]
    fn street_addresses() {
        scrubs_to(&[
            (
                "woont Heeswijkplein 12 op drie hoog",
                "woont [ADRES] op drie hoog",
            ),
            (
                "Laan van Meerdervoort 145-B is een flat",
                "[ADRES] is een flat",
            ),
            ("Twickelstraat 3a, portiek", "[ADRES], portiek"),
            ("adres: Van der Vennestraat 4", "adres: [ADRES]"),
            (
                "op de hoek van de Hoefkade 300 hs",
                "op de hoek van de [ADRES]",
            ),
            ("Burgemeester Patijnlaan 1019", "[ADRES]"),
            // Written in lower case, as in a quick note.
            ("woont laan van meerdervoort 12a", "woont [ADRES]"),
            ("op de weimarstraat 88, 2 hoog", "op de [ADRES], 2 hoog"),
            ("laan van nieuw oost-indië 3-1", "[ADRES]"),
            // A street without a type word, after the words that lead an address.
            (
                "Mevrouw woont op de Lange Poten 12, derde etage",
                "Mevrouw woont op de [ADRES], derde etage",
            ),
            ("Adres: Spui 70 B", "Adres: [ADRES]"),
            (
                "verhuisd naar de Zuidring 40 en nog geen huurtoeslag",
                "verhuisd naar de [ADRES] en nog geen huurtoeslag",
            ),
            // A home visit is made at an address.
            (
                "Huisbezoek op Amalia van Solmsstraat 12 gehad",
                "Huisbezoek op [ADRES] gehad",
            ),
            (
                "huisbezoek aan de Lange Poten 7a.",
                "huisbezoek aan de [ADRES].",
            ),
            // A ring road needs no words before it.
            ("Gesprek op de Zuidring 40 hs.", "Gesprek op de [ADRES]."),
            ("vanaf Binnenring 3-II naar", "vanaf [ADRES] naar"),
            // A street without its type word right before a postcode.
            (
                "Post naar Pompoenveld 3, 2543 XS Den Haag.",
                "Post naar [ADRES], [POSTCODE] Den Haag.",
            ),
            // The number before its street, words before the colon of "adres".
            ("woont op nr 14 van de Lijsterstraat", "woont op [ADRES]"),
            ("Adres van haar zus: Brink 4", "Adres van haar zus: [ADRES]"),
            ("Wolkenbocht 12, bovenwoning", "[ADRES], bovenwoning"),
        ]);
    }

    #[test]
    fn a_house_number_after_a_comma_or_op_nummer_is_part_of_the_address() {
        scrubs_to(&[
            (
                "ze woont in de Beijersstraat op nummer 12, durft niet",
                "ze woont in de [ADRES], durft niet",
            ),
            (
                "ze woont in de beijersstraat op nummer 12, durft niet",
                "ze woont in de [ADRES], durft niet",
            ),
            ("in de Beijersstraat, nummer 12 B", "in de [ADRES]"),
            ("Hengelolaan, op huisnummer 300", "[ADRES]"),
            ("de Erasmusweg huisnummer 45", "de [ADRES]"),
            ("Twickelstraat, nr. 3a, portiek", "[ADRES], portiek"),
            ("woont op de Lange Poten, nummer 12", "woont op de [ADRES]"),
        ]);
        kept(&[
            "in de Beijersstraat op 12 maart een huisbezoek gehad",
            "in de beijersstraat wonen veel gezinnen met schulden",
            "de Leyweg, op de 12e verdieping van het stadsdeelkantoor",
        ]);
    }

    #[test]
    fn nouns_in_ering_and_dates_after_a_home_visit_stay() {
        kept(&[
            "Uitkering 3 mnd gestopt, geen reactie.",
            "Vergadering 14 november over de wachtlijst.",
            "Huisbezoek op Dinsdag 3 maart, wachtlijst 9 weken.",
            "huisbezoek op 12 mei gepland",
        ]);
    }

    #[test]
    fn a_place_after_the_words_of_an_address_is_kept_with_its_count() {
        kept(&[
            "Woont al 12 jaar in Moerwijk, sinds kort alleen.",
            "Verhuisd naar Moerwijk 3 maanden geleden, nog geen toeslag.",
            "woont in Den Haag 2 jaar",
            "Adres bekend bij het wijkteam, 2 kinderen.",
        ]);
    }

    #[test]
    fn street_words_in_other_meanings_stay() {
        kept(&[
            "Overlast op straat, de straat is onveilig.",
            "Het plein wordt 3 keer per week schoongemaakt.",
            "Al 12 weken wachten, 2 kinderen thuis.",
            "In de wijk 4 keer gemeld bij Haag Wonen.",
            "ging weg van huis 3 keer deze maand",
            "de laan van het park wordt niet geveegd",
            // A job or a road with a count after its number.
            "Heeft een uitzendbaan 24 u/wk, netjes opgegeven.",
            "durft geen bijbaan 12 uur per week aan te nemen",
            "Zoekt een bijbaan 8 u per week naast de bijstand",
            "over de snelweg 3 keer per week naar de dagbesteding",
        ]);
    }

    #[test]
    fn dates_of_birth_but_not_dates_of_events() {
        scrubs_to(&[
            (
                "geboren 12-03-1987, alleenstaand",
                "geboren [GEBOORTEDATUM], alleenstaand",
            ),
            ("geb. 12 maart 1987", "geb. [GEBOORTEDATUM]"),
            (
                "zoon (12/3/87) woont thuis",
                "zoon ([GEBOORTEDATUM]) woont thuis",
            ),
            ("geboortedatum: 1-1-2001", "geboortedatum: [GEBOORTEDATUM]"),
            ("moeder, 3-4-1961, AOW", "moeder, [GEBOORTEDATUM], AOW"),
            ("geboortedatum 1954-03-03", "geboortedatum [GEBOORTEDATUM]"),
            (
                "geboren in 1954, weduwe",
                "geboren in [GEBOORTEDATUM], weduwe",
            ),
            // A year after an apostrophe.
            ("geboren 14 juni '79", "geboren [GEBOORTEDATUM]"),
            ("geb. 5-8-'62, weduwe", "geb. [GEBOORTEDATUM], weduwe"),
        ]);
        kept(&[
            "sinds 3 maart wachten op een intake",
            "melding gedaan op 14-09-2026, geen reactie",
            "vonnis van 2 juni 2025",
            "aanvraag van 2026-11-20 nog open",
            "woont er sinds 1998",
            "sinds 3 maart '24 op de wachtlijst",
        ]);
    }
}
