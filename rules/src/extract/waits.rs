//! **Waits** are durations in days, weeks, months or years, also abbreviated or compact (`9 wk`,
//! `5mnd`, `3 dgn`), as number words ("drie maanden", "vijfentwintig dagen"), halves ("anderhalve
//! maand" 45, "tweeënhalve maand" 75, "een half jaar" 182), decimals ("1,5 maand"), approximations
//! ("een week of elf" 77) or in English ("6 weeks"). A duration is *not* a wait when it is an age
//! ("zoon van 23 jaar", "23 jaar oud", "kind 2 jaar", "baby 6 weken"), a pregnancy ("8 maanden
//! zwanger"), a range ("3 à 4 maanden"), a threshold, term or deadline ("langer dan 10 weken", "de
//! beslistermijn van 6 weken", "moet binnen 4 weken weg", "ontruiming over 3 weken", the
//! Treeknorm's "14 weken"), a follow-up ("terugkoppeling over 4 weken"), a frequency ("om de 2
//! weken"), arrears ("4 maanden huur achter"), a life fact ("3 maanden in de bijstand", "5 jaar in
//! NL", "weduwnaar, 2 jaar nu"), a validity ("30 dagen geldig"), the period papers cover ("zes
//! maanden bankafschriften", "afschriften over 3 maanden", "van 3 maanden alle afschriften"), or —
//! for years — anything but a wait: years count only in a sentence about waiting, answering or
//! applying, and never next to living, illness or marriage ("woont er al 30 jaar", "angstklachten
//! sinds 10 jaar"). A condition to meet first ("'eerst 3 maanden zelf je post ordenen'") is not a
//! wait either. Minutes and hours (call times) are never read. Each wait records whether its
//! sentence is about waiting ([`StatedWait::cued`]); such a wait is preferred over a bare duration.
//!

use super::{clause_bounds, sentence_at, sentence_bounds};

/// A duration: a number (digits, words, halves) and a unit, also abbreviated, and a unit of
/// five letters or more with two neighbouring letters swapped ("6 wekne", "3 maadnen"), the
/// commonest slip in typing.
static DURATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let transposed: String = TRANSPOSABLE_UNITS
        .iter()
        .flat_map(|unit| transpositions(unit))
        .map(|spelling| format!("|{spelling}"))
        .collect();
    let spelled: Vec<&str> = UNIT_SPELLINGS
        .iter()
        .map(|(spelling, _)| *spelling)
        .collect();
    super::pattern(&format!(
        r"(?-u:\b)(een half|een halve|half|anderhalf|anderhalve|(?:[0-9]{{1,3}}|[a-z]+) en een halve?|[0-9]{{1,3}}(?:[,.]5)?|[a-z]+) ?({}{transposed})(?-u:\b)",
        spelled.join("|")
    ))
});

/// Every spelling of a unit the duration pattern reads, a longer one before its prefix
/// (the pattern takes the first alternative that matches): Dutch, abbreviated, Haags
/// ("weke"), a quarter ("een kwartaal", 90 days), English, and the Spanish and Portuguese weeks and months of notes that mix those
/// in ("siete semanas", "3 meses"; not the singular "mes", a knife in Dutch).
const UNIT_SPELLINGS: [(&str, Unit); 34] = [
    ("dagen", Unit::Day),
    ("dag", Unit::Day),
    ("dgn", Unit::Day),
    ("days", Unit::Day),
    ("day", Unit::Day),
    ("weken", Unit::Week),
    ("weeken", Unit::Week),
    ("week", Unit::Week),
    ("weke", Unit::Week),
    ("wkn", Unit::Week),
    ("wken", Unit::Week),
    ("wk", Unit::Week),
    ("weeks", Unit::Week),
    ("wks", Unit::Week),
    ("semanas", Unit::Week),
    ("semana", Unit::Week),
    ("maanden", Unit::Month),
    ("maande", Unit::Month),
    ("maand", Unit::Month),
    ("mnden", Unit::Month),
    ("mndn", Unit::Month),
    ("mnd", Unit::Month),
    ("months", Unit::Month),
    ("month", Unit::Month),
    ("mths", Unit::Month),
    ("meses", Unit::Month),
    ("kwartalen", Unit::Quarter),
    ("kwartaal", Unit::Quarter),
    ("jaren", Unit::Year),
    ("jaar", Unit::Year),
    ("jr", Unit::Year),
    ("years", Unit::Year),
    ("year", Unit::Year),
    ("yrs", Unit::Year),
];

