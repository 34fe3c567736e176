//! Reading a waiting time and the responsible organisation from a normalised note (lower case,
//! no accents, abbreviation periods dropped; see [`knooppunt_domain::text::normalise`]).
//!
//! **Waits** are durations in days, weeks, months or years, also abbreviated or compact
//! (`9 wk`, `5mnd`, `3 dgn`), as number words ("drie maanden", "vijfentwintig dagen"), halves
//! ("anderhalve maand" 45, "tweeënhalve maand" 75, "een half jaar" 182), decimals ("1,5
//! maand"), approximations ("een week of elf" 77) or in English ("6 weeks"). A duration is
//! *not* a wait when it is an age ("zoon van 23 jaar", "23 jaar oud", "kind 2 jaar", "baby 6
//! weken"), a pregnancy ("8 maanden zwanger"), a range ("3 à 4 maanden"), a threshold, term or
//! deadline ("langer dan 10 weken", "de beslistermijn van 6 weken", "moet binnen 4 weken weg",
//! "ontruiming over 3 weken", the Treeknorm's "14 weken"), a frequency ("om de 2 weken"), arrears
//! ("4 maanden huur achter"), a life fact ("3 maanden in de bijstand", "5 jaar in NL",
//! "weduwnaar, 2 jaar nu"), a validity ("30 dagen geldig"), the period papers cover ("zes
//! maanden bankafschriften"), or — for years — anything but a wait: years count only in a
//! sentence about waiting, answering or applying, and never next to living, illness or
//! marriage ("woont er al 30 jaar",
//! "angstklachten sinds 10 jaar"). A condition to meet first ("'eerst 3 maanden zelf je post
//! ordenen'") is not a wait either. Minutes
//! and hours (call times) are never read. Each wait records whether its sentence is about
//! waiting ([`StatedWait::cued`]); such a wait is preferred over a bare duration.
//!
//! **Organisations**: the body responsible for the barrier, not a bystander: an organisation
//! marked `bystander` in the rules file (creditors such as energy companies), one named as a
//! creditor, or one named as the referrer ("doorgegeven door de huisarts", "overdracht van
//! Parnassia", "verwijsbrief van Brijder") does not count,
//! and one that passed the person on ("via", "verwees haar naar") only when no other is named;
//! one the rules file ties to a barrier the note has (`barriers = [...]`) is preferred, of
//! several such the one nearest the wait, else the feared one ("bang dat de gemeente …"), else
//! for a benefit cut the one said to cut ("dat de SVB dan haar AOW kort"); a
//! department (`part_of`) is its body when the note names that body too. A note about a case
//! passed around by two or more (bodies or other parties, [`passing`]) has none.

use regex::Regex;
use std::sync::LazyLock;

/// One regex for `words` (as written in the normalised text), matched whole, longest first so
/// "gemeente den haag" wins over "gemeente"; `None` for no words. The rules file's
/// organisation aliases and `[carousel]` parties are found with it.
pub fn whole_words<'w>(
    words: impl IntoIterator<Item = &'w str>,
) -> Result<Option<Regex>, regex::Error> {
    let mut words: Vec<&str> = words.into_iter().collect();
    if words.is_empty() {
        return Ok(None);
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let alternation: Vec<String> = words.into_iter().map(regex::escape).collect();
    Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", alternation.join("|"))).map(Some)
}

/// One of this file's constant patterns, compiled on first use.
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("valid pattern")
}

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?-u:\b)(een half|een halve|half|anderhalf|anderhalve|(?:[0-9]{1,3}|[a-z]+) en een halve?|[0-9]{1,3}(?:[,.]5)?|[a-z]+) ?(dagen|dag|dgn|days|day|weken|week|wkn|wken|wk|weeks|wks|maanden|maande|maand|mnden|mndn|mnd|months|month|mths|jaren|jaar|jr|years|year|yrs)(?-u:\b)",
    )
});

/// Words before a duration that make it an age, a threshold, a deadline or a frequency.
static NOT_A_WAIT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:(?:huur)?achterstand(?: van)?|van (?:de )?(?:afgelopen|laatste)|(?:langer|meer|minder|korter|eerder|later) dan|(?:longer|more|less|shorter) than|within|up to|at most|binnen|maximaal|max|hooguit|uiterlijk|hoogstens|om de|elke|iedere|per|[a-z]*norm van|[a-z]*norm is|[a-z]*norm|normtijd|[a-z]*termijn(?: van| is| ligt op)?|oplopen tot|oploopt tot|tot wel|tot zelfs|(?:wachttijden?|wachtlijsten?) (?:van )?tot|leeftijd van|leeftijd|geldig|geldig voor|(?:[0-9]+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf) ?(?:tot|t/m|a|of|-|en))$",
    )
});

/// "eerst" right before a duration: a condition to meet first, not a wait (unless
/// [`WAIT_AFTER`]).
static PRECONDITION_BEFORE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:^|[^a-z0-9])eerst$"));

