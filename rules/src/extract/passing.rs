//! A case passed around: when a note is about the barrier that says so (`[carousel]` in the
//! rules file, the doorverwijscarrousel) and names two or more who pass it on, none of them is
//! the responsible one, and the note's organisation is none. Who passes it on are the bodies of
//! the region the note names (referrers too; not a creditor that only collects) and the other
//! parties the rules file lists, which are no body of the region ("de huisarts", "de POH", "de
//! verhuurder"). Beside another barrier, a body tied to that barrier stays responsible, unless
//! the note has it send the person on itself ("Parnassia zegt: ga naar i-psy", "door Portaal
//! naar de gemeente gestuurd", "verwijst Vidomes naar de GGD"), or has it answer in a round of
//! answers ("Woonbron zegt: politie. Gemeente zegt melden bij Woonbron", "heen en weer tussen
//! het UWV, de SVB en de gemeente"): then it is one of those passing the case around.

use super::OrganisationRole;
use std::collections::HashMap;

/// `[carousel]`, compiled: the barrier and the parties, one matcher for all their words.
#[derive(Debug, Clone)]
pub struct Parties {
    barrier: String,
    /// All parties' words in one alternation, longest first; `None` when the file lists none.
    matcher: Option<super::WholeWords>,
    /// Normalised word → party.
    names: HashMap<String, String>,
}

/// What [`super::responsible`] needs to know of a note about a case passed around.
#[derive(Debug, Clone, Copy, Default)]
pub struct Passing<'a> {
    /// The barrier that says a case is passed around; `None`: no such barrier.
    pub barrier: Option<&'a str>,
    /// How many different parties (not bodies of the region) the note names.
    pub parties: usize,
}

impl<'a> Passing<'a> {
    /// The barrier that says a case is passed around, when it is one of the note's `barriers`.
    fn carousel_among(&self, barriers: &[&str]) -> Option<&'a str> {
        self.barrier.filter(|carousel| barriers.contains(carousel))
    }
}

impl Parties {
    /// `words` per party, normalised as the text is (`normalise`); the error names the word.
    pub fn new(
        barrier: &str,
        parties: &[(String, Vec<String>)],
        normalise: impl Fn(&str) -> String,
    ) -> Result<Self, String> {
        let mut names = HashMap::new();
        for (party, words) in parties {
            for word in words {
                let word = normalise(word.trim());
                if word.is_empty() {
                    return Err(format!("partij '{party}': een leeg woord"));
                }
                if let Some(other) = names.insert(word.clone(), party.clone()) {
                    return Err(format!(
                        "partij '{party}': '{word}' staat ook bij '{other}'"
                    ));
                }
            }
        }
        let matcher = super::WholeWords::new(names.keys().map(String::as_str))?;
        Ok(Self {
            barrier: barrier.to_string(),
            matcher,
            names,
        })
    }

    /// What a normalised note says of who passes it on; only read for a note with the barrier.
    pub fn passing<'a>(&'a self, normalised: &str, barriers: &[&str]) -> Passing<'a> {
        let parties = match &self.matcher {
            Some(matcher) if barriers.contains(&self.barrier.as_str()) => {
                let mut found: Vec<&str> = matcher
                    .find_iter(normalised)
                    .filter_map(|m| self.names.get(m.as_str()).map(String::as_str))
                    .collect();
                found.sort_unstable();
                found.dedup();
                found.len()
            }
            _ => 0,
        };
        Passing {
            barrier: Some(&self.barrier),
            parties,
        }
    }
}