/// Units that count with two neighbouring letters swapped: long enough that no such spelling
/// is another word ("dagen" and "wagen" differ by a letter, not by a swap).
/// Each is one of [`UNIT_SPELLINGS`], which says its unit.
const TRANSPOSABLE_UNITS: [&str; 5] = ["dagen", "weken", "maanden", "maand", "jaren"];

/// The spellings of `word` (ASCII) with two neighbouring, different letters swapped.
fn transpositions(word: &str) -> impl Iterator<Item = String> + '_ {
    let bytes = word.as_bytes();
    (1..bytes.len()).filter_map(move |i| {
        let mut swapped = bytes.to_vec();
        swapped.swap(i - 1, i);
        (swapped != bytes)
            .then(|| String::from_utf8(swapped).ok())
            .flatten()
    })
}

/// Whether `a` is `b` with two neighbouring, different letters swapped.
fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return false;
    };
    a.len() == b.len()
        && i + 1 < a.len()
        && a[i] == b[i + 1]
        && a[i + 1] == b[i]
        && a[i + 2..] == b[i + 2..]
}

patterns! {
    /// Words before a duration that make it an age, a threshold, a deadline, a frequency, the
    /// period papers cover ("bankafschriften over de afgelopen drie maanden") or a stay someone
    /// plans ("ik wil drie maanden bij haar zijn"), or how long a programme, contract or stay
    /// lasts ("een saneringstraject van 18 maanden", "een contract van 12 maanden").
    NOT_A_WAIT_BEFORE = r"(?:^|[^a-z0-9])(?:(?:huur)?achterstand(?: van)?|(?:van|over) (?:de )?(?:afgelopen|laatste)|(?:in|gedurende|tijdens) het (?:afgelopen|laatste)|wil|wilde|willen|wou|(?:langer|meer|minder|korter|eerder|later) dan|(?:longer|more|less|shorter) than|within|up to|at most|binnen|maximaal|max|hooguit|uiterlijk|hoogstens|om de|elke|iedere|per|[0-9]+ ?x ?/|x/|[a-z]*norm van|[a-z]*norm is|[a-z]*norm|normtijd|[a-z]*termijn(?: van| is| ligt op)?|oplopen tot|oploopt tot|tot wel|tot zelfs|(?:wachttijden?|wachtlijsten?) (?:van )?tot|leeftijd van|leeftijd|geldig|geldig voor|(?:bank)?afschrift(?:en)?(?: van| over)?(?: de)?(?: afgelopen| laatste)?|(?:bank)?papieren (?:van|over)|loonstro(?:k|ken|okjes)(?: van| over)?(?: de)?(?: afgelopen| laatste)?|salarisstroken(?: van| over)?|uitdraai(?:en)? (?:van|over)|(?:[0-9]+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf) ?(?:tot|t/m|a|of|-|en)|(?:[a-z]*traject|[a-z]*contract|looptijd|opname|cursus|proeftijd) van)$";

    /// "eerst" right before a duration: a condition to meet first, not a wait (unless
    /// [`WAIT_AFTER`]).
    PRECONDITION_BEFORE = r"(?:^|[^a-z0-9])eerst$";

    /// A payment plan right before a duration: its term ("regeling 6 mnd à € 20",
    /// "betalingsregeling van 12 maanden"), not a wait (unless [`WAIT_AFTER`] or "geleden").
    PLAN_BEFORE = r"(?:^|[^a-z0-9])(?:[a-z]*regeling|aflossing)(?: van| voor| over)?$";

    /// "in" right before a duration and a verb of work done right after it: how fast
    /// something was done ("de cv is in één dag gemaakt", "in twee dagen verholpen"), not a
    /// wait.
    DONE_IN_BEFORE = r"(?:^|[^a-z0-9])in$";
    DONE_AFTER = r"^ (?:gemaakt|opgelost|verholpen|geregeld|gerepareerd|hersteld|vervangen|afgehandeld|geholpen|gefixt|klaar|rond)(?-u:\b)";

    /// Waiting named in the few words after a duration ("3 maanden wachten", "6 weken op de
    /// wachtlijst").
    WAIT_AFTER = r"^(?: [a-z]+){0,4}? (?:wacht\w*|\w*lijst|geduld)(?-u:\b)";

    /// A person or baby right before "van": "zoon van 23 jaar", "baby van 3 maanden".
    PERSON_OF = r"(?:^|[^a-z0-9])(?:zoon|dochter|kind|kindje|kinderen|baby|jongen|meisje|jongeman|man|vrouw|moeder|vader|broer|zus|neef|nicht|kleinzoon|kleindochter|meneer|mevrouw|mw|dhr|clien?te?|bewoner|bewoonster|jongere|tiener|zwanger|leeftijd|oud) (?:is |was )?van$";

    /// A child right before a duration, without "van": an age ("kind 2 jaar heeft astma",
    /// "(dochter 3 jr)", "baby 6 weken", "zwanger 7 maanden"). Only a child or a pregnancy: a
    /// telegram note's "mw 9 wk op de wachtlijst" is a wait.
    CHILD_BEFORE = r"(?:^|[^a-z0-9])(zoon|zoontje|dochter|dochtertje|kind|kindje|kinderen|baby|babys|zuigeling|peuter|kleuter|tweeling|jongen|jongetje|meisje|meisjes|kleinzoon|kleindochter|kleinkind|broertje|zusje|jongste|oudste|middelste|kleinste|kleintje|zwanger)(?: (?:is|was|wordt|werd|nu|bijna|pas|al))?$";

    /// A pregnancy's duration right before weeks or days, as midwives and GPs abbreviate it:
    /// "AD 24 wk" (amenorroeduur), "Zw. 20 wk", "zwangerschap van 30 weken", "G2P1 AD 36 wk".
    PREGNANCY_BEFORE = r"(?:^|[^a-z0-9])(?:zwanger|zw|ad|amenorroe|amenorroeduur|zwangerschap|zwangerschapsduur|pregnant|g[0-9]p[0-9])\.?(?: (?:is|van|nu|bijna|al|ongeveer|ca|circa|\+-|\+/-))?$";

    /// Words right after a duration that make it an age, a pregnancy, residence or a marriage
    /// whatever its unit ("8 maanden zwanger", "3 maanden in nederland", "5 jaar in ons land", "(4
    /// jaar bewoner)"), how long
    /// something stays valid ("30 dagen geldig") or the period papers cover ("zes maanden
    /// bankafschriften"), how long someone has been ill or in hospital ("drie weken ziek
    /// gemeld", "twee weken opgenomen"), or a sentence or probation ("3 jaar gezeten", "2 jaar
    /// proeftijd").
    LIFE_AFTER_ANY = r"^(?: oud| old| jong| zwanger| getrouwd| samen| in nederland| in nl| in ons land| in dit land| bewoner| bewoonster| huurder| huurster| hier in| in de wijk| in deze wijk| in den haag| [a-z]*huur| huurschuld| huurachterstand| achterstand| achter| schuld| schulden| weduwe| weduwnaar| gescheiden| alleenstaand| arbeidsongeschikt| werkloos| uit detentie| clean| nuchter| in de bijstand| in de schuldsanering| op straat| dakloos| in de (?:nacht)?opvang| onder bewind| pp| postpartum| post partum| na de bevalling| niet betaald| geen huur| huur niet| geldig| (?:alle |de )?(?:bankpapieren|bankafschriften|afschriften|loonstroken|loonstrookjes|salarisstroken)| ziek| ziekgemeld| ziekgeschreven| in de ziektewet| opgenomen| gezeten| vastgezeten| vast gezeten| cel| celstraf| gevangenisstraf| in de gevangenis| in de cel| detentie| jeugddetentie| proeftijd| werkstraf| taakstraf| tbs)(?-u:\b)";

    /// Words in the same sentence that make a duration about waiting, answering or applying.
    WAIT_CUE = r"wacht|lijst|reactie|terugbel|teruggebeld|reageer|reageert|reageren|gereageerd|antwoord|gehoord|intake|aangemeld|aanmeld|gemeld|melding|behandel|afspraak|beslis|besluit|aanvraag|aangevraagd|in behandeling|duurt|duurde|niets gedaan|niks gedaan|niets gebeurd|niks gebeurd|geen hulp|geen contact|nog steeds|nog altijd|pas over|pas na|wait|response|respond|reply|replied|answer|heard|applied|registered|still no";

    /// Words just before a duration of years that make it residence, illness, treatment or a
    /// life fact ("woont er al 30 jaar", "verblijft hier al 3 jaar", "dialyseert sinds 2 jaar"); a comma ends one ("schulden, al een half jaar" is a wait), except
    /// after widowhood or a divorce ("weduwnaar, 2 jaar nu").
    LIFE_BEFORE = r"(?:^|[^a-z0-9])(?:woon|wonen|woont|woonde|gewoond|verblijft|verblijven|verbleef|getrouwd|samen|ziek|depressief|depressie|verslaafd|werkt|werkte|gewerkt|in nederland|in nl|in holland|in the netherlands|lived|living|lives|hier|daar|schulden|klant|bekend|\w*klachten|\w*problemen|\w*problematiek|psychose|psychotisch|angstig|ptss|trauma|verslaving|pijn|ziekte|hoest|hoesten|benauwd|astma|somber|overspannen|burn-?out|eenzaam|suicidaal|dialyse\w*|chemo\w*|mantelzorger|rolstoel)\b[^.;!?,]{0,12}$|(?:^|[^a-z0-9])(?:weduwe|weduwnaar|gescheiden|alleenstaand),?[^.;!?,]{0,12}$";

    /// Words just after a duration of years that make it a life fact ("al 10 jaar ziek", "sinds
    /// 2 jaar somber", "al een half jaar paniekaanvallen", "2 jr in behandeling geweest"; "een half jaar in behandeling
    /// genomen" stays a wait), how long the person has lived there ("die er al negen jaar
    /// woont", "die thans drie jaar in ons land verblijft") or how long the writer has known the person ("die ik al een jaar ken", "al 2
    /// jaar bij ons bekend").
    LIFE_AFTER = r"^(?: \w+){0,3}? (?:woon|woont|wonen|woonde|gewoond|verblijft|verblijven|verbleef|verblijf)(?-u:\b)|^ (?:\w+ )?(?:ken|kent|kennen|gekend|begeleid|begeleiden|bij \w+ bekend|ziek|depressief|verslaafd|getrouwd|samen|werkloos|arbeidsongeschikt|ziekgeschreven|in de ziektewet|in de bijstand|in de wia|in de wao|in nederland|in nl\b|hier|in de wijk|in deze wijk|in de buurt|in den haag|in leiden|schulden|bekend|oud|\w*klachten|\w+aanvallen|pijn|somber|overspannen|eenzaam|suicidaal|(?:aan de |in de )?(?:dialyse|chemo)|mantelzorger|in een rolstoel|(?:in|onder) behandeling (?:geweest|gehad|gezeten|bij))";

    /// A waiting verb right before a duration ("schulden en wacht al een half jaar", "daar
    /// wacht ik al een half jaar"): a life word before it ([`LIFE_BEFORE`]) is not what lasts.
    WAITING_BEFORE = r"(?:^|[^a-z0-9])(?:wacht|wachten|wachtte|wachtten|gewacht|waiting|waited)(?: [a-z]+){0,2}$";

    /// Waiting named right after a duration ("staat een half jaar op de wachtlijst", "een jaar
    /// gewacht", "een gezin met een baby al vijftien weken wacht"): a life word before it ([`LIFE_BEFORE`]: "mw. met depressie staat …") is not
    /// what lasts. Narrower than [`WAIT_AFTER`], which lets four words stand between ("woont er
    /// 30 jaar en wacht op een woning" is residence).
    WAITING_RIGHT_AFTER = r"^ (?:op (?:de |een |die |hun )?(?:wacht)?lijst|gewacht|wachten|te wachten|wacht|wachtte|wachtten)(?-u:\b)";

    /// The second part of a duration right after the first ("twee jaar en 3 maanden").
    AND_MORE_AFTER = r"^ en [a-z0-9,]+ (?:jaar|jr|maanden|maand|mnd|weken|week|wkn|wk|dagen|dag)(?-u:\b)";

    /// "geleden" right after a duration: a point in time.
    YEARS_AGO_AFTER = r"^ geleden(?-u:\b)";

    /// "geleden" followed by the application or report the wait counts from, in the same
    /// clause ("een half jaar geleden al hulp voor zijn schulden gevraagd").
    APPLIED_AGO_AFTER = r"^ geleden(?: [a-z]+){0,6}? (?:aangemeld|gemeld|aangevraagd|ingediend|ingeschreven|doorverwezen|verwezen|gebeld|gemaild|geschreven|verteld|doorgegeven|gezegd|gevraagd|aangegeven|gestuurd|geklaagd|aangekaart|aanvraag|aanmelding|melding|aan de bel getrokken)(?-u:\b)";

    /// "geleden" followed, in the same sentence, by nothing having happened since ("dat is nu
    /// een half jaar geleden en er is nog immer geen regeling"): the time waited since.
    NOTHING_SINCE_AFTER = r"^ geleden,? en (?:[a-z]+ ){0,3}?nog (?:steeds |altijd |immer )?(?:geen|niets|niks)(?-u:\b)";

    /// The application, report or referral the wait counts from, right before a duration
    /// "geleden" or "oud" ("de verwijzing heeft reeds een half jaar geleden plaatsgevonden",
    /// "aanmelding was 2 jaar geleden", "hij meldde het ruim een jaar geleden", "de eerste melding
    /// is nu drie maanden oud"), also with the body in quotes and a comma before the duration
    /// ("gemeld ruim een jaar geleden", "aangemeld bij 'de psyq', een half jaar geleden al").
    APPLIED_BEFORE = r"(?:^|[^a-z0-9])(?:aangemeld|gemeld|aanmelding|meldde|meldden|aanmeldde|melding|aanvraag|aangevraagd|verwijzing|doorverwijzing|verwijsbrief|doorverwezen|verwezen|ingeschreven|inschrijving)(?: ['\x22]?[a-z]+['\x22]?){0,3},?$";

    /// A waiting list or time right before "is"/"van": its length, not an age ("de wachtlijst
    /// is 1 jaar", "een wachtlijst van een half jaar").
    LENGTH_OF_A_WAIT = r"(?:wacht\w*|lijst|duur\w*|doorlooptijd|waitlist|waiting list)(?: \w+)? (?:is|was|van|wordt|werd|nu|of)$";

    /// A report, request or letter as the subject of the sentence before a duration and "oud"
    /// ("mijn eerste melding bij Staedion is nu 9 weken oud", "ons verzoek om uitstel is 16
    /// dagen oud").
    REPORT_BEFORE_AGE = r"(?:^|[^a-z0-9])(?:melding|meldingen|verzoek|aanvraag|aanmelding|klacht|brief|mail|email|e-mail|bericht|bezwaar|bezwaarschrift|verwijzing|reparatieverzoek)\b[^,;:]*\b(?:is|was|zijn|waren)(?: nu| inmiddels| al| ruim| bijna| precies| meer dan| zo'n| ongeveer| circa)*$";

    /// Words just before a duration of years that make it an age ("moeder is 40 jaar").
    AGE_BEFORE = r"(?:^|[^a-z0-9])(?:is|wordt|werd|word|ben|was|van)$";

    /// What happens meanwhile, after a wait ("… en intussen belt de deurwaarder"): no longer
    /// the wait's own clause.
    MEANWHILE = r"\b(?:intussen|ondertussen|inmiddels|terwijl|maar)\b";

    /// An eviction or moving-out context: "over 3 weken" there is a deadline, not a wait.
    DEADLINE_CONTEXT = r"ontruim|uitzet|vonnis|deurwaarder|moet(?:en)? (?:\w+ )*?weg|eruit|verhuiz|zitting|rechter|(?:huis|woning|kamer) uit|op straat|sleutels? inlever";

    /// A follow-up the writer plans right after "over N weken" ("over 1 wk nabellen"): a date,
    /// not a wait.
    FOLLOW_UP_AFTER = r"^ (?:nabellen|terugbellen|opnieuw bellen|weer bellen|evalueren|evaluatie|navragen|terugkomen|langsgaan|huisbezoek|kijken we)\b";

    /// A follow-up the writer plans right before "over N weken" ("terugkoppeling over 4
    /// weken", "evaluatie in het overleg over 6 weken"): a date, not a wait.
    FOLLOW_UP_BEFORE = r"(?:^|[^a-z0-9])(?:controle|ctrl|terugkomafspraak|terugkoppeling|terugkoppelen|evaluatie|evalueren|nabellen|navragen|vervolgafspraak|vervolggesprek|vervolgoverleg|heroverweging|herbeoordeling|opnieuw bespreken|opnieuw agenderen|terugkomen)(?: [a-z]+){0,4}? over$";

    /// A sentence about arrears: a bare count of months in it is how far behind, not a wait
    /// ("4 maanden de huur niet kunnen betalen").
    ARREARS = r"achterstand|(?:huur|betaling) achter|achter met (?:de |het )?(?:huur|betalen)|niet betaald|huur niet (?:kunnen |meer )?betalen";
}

