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

use super::passing::{self, Passing};
use super::waits::StatedWait;
use super::{last_chars, sentence_at};

patterns! {
    /// Phrases right before an organisation that name it as the referrer, not the responsible body
    /// (also its desk in brackets: "ingebracht door de bibliotheek (Informatiepunt …)").
    /// ("namens" and "in opdracht van" name the principal — "de deurwaarder kwam namens Vestia" —
    /// which is the responsible body, so they are not here.)
    REFERRER_BEFORE = r"(?:doorgegeven|doorverwezen|verwezen|gemeld|doorgestuurd|gesignaleerd|binnengekomen|aangemeld|aangedragen|ingebracht) (?:door|via|vanuit)(?: de| het)?(?: [a-z-]+ \()?$|(?:signaal|signalen|tip|verwijzing|doorverwijzing|melding|aanmelding) (?:van|via|vanuit|door)(?: de| het)?$|(?:op verzoek van|op advies van|op verwijzing van)(?: de| het)?$|(?:overdracht|overdrachtsbrief|verwijsbrief|doorverwijsbrief|terugverwijzing)(?: \w+)? (?:van|vanuit|via|door)(?: de| het)?$|(?:verwijzer|aanmelder|melder)(?: is)?:?(?: de| het)?$";

    /// The writer's own organisation, right before it: "wij (Woonbron)", "bij ons (HW)", "wij van
    /// Staedion": responsible only when the note names no other body tied to the barrier.
    /// Also the body "we" act for: "wij hebben namens Vidomes gemaild naar DUWO".
    OWN_BEFORE = r"(?:^|[^a-z0-9])(?:(?:wij|we|ons)(?: \(| van(?: de| het)?| als(?: de| het)?)|(?:wij|we)(?: [a-z]+){0,2} namens(?: de| het)?)$";

    /// A body's own intake desk, not a referral: "de centrale aanmelding van Parnassia" (where
    /// "aanmelding van de huisarts" is the GP's referral, [`REFERRER_BEFORE`]).
    DESK_BEFORE = r"(?:^|[^a-z0-9])(?:centrale|digitale|online|telefonische) aanmelding (?:van|via|bij)(?: de| het)?$";

    /// Words right after a body that make it the one that referred the person on ("het wijkteam
    /// verwees haar naar PsyQ", "de GGD heeft hem aangemeld bij de Kredietbank"): like a channel,
    /// responsible only when the note names no other body.
    REFERS_AFTER = r"^(?: heeft| had)?(?: \w+){0,2} (?:verwees|verwijst|verwezen|doorverwezen|doorgestuurd|stuurde|stuurt|aangemeld|doorgegeven|signaleerde|gesignaleerd)(?: \w+){0,4}? (?:door (?:naar|aan)|naar|bij|aan)\b";

    /// Words right after a secondary body (the wijkteam, the CJG, a welfare organisation) that
    /// name it as help called in, not as the body the barrier is about: "heb ik het wijkteam
    /// ingeschakeld", "het wijkteam heeft haar aangemeld voor traumabehandeling".
    ENGAGED_AFTER = r"^(?: is| wordt| werd| zijn| worden| heeft| had| hebben)?(?: [a-z]+){0,2}? (?:ingeschakeld|ingelicht|geinformeerd|op de hoogte (?:gebracht|gesteld)|erbij gehaald|aangemeld (?:voor|bij))(?-u:\b)";

    /// The same, right before such a body: "contact wijkteam over de huurschuld", "doorgegeven
    /// aan het wijkteam", "overleg met het CJG"; not contact refused ("wil geen contact met het
    /// CJG", "weigert contact met het jeugdteam"), which is about the body.
    ENGAGED_BEFORE = r"(?:^|[^a-z0-9])(?:contact(?: opgenomen)? met|contact|overleg met|afgestemd met|doorgegeven aan|overgedragen aan|inschakelen van)(?: de| het)?$";
    REFUSED_BEFORE = r"(?:^|[^a-z0-9])(?:geen|weigert|weigerde|weigeren|zonder|mijdt|vermijdt) (?:[a-z]+ )?contact";

    /// "via de huisarts", "samen met het wijkteam": a channel or a partner, responsible only when
    /// the note names no other body.
    CHANNEL_BEFORE = r"(?:^|[^a-z0-9])(?:via|samen met|met hulp van|met behulp van)(?: de| het)?$";

    /// A body named as a creditor in this note ("schulden bij de Belastingdienst", "beslag door
    /// het CAK"): a bystander unless the rules file ties it to one of the note's barriers (a
    /// landlord evicting over rent arrears is responsible).
    CREDITOR_BEFORE = r"(?:schuld|schulden|schuldeiser|schuldeisers|achterstand|achterstanden|betalingsachterstand|vordering|vorderingen|rekening|rekeningen|boete|boetes|aanmaning|aanmaningen|incasso|beslag|loonbeslag|premieschuld|openstaand|openstaande bedragen|wanbetaler) (?:\w+ )?(?:bij|van|aan|door|voor)(?: de| het)?$|(?:schuldeisers?|crediteuren)(?: waaronder| zoals| onder andere| oa| bijvoorbeeld)?(?: de| het)?$|(?:brieven|enveloppen|aanmaningen|rekeningen|schulden|schuldeisers) ?\($";

    /// Between two bodies of one list: "X en het Y", "X, Y", "X of Y".
    LISTED_AFTER = r"^(?:,|,? en|,? of)(?: de| het)? $";

    /// Words right after a body that make it a creditor ("CAK legt beslag", "DUO vordert terug").
    CREDITOR_AFTER = r"^(?: heeft| had| legt| legde| gaat)? (?:beslag|incasseert|incasseerde|incasso|vordert|vorderde|int |stuurt aanmaningen|stuurt een aanmaning|stuurt de deurwaarder|dreigt met de deurwaarder|eist (?:(?:\w+ )?(?:terug|geld|betaling|het bedrag)|€ ?[0-9]|[0-9][0-9.,]* (?:euro|eur)\b)|schakelt (?:de |een )?deurwaarder|(?:de |een )?deurwaarder ingeschakeld|verrekent|verrekende|blijft verrekenen|houdt (?:\w+ ){0,3}in\b)";

    /// A claim on the home right after a body ("Portaal vordert ontbinding", "eist
    /// ontruiming"): the landlord evicting, not a creditor collecting.
    CLAIMS_THE_HOME_AFTER = r"^(?: heeft| had)? (?:vordert|vorderde|eist|eiste)(?: [a-z]+){0,2}? (?:ontbinding|ontruiming|uitzetting|huisuitzetting)";

    /// A fear clause right before a body ("bang dat de gemeente", "uit vrees dat het UWV",
    /// "durft niet naar Veilig Thuis", "ze denkt dat Veilig Thuis dan komt", "dan komt
    /// jeugdbescherming"): for a fear, the body that is feared is the responsible one.
    FEARED_BEFORE = r"(?:^|[^a-z0-9])(?:bang|angst|angstig|vrees|vreest|vrezen|bevreesd|durft|durven|durfde|durfden|scared|afraid|straks|dadelijk|(?:denkt|denken|dacht|dachten) dat|dan (?:komt|komen|staat|staan|belt|bellen))\b[^.;!?]{0,40}$";

    /// Words right after a body, in its clause, that say it helped quickly or well ("hoewel de
    /// Kredietbank binnen een week budgetbeheer regelde, handhaaft Haag Wonen de ontruiming",
    /// "Parnassia belde meteen terug", "de gemeente (Wmo) heeft de hulp wel snel geregeld",
    /// "Zilveren Kruis heeft het keurig vergoed", "budgetbeheer bij de Kredietbank, dat gaat
    /// prima"): a body that did its part, after those tied to the barrier that did not. Not
    /// when the words deny it ([`helped_after`]).
    HELPED_AFTER = r"^\)?(?: \([^()]{0,30}\))?(?: (?:is|was|heeft|had|reageerde|reageert|kwam|belde|regelde|pakte))?(?: [a-z]+){0,4}? (?:binnen (?:een|1|2|3|twee|drie|vier|vijf|enkele|een paar) (?:dag|dagen|werkdag|werkdagen|week)|(?:heel |erg |super )?(?:snel|vlot|meteen|direct) (?:geholpen|gereageerd|geregeld|opgepakt|terug|langs|actie)|(?:keurig|netjes|prima) (?:geholpen|geregeld|vergoed|betaald|uitbetaald|opgepakt|afgehandeld))(?-u:\b)|^,? (?:dat|die|dit|het) (?:gaat|loopt|ging|liep|verloopt|verliep) (?:heel |erg )?(?:prima|goed|uitstekend|soepel|naar wens)(?-u:\b)";

    /// A benefit cut right after a body, in its clause: "de SVB dan haar AOW gaat korten", "de
    /// gemeente stopt de bijstand", "de gemeente zegt dat haar bijstand dan omlaag gaat", "… dan
    /// wordt het minder".
    CUTS_AFTER = r"^(?: [a-z]+){0,5}? (?:kort|korten|kortte|gekort|verlaagt|verlagen|verlaagde|verlaagd|stopt|stoppen|stopte|gestopt|trekt (?:\w+ )*?in|intrekken|ingetrokken|haalt (?:\w+ )*?af|afhalen|vordert (?:\w+ )*?terug|terugvorderen|teruggevorderd|(?:wordt|worden|gaat|gaan) (?:\w+ )?(?:minder|omlaag|lager)|(?:minder|omlaag|lager) (?:wordt|worden|gaat|gaan))(?-u:\b)";
}