patterns! {
    /// Words right after a body that have it send the person on: "verwijst naar", "stuurt hem
    /// door naar", "zegt eerst naar het wijkteam", "zegt: 'trauma, ga naar i-psy'".
    /// A closing bracket may come first, or an aside in brackets: "volwassen-GGZ (Parnassia)
    /// verwijst terug naar", "Belastingdienst (inning) verwijst naar Toeslagen"; the
    /// other body may be named as the one who should do it: "shv zegt nee, dat moet de
    /// kredietbank doen".
    SENDS_ON_AFTER = r"^(?: \([^()]{0,30}\))?\)?(?: heeft| had)?(?: \w+){0,2}? (?:verwijst|verwees|verwezen|doorverwezen|stuurt|stuurde|gestuurd|doorgestuurd|wijst|zegt|zei|zeggen)(?-u:\b)[^.;!?]{0,40}?(?-u:\b)(?:naar|bij|moet(?:en)? (?:de |het )?[a-z-]+ (?:doen|regelen|oppakken))(?-u:\b)";

    /// Sent back without a verb, in a chain: "de ggz naar Brijder, en Brijder terug naar de
    /// ggz".
    BACK_AFTER = r"^\)?(?: weer| ook)? terug (?:naar|bij)(?-u:\b)";

    /// The verb before the body, as in a clause that starts with it: "verwijst Vidomes naar de
    /// GGD", "stuurt de gemeente hem door naar" (with "naar" after, [`TO_AFTER`]).
    SENDS_BEFORE = r"(?:^|[^a-z0-9])(?:verwijst|verwees|stuurt|stuurde)(?: de| het)?$";

    /// Words right after a body that have it answer: "Woonbron zegt: politie", "het servicepunt
    /// gegaan, die zeggen ga naar". One body answering is no round; two or more answering or
    /// sending on are ("toen zei Vestia dat de gemeente moest kijken; de gemeente stuurde het
    /// door naar ons").
    ANSWERS_AFTER = r"^\)?(?: \w+)?,?(?: en| maar)?(?: die| dat)? (?:zegt|zeggen|zei|zeiden|antwoordt|antwoordde)(?-u:\b)";

    /// The verb before the body: "toen zei Staedion: dit is zorg".
    ANSWERS_BEFORE = r"(?:^|[^a-z0-9])(?:zegt|zei|zeggen|zeiden|antwoordt|antwoordde)(?: de| het)?$";

    /// A body in a list after "heen en weer tussen", "van het kastje naar de muur tussen":
    /// "heen en weer tussen vluchtelingenwerk, servicepunt xl, duo en".
    BETWEEN_BEFORE = r"(?:heen en weer|kastje naar de muur|pingpong|ping-pong)(?: [a-z]+){0,3}? tussen(?: (?:de |het )?[a-z0-9'-]+(?: [a-z0-9'-]+){0,2}?(?:,| en))*$";

    /// "door" right before a body that "naar" follows: "door Portaal naar de gemeente gestuurd",
    /// "door i-psy weer terug naar de huisarts".
    BY_BEFORE = r"(?:^|[^a-z0-9])door(?: de| het)?$";

    /// "naar" or "aan" right after such a body, a word or two between: "(door Indigo) naar
    /// i-psy", "(door i-psy) weer terug naar", "(door Staedion) aan het wijkteam gemeld".
    TO_AFTER = r"^(?: [a-z]+){0,2}? (?:naar|aan) ";
}

patterns! {
    /// Words right before a body that place a case passed around inside it: "binnen de
    /// gemeente", "door elk van deze afdelingen van de gemeente", "binnen het UWV".
    INSIDE_BEFORE = r"(?:^|[^a-z0-9])(?:binnen|(?:afdeling|afdelingen|loket|loketten|team|teams|onderdeel|onderdelen|balie|balies|consulenten) (?:van|binnen))(?: de| het| diezelfde| dezelfde| deze)?$";

    /// "bij" right before such a body …
    AT_BEFORE = r"(?:^|[^a-z0-9])bij(?: de| het)?$";

    /// … and the round right after it: "bij gemeente Westland sturen ze hem van Wmo naar
    /// Inkomen", "bij de gemeente Den Haag van stadsdeelkantoor naar Wmo-loket gestuurd".
    ROUND_AFTER = r"^(?: [a-z-]+)?,? (?:(?:sturen|stuurt|stuurden|verwijzen|verwijst|verwees)(?-u:\b)|(?:[a-z-]+ ){0,2}?van [a-z-]+(?: [a-z-]+)? naar(?-u:\b))";
}

/// The one body a note about a case passed around says the round runs inside ("binnen de
/// gemeente ligt de casus bij Werk en Inkomen, Wmo en Leerplicht", "bij gemeente Westland
/// sturen ze hem van Wmo naar Inkomen"), when its sentence names no other body of the region
/// (a department counts as its body): that body is responsible for the round. The round's
/// shape alone is not enough; a round through the GP or a landlord names one body too.
pub fn passed_around_inside<'a>(
    normalised: &str,
    found: &[(usize, usize, &'a str)],
    role: impl Fn(&str) -> Option<&'a OrganisationRole>,
    barriers: &[&str],
    passing: Passing<'_>,
) -> Option<&'a str> {
    passing.carousel_among(barriers)?;
    let counts = |name: &str| !role(name).is_some_and(|r| r.bystander);
    let body = |name: &'a str| body_of(&role, name);
    found.iter().find_map(|&(start, end, name)| {
        let before = super::last_chars(normalised[..start].trim_end(), 40);
        let inside = INSIDE_BEFORE.is_match(before)
            || (AT_BEFORE.is_match(before) && ROUND_AFTER.is_match(&normalised[end..]));
        if !inside || !counts(name) {
            return None;
        }
        let (from, to) = super::sentence_bounds(normalised, start);
        found
            .iter()
            .filter(|&&(at, _, other)| (from..to).contains(&at) && counts(other))
            .all(|&(_, _, other)| body(other) == body(name))
            .then(|| body(name))
    })
}