/// Waiting named in the few words after a duration ("3 maanden wachten", "6 weken op de
/// wachtlijst").
static WAIT_AFTER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^(?: [a-z]+){0,4}? (?:wacht\w*|\w*lijst|geduld)(?-u:\b)"));

/// A person or baby right before "van": "zoon van 23 jaar", "baby van 3 maanden".
static PERSON_OF: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:zoon|dochter|kind|kindje|kinderen|baby|jongen|meisje|jongeman|man|vrouw|moeder|vader|broer|zus|neef|nicht|kleinzoon|kleindochter|meneer|mevrouw|mw|dhr|clien?te?|bewoner|bewoonster|jongere|tiener|zwanger|leeftijd|oud) (?:is |was )?van$",
    )
});

/// A child right before a duration, without "van": an age ("kind 2 jaar heeft astma",
/// "(dochter 3 jr)", "baby 6 weken", "zwanger 7 maanden"). Only a child or a pregnancy: a
/// telegram note's "mw 9 wk op de wachtlijst" is a wait.
static CHILD_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:zoon|zoontje|dochter|dochtertje|kind|kindje|kinderen|baby|babys|zuigeling|peuter|kleuter|tweeling|jongen|jongetje|meisje|meisjes|kleinzoon|kleindochter|kleinkind|broertje|zusje|zwanger)(?: (?:is|was|wordt|werd|nu|bijna|pas|al))?$",
    )
});

/// A pregnancy's duration right before weeks or days, as midwives and GPs abbreviate it:
/// "AD 24 wk" (amenorroeduur), "Zw. 20 wk", "zwangerschap van 30 weken", "G2P1 AD 36 wk".
static PREGNANCY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:zwanger|zw|ad|amenorroe|amenorroeduur|zwangerschap|zwangerschapsduur|pregnant|g[0-9]p[0-9])\.?(?: (?:is|van|nu|bijna|al|ongeveer|ca|circa|\+-|\+/-))?$",
    )
});

/// Words right after a duration that make it an age, a pregnancy, residence or a marriage
/// whatever its unit ("8 maanden zwanger", "3 maanden in nederland", "5 jaar in nl"), how long
/// something stays valid ("30 dagen geldig") or the period papers cover ("zes maanden
/// bankafschriften").
static LIFE_AFTER_ANY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?: oud| old| jong| zwanger| getrouwd| samen| in nederland| in nl| hier in| in de wijk| in deze wijk| in den haag| huur| huurschuld| huurachterstand| achterstand| achter| schuld| schulden| weduwe| weduwnaar| gescheiden| alleenstaand| arbeidsongeschikt| werkloos| uit detentie| clean| nuchter| in de bijstand| in de schuldsanering| onder bewind| pp| postpartum| post partum| na de bevalling| niet betaald| geen huur| huur niet| geldig| bankpapieren| bankafschriften| afschriften| loonstroken| loonstrookjes| salarisstroken)(?-u:\b)",
    )
});

/// Words in the same sentence that make a duration about waiting, answering or applying.
static WAIT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"wacht|lijst|reactie|reageer|reageert|reageren|gereageerd|antwoord|gehoord|intake|aangemeld|aanmeld|gemeld|melding|behandel|afspraak|beslis|besluit|aanvraag|aangevraagd|in behandeling|duurt|duurde|niets gedaan|niks gedaan|niets gebeurd|niks gebeurd|geen hulp|geen contact|nog steeds|nog altijd|pas over|pas na|wait|response|respond|reply|replied|answer|heard|applied|registered|still no",
    )
});

/// Words just before a duration of years that make it residence, illness or a life fact
/// ("woont er al 30 jaar"); a comma ends one ("schulden, al een half jaar" is a wait), except
/// after widowhood or a divorce ("weduwnaar, 2 jaar nu").
static LIFE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:woon|wonen|woont|woonde|gewoond|getrouwd|samen|ziek|depressief|depressie|verslaafd|werkt|werkte|gewerkt|in nederland|in nl|in holland|in the netherlands|lived|living|lives|hier|daar|schulden|klant|bekend|\w*klachten|\w*problemen|\w*problematiek|psychose|psychotisch|angstig|ptss|trauma|verslaving|pijn|ziekte|hoest|hoesten|benauwd|astma)\b[^.;!?,]{0,12}$|(?:^|[^a-z0-9])(?:weduwe|weduwnaar|gescheiden|alleenstaand),?[^.;!?,]{0,12}$",
    )
});

/// Words just after a duration of years that make it a life fact ("al 10 jaar ziek").
static LIFE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^ (?:\w+ )?(?:ziek|depressief|verslaafd|getrouwd|samen|werkloos|in nederland|in nl\b|hier|in de wijk|in deze wijk|in de buurt|in den haag|in leiden|schulden|bekend|oud)",
    )
});

/// "geleden" right after a duration: a point in time.
static YEARS_AGO_AFTER: LazyLock<Regex> = LazyLock::new(|| pattern(r"^ geleden(?-u:\b)"));