/// Whether [`HELPED_AFTER`] reads help at the start of `rest`, undenied: "heeft het niet
/// snel geregeld" is no help.
fn helped_after(rest: &str) -> bool {
    HELPED_AFTER.find(rest).is_some_and(|said| {
        !said
            .as_str()
            .split([' ', ','])
            .any(|word| matches!(word, "niet" | "nooit" | "geen" | "niks" | "niets"))
    })
}

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

patterns! {
    /// "schuldhulp van de gemeente": the first body belongs to the second.
    PART_OF = r"^[a-z-]* (?:van|bij) (?:de |het )?$";
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
    /// Named by its service alone (`generic`: "de schuldhulp"), not as past or the writer's
    /// own: weak, yet before a creditor tied to the barrier.
    service: bool,
    /// Said to have helped quickly or well ([`HELPED_AFTER`]): weak, and after any body that
    /// did not.
    helped: bool,
}

/// How the body responsible for a barrier shows in a note that names several, as the rules
/// file says of the barrier (`responsible = "cuts"` or `"evicts"` on a `[[barrier]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shows {
    /// A benefit cut: the body said to cut ("dat de SVB dan haar AOW gaat korten").
    Cuts,
    /// An eviction: the body evicting, in a sentence about the eviction; an eviction is the
    /// most pressing of a note's barriers.
    Evicts,
}

