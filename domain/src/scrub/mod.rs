//! The anonymiser: replaces personal data in free text with typed placeholders before a signal
//! leaves intake. The rules engine runs it again (defence in depth).
//!
//! - shapes checked by arithmetic: BSN (11-proef, or any 9 digits right after "bsn"),
//!   IBAN (mod-97), Dutch phone numbers, e-mail addresses, postcodes;
//! - case, client and file numbers after a word that names them (`case_numbers`);
//! - street addresses and dates of birth (`places`): street-type words with a house number,
//!   dates with birth context, in parentheses, or too long ago to be an event;
//! - person names (`names`): a gazetteer of first names and surnames with context (titles,
//!   "heet", capitals mid-sentence), never erasing organisations, places or roles.
//!
//! Pure: no I/O, no logging. The result says *which kinds* were found, never the values.

mod candidates;
mod case_numbers;
mod names;
mod places;

use candidates::Traits;

use regex::Regex;
use std::sync::LazyLock;

/// A kind of personal data, named after its placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Name,
    Bsn,
    Iban,
    Phone,
    Email,
    Address,
    Postcode,
    DateOfBirth,
    CaseNumber,
}

crate::named::stored_names!(PiiKind {
    Name => "naam",
    Bsn => "bsn",
    Iban => "iban",
    Phone => "telefoon",
    Email => "email",
    Address => "adres",
    Postcode => "postcode",
    DateOfBirth => "geboortedatum",
    CaseNumber => "dossiernummer",
});

impl PiiKind {
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Name => "[NAAM]",
            PiiKind::Bsn => "[BSN]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Phone => "[TELEFOON]",
            PiiKind::Email => "[EMAIL]",
            PiiKind::Address => "[ADRES]",
            PiiKind::Postcode => "[POSTCODE]",
            PiiKind::DateOfBirth => "[GEBOORTEDATUM]",
            PiiKind::CaseNumber => "[DOSSIERNUMMER]",
        }
    }
}

/// Scrubbed text plus the kinds that were removed (sorted, without repeats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrubbed {
    pub text: String,
    pub found: Vec<PiiKind>,
    /// Characters of the original text that were personal data.
    pub removed_chars: usize,
}

impl Scrubbed {
    /// Whether the text was mostly personal data (more than half of its non-blank
    /// characters): such a note says nothing about a barrier and is refused, not kept.
    pub fn mostly_personal(&self, original: &str) -> bool {
        if self.removed_chars == 0 {
            return false;
        }
        let total = non_blank_chars(original);
        total > 0 && self.removed_chars * 2 > total
    }
}

