//! Case, client and file numbers named as such: "dossiernummer 2024-00123", "klantnr: 445566",
//! "onder kenmerk Z/23/456789", "v-nummer 1234567890", "betalingskenmerk 1234 5678 9012 3456".
//!
//! Such a number identifies a resident at the organisation that issued it as surely as a BSN
//! does, and says nothing about a barrier. Only a number after a word that names it counts:
//! "3 keer", "sinds 2019" and "€ 1.250" stay. After a bare "dossier", "zaak", "klant" or
//! "referentie" the number needs five digits or more, so "dossier 2019" (a year) stays.

use super::PiiKind;
use regex::Regex;
use std::sync::LazyLock;

/// Words that lead a numbered thing, before `nummer`, `nr` or `kenmerk`.
const NUMBERED: &str =
    "dossier|zaak|casus|klant|cli[eë]nt|registratie|inschrijf|inschrijvings|polis|\
    contract|huurcontract|huurder|debiteur|debiteuren|relatie|referentie|vordering|vorderings|\
    factuur|beschikkings|aanvraag|pati[eë]nt|zorgpas|cjib|vreemdelingen|document|paspoort|\
    rijbewijs|verzekerden|lidmaatschaps|incasso|betalings|leerling|student|huur|lid|pas|\
    klanten|persoons|case|pv|parket|reg\\.?|v|melding|meld|deb|cl|pat|coa|ind|uwv|svb|duo";

/// Words that may stand alone before a number of five digits or more.
const BARE: &str =
    "dossier|zaak|casus|klant|cli[eë]nt|referentie|ref(?:\\.|(?-u:\\b))|melding|polis";

static CASE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)(?-u:\b)
        (?:
            (?:{NUMBERED})(?:[\ -]?(?:nummer|nr\.?|kenmerk|id)|\.nr\.?)
          | kenmerk
          | (?P<bare>{BARE})
        )
        # what may stand between the word and the number: 'is', a colon, a hash
        [\ :.\#()=-]{{0,3}}(?:(?:is|was|nr\.?|nummer)[\ :.\#-]{{0,3}})?
        # the body that issued it: klantnr SVB 4471902, Zaaknummer IND: 2208-1944-7765
        (?:(?P<issuer>[a-z][a-z&-]{{0,23}}[a-z](?:\ [a-z][a-z&-]{{0,23}}[a-z])?)[\ :]{{1,2}})?
        # the number: letters and digits in parts, maybe in groups of two to four digits
        # (1234 5678 9012, 10 48 77 219)
        (?P<number>[a-z0-9]+(?:[/._-][a-z0-9]+)*(?:\ [0-9]{{2,4}}(?-u:\b))*)"
    );
    Regex::new(&pattern).expect("valid case number pattern")
});

/// Words of a sentence that may follow the name of a number without being the body that
/// issued it.
const NOT_AN_ISSUER: &[&str] = &[
    "is", "was", "van", "bij", "sinds", "en", "of", "de", "het", "een", "voor", "staat", "nog",
    "niet", "al", "te", "met", "op", "in", "per", "tot", "uit", "over", "na", "nummer", "nr", "ca",
    "circa", "ongeveer", "totaal", "bedrag", "euro", "eur",
];

/// Whether the words between a number's name and the number name the body that issued it:
/// none of [`NOT_AN_ISSUER`], and after a bare word ("dossier", "cliënt") each written with a
/// capital ("polis Zilveren Kruis", "dossier GGZ inGeest"), so that "cliënt heeft ruim 30.000
/// euro" stays.
fn reads_as_issuer(issuer: &str, bare: bool) -> bool {
    issuer.split(' ').all(|word| {
        !NOT_AN_ISSUER.contains(&word.to_lowercase().as_str())
            && (!bare || word.chars().any(char::is_uppercase))
    })
}

/// The case numbers in `text` (which holds at least four digits).
pub(super) fn find(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    for caps in CASE_NUMBER.captures_iter(text) {
        let Some(number) = caps.name("number") else {
            continue;
        };
        // A word between the name and the number is the body that issued it, not a word of
        // the sentence: "klantnummer sinds 2018", "dossier van 12345 euro" are no such. After
        // a bare word the body may be written in lower case when the number is a code of
        // letters and digits, which no amount or year is ("dossier wijkteam WT-2024-3391").
        let bare = caps.name("bare").is_some();
        let code = is_code(number.as_str());
        if caps
            .name("issuer")
            .is_some_and(|issuer| !reads_as_issuer(issuer.as_str(), bare && !code))
        {
            continue;
        }
        let needed = if bare { 5 } else { 4 };
        if digits(number.as_str()) >= needed {
            spans.push((number.start(), number.end(), PiiKind::CaseNumber));
            if let Some((start, end)) = next_in_list(text, number.end(), number.as_str()) {
                spans.push((start, end, PiiKind::CaseNumber));
            }
        }
    }
}