/// Whether the words right before a body (`before`, trimmed) name it as the referrer.
fn referred_by(before: &str) -> bool {
    REFERRER_BEFORE.is_match(before) && !DESK_BEFORE.is_match(before)
}

/// The responsible organisation among those a text names (`found`: byte offset, end and
/// canonical name, in order), given the barriers the note has (with how each one's body
/// [`Shows`]), the waits it states ([`stated_waits`](super::stated_waits)) and who it says
/// passes the case around ([`Passing`]): none when two or more do.
pub fn responsible<'a>(
    normalised: &str,
    found: &[(usize, usize, &'a str)],
    role: impl Fn(&str) -> Option<&'a OrganisationRole>,
    barriers: &[&str],
    shows: impl Fn(&str) -> Option<Shows>,
    waits: &[StatedWait],
    passing: Passing<'_>,
) -> Option<&'a str> {
    if let Some(body) = passing::passed_around_inside(normalised, found, &role, barriers, passing) {
        return Some(body);
    }
    if passing::passed_around(normalised, found, &role, barriers, passing) {
        return None;
    }
    let tied = |name: &str| {
        role(name).is_some_and(|r| r.barriers.iter().any(|b| barriers.contains(&b.as_str())))
    };
    let candidates = folded_onto_owners(candidates(normalised, found, &role, &tied), &role);
    choose(
        normalised,
        &candidates,
        &role,
        &tied,
        barriers,
        &shows,
        waits,
    )
}

