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
    rijbewijs|verzekerden|lidmaatschaps|incasso|betalings|v";

/// Words that may stand alone before a number of five digits or more.
const BARE: &str = "dossier|zaak|casus|klant|referentie";

static CASE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)(?-u:\b)
        (?:
            (?:{NUMBERED})[\ -]?(?:nummer|nr\.?|kenmerk)
          | kenmerk
          | (?P<bare>{BARE})
        )
        # what may stand between the word and the number: 'is', a colon, a hash
        [\ :.\#()=-]{{0,3}}(?:(?:is|was|nr\.?|nummer)[\ :.\#-]{{0,3}})?
        # the number: letters and digits in parts, maybe in groups of four digits
        (?P<number>[a-z0-9]+(?:[/._-][a-z0-9]+)*(?:\ [0-9]{{4}}(?-u:\b))*)"
    );
    Regex::new(&pattern).expect("valid case number pattern")
});

/// The case numbers in `text` (which holds at least four digits).
pub(super) fn find(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    for caps in CASE_NUMBER.captures_iter(text) {
        let Some(number) = caps.name("number") else {
            continue;
        };
        let digits = number.as_str().bytes().filter(u8::is_ascii_digit).count();
        let needed = if caps.name("bare").is_some() { 5 } else { 4 };
        if digits >= needed {
            spans.push((number.start(), number.end(), PiiKind::CaseNumber));
        }
    }
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
        ]);
    }
}