/// "geleden" followed by the application or report the wait counts from.
static APPLIED_AGO_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^ geleden(?: [a-z]+){0,3}? (?:aangemeld|gemeld|aangevraagd|ingediend|ingeschreven|doorverwezen|verwezen|gebeld|gemaild|geschreven|verteld|doorgegeven|gezegd|gevraagd|aangegeven|gestuurd|geklaagd|aanvraag|aanmelding|melding)(?-u:\b)",
    )
});

/// A waiting list or time right before "is"/"van": its length, not an age ("de wachtlijst
/// is 1 jaar", "een wachtlijst van een half jaar").
static LENGTH_OF_A_WAIT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:wacht\w*|lijst|duur\w*|doorlooptijd|waitlist|waiting list)(?: \w+)? (?:is|was|van|wordt|werd|nu|of)$",
    )
});

/// Words just before a duration of years that make it an age ("moeder is 40 jaar").
static AGE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|[^a-z0-9])(?:is|wordt|werd|word|ben|was|van)$"));

/// An eviction or moving-out context: "over 3 weken" there is a deadline, not a wait.
static DEADLINE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"ontruim|uitzet|vonnis|deurwaarder|moet(?:en)? (?:\w+ )*?weg|eruit|verhuiz|zitting|rechter|(?:huis|woning|kamer) uit|op straat|sleutels? inlever",
    )
});

/// A follow-up the writer plans right after "over N weken" ("over 1 wk nabellen"): a date,
/// not a wait.
static FOLLOW_UP_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^ (?:nabellen|terugbellen|opnieuw bellen|weer bellen|evalueren|evaluatie|navragen|terugkomen|langsgaan|huisbezoek|kijken we)\b",
    )
});

/// A sentence about arrears: a bare count of months in it is how far behind, not a wait.
static ARREARS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"achterstand|(?:huur|betaling) achter|achter met (?:de |het )?(?:huur|betalen)|niet betaald",
    )
});

/// A sentence about an eviction: the body in it is the one evicting.
static EVICTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"ontruim|uitzet|uit huis gezet|vonnis|dagvaard|deurwaarder|huis uit|op straat|huurachterstand",
    )
});

/// Dutch number words as notes write them ("drie maanden", "vijfentwintig dagen",
/// "tweeenhalve maand", "twee en een halve maand").
fn number_word(word: &str) -> Option<f64> {
    if let Some(whole) = word
        .strip_suffix(" en een halve")
        .or_else(|| word.strip_suffix(" en een half"))
        .or_else(|| word.strip_suffix("enhalve"))
        .or_else(|| word.strip_suffix("enhalf"))
    {
        return Some(number_word(whole)? + 0.5);
    }
    if let Some(tens) = tens_word(word) {
        return Some(tens);
    }
    // "vijfentwintig", "eenendertig", "drieentwintig" (the diaeresis is gone after normalising)
    const UNITS: [(&str, f64); 9] = [
        ("een", 1.0),
        ("twee", 2.0),
        ("drie", 3.0),
        ("vier", 4.0),
        ("vijf", 5.0),
        ("zes", 6.0),
        ("zeven", 7.0),
        ("acht", 8.0),
        ("negen", 9.0),
    ];
    for (unit, value) in UNITS {
        if let Some(tens) = word
            .strip_prefix(unit)
            .and_then(|rest| rest.strip_prefix("en"))
            .and_then(tens_word)
        {
            return Some(value + tens);
        }
    }
    Some(match word {
        "een" | "1" => 1.0,
        "twee" => 2.0,
        "drie" => 3.0,
        "vier" => 4.0,
        "vijf" => 5.0,
        "zes" => 6.0,
        "zeven" => 7.0,
        "acht" => 8.0,
        "negen" => 9.0,
        "tien" => 10.0,
        "elf" => 11.0,
        "twaalf" => 12.0,
        "dertien" => 13.0,
        "veertien" => 14.0,
        "vijftien" => 15.0,
        "zestien" => 16.0,
        "zeventien" => 17.0,
        "achttien" => 18.0,
        "negentien" => 19.0,
        "een half" | "een halve" | "half" => 0.5,
        // Notes that mix in English ("no response for six weeks").
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "anderhalf" | "anderhalve" => 1.5,
        other => other.replace(',', ".").parse().ok()?,
    })
}

/// "twintig" … "negentig" on their own.
fn tens_word(word: &str) -> Option<f64> {
    Some(match word {
        "twintig" => 20.0,
        "dertig" => 30.0,
        "veertig" => 40.0,
        "vijftig" => 50.0,
        "zestig" => 60.0,
        "zeventig" => 70.0,
        "tachtig" => 80.0,
        "negentig" => 90.0,
        _ => return None,
    })
}

/// "een week of zes", "een maand of drie": an approximate count after the unit.
static APPROXIMATE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^ of ([a-z]+|[0-9]{1,3})(?-u:\b)"));

/// The sentence around byte `at`: from the previous to the next `.`, `;`, `!`, `?` or newline.
pub(crate) fn sentence_at(text: &str, at: usize) -> &str {
    let (start, end) = sentence_bounds(text, at);
    &text[start..end]
}