/// The characters of `text` that are not white space, ASCII counted byte by byte.
fn non_blank_chars(text: &str) -> usize {
    if text.is_ascii() {
        // `char::is_whitespace` on ASCII: space, tab, line feed, vertical tab, form feed, CR.
        text.bytes()
            .filter(|&b| !(b == b' ' || (b'\t'..=b'\r').contains(&b)))
            .count()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("valid e-mail pattern")
});
/// A handle on social media ("@kennyboy_010", "@yarishaa.x"): see [`social_handle`].
static HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@[A-Za-z0-9_.]{3,30}").expect("valid handle pattern"));
/// An e-mail address written to dodge harvesters: "fatima.elamrani[at]example.nl",
/// "j (at) voorbeeld (punt) nl".
static EMAIL_SPELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[a-z0-9._%+\-]+ ?[\[({](?:at|apenstaartje)[\])}] ?[a-z0-9\-]+(?:(?:\.| ?[\[(](?:dot|punt)[\])] ?)[a-z0-9\-]+)+",
    )
    .expect("valid spelled e-mail pattern")
});
/// An e-mail address spelled out in words without brackets: "jan.devries at gmail.com",
/// "jan punt devries apenstaartje gmail punt com"; it must end in a common top-level domain, so
/// "kijk at home" stays.
static EMAIL_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[a-z0-9._%+\-]+(?: punt [a-z0-9\-]+)* (?-u:at|apenstaartje) [a-z0-9\-]+(?:(?:\.| punt | dot )[a-z0-9\-]+)*(?:\.| punt | dot )(?:nl|com|org|net|be|eu|info|nu|de|fr|uk)(?-u:\b)",
    )
    .expect("valid worded e-mail pattern")
});
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    // "NL 72 RABO …": a space may follow the country code too.
    Regex::new(r"(?i)[a-z]{2} ?[0-9]{2}(?:[ \-]?[a-z0-9]){11,32}").expect("valid IBAN pattern")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // A line break may split a number written at the end of a line ("06-\n23456781").
    Regex::new(r"(?:\+31|0031|\(0|(?-u:\b)0)[0-9 \-–()/.\n]{8,18}").expect("valid phone pattern")
});
/// A number abroad (family members, a Polish or Syrian mobile): `+` or `00`, a country code
/// and at least eight more digits in groups, "+48 601 234 567", "+963 944 123 456"; the Dutch
/// ones are [`PHONE`]'s.
static PHONE_ABROAD: LazyLock<Regex> = LazyLock::new(|| {
    // Or an area code in brackets: "+1 (416) 555-0193".
    Regex::new(r"(?:\+|(?-u:\b)00)[1-9][0-9]{0,2}(?:(?:[ .\-]?\(0\))?(?:[ .\-]?[0-9]){8,13}|[ .\-]?\([1-9][0-9]{1,3}\)(?:[ .\-]?[0-9]){6,10})(?-u:\b)")
        .expect("valid phone abroad pattern")
});
/// The words that name a BSN, shared by the patterns that look for one after them.
const BSN_WORDS: &str = "(?:bsn|burgerservicenummer|burger ?service ?nummer|sofi-?nummer|sofinr)";
/// Nine digits, maybe grouped 3-3-3 or 4-2-3 by a space, period or hyphen.
const BSN_SHAPE: &str =
    "[0-9]{9}|[0-9]{3}[ .-][0-9]{3}[ .-][0-9]{3}|[0-9]{4}[ .-][0-9]{2}[ .-][0-9]{3}";
static BSN_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    // The number may be written digit by digit ("1 2 3 4 5 6 7 8 2"): up to 20 characters.
    Regex::new(&format!(
        r"(?i)(?-u:\b){BSN_WORDS}(?-u:\b)\W{{0,6}}(?:nummer|nr\.?|is|:)?\W{{0,3}}([0-9][0-9 ./-]{{6,20}}[0-9])"
    ))
        .expect("valid BSN context pattern")
});
/// Nine digits a few words after "bsn": "BSN van meneer staat erop: 187654329", "bsn zoon
/// 912345678". A number named a BSN is one, whether or not it passes the 11-proef (a clerk's
/// typo is still a person's number).
pub(super) static BSN_AFTER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b){BSN_WORDS}(?-u:\b)[^0-9\n]{{1,40}}?(?-u:\b)({BSN_SHAPE})(?-u:\b)"
    ))
    .expect("valid BSN after words pattern")
});
static BSN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b)(?:{BSN_SHAPE})(?-u:\b)")).expect("valid BSN pattern")
});
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[1-9][0-9]{3}( ?)([A-Za-z]{2})(?-u:\b)(?:,? ?[0-9]{1,5}(?:-?[A-Za-z0-9]{1,3})?(?-u:\b))?")
        .expect("valid postcode pattern")
});

/// Whether a short label (a source code) is a person's name from the gazetteer.
pub fn label_is_person_name(label: &str) -> bool {
    names::label_is_person_name(label)
}

/// The kinds of personal data [`scrub`] finds in `text`, as their placeholders ("[NAAM]"),
/// repeats next to each other taken out: what a refusal names without echoing the text.
pub fn found_placeholders(text: &str) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = scrub(text).found.iter().map(|k| k.placeholder()).collect();
    kinds.dedup();
    kinds
}