/// What the sentence around byte `at` says before it.
fn sentence_before(normalised: &str, at: usize) -> &str {
    let (start, _) = sentence_bounds(normalised, at);
    normalised.get(start..at).unwrap_or_default()
}

/// Whether the sentence around byte `at` names a report, request or letter whose age the
/// duration at `at` is ([`REPORT_BEFORE_AGE`]).
fn report_is_old(normalised: &str, at: usize) -> bool {
    REPORT_BEFORE_AGE.is_match(sentence_before(normalised, at).trim_end())
}

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
        // ... or Spanish or Portuguese ("siete semanas", "tres meses", "duas semanas").
        "dos" | "dois" | "duas" => 2.0,
        "tres" => 3.0,
        "cuatro" | "quatro" => 4.0,
        "cinco" => 5.0,
        "seis" => 6.0,
        "siete" | "sete" => 7.0,
        "ocho" | "oito" => 8.0,
        "nueve" | "nove" => 9.0,
        "diez" | "dez" => 10.0,
        "doce" | "doze" => 12.0,
        "anderhalf" | "anderhalve" => 1.5,
        other => other.replace(',', ".").parse().ok()?,
    })
}

/// A number word of six letters or more with two neighbouring letters swapped ("andrehalve",
/// "veetrien").
fn transposed_number_word(word: &str) -> Option<f64> {
    if word.len() < 6 || !word.is_ascii() {
        return None;
    }
    transpositions(word).find_map(|spelling| number_word(&spelling))
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

patterns! {
    /// "een week of zes", "een maand of drie": an approximate count after the unit.
    APPROXIMATE_AFTER = r"^ of ([a-z]+|[0-9]{1,3})(?-u:\b)";

    /// A duration right after "sinds", "al", "ruim" or "inmiddels" ("(sinds 5 wkn)"): how long
    /// something has lasted, not an age in brackets.
    SINCE_BEFORE = r"(?:^|[^a-z0-9])(?:sinds|al|ruim|inmiddels)$";
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
    /// Whether the words right around it name the waiting itself ("wacht al 9 wk", "14 weken
    /// op de wachtlijst"): such a wait is preferred over one only its sentence is about.
    pub bound: bool,
}

/// Every waiting time a normalised text states, in order, with whether its sentence is
/// about waiting.
///
/// A duration bound to the waiting itself ("staat sinds 14 weken op de wachtlijst", "wacht al
/// 9 wk") is its sentence's wait: another duration in that sentence ("zit al 2 jaar op zijn
/// kamer en staat sinds 14 weken op de wachtlijst") is something else that lasts.
pub fn stated_waits(normalised: &str) -> Vec<StatedWait> {
    let found: Vec<(StatedWait, (usize, usize))> = DURATION
        .captures_iter(normalised)
        .filter_map(|caps| Duration::read(normalised, &caps)?.as_wait())
        .map(|wait| (wait, sentence_bounds(normalised, wait.at)))
        .collect();
    found
        .iter()
        .filter(|(wait, sentence)| {
            wait.bound
                || !found
                    .iter()
                    .any(|(other, at)| other.bound && at == sentence)
        })
        .map(|(wait, _)| *wait)
        .collect()
}

/// A duration a text states, with the words around it that say whether it is a wait.
struct Duration<'a> {
    normalised: &'a str,
    /// Byte offset of the duration in `normalised`.
    at: usize,
    amount: f64,
    unit: Unit,
    /// The last four words before it.
    tail: &'a str,
    /// The text after it.
    after: &'a str,
}