/// Where the sentence around byte `at` starts and ends.
fn sentence_bounds(text: &str, at: usize) -> (usize, usize) {
    let stop = |c: char| matches!(c, '.' | ';' | '!' | '?' | '\n');
    let start = text[..at].rfind(stop).map_or(0, |i| i + 1);
    let end = text[at..].find(stop).map_or(text.len(), |i| at + i);
    (start, end)
}

/// The clause around byte `at`: its sentence cut at commas, colons, dashes and brackets.
fn clause_at(text: &str, at: usize) -> &str {
    let (start, end) = sentence_bounds(text, at);
    let stop = |c: char| matches!(c, ',' | ':' | '–' | '(' | ')');
    let from = text[start..at].rfind(stop).map_or(start, |i| start + i + 1);
    let to = text[at..end].find(stop).map_or(end, |i| at + i);
    &text[from..to]
}

/// Every waiting time a normalised text states, as (byte offset, days), in order.
pub fn waits(normalised: &str) -> Vec<(usize, u32)> {
    stated_waits(normalised)
        .into_iter()
        .map(|w| (w.at, w.days))
        .collect()
}

/// A waiting time a text states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatedWait {
    /// Byte offset of the duration in the normalised text.
    pub at: usize,
    pub days: u32,
    /// Whether its sentence is about waiting, answering or applying ("wacht", "reactie",
    /// "intake", "wachtlijst"…): such a wait is preferred over a bare duration elsewhere.
    pub cued: bool,
}

/// Every waiting time a normalised text states, in order, with whether its sentence is
/// about waiting.
pub fn stated_waits(normalised: &str) -> Vec<StatedWait> {
    DURATION
        .captures_iter(normalised)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let mut amount = number_word(caps.get(1)?.as_str())?;
            let unit = Unit::of(caps.get(2)?.as_str());
            let years = unit == Unit::Year;
            let before = normalised[..whole.start()].trim_end();
            // Look at the last few words only.
            let tail_start = before
                .char_indices()
                .rev()
                .filter(|(_, c)| *c == ' ')
                .nth(3)
                .map_or(0, |(i, _)| i + 1);
            let tail = &before[tail_start..];
            let after = &normalised[whole.end()..];
            if NOT_A_WAIT_BEFORE.is_match(tail) || PERSON_OF.is_match(tail) {
                return None;
            }
            // A condition set before help starts ("'eerst 3 maanden zelf je post ordenen'",
            // "eerst 6 mnd budgetbeheer"), unless it is the waiting itself ("eerst 3 maanden
            // wachten").
            if PRECONDITION_BEFORE.is_match(tail) && !WAIT_AFTER.is_match(after) {
                return None;
            }
            // "zoon (2 jaar)" is an age; "(sinds 5 wkn)" is a wait.
            if after.starts_with("-jarig")
                || (after.starts_with(')') && !SINCE_BEFORE.is_match(tail))
                || LIFE_AFTER_ANY.is_match(after)
            {
                return None;
            }
            // A child's age: "kind 2 jaar", "baby 6 weken" (months and weeks only for babies).
            if CHILD_BEFORE.is_match(tail)
                && (years
                    || tail.ends_with("baby")
                    || tail.ends_with("zuigeling")
                    || tail.ends_with("zwanger"))
            {
                return None;
            }
            // A pregnancy: "AD 24 wk", "zw 20 wk", "zwangerschap van 30 weken".
            let weeks_or_days = matches!(unit, Unit::Week | Unit::Day);
            if weeks_or_days && PREGNANCY_BEFORE.is_match(tail) {
                return None;
            }
            // "een week of zes": about six weeks.
            if amount == 1.0 && caps.get(1)?.as_str() == "een" {
                if let Some(count) = APPROXIMATE_AFTER
                    .captures(after)
                    .and_then(|c| number_word(c.get(1)?.as_str()))
                {
                    amount = count;
                }
            }
            let sentence = sentence_at(normalised, whole.start());
            let clause = clause_at(normalised, whole.start());
            // "pas over 8 weken" is how long help takes: an eviction elsewhere in the sentence
            // makes it a deadline only within its own clause.
            let deadline_scope = if tail.ends_with("pas over") || tail.ends_with("pas over een") {
                clause
            } else {
                sentence
            };
            if (tail.ends_with("over") || tail.ends_with("over een"))
                && (DEADLINE_CONTEXT.is_match(deadline_scope) || FOLLOW_UP_AFTER.is_match(after))
            {
                return None;
            }
            let cued = WAIT_CUE.is_match(sentence);
            // "huurachterstand bij Vestia, 4 maanden": months of arrears, not a wait; also in
            // a sentence that states a wait elsewhere, when the arrears share the duration's
            // clause ("huurachterstand 4 mnd, aanmelding schuldhulp 6 wk geleden").
            let months = unit == Unit::Month;
            if months
                && ((!cued && ARREARS.is_match(sentence))
                    || (ARREARS.is_match(clause) && !WAIT_CUE.is_match(clause)))
            {
                return None;
            }
            // One or two years ("al een jaar niks") stand on their own; more years ("al 30
            // jaar") are a wait only in a sentence about waiting.
            if years
                && ((amount > 2.0 && !cued)
                    || LIFE_BEFORE.is_match(tail)
                    || LIFE_AFTER.is_match(after)
                    // "dat wordt een half jaar niks": only a child is half a year old.
                    || (AGE_BEFORE.is_match(tail)
                        && amount >= 1.0
                        && !LENGTH_OF_A_WAIT.is_match(tail)))
            {
                return None;
            }
            // "de brand, nu een jaar geleden": when something happened, not a wait (unless
            // it is when the person applied: "een jaar geleden aangemeld").
            if years && YEARS_AGO_AFTER.is_match(after) && !APPLIED_AGO_AFTER.is_match(after) {
                return None;
            }
            let days = in_days(amount, unit);
            (1.0..=3650.0).contains(&days).then_some(StatedWait {
                at: whole.start(),
                days: days.floor() as u32,
                cued,
            })
        })
        .collect()
}