/// Replaces every recognised piece of personal data in `text`.
pub fn scrub(text: &str) -> Scrubbed {
    let mut spans: Vec<(usize, usize, PiiKind)> = Vec::new();
    names::find(text, &mut spans);
    // Every other kind needs a digit (or an `@`): many notes have neither.
    let traits = Traits::of(text);
    if traits.digits > 0 || traits.at_sign {
        find_shapes(text, &traits, &mut spans);
        places::find(text, &traits, &mut spans);
        // A case number has four digits or more.
        if traits.digits >= 4 {
            case_numbers::find(text, &mut spans);
        }
    }
    replace_spans(text, spans)
}

fn find_shapes(text: &str, traits: &Traits, spans: &mut Vec<(usize, usize, PiiKind)>) {
    // An e-mail address has an `@`, or spells it ("[at]", " at ", " apenstaartje ").
    if traits.at_sign {
        let spelled = EMAIL_SPELLED
            .find_iter(text)
            .chain(EMAIL_WORDS.find_iter(text));
        for m in EMAIL.find_iter(text).chain(spelled) {
            spans.push((m.start(), m.end(), PiiKind::Email));
        }
        for m in HANDLE.find_iter(text) {
            if let Some(end) = social_handle(text, m.start(), m.end()) {
                spans.push((m.start(), end, PiiKind::Name));
            }
        }
    }
    // Only a candidate that starts with two ASCII letters (a country code) and two digits
    // passes `iban_end`.
    if traits.letters_digits {
        find_ibans(text, spans);
    }
    // A phone number has nine or ten digits, a BSN nine (eight to ten after "bsn").
    if traits.digits >= 9 {
        find_phones(text, spans);
    }
    if traits.digits >= 8 {
        find_bsns(text, traits, spans);
    }
    // A postcode is four digits and two letters.
    if traits.postcode {
        find_postcodes(text, spans);
    }
}

/// Where a handle on social media that `@` starts at `start` ends: an `@` that opens a word
/// (not the middle of an e-mail address), then letters with a digit, an underscore or a dot
/// inside them, which a word addressed in a chat ("@team", "@allemaal") has not.
fn social_handle(text: &str, start: usize, end: usize) -> Option<usize> {
    let opens_word = text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '@')));
    let handle = text[start + 1..end].trim_end_matches('.');
    let marked = handle
        .bytes()
        .any(|b| b.is_ascii_digit() || b == b'_' || b == b'.');
    (opens_word && marked && handle.len() >= 3).then_some(start + 1 + handle.len())
}