impl<'a> Duration<'a> {
    fn read(normalised: &'a str, caps: &regex::Captures<'a>) -> Option<Self> {
        let whole = caps.get(0)?;
        let number = caps.get(1)?.as_str();
        let before = normalised[..whole.start()].trim_end();
        // Look at the last few words only.
        let tail_start = before
            .char_indices()
            .rev()
            .filter(|(_, c)| *c == ' ')
            .nth(3)
            .map_or(0, |(i, _)| i + 1);
        let after = &normalised[whole.end()..];
        let mut amount = number_word(number).or_else(|| transposed_number_word(number))?;
        // "een week of zes": about six weeks.
        if amount == 1.0 && number == "een" {
            if let Some(count) = APPROXIMATE_AFTER
                .captures(after)
                .and_then(|c| number_word(c.get(1)?.as_str()))
            {
                amount = count;
            }
        }
        Some(Self {
            normalised,
            at: whole.start(),
            amount,
            unit: Unit::of(caps.get(2)?.as_str()),
            tail: &before[tail_start..],
            after,
        })
    }

    /// The wait this duration states, if it is one.
    fn as_wait(&self) -> Option<StatedWait> {
        if self.is_age_or_condition() {
            return None;
        }
        let sentence = sentence_at(self.normalised, self.at);
        let (clause_start, clause_end) = clause_bounds(self.normalised, self.at);
        let clause = &self.normalised[clause_start..clause_end];
        if self.is_deadline(sentence, clause_start, clause_end) {
            return None;
        }
        let cued = WAIT_CUE.is_match(sentence);
        if self.is_history(sentence, clause, cued) {
            return None;
        }
        let days = in_days(self.amount, self.unit);
        (1.0..=3650.0).contains(&days).then_some(StatedWait {
            at: self.at,
            days: days.floor() as u32,
            cued,
            bound: self.bound_to_waiting(),
        })
    }