/// Whether the body named at `start..end` of `normalised` sends the person on.
fn sends_on(normalised: &str, start: usize, end: usize) -> bool {
    let after = normalised.get(end..).unwrap_or_default();
    let before = normalised.get(..start).unwrap_or_default().trim_end();
    SENDS_ON_AFTER.is_match(after)
        || BACK_AFTER.is_match(after)
        || ((BY_BEFORE.is_match(before) || SENDS_BEFORE.is_match(before))
            && TO_AFTER.is_match(after))
        || BETWEEN_BEFORE.is_match(before)
}

/// Whether the body named at `start..end` of `normalised` answers ("zegt …", "zei X").
fn answers(normalised: &str, start: usize, end: usize) -> bool {
    ANSWERS_AFTER.is_match(normalised.get(end..).unwrap_or_default())
        || ANSWERS_BEFORE.is_match(normalised.get(..start).unwrap_or_default().trim_end())
}

/// The names in `found` that `holds` for at one of their places at least, each once.
fn names_where<'a>(
    found: &[(usize, usize, &'a str)],
    holds: impl Fn(usize, usize) -> bool,
) -> Vec<&'a str> {
    let mut names: Vec<&str> = found
        .iter()
        .filter(|&&(start, end, _)| holds(start, end))
        .map(|&(_, _, name)| name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The body a name counts as: a department its `part_of` body ("schuldhulp van de gemeente" is
/// the gemeente's), any other itself.
fn body_of<'a>(role: &impl Fn(&str) -> Option<&'a OrganisationRole>, name: &'a str) -> &'a str {
    role(name)
        .and_then(|r| r.part_of.as_deref())
        .unwrap_or(name)
}

/// Whether a note (`normalised`) about barriers `barriers` that names the bodies `found` (with
/// their roles) is about a case passed around by two or more (see the module comment).
pub fn passed_around<'a>(
    normalised: &str,
    found: &[(usize, usize, &'a str)],
    role: impl Fn(&str) -> Option<&'a OrganisationRole>,
    barriers: &[&str],
    passing: Passing<'_>,
) -> bool {
    let Some(carousel) = passing.carousel_among(barriers) else {
        return false;
    };
    // Beside another barrier, a body tied to that one is responsible for it ("al 9 weken
    // aangemeld bij Rivierduinen … de huisarts verwijst naar de POH, de POH naar het wijkteam"),
    // unless it sends the person on itself somewhere in the note.
    let tied_elsewhere = |name: &str| {
        role(name).is_some_and(|r| {
            !r.bystander
                && r.barriers
                    .iter()
                    .any(|b| b != carousel && barriers.contains(&b.as_str()))
        })
    };
    // Who sends the person on, and who answers, each place a body is named read once. Two or
    // more bodies answering or sending on make a round, in which each passes it on.
    let sending_on = names_where(found, |start, end| sends_on(normalised, start, end));
    let answering = names_where(found, |start, end| answers(normalised, start, end));
    let mut in_the_round: Vec<&str> = sending_on.iter().chain(&answering).copied().collect();
    in_the_round.sort_unstable();
    in_the_round.dedup();
    let round = in_the_round.len() >= 2;
    let sending = |name: &str| sending_on.contains(&name) || (round && answering.contains(&name));
    // A department counts as its body ("schuldhulp van de gemeente" is one; "hij moet
    // schuldhulp. De gemeente zegt eerst naar de Kredietbank" has the gemeente send on).
    let body = |name: &'a str| body_of(&role, name);
    if found
        .iter()
        .any(|&(_, _, name)| tied_elsewhere(name) && !sending(name) && !sending(body(name)))
    {
        return false;
    }
    let mut bodies: Vec<&str> = found
        .iter()
        .filter(|&&(_, _, name)| !role(name).is_some_and(|r| r.bystander))
        .map(|&(_, _, name)| body(name))
        .collect();
    bodies.sort_unstable();
    bodies.dedup();
    bodies.len() + passing.parties >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(barriers: &[&str], bystander: bool, part_of: Option<&str>) -> OrganisationRole {
        OrganisationRole {
            barriers: barriers.iter().map(|b| b.to_string()).collect(),
            bystander,
            secondary: false,
            part_of: part_of.map(String::from),
            generic: false,
        }
    }

    #[test]
    fn who_passes_a_case_around() {
        let roles: HashMap<&str, OrganisationRole> = [
            ("Eneco", role(&[], true, None)),
            ("gemeente", role(&["loket-drempel"], false, None)),
            ("Schuldhulpverlening", role(&[], false, Some("gemeente"))),
            ("wijkteam", role(&["doorverwijscarrousel"], false, None)),
            ("Parnassia", role(&["wachtlijst-ggz"], false, None)),
        ]
        .into_iter()
        .collect();
        let lookup = |name: &str| roles.get(name);
        let carousel = |parties| Passing {
            barrier: Some("doorverwijscarrousel"),
            parties,
        };
        let only = ["doorverwijscarrousel"];
        let with_ggz = ["wachtlijst-ggz", "doorverwijscarrousel"];
        let passed = |found: &[(usize, usize, &'static str)], barriers: &[&str], passing| {
            passed_around("", found, lookup, barriers, passing)
        };
        // Two bodies, or a body and a party.
        assert!(passed(
            &[(0, 1, "gemeente"), (5, 6, "wijkteam")],
            &only,
            carousel(0)
        ));
        assert!(passed(&[(0, 1, "wijkteam")], &only, carousel(1)));
        assert!(passed(&[], &only, carousel(2)));
        // One body alone, a creditor beside it, or a department with its body: one.
        assert!(!passed(&[(0, 1, "wijkteam")], &only, carousel(0)));
        assert!(!passed(
            &[(0, 1, "Eneco"), (5, 6, "gemeente")],
            &only,
            carousel(0)
        ));
        assert!(!passed(
            &[(0, 1, "Schuldhulpverlening"), (5, 6, "gemeente")],
            &only,
            carousel(0)
        ));
        // Not about a case passed around, or no such barrier in the rules file.
        let ggz = ["wachtlijst-ggz"];
        assert!(!passed(
            &[(0, 1, "gemeente"), (5, 6, "wijkteam")],
            &ggz,
            carousel(3)
        ));
        assert!(!passed(&[], &only, Passing::default()));
        // Beside another barrier, a body tied to that one keeps it.
        assert!(!passed(&[(0, 1, "Parnassia")], &with_ggz, carousel(3)));
        assert!(passed(&[(0, 1, "wijkteam")], &with_ggz, carousel(2)));
    }

    #[test]
    fn a_tied_body_that_sends_the_person_on_passes_it_around_too() {
        let sent = |note: &str, body: &str| {
            let start = note.find(body).expect("body in note");
            sends_on(note, start, start + body.len())
        };
        let cases = [
            (
                "parnassia zegt: 'trauma, ga naar i-psy', i-psy zegt",
                "parnassia",
                true,
            ),
            (
                "kredietbank zegt eerst naar het wijkteam",
                "kredietbank",
                true,
            ),
            ("woonbron verwijst naar de beheerder", "woonbron", true),
            ("is door portaal naar de gemeente gestuurd", "portaal", true),
            ("en door i-psy weer terug naar de huisarts", "i-psy", true),
            (
                "parnassia heeft hem doorgestuurd naar indigo",
                "parnassia",
                true,
            ),
            ("shv zegt nee dat moet de kredietbank doen", "shv", true),
            (
                "volwassen-ggz (parnassia) verwijst terug naar huisarts",
                "parnassia",
                true,
            ),
            (
                "belastingdienst (inning) verwijst voor uitleg naar toeslagen",
                "belastingdienst",
                true,
            ),
            (
                "door staedion aan het wijkteam gemeld, door het wijkteam aan",
                "staedion",
                true,
            ),
            (
                "en brijder terug naar de ggz, omdat hij eerst in zijn hoofd",
                "brijder",
                true,
            ),
            (
                "verwijst vidomes naar de ggd voor een onderzoek",
                "vidomes",
                true,
            ),
            (
                "heen en weer tussen vluchtelingenwerk, servicepunt xl, duo en toeslagen",
                "toeslagen",
                true,
            ),
            (
                "heen en weer tussen vluchtelingenwerk, servicepunt xl, duo en toeslagen",
                "duo",
                true,
            ),
            // Waiting at it, or sending someone to it, is not sending on.
            (
                "al 9 weken aangemeld bij rivierduinen, de huisarts verwijst",
                "rivierduinen",
                false,
            ),
            (
                "de huisarts stuurt naar parnassia. daar wachtlijst",
                "parnassia",
                false,
            ),
            (
                "parnassia zegt dat de wachtlijst 5 maanden is",
                "parnassia",
                false,
            ),
            (
                "verwijst naar parnassia, daar wachtlijst",
                "parnassia",
                false,
            ),
            (
                "heen en weer geweest. wacht op parnassia",
                "parnassia",
                false,
            ),
        ];
        for (note, body, sends) in cases {
            assert_eq!(sent(note, body), sends, "{note}");
        }
    }

    /// One body that answers is no round ("Parnassia zegt dat …"); two or more that answer
    /// pass the case around, each of them, even when tied to another of the note's barriers.
    #[test]
    fn a_round_of_answers_passes_a_case_around() {
        let roles: HashMap<&str, OrganisationRole> = [
            ("Woonbron", role(&["corporatie-reactietijd"], false, None)),
            ("gemeente", role(&["loket-drempel"], false, None)),
            ("Parnassia", role(&["wachtlijst-ggz"], false, None)),
        ]
        .into_iter()
        .collect();
        let lookup = |name: &str| roles.get(name);
        let carousel = Passing {
            barrier: Some("doorverwijscarrousel"),
            parties: 1,
        };
        let found = |note: &str, names: &[(&str, &'static str)]| {
            names
                .iter()
                .flat_map(|&(word, name)| {
                    note.match_indices(word)
                        .map(move |(at, w)| (at, at + w.len(), name))
                })
                .collect::<Vec<_>>()
        };
        let note =
            "woonbron zegt: politie. politie zegt: woonbron. gemeente zegt melden bij woonbron.";
        let bodies = found(note, &[("woonbron", "Woonbron"), ("gemeente", "gemeente")]);
        let barriers = ["corporatie-reactietijd", "doorverwijscarrousel"];
        assert!(passed_around(note, &bodies, lookup, &barriers, carousel));
        let note = "ze was naar het servicepunt gegaan, die zeggen ga naar parnassia";
        let bodies = found(
            note,
            &[("servicepunt", "gemeente"), ("parnassia", "Parnassia")],
        );
        let barriers = ["wachtlijst-ggz", "doorverwijscarrousel"];
        assert!(
            !passed_around(note, &bodies, lookup, &barriers, carousel),
            "one answers; Parnassia is waited for"
        );
        let note = "toen zei woonbron dat het om zorg ging. de gemeente stuurde het door naar ons";
        let bodies = found(note, &[("woonbron", "Woonbron"), ("gemeente", "gemeente")]);
        let barriers = ["corporatie-reactietijd", "doorverwijscarrousel"];
        assert!(
            passed_around(note, &bodies, lookup, &barriers, carousel),
            "one answers, the other sends on"
        );
        let barriers = ["wachtlijst-ggz", "doorverwijscarrousel"];
        let note = "parnassia zegt dat de wachtlijst 5 maanden is, de huisarts stuurt naar de poh";
        let bodies = found(note, &[("parnassia", "Parnassia")]);
        assert!(!passed_around(note, &bodies, lookup, &barriers, carousel));
    }

    #[test]
    fn parties_count_once_and_only_for_the_barrier() {
        let parties = Parties::new(
            "doorverwijscarrousel",
            &[
                ("huisarts".into(), vec!["huisarts".into(), "HA".into()]),
                ("poh".into(), vec!["poh".into()]),
            ],
            |w| w.to_lowercase(),
        )
        .expect("parties");
        let note = "de ha stuurt naar de poh, de poh terug naar de huisarts; pohs";
        assert_eq!(parties.passing(note, &["doorverwijscarrousel"]).parties, 2);
        assert_eq!(parties.passing(note, &["wachtlijst-ggz"]).parties, 0);
        assert_eq!(
            parties
                .passing("haar ohw", &["doorverwijscarrousel"])
                .parties,
            0,
            "whole words only"
        );
        assert!(Parties::new("x", &[("a".into(), vec![" ".into()])], |w| w.to_string()).is_err());
    }
}