fn find_ibans(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    // A candidate that fails the checks may hide a real IBAN that starts inside it
    // ("xx12NL91ABNA…"), so the search resumes one character on, not after the candidate.
    let mut from = 0;
    while let Some(m) = IBAN.find_at(text, from) {
        // "NL 72 RABO …": with a space after the country code the letters must be capitals,
        // so that "pt 17 vraagt …" is no candidate that passes mod-97 by chance.
        let spaced = m.as_str().as_bytes().get(2) == Some(&b' ');
        let capital_country = m.as_str().bytes().take(2).all(|b| b.is_ascii_uppercase());
        let end = if spaced && !capital_country {
            None
        } else {
            iban_end(text, m.start(), m.end()).filter(|&end| {
                !spaced || !text[m.start()..end].bytes().any(|b| b.is_ascii_lowercase())
            })
        };
        match end {
            Some(end) => {
                spans.push((m.start(), end, PiiKind::Iban));
                from = end;
            }
            None => {
                from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

fn find_phones(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    for m in PHONE_ABROAD.find_iter(text) {
        let number = m.as_str();
        let dutch = number.starts_with("+31") || number.starts_with("0031");
        let glued = text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if !dutch && !glued {
            spans.push((m.start(), m.end(), PiiKind::Phone));
        }
    }
    for m in PHONE.find_iter(text) {
        if let Some(end) = phone_end(text, m.start(), m.end()) {
            // "(06-12345678)": the parenthesis belongs to the sentence, not to the number,
            // unless it closes inside it as in "(070) 345 67 89".
            let start =
                if text[m.start()..end].starts_with('(') && !text[m.start()..end].contains(')') {
                    m.start() + 1
                } else {
                    m.start()
                };
            spans.push((start, end, PiiKind::Phone));
        }
    }
}

fn find_bsns(text: &str, traits: &Traits, spans: &mut Vec<(usize, usize, PiiKind)>) {
    if traits.digit_group && candidates::may_name_bsn(text) {
        for caps in BSN_CONTEXT.captures_iter(text) {
            if let Some(number) = caps.get(1) {
                let digits = number.as_str().chars().filter(char::is_ascii_digit).count();
                if (8..=10).contains(&digits) {
                    spans.push((number.start(), number.end(), PiiKind::Bsn));
                }
            }
        }
    }
    if traits.digits >= 9 && candidates::may_hold_bsn(traits) && candidates::may_name_bsn(text) {
        for caps in BSN_AFTER_WORDS.captures_iter(text) {
            if let Some(number) = caps.get(1) {
                if !preceded_by_currency(text, number.start()) {
                    spans.push((number.start(), number.end(), PiiKind::Bsn));
                }
            }
        }
    }
    if traits.digits >= 9 && candidates::may_hold_bsn(traits) {
        for m in BSN.find_iter(text) {
            if passes_elfproef(m.as_str()) && !preceded_by_currency(text, m.start()) {
                spans.push((m.start(), m.end(), PiiKind::Bsn));
            }
        }
    }
}

fn find_postcodes(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    for caps in POSTCODE.captures_iter(text) {
        let (Some(whole), Some(space), Some(letters)) = (caps.get(0), caps.get(1), caps.get(2))
        else {
            continue;
        };
        if is_postcode_letters(letters.as_str(), !space.as_str().is_empty()) {
            spans.push((whole.start(), whole.end(), PiiKind::Postcode));
        }
    }
}

/// Keeps the earliest, then the longest, of overlapping spans and rebuilds the text.
fn replace_spans(text: &str, mut spans: Vec<(usize, usize, PiiKind)>) -> Scrubbed {
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    // Overlapping spans merge into one region under the first one's placeholder: dropping
    // the later one would leave its tail ("El Amrani.j@x.nl" → "[NAAM].j@x.nl" would keep
    // the e-mail's end).
    let mut regions: Vec<(usize, usize, PiiKind)> = Vec::with_capacity(spans.len());
    let mut found = Vec::with_capacity(spans.len());
    for (start, end, kind) in spans {
        found.push(kind);
        match regions.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => regions.push((start, end, kind)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut removed_chars = 0;
    for (start, end, kind) in regions {
        out.push_str(&text[cursor..start]);
        out.push_str(kind.placeholder());
        removed_chars += non_blank_chars(&text[start..end]);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    found.sort();
    found.dedup();
    Scrubbed {
        text: out,
        found,
        removed_chars,
    }
}

/// 11-proef: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be a multiple of 11 (and not all zeros).
pub fn passes_elfproef(candidate: &str) -> bool {
    let digits: Vec<u32> = candidate.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || digits.iter().all(|&d| d == 0) {
        return false;
    }
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let weight = if i == 8 { -1 } else { 9 - i as i64 };
            weight * i64::from(d)
        })
        .sum();
    sum % 11 == 0
}

fn preceded_by_currency(text: &str, start: usize) -> bool {
    text[..start].trim_end().ends_with(['€', '$', '£'])
}

/// IBAN lengths per country (ISO 13616) for the countries residents bank in most.
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "NL" => 18,
        "BE" => 16,
        "DE" => 22,
        "FR" | "IT" | "MC" => 27,
        "GB" | "IE" => 22,
        "ES" | "SE" | "SK" | "CZ" | "TN" => 24,
        "PL" | "MA" | "HU" | "CY" => 28,
        "TR" => 26,
        "PT" => 25,
        "AT" | "LU" | "EE" => 20,
        "DK" | "FI" | "SR" => 18,
        "BG" | "RO" => 24,
        _ => return None,
    })
}

/// Finds where a mod-97-valid IBAN that starts at `start` ends, if one does.
fn iban_end(text: &str, start: usize, end: usize) -> Option<usize> {
    let candidate = &text[start..end];
    let country = candidate.get(..2)?.to_ascii_uppercase();
    let want = iban_length(&country)?;
    let mut compact = String::with_capacity(want);
    let mut cut = None;
    for (offset, c) in candidate.char_indices() {
        if c.is_ascii_alphanumeric() {
            compact.push(c.to_ascii_uppercase());
            if compact.len() == want {
                cut = Some(start + offset + c.len_utf8());
                break;
            }
        }
    }
    // No word boundary is required after it: an IBAN glued to the next token is still an
    // IBAN, and a mod-97 match is strong enough evidence on its own (found by fuzzing).
    let cut = cut?;
    iban_checksum_ok(&compact).then_some(cut)
}

/// ISO 7064 mod 97-10 over the rearranged IBAN.
pub fn iban_checksum_ok(compact: &str) -> bool {
    if compact.len() < 15 || !compact.is_char_boundary(4) {
        return false;
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// Finds where a Dutch phone number that starts at `start` ends: ten digits for a national
/// number (`06…`, `070…`), nine after the country code (`+31 6…`, `0031 70…`, `+31 (0)6…`).
fn phone_end(text: &str, start: usize, end: usize) -> Option<usize> {
    if text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '+')
    {
        return None;
    }
    let candidate = &text[start..end];
    let (skip, want) = if candidate.starts_with("+31") {
        (3, 9)
    } else if candidate.starts_with("0031") {
        (4, 9)
    } else {
        (0, 10)
    };
    let mut digits = 0;
    let mut saw_trunk_zero = false;
    let mut cut = None;
    let mut in_parens = false;
    for (offset, c) in candidate.char_indices().skip(skip) {
        match c {
            '(' => in_parens = true,
            ')' => in_parens = false,
            '0'..='9' => {
                // "+31 (0)6…": the zero in parentheses is not part of the number.
                if skip > 0 && in_parens && c == '0' && !saw_trunk_zero && digits == 0 {
                    saw_trunk_zero = true;
                    continue;
                }
                if skip > 0 && digits == 0 && c == '0' {
                    return None;
                }
                digits += 1;
                if digits == want {
                    cut = Some(start + offset + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let cut = cut?;
    // A longer digit run is something else (an account or case number).
    if text[cut..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(cut)
}

/// PostNL never issues SA, SD or SS: written apart ("1944 SS") they are something else, run
/// together ("6024SA") they still have a postcode's form and are kept out of the text.
/// Lower-case letters after a space count unless they form an ordinary two-letter word ("in
/// 2019 de …", "sinds 2020 al").
fn is_postcode_letters(letters: &str, spaced: bool) -> bool {
    let upper = letters.to_ascii_uppercase();
    if spaced && matches!(upper.as_str(), "SA" | "SD" | "SS") {
        return false;
    }
    let all_upper = letters.chars().all(|c| c.is_ascii_uppercase());
    let all_lower = letters.chars().all(|c| c.is_ascii_lowercase());
    const WORDS: [&str; 24] = [
        "de", "en", "in", "op", "te", "is", "of", "al", "na", "om", "ze", "we", "je", "er", "ik",
        "nu", "zo", "en", "ca", "km", "uw", "hn", "eu", "pm",
    ];
    all_upper || (all_lower && (!spaced || !WORDS.contains(&letters)))
}

/// What the anonymiser's tests check, shared by its modules.
#[cfg(test)]
mod checks {
    pub fn scrubbed(text: &str) -> String {
        super::scrub(text).text
    }

    /// Each text scrubs to the text beside it.
    pub fn scrubs_to(cases: &[(&str, &str)]) {
        for (input, expect) in cases {
            assert_eq!(scrubbed(input), *expect, "{input}");
        }
    }

    /// Each text comes out as it went in.
    pub fn kept(texts: &[&str]) {
        for text in texts {
            assert_eq!(scrubbed(text), *text);
        }
    }
}

#[cfg(test)]
mod tests;