/// The bodies a text names that may be responsible: no bystander, and a referrer or a
/// creditor only when the rules tie it to the note's barriers; each with how it is named.
fn candidates<'a>(
    normalised: &str,
    found: &[(usize, usize, &'a str)],
    role: &impl Fn(&str) -> Option<&'a OrganisationRole>,
    tied: &impl Fn(&str) -> bool,
) -> Vec<Candidate<'a>> {
    let creditor = named_as_creditor(normalised, found);
    found
        .iter()
        .enumerate()
        .filter(|(i, (start, end, name))| {
            let before = last_chars(normalised[..*start].trim_end(), 60);
            !role(name).is_some_and(|r| r.bystander)
                && (!referred_by(before) || tied(name))
                && (!creditor[*i] || tied(name))
                && !engaged(normalised, (*start, *end), role(name), tied(name))
        })
        .map(|(i, (start, end, name))| {
            let before = normalised[..*start].trim_end();
            // A referrer the rules tie to the barrier ("melding van Woonbron: ontruiming
            // volgt") stays, like a channel: responsible only when no other body is named.
            let channel = CHANNEL_BEFORE.is_match(last_chars(before, 30))
                || referred_by(last_chars(before, 60))
                || REFERS_AFTER.is_match(&normalised[*end..]);
            // Tied to the barrier by its own name, before any folding onto an owner.
            let weak = role(name).is_some_and(|r| r.generic || r.secondary);
            let generic = role(name).is_some_and(|r| r.generic && !r.secondary);
            let past = in_the_past(last_chars(before, 60));
            let own = OWN_BEFORE.is_match(last_chars(before, 20));
            let helped = helped_after(&normalised[*end..]);
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
                weak: (weak && reported == *name) || past || own || helped,
                service: generic && reported == *name && !past && !own && !helped,
                helped,
            }
        })
        .collect()
}

/// Which of the `candidates` is responsible: a body tied to the barrier and named directly
/// first, among several the one the wait, the fear or the cut is about, then the one
/// evicting; a channel, a creditor or a secondary body only when nothing else is named.
fn choose<'a>(
    normalised: &str,
    candidates: &[Candidate<'a>],
    role: &impl Fn(&str) -> Option<&'a OrganisationRole>,
    tied: &impl Fn(&str) -> bool,
    barriers: &[&str],
    shows: &impl Fn(&str) -> Option<Shows>,
    waits: &[StatedWait],
) -> Option<&'a str> {
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
            .any(|b| shows(b) == Some(Shows::Cuts))
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
    let eviction =
        |barrier: &str| barriers.contains(&barrier) && shows(barrier) == Some(Shows::Evicts);
    let evicting = || {
        named_tied().find(|c| {
            role(c.name).is_some_and(|r| r.barriers.iter().any(|b| eviction(b)))
                && EVICTION.is_match(sentence_at(normalised, c.at))
        })
    };
    about_the_wait
        .or_else(evicting)
        // "brieven (Belastingdienst, CJIB); het formulier schuldhulp van de gemeente is
        // alleen online" is the gemeente's: a creditor only when no other is tied.
        .or_else(|| named_tied().find(|c| !c.creditor))
        // "een schuld bij de Belastingdienst; voor de schuldhulp moet hij alles via DigiD
        // opladen" is the schuldhulp's: a body named by its service before a creditor.
        .or_else(|| {
            named_tied().next()?;
            direct().find(|c| c.service && tied(c.name))
        })
        .or_else(|| named_tied().next())
        .or_else(|| direct().find(|c| tied(c.name) && !c.helped))
        // No body tied to the barrier named: the one a fear is about ("Gezin huurt bij
        // Staedion. Moeder durft het CJG niet te bellen" is the CJG's).
        .or_else(|| direct().find(|c| feared_at(normalised, c.at)))
        // A body that helped only after any other: "Zilveren Kruis heeft het keurig vergoed;
        // bezwaar bij het CAK kan alleen telefonisch" is the CAK's, "WW via het UWV …;
        // budgetbeheer bij de Kredietbank, dat gaat prima" the UWV's.
        .or_else(|| direct().find(|c| !secondary(c.name) && !c.helped))
        .or_else(|| candidates.iter().find(|c| tied(c.name) && !c.helped))
        .or_else(|| direct().find(|c| tied(c.name)))
        .or_else(|| direct().find(|c| !secondary(c.name)))
        .or_else(|| candidates.iter().find(|c| tied(c.name)))
        .or_else(|| candidates.iter().find(|c| !secondary(c.name)))
        .or_else(|| candidates.first())
        .map(|c| c.name)
}