    /// Whether the words right around it name the waiting itself: a waiting verb right before
    /// it ("wacht al 9 wk"), the waiting list right after it ("sinds 14 weken op de
    /// wachtlijst", "een jaar gewacht"; also the first part of "twee jaar en 3 maanden op de
    /// wachtlijst") or a waiting list whose length it is ("de wachtlijst is 7 maanden").
    fn bound_to_waiting(&self) -> bool {
        let after = AND_MORE_AFTER
            .find(self.after)
            .map_or(self.after, |more| &self.after[more.end()..]);
        WAITING_BEFORE.is_match(self.tail)
            || WAITING_RIGHT_AFTER.is_match(after)
            || LENGTH_OF_A_WAIT.is_match(self.tail)
    }

    /// "oud" after the age of a report ("de aanmelding is nu 3 maanden oud", "mijn eerste
    /// melding bij Staedion is nu 9 weken oud"): a wait, not a person's age.
    fn aged_report(&self) -> bool {
        self.after.starts_with(" oud")
            && (APPLIED_BEFORE.is_match(self.tail) || report_is_old(self.normalised, self.at))
    }

    /// Whether the words right around it make it an age, a pregnancy or a condition set
    /// before help starts.
    fn is_age_or_condition(&self) -> bool {
        let (tail, after) = (self.tail, self.after);
        if NOT_A_WAIT_BEFORE.is_match(tail) || PERSON_OF.is_match(tail) {
            return true;
        }
        // A condition set before help starts ("'eerst 3 maanden zelf je post ordenen'",
        // "eerst 6 mnd budgetbeheer") or a payment plan's term ("regeling 6 mnd"; not the time
        // since: "schuldregeling 3 maanden geleden aangevraagd"), unless it is the waiting
        // itself ("eerst 3 maanden wachten").
        let plan = PLAN_BEFORE.is_match(tail) && !YEARS_AGO_AFTER.is_match(after);
        if (PRECONDITION_BEFORE.is_match(tail) || plan) && !WAIT_AFTER.is_match(after) {
            return true;
        }
        if DONE_IN_BEFORE.is_match(tail) && DONE_AFTER.is_match(after) {
            return true;
        }
        // "zoon (2 jaar)" is an age; "(sinds 5 wkn)" is a wait, and so are weeks or months
        // in brackets after a statement about waiting ("geen enkele reactie (15 wk)").
        if after.starts_with("-jarig")
            || (after.starts_with(')')
                && !SINCE_BEFORE.is_match(tail)
                && !(self.unit != Unit::Year && waited_in_brackets(self.normalised, tail, self.at)))
            || (LIFE_AFTER_ANY.is_match(after) && !self.aged_report())
        {
            return true;
        }
        // A child's age: "kind 2 jaar", "baby 6 weken", "baby is 5 maanden" (months and
        // weeks only for babies, or when the age is stated with a verb: "mijn dochter is 8
        // maanden"). Waiting right after it makes it the wait ("een gezin met een baby al
        // vijftien weken wacht").
        let child = CHILD_BEFORE
            .captures(tail)
            .and_then(|c| c.get(1))
            .map(|word| word.as_str());
        let stated = [" is", " was", " wordt", " werd"]
            .iter()
            .any(|verb| tail.trim_end().ends_with(verb));
        if child.is_some_and(|word| {
            self.unit == Unit::Year
                || stated
                || matches!(word, "baby" | "babys" | "zuigeling" | "zwanger")
        }) && !WAITING_RIGHT_AFTER.is_match(after)
        {
            return true;
        }
        // A pregnancy: "AD 24 wk", "zw 20 wk", "zwangerschap van 30 weken".
        matches!(self.unit, Unit::Week | Unit::Day) && PREGNANCY_BEFORE.is_match(tail)
    }