/// A duration's unit, from any of the spellings the duration pattern reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    fn of(spelled: &str) -> Self {
        match spelled {
            "dag" | "dagen" | "dgn" | "day" | "days" => Self::Day,
            "week" | "weken" | "wk" | "wkn" | "wken" | "weeks" | "wks" => Self::Week,
            "maand" | "maanden" | "maande" | "mnd" | "mndn" | "mnden" | "month" | "months"
            | "mths" => Self::Month,
            _ => Self::Year,
        }
    }
}

/// `amount` of `unit` in days: weeks ×7, months ×30, half a year 182, years ×365.
fn in_days(amount: f64, unit: Unit) -> f64 {
    match unit {
        Unit::Day => amount,
        Unit::Week => amount * 7.0,
        Unit::Month => amount * 30.0,
        Unit::Year if amount == 0.5 => 182.0,
        Unit::Year => amount * 365.0,
    }
}

/// Phrases right before an organisation that name it as the referrer, not the responsible body
/// (also its desk in brackets: "ingebracht door de bibliotheek (Informatiepunt …)").
/// ("namens" and "in opdracht van" name the principal — "de deurwaarder kwam namens Vestia" —
/// which is the responsible body, so they are not here.)
static REFERRER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:doorgegeven|doorverwezen|verwezen|gemeld|doorgestuurd|gesignaleerd|binnengekomen|aangemeld|aangedragen|ingebracht) (?:door|via|vanuit)(?: de| het)?(?: [a-z-]+ \()?$|(?:signaal|signalen|tip|verwijzing|doorverwijzing|melding|aanmelding) (?:van|via|vanuit|door)(?: de| het)?$|(?:op verzoek van|op advies van|op verwijzing van)(?: de| het)?$|(?:overdracht|overdrachtsbrief|verwijsbrief|doorverwijsbrief|terugverwijzing)(?: \w+)? (?:van|vanuit|via|door)(?: de| het)?$|(?:verwijzer|aanmelder|melder)(?: is)?:?(?: de| het)?$",
    )
});

/// The writer's own organisation, right before it: "wij (Woonbron)", "bij ons (HW)", "wij van
/// Staedion": responsible only when the note names no other body tied to the barrier.
static OWN_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?:^|[^a-z0-9])(?:wij|we|ons)(?: \(| van(?: de| het)?| als(?: de| het)?)$")
});

/// A duration right after "sinds", "al", "ruim" or "inmiddels" ("(sinds 5 wkn)"): how long
/// something has lasted, not an age in brackets.
static SINCE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|[^a-z0-9])(?:sinds|al|ruim|inmiddels)$"));

/// Words right after a body that make it the one that referred the person on ("het wijkteam
/// verwees haar naar PsyQ", "de GGD heeft hem aangemeld bij de Kredietbank"): like a channel,
/// responsible only when the note names no other body.
static REFERS_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?: heeft| had)?(?: \w+){0,2} (?:verwees|verwijst|verwezen|doorverwezen|doorgestuurd|stuurde|stuurt|aangemeld|doorgegeven|signaleerde|gesignaleerd)(?: \w+){0,4}? (?:door (?:naar|aan)|naar|bij|aan)\b",
    )
});

/// "via de huisarts", "samen met het wijkteam": a channel or a partner, responsible only when
/// the note names no other body.
static CHANNEL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?:^|[^a-z0-9])(?:via|samen met|met hulp van|met behulp van)(?: de| het)?$")
});