patterns! {
    /// A sentence about an eviction: the body in it is the one evicting.
    EVICTION = r"ontruim|uitzet|uit huis gezet|vonnis|dagvaard|deurwaarder|huis uit|op straat|huurachterstand";

    /// Words that place what follows in the past ("eerder", "jaren terug", "vorig jaar", "zijn
    /// vorige behandelaar (Indigo)", "in 2019", "2 jr in behandeling geweest bij", "was tot haar
    /// verhuizing in behandeling bij", "uitgestroomd bij").
    PAST = r"(?:^|[^a-z0-9])(?:eerder|vroeger|destijds|voorheen|vorige|voormalige|vorig jaar|jaren terug|jaren geleden|in het verleden|ooit|in (?:19|20)[0-9]{2}|(?:in|onder) behandeling geweest|was (?:[a-z]+ ){0,4}?(?:in|onder) behandeling|uitgestroomd)(?-u:\b)";

    /// Words between such a past marker and a body that bring the clause back to now or make it
    /// the application the barrier is about ("eerder aangemeld bij", "eerder bij X, nu bij").
    NOT_PAST = r"(?:^|[^a-z0-9])(?:nu|inmiddels|sinds|maar|sindsdien|intussen|nog steeds|nog altijd)(?-u:\b)|meld|gevraagd|gebeld|gemaild|geschreven|wacht|[,;:(]";
}

/// Whether the words `before` a body (in its sentence) name it as history ("eerder bij
/// Curium behandeld", "jaren terug gesprekken bij PsyQ"): a body the note is not about, after
/// the bodies tied to the barrier that it is about.
fn in_the_past(before: &str) -> bool {
    let start = before
        .rfind(['.', '!', '?', ';', '\n'])
        .map_or(0, |i| i + 1);
    let clause = &before[start..];
    // A bracket right before the body names what the marker's words speak of ("zijn vorige
    // behandelaar (Indigo)"); one further back opens a clause of its own.
    PAST.find_iter(clause)
        .last()
        .is_some_and(|m| !NOT_PAST.is_match(clause[m.end()..].trim_end().trim_end_matches('(')))
}

/// Whether a body is named only as help called in ([`ENGAGED_AFTER`], [`ENGAGED_BEFORE`]): a
/// secondary one (`role`) the rules do not tie to the note's barriers and no fear is about.
/// Such a body is a bystander: the wijkteam that "heeft haar aangemeld" for a treatment she
/// waits for is not the body she waits on.
fn engaged(
    normalised: &str,
    (at, end): (usize, usize),
    role: Option<&OrganisationRole>,
    tied: bool,
) -> bool {
    if tied || !role.is_some_and(|r| r.secondary) || feared_at(normalised, at) {
        return false;
    }
    let before = last_chars(normalised[..at].trim_end(), 40);
    (ENGAGED_BEFORE.is_match(before) && !REFUSED_BEFORE.is_match(before))
        || ENGAGED_AFTER.is_match(&normalised[end..])
}

/// Whether the body at byte `at` is the one a fear is about ("bang dat de gemeente …",
/// "straks zegt de gemeente …"), not a source of money in the fear clause ("durft de
/// teruggave van de Belastingdienst niet te gebruiken").
fn feared_at(normalised: &str, at: usize) -> bool {
    let before = last_chars(normalised[..at].trim_end(), 60);
    FEARED_BEFORE.is_match(before) && !SOURCE_BEFORE.is_match(before)
}

patterns! {
    /// A body named as where money comes from, right before it: "teruggave van de", "toeslag
    /// van het", "geld van de".
    SOURCE_BEFORE = r"(?:^|[^a-z0-9])(?:teruggave|toeslag|toeslagen|uitkering|geld|gift|bijdrage|vergoeding|betaling|brief|brieven|post) (?:van|bij|uit)(?: de| het)?$";
}

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
                || (CREDITOR_AFTER.is_match(&normalised[*end..])
                    && !CLAIMS_THE_HOME_AFTER.is_match(&normalised[*end..])),
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
/// a sentence with a wait names one of them. A semicolon joins clauses of one sentence here
/// ("aangemeld bij PsyQ; intake pas over 11 weken").
fn nearest_to_a_wait<'c, 'a: 'c>(
    normalised: &str,
    waits: &[StatedWait],
    candidates: impl Iterator<Item = &'c Candidate<'a>>,
) -> Option<&'c Candidate<'a>> {
    candidates
        .filter_map(|candidate| {
            let sentence = statement_bounds(normalised, candidate.at);
            let distance = waits
                .iter()
                .filter(|w| statement_bounds(normalised, w.at) == sentence)
                .map(|w| w.at.abs_diff(candidate.at))
                .min()?;
            Some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Where the sentence around byte `at` starts and ends, a semicolon not ending it: from the
/// previous to the next `.`, `!`, `?` or newline.
fn statement_bounds(text: &str, at: usize) -> (usize, usize) {
    super::bounds(text, at, |c| matches!(c, '.' | '!' | '?' | '\n'))
}