    /// Whether it is a deadline or a follow-up ("over 4 weken"), not a wait.
    /// `clause_start..clause_end`: the duration's clause in `normalised` ([`clause_bounds`]).
    fn is_deadline(&self, sentence: &str, clause_start: usize, clause_end: usize) -> bool {
        let tail = self.tail;
        if !(tail.ends_with("over") || tail.ends_with("over een")) {
            return false;
        }
        // "pas over 8 weken" is how long help takes: an eviction elsewhere in the sentence
        // makes it a deadline only within its own clause, and only before what happens
        // meanwhile ("pas over 6 weken zien en intussen belt de deurwaarder").
        let deadline_scope = if tail.ends_with("pas over") || tail.ends_with("pas over een") {
            // `after` is the rest of the normalised text from the duration's end.
            let duration_end = self.normalised.len() - self.after.len();
            let meanwhile = self
                .normalised
                .get(duration_end..clause_end)
                .and_then(|rest| MEANWHILE.find(rest))
                .map_or(clause_end, |m| duration_end + m.start());
            self.normalised
                .get(clause_start..meanwhile)
                .unwrap_or(&self.normalised[clause_start..clause_end])
        } else {
            sentence
        };
        DEADLINE_CONTEXT.is_match(deadline_scope)
            || FOLLOW_UP_AFTER.is_match(self.after)
            || FOLLOW_UP_BEFORE.is_match(
                sentence_before(self.normalised, self.at)
                    .trim_end()
                    .trim_end_matches(" een"),
            )
    }