/// A body named as a creditor in this note ("schulden bij de Belastingdienst", "beslag door
/// het CAK"): a bystander unless the rules file ties it to one of the note's barriers (a
/// landlord evicting over rent arrears is responsible).
static CREDITOR_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:schuld|schulden|schuldeiser|schuldeisers|achterstand|achterstanden|betalingsachterstand|vordering|vorderingen|rekening|rekeningen|boete|boetes|aanmaning|aanmaningen|incasso|beslag|loonbeslag|premieschuld|openstaand|openstaande bedragen|wanbetaler) (?:\w+ )?(?:bij|van|aan|door|voor)(?: de| het)?$|(?:schuldeisers?|crediteuren)(?: waaronder| zoals| onder andere| oa| bijvoorbeeld)?(?: de| het)?$|(?:brieven|enveloppen|aanmaningen|rekeningen|schulden|schuldeisers) ?\($",
    )
});

/// Between two bodies of one list: "X en het Y", "X, Y", "X of Y".
static LISTED_AFTER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^(?:,|,? en|,? of)(?: de| het)? $"));

/// Words right after a body that make it a creditor ("CAK legt beslag", "DUO vordert terug").
static CREDITOR_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?: heeft| had| legt| legde| gaat)? (?:beslag|incasseert|incasseerde|incasso|vordert|vorderde|int |stuurt aanmaningen|stuurt een aanmaning|stuurt de deurwaarder|dreigt met de deurwaarder|eist|schakelt (?:de |een )?deurwaarder|(?:de |een )?deurwaarder ingeschakeld|verrekent|verrekende|blijft verrekenen|houdt (?:\w+ ){0,3}in\b)",
    )
});

/// A fear clause right before a body ("bang dat de gemeente", "uit vrees dat het UWV",
/// "durft niet naar Veilig Thuis"): for a fear, the body that is feared is the responsible one.
static FEARED_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:bang|angst|angstig|vrees|vreest|vrezen|bevreesd|durft|durven|durfde|durfden|scared|afraid|straks|dadelijk)\b[^.;!?]{0,40}$",
    )
});

/// A benefit cut right after a body, in its clause: "de SVB dan haar AOW gaat korten", "de
/// gemeente stopt de bijstand", "de gemeente zegt dat haar bijstand dan omlaag gaat", "… dan
/// wordt het minder".
static CUTS_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?: [a-z]+){0,5}? (?:kort|korten|kortte|gekort|verlaagt|verlagen|verlaagde|verlaagd|stopt|stoppen|stopte|gestopt|trekt (?:\w+ )*?in|intrekken|ingetrokken|haalt (?:\w+ )*?af|afhalen|vordert (?:\w+ )*?terug|terugvorderen|teruggevorderd|(?:wordt|worden|gaat|gaan) (?:\w+ )?(?:minder|omlaag|lager)|(?:minder|omlaag|lager) (?:wordt|worden|gaat|gaan))(?-u:\b)",
    )
});

/// Whether [`CUTS_AFTER`] reads a cut at the start of `rest`. "Intrekken" with "bij" before it
/// is moving in, not a benefit withdrawn ("de SVB, en hij wil bij zijn dochter intrekken").
fn cuts_after(rest: &str) -> bool {
    CUTS_AFTER.find(rest).is_some_and(|cut| {
        let said = cut.as_str();
        !((said.ends_with("intrekken") || said.ends_with("ingetrokken")) && said.contains(" bij "))
    })
}

/// An organisation as the rules file describes it, for choosing the responsible one.
#[derive(Debug, Clone, Default)]
pub struct OrganisationRole {
    /// The barriers this body is usually responsible for.
    pub barriers: Vec<String>,
    /// Never the responsible body (a creditor such as an energy company).
    pub bystander: bool,
    /// Often the writer's own or a referring body (a wijkteam, the GGD): responsible only
    /// when the note names no other.
    pub secondary: bool,
    /// A department of another body (`part_of = "gemeente"` for the municipal debt help):
    /// reported as that body when the note names it too ("schuldhulp aangevraagd bij de
    /// gemeente", "SHV gemeente").
    pub part_of: Option<String>,
    /// Named by its service, not by a body ("de schuldhulp"): always reported as its
    /// `part_of` body, and responsible only when the note names no body tied to its barriers
    /// by name.
    pub generic: bool,
}

/// "schuldhulp van de gemeente": the first body belongs to the second.
static PART_OF: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[a-z-]* (?:van|bij) (?:de |het )?$"));

/// The last `n` characters of `text` (all of it when shorter).
fn last_chars(text: &str, n: usize) -> &str {
    let start = text.char_indices().rev().nth(n).map_or(0, |(i, _)| i);
    &text[start..]
}

/// A body a note names, as [`responsible`] weighs it.
#[derive(Debug, Clone, Copy)]
struct Candidate<'a> {
    /// The name it is reported by (a department folded onto its body).
    name: &'a str,
    /// Named as a channel, partner or referrer: responsible only when no other is named.
    channel: bool,
    /// Byte offset in the normalised text.
    at: usize,
    /// Where its name ends in the normalised text.
    end: usize,
    /// Named as a creditor ("schulden bij …"), yet tied to the barrier: after one that is not.
    creditor: bool,
    /// Named by its service, not by a body (`generic`), or often the writer's own or the
    /// referrer (`secondary`): after the named bodies tied to the barrier.
    weak: bool,
}