fn digits(number: &str) -> usize {
    number.bytes().filter(u8::is_ascii_digit).count()
}

/// Whether a number holds letters beside its digits ("LPA-2024-0561", "55120-DH").
fn is_code(number: &str) -> bool {
    number.bytes().any(|b| b.is_ascii_alphabetic()) && number.bytes().any(|b| b.is_ascii_digit())
}

/// A second number of the same shape right after a case number, joined by "en", "of", a
/// comma or a slash ("Ref. Z-24-009381 en Z-24-009382"): its span.
fn next_in_list(text: &str, after: usize, first: &str) -> Option<(usize, usize)> {
    let rest = text.get(after..)?;
    let joined = rest.trim_start();
    let joined = ["en ", "of ", ", ", "/ ", ","]
        .iter()
        .find_map(|joint| joined.strip_prefix(joint))?;
    let candidate = joined.trim_start();
    let start = text.len() - candidate.len();
    let len = candidate
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')))
        .unwrap_or(candidate.len());
    let second = candidate.get(..len)?.trim_end_matches('.');
    (shape(second) == shape(first) && digits(second) >= 4).then(|| (start, start + second.len()))
}

/// A number's shape: letters as `a`, digits as `9`, separators as themselves.
fn shape(number: &str) -> String {
    number
        .chars()
        .map(|c| match c {
            c if c.is_ascii_digit() => '9',
            c if c.is_ascii_alphabetic() => 'a',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::checks::{kept, scrubs_to};

    #[test]
    fn numbers_named_as_case_client_or_file_numbers() {
        scrubs_to(&[
            ("zaaknummer 123456789", "zaaknummer [DOSSIERNUMMER]"),
            (
                "dossiernummer: 2024-00123, nog geen besluit",
                "dossiernummer: [DOSSIERNUMMER], nog geen besluit",
            ),
            (
                "klantnr. 445566 bij Eneco",
                "klantnr. [DOSSIERNUMMER] bij Eneco",
            ),
            (
                "onder kenmerk Z/23/456789 afgewezen",
                "onder kenmerk [DOSSIERNUMMER] afgewezen",
            ),
            ("Uw kenmerk: BZ-2026-0412.", "Uw kenmerk: [DOSSIERNUMMER]."),
            (
                "v-nummer 1234567890 bij de IND",
                "v-nummer [DOSSIERNUMMER] bij de IND",
            ),
            (
                "CJIB betalingskenmerk 1234 5678 9012 3456 staat open",
                "CJIB betalingskenmerk [DOSSIERNUMMER] staat open",
            ),
            (
                "inschrijfnummer is 30012345, 9 jaar ingeschreven",
                "inschrijfnummer is [DOSSIERNUMMER], 9 jaar ingeschreven",
            ),
            ("dossier 06123456789012", "dossier [DOSSIERNUMMER]"),
            ("Casusnummer JZ-2024-0042.", "Casusnummer [DOSSIERNUMMER]."),
            (
                "Cliëntnummer #88231 bij de GGZ",
                "Cliëntnummer #[DOSSIERNUMMER] bij de GGZ",
            ),
            // With the body that issued it between the name and the number.
            (
                "klantnr SVB 4471902. AOW-gat nog niet opgelost.",
                "klantnr SVB [DOSSIERNUMMER]. AOW-gat nog niet opgelost.",
            ),
            (
                "Zaaknummer IND: 2208-1944-7765. Hij wacht al 14 maanden.",
                "Zaaknummer IND: [DOSSIERNUMMER]. Hij wacht al 14 maanden.",
            ),
            (
                "Klantnummer gemeente: 6612 3390.",
                "Klantnummer gemeente: [DOSSIERNUMMER].",
            ),
            (
                "Dossiernummer incassobureau: IB-2024-0098812.",
                "Dossiernummer incassobureau: [DOSSIERNUMMER].",
            ),
            // Numbers a school, a corporation or a body gives its pupils, tenants or clients.
            (
                "leerlingnummer 204587, gegevens opgevraagd",
                "leerlingnummer [DOSSIERNUMMER], gegevens opgevraagd",
            ),
            (
                "huurnummer 40021587, slot vervangen",
                "huurnummer [DOSSIERNUMMER], slot vervangen",
            ),
            (
                "client 55120-DH heeft alles ingeleverd",
                "client [DOSSIERNUMMER] heeft alles ingeleverd",
            ),
            (
                "polis Zilveren Kruis ZK-88412036, geboren",
                "polis Zilveren Kruis [DOSSIERNUMMER], geboren",
            ),
            (
                "Woningcorporatie gebeld, melding 7781204.",
                "Woningcorporatie gebeld, melding [DOSSIERNUMMER].",
            ),
            (
                "parketnummer OM 13/998172-24.",
                "parketnummer OM [DOSSIERNUMMER].",
            ),
            (
                "RMC-traject, casenummer RMC-UT-2291.",
                "RMC-traject, casenummer [DOSSIERNUMMER].",
            ),
            (
                "PV-nummer 2024-LP-0033, boete",
                "PV-nummer [DOSSIERNUMMER], boete",
            ),
            (
                "WoningNet reg.nr. 3291-044-77",
                "WoningNet reg.nr. [DOSSIERNUMMER]",
            ),
            // A reference, abbreviations with a full stop, an id, a notification number.
            (
                "Aanmelding via de corporatie, ref. KB-55217. Nog niets gehoord",
                "Aanmelding via de corporatie, ref. [DOSSIERNUMMER]. Nog niets gehoord",
            ),
            (
                "beslag loopt nog (ref 3309184472)",
                "beslag loopt nog (ref [DOSSIERNUMMER])",
            ),
            (
                "energieschuld, deb.nr 4410 2287 19",
                "energieschuld, deb.nr [DOSSIERNUMMER]",
            ),
            (
                "overzicht cl.nr GH-30412",
                "overzicht cl.nr [DOSSIERNUMMER]",
            ),
            (
                "meneer, patnr 774120, wil",
                "meneer, patnr [DOSSIERNUMMER], wil",
            ),
            (
                "leerling-ID 3318402 opgevraagd",
                "leerling-ID [DOSSIERNUMMER] opgevraagd",
            ),
            (
                "Meldingnummer gekregen: KL-5521903.",
                "Meldingnummer gekregen: [DOSSIERNUMMER].",
            ),
            (
                "COA-nr 5170233, verhuist",
                "COA-nr [DOSSIERNUMMER], verhuist",
            ),
            // Digits in groups of two to four.
            (
                "haar klantnummer 810 33 4471 staat op de brief",
                "haar klantnummer [DOSSIERNUMMER] staat op de brief",
            ),
            // A body in lower case before a code of letters and digits.
            (
                "Dossier schuldhulp SH-2025-0917 is dicht",
                "Dossier schuldhulp [DOSSIERNUMMER] is dicht",
            ),
            // A second number in a list.
            (
                "Kenmerk B-25-004418 en B-25-004419, beide open",
                "Kenmerk [DOSSIERNUMMER] en [DOSSIERNUMMER], beide open",
            ),
        ]);
    }

    #[test]
    fn numbers_without_such_a_name_stay() {
        kept(&[
            "dossier 2019 overgedragen aan het wijkteam",
            "zaak loopt sinds 2024, 14 weken geen reactie",
            "factuur van 1250 euro niet betaald",
            "huisnummer 12 heeft al 3 maanden schimmel",
            "klant sinds 2018 bij de voedselbank",
            "kenmerk 12 weken wachttijd",
            "nummer 2026 van de lijst",
            "klantnummer sinds 2018 onveranderd",
            "dossier van 12345 euro aan schulden",
            "cliënt (67) wacht al 9 weken",
            "huur van 1250 euro niet betaald",
            "melding van 2019 nooit opgepakt",
            "dossier bij de gemeente 12345 keer gevraagd",
            "Cliënt heeft ruim 30.000 euro aan CJIB-boetes",
            "dossier sinds 2024 bij de gemeente 12 keer besproken",
            "de referentie was 2019 ongeveer",
            "reform van 2025 in 12345 gemeenten",
            "Cliënt heeft ruim 30.000 en 25.000 euro schuld",
        ]);
    }
}