    /// Whether it is months of arrears, years of someone's life, or how long ago something
    /// happened, not a wait.
    fn is_history(&self, sentence: &str, clause: &str, cued: bool) -> bool {
        let (tail, after, amount) = (self.tail, self.after, self.amount);
        // "huurachterstand bij Vestia, 4 maanden": months of arrears, not a wait; also in
        // a sentence that states a wait elsewhere, when the arrears share the duration's
        // clause ("huurachterstand 4 mnd, aanmelding schuldhulp 6 wk geleden").
        if self.unit == Unit::Month {
            return (!cued && ARREARS.is_match(sentence))
                || (ARREARS.is_match(clause) && !WAIT_CUE.is_match(clause));
        }
        if self.unit != Unit::Year {
            return false;
        }
        // One or two years ("al een jaar niks") stand on their own; more years ("al 30
        // jaar") are a wait only in a sentence about waiting.
        (amount > 2.0 && !cued)
            || (LIFE_BEFORE.is_match(tail)
                && !WAITING_BEFORE.is_match(tail)
                && !WAITING_RIGHT_AFTER.is_match(after))
            // "de melding is nu bijna een jaar oud" is how old the report is.
            || (LIFE_AFTER.is_match(after) && !self.aged_report())
            // "dat wordt een half jaar niks": only a child is half a year old.
            // ("dat is een jaar geleden" is when, not an age: the last case decides it.)
            || (AGE_BEFORE.is_match(tail)
                && amount >= 1.0
                && !YEARS_AGO_AFTER.is_match(after)
                && !LENGTH_OF_A_WAIT.is_match(tail)
                && !APPLIED_BEFORE.is_match(tail))
            // "de brand, nu een jaar geleden": when something happened, not a wait (unless
            // it is when the person applied: "een jaar geleden aangemeld", "de aanmelding is
            // een jaar geleden gedaan").
            || (YEARS_AGO_AFTER.is_match(after)
                && !APPLIED_AGO_AFTER.is_match(after)
                && !NOTHING_SINCE_AFTER.is_match(after)
                && !APPLIED_BEFORE.is_match(tail))
    }
}