/// The responsible organisation among those a text names (`found`: byte offset, end and
/// canonical name, in order), given the barriers the note has, the waits it states
/// ([`stated_waits`]) and who it says passes the case around ([`Passing`]): none when two or
/// more do.
pub fn responsible<'a>(
    normalised: &str,
    found: &[(usize, usize, &'a str)],
    role: impl Fn(&str) -> Option<&'a OrganisationRole>,
    barriers: &[&str],
    waits: &[StatedWait],
    passing: Passing<'_>,
) -> Option<&'a str> {
    if passing::passed_around(found, &role, barriers, passing) {
        return None;
    }
    let tied = |name: &str| {
        role(name).is_some_and(|r| r.barriers.iter().any(|b| barriers.contains(&b.as_str())))
    };
    let creditor = named_as_creditor(normalised, found);
    let candidates: Vec<Candidate<'a>> = found
        .iter()
        .enumerate()
        .filter(|(i, (start, _, name))| {
            let before = last_chars(normalised[..*start].trim_end(), 60);
            !role(name).is_some_and(|r| r.bystander)
                && (!REFERRER_BEFORE.is_match(before) || tied(name))
                && (!creditor[*i] || tied(name))
        })
        .map(|(i, (start, end, name))| {
            let before = normalised[..*start].trim_end();
            // A referrer the rules tie to the barrier ("melding van Woonbron: ontruiming
            // volgt") stays, like a channel: responsible only when no other body is named.
            let channel = CHANNEL_BEFORE.is_match(last_chars(before, 30))
                || REFERRER_BEFORE.is_match(last_chars(before, 60))
                || REFERS_AFTER.is_match(&normalised[*end..]);
            // Tied to the barrier by its own name, before any folding onto an owner.
            let weak = role(name).is_some_and(|r| r.generic || r.secondary);
            let past = in_the_past(last_chars(before, 60));
            let own = OWN_BEFORE.is_match(last_chars(before, 20));
            let reported = match found.get(i + 1) {
                // "schuldhulp van de gemeente" is the gemeente's.
                Some((next, _, owner))
                    if *next >= *end && PART_OF.is_match(&normalised[*end..*next]) =>
                {
                    *owner
                }
                _ => *name,
            };
            Candidate {
                name: reported,
                channel,
                at: *start,
                end: *end,
                creditor: creditor[i],
                weak: (weak && reported == *name) || past || own,
            }
        })
        .collect();
    let candidates = folded_onto_owners(candidates, &role);
    let secondary = |name: &str| role(name).is_some_and(|r| r.secondary);
    let direct = || candidates.iter().filter(|c| !c.channel);
    // Named bodies tied to the barrier come first; one named by its service ("de
    // schuldhulp") or often the writer's own (the wijkteam) only after them.
    let named_tied = || direct().filter(|c| tied(c.name) && !c.weak);
    // Several bodies the barrier could be about ("aangemeld bij Youz; Youz nam hem niet aan
    // na zijn 18e en Parnassia heeft een wachtlijst van 5 mnd"): the one the wait statement
    // is about, nearest to the wait in its sentence.
    let mut tied_names: Vec<&str> = named_tied().map(|c| c.name).collect();
    tied_names.sort_unstable();
    tied_names.dedup();
    // The one nearest the wait, else the feared body ("Toeslagen vordert terug; ze is bang
    // dat de gemeente haar bijstand stopt" is the gemeente's).
    let feared = || named_tied().find(|c| feared_at(normalised, c.at));
    // Or, for a benefit cut, the body said to cut ("de man van de soos zegt dat de SVB dan
    // haar AOW gaat korten" is the SVB's).
    let cutting = || {
        barriers
            .iter()
            .any(|b| matches!(*b, "kostendelersnorm" | "angst-uitkeringskorting"))
            .then(|| named_tied().find(|c| cuts_after(&normalised[c.end..])))
            .flatten()
    };
    let about_the_wait = (tied_names.len() > 1)
        .then(|| {
            nearest_to_a_wait(normalised, waits, named_tied())
                .or_else(feared)
                .or_else(cutting)
        })
        .flatten();
    // Otherwise, in a note about an eviction, the body evicting ("de sociale dienst kwam
    // erachter … nu dreigt Staedion met ontruiming" is Staedion's): an eviction is the most
    // pressing of a note's barriers.
    let evicting = || {
        barriers
            .contains(&"huisuitzetting")
            .then(|| {
                named_tied().find(|c| {
                    role(c.name).is_some_and(|r| r.barriers.iter().any(|b| b == "huisuitzetting"))
                        && EVICTION.is_match(sentence_at(normalised, c.at))
                })
            })
            .flatten()
    };
    about_the_wait
        .or_else(evicting)
        // "brieven (Belastingdienst, CJIB); het formulier schuldhulp van de gemeente is
        // alleen online" is the gemeente's: a creditor only when no other is tied.
        .or_else(|| named_tied().find(|c| !c.creditor))
        .or_else(|| named_tied().next())
        .or_else(|| direct().find(|c| tied(c.name)))
        .or_else(|| direct().find(|c| !secondary(c.name)))
        .or_else(|| candidates.iter().find(|c| tied(c.name)))
        .or_else(|| candidates.iter().find(|c| !secondary(c.name)))
        .or_else(|| candidates.first())
        .map(|c| c.name)
}

/// Words that place what follows in the past ("eerder", "jaren terug").
static PAST: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:eerder|vroeger|destijds|voorheen|jaren terug|jaren geleden|in het verleden|ooit)(?-u:\b)",
    )
});

/// Words between such a past marker and a body that bring the clause back to now or make it
/// the application the barrier is about ("eerder aangemeld bij", "eerder bij X, nu bij").
static NOT_PAST: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:nu|inmiddels|sinds|maar|sindsdien|intussen|nog steeds|nog altijd)(?-u:\b)|meld|gevraagd|gebeld|gemaild|geschreven|wacht|[,;:(]",
    )
});

/// Whether the words `before` a body (in its sentence) name it as history ("eerder bij
/// Curium behandeld", "jaren terug gesprekken bij PsyQ"): a body the note is not about, after
/// the bodies tied to the barrier that it is about.
fn in_the_past(before: &str) -> bool {
    let start = before
        .rfind(['.', '!', '?', ';', '\n'])
        .map_or(0, |i| i + 1);
    let clause = &before[start..];
    PAST.find_iter(clause)
        .last()
        .is_some_and(|m| !NOT_PAST.is_match(&clause[m.end()..]))
}

/// Whether the body at byte `at` is the one a fear is about ("bang dat de gemeente …",
/// "straks zegt de gemeente …"), not a source of money in the fear clause ("durft de
/// teruggave van de Belastingdienst niet te gebruiken").
fn feared_at(normalised: &str, at: usize) -> bool {
    let before = last_chars(normalised[..at].trim_end(), 60);
    FEARED_BEFORE.is_match(before) && !SOURCE_BEFORE.is_match(before)
}

/// A body named as where money comes from, right before it: "teruggave van de", "toeslag
/// van het", "geld van de".
static SOURCE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[^a-z0-9])(?:teruggave|toeslag|toeslagen|uitkering|geld|gift|bijdrage|vergoeding|betaling|brief|brieven|post) (?:van|bij|uit)(?: de| het)?$",
    )
});

/// Per organisation `found`, whether the text names it as a creditor: directly, or listed
/// right after one ("bij de Belastingdienst en het CAK").
fn named_as_creditor(normalised: &str, found: &[(usize, usize, &str)]) -> Vec<bool> {
    let mut creditor = Vec::with_capacity(found.len());
    for (i, (start, end, _)) in found.iter().enumerate() {
        let before = last_chars(normalised[..*start].trim_end(), 60);
        let listed = i > 0
            && creditor[i - 1]
            && normalised
                .get(found[i - 1].1..*start)
                .is_some_and(|between| LISTED_AFTER.is_match(between));
        creditor.push(
            listed
                || CREDITOR_BEFORE.is_match(before)
                || CREDITOR_AFTER.is_match(&normalised[*end..]),
        );
    }
    creditor
}

/// `candidates` with a department of a body the note also names folded onto that body
/// ("schuldhulp aangevraagd bij de gemeente" is the gemeente's), and one named by its
/// service (`generic`) onto its body always ("de schuldhulp" is the gemeente's).
fn folded_onto_owners<'a>(
    candidates: Vec<Candidate<'a>>,
    role: &impl Fn(&str) -> Option<&'a OrganisationRole>,
) -> Vec<Candidate<'a>> {
    candidates
        .iter()
        .map(|&candidate| {
            let Some(r) = role(candidate.name) else {
                return candidate;
            };
            let Some(owner) = r.part_of.as_deref() else {
                return candidate;
            };
            match candidates.iter().find(|other| other.name == owner) {
                Some(other) => Candidate {
                    name: other.name,
                    ..candidate
                },
                None if r.generic => Candidate {
                    name: owner,
                    ..candidate
                },
                None => candidate,
            }
        })
        .collect()
}

/// Among `candidates`, the one nearest to a waiting time stated in the same sentence, when
/// a sentence with a wait names one of them.
fn nearest_to_a_wait<'c, 'a: 'c>(
    normalised: &str,
    waits: &[StatedWait],
    candidates: impl Iterator<Item = &'c Candidate<'a>>,
) -> Option<&'c Candidate<'a>> {
    candidates
        .filter_map(|candidate| {
            let sentence = sentence_bounds(normalised, candidate.at);
            let distance = waits
                .iter()
                .filter(|w| sentence_bounds(normalised, w.at) == sentence)
                .map(|w| w.at.abs_diff(candidate.at))
                .min()?;
            Some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

pub mod capitals;
pub mod misspelt;
pub mod passing;

pub use passing::Passing;

#[cfg(test)]
mod tests;

/// The region's register in `default_rules.toml` with [`responsible`], on example sentences.
#[cfg(test)]
mod register_tests;