/// Whether a duration in brackets on its own (`tail` ends with "(") follows a statement
/// about waiting in its sentence, and no child or person right before the bracket makes it an
/// age ("wachtlijst (6 wk)" against "baby (6 weken)").
fn waited_in_brackets(normalised: &str, tail: &str, at: usize) -> bool {
    // "(15 wk)", "(nu 10 wkn)".
    let Some(before) = tail.strip_suffix('(').or_else(|| tail.strip_suffix("(nu")) else {
        return false;
    };
    let before = before.trim_end();
    !CHILD_BEFORE.is_match(before)
        && !PERSON_BEFORE.is_match(before)
        && WAIT_CUE.is_match(sentence_before(normalised, at))
}

patterns! {
    /// A person right before a bracket: what the bracket holds is about them, not a wait ("mw
    /// (20 wk)" is a pregnancy as often as not).
    PERSON_BEFORE = r"(?:^|[^a-z0-9])(?:man|vrouw|moeder|vader|broer|zus|meneer|mevrouw|mw|dhr|clt|client|cliente|pt|patient|patiente|bewoner|bewoonster|jongere|tiener|huurder|buurman|buurvrouw)$";
}

/// A duration's unit, from any of the spellings the duration pattern reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    /// "een kwartaal": three months.
    Quarter,
    Year,
}

impl Unit {
    fn of(spelled: &str) -> Self {
        let unit_of = |spelling: &str| {
            UNIT_SPELLINGS
                .iter()
                .find(|(known, _)| *known == spelling)
                .map(|(_, unit)| *unit)
        };
        // A known spelling as it stands; only else a swap of two letters in a long one.
        unit_of(spelled)
            .or_else(|| {
                TRANSPOSABLE_UNITS
                    .into_iter()
                    .find(|unit| is_transposition(spelled, unit))
                    .and_then(unit_of)
            })
            .unwrap_or(Self::Year)
    }
}

/// `amount` of `unit` in days: weeks ×7, months ×30, half a year 182, years ×365.
fn in_days(amount: f64, unit: Unit) -> f64 {
    match unit {
        Unit::Day => amount,
        Unit::Week => amount * 7.0,
        Unit::Month => amount * 30.0,
        Unit::Quarter => amount * 90.0,
        Unit::Year if amount == 0.5 => 182.0,
        Unit::Year => amount * 365.0,
    }
}
