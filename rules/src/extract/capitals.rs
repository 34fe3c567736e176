//! Organisation names that count only when the note writes their capitals. A name that is also
//! a common phrase (`capitalised = true` in the rules file: "De Sleutels", "Portaal", "Ons
//! Doel") counts only when one of its aliases is written with a capital somewhere in the note:
//! "de sleutels inleveren" and "via het portaal" name no corporation. An alias the rules file
//! writes with capitals ("de Raad") counts only where the note writes those capitals too: "de
//! raad van de huisarts" names no Raad voor de Kinderbescherming. Where only a name fits, such
//! a name counts written lower-case too: right after "bij", "naar" or "aan" without an article,
//! where a common noun would have one ("durft het niet door te geven bij toeslagen", "melding
//! bij portaal"), right after calling or mailing ("belt toeslagen") or right before its
//! participle ("3x portaal gebeld"), after "van" following
//! a letter, a phone line or a form ("de brieven van
//! toeslagen", "de telefoon van toeslagen"), alone in brackets ("flat in de merenwijk
//! (portaal)", "(de sleutels)"), or as the subject of what a body does, its verb in the singular
//! where the common noun would take the plural ("bang dat de toeslagen alles terugvordert"
//! against "haar toeslagen stoppen"; "de sleutels reageert niet", "ons doel heeft niets laten
//! horen": a writer who writes no capitals at all names a body so).

use std::collections::HashMap;

/// The register's names and aliases that need their capitals.
#[derive(Debug, Clone, Default)]
pub struct WrittenCapitals {
    /// Names counted only when one of their aliases (normalised) is written with a capital.
    names: HashMap<String, Vec<String>>,
    /// Aliases counted only where written with the capitals the rules file gives them, by
    /// normalised alias.
    aliases: HashMap<String, String>,
}

impl WrittenCapitals {
    /// From the register's normalised aliases with their canonical names, the names counted
    /// only with a capital, and the aliases as the rules file writes them (those with a capital
    /// in them count only with it).
    pub fn new<'a>(
        aliases: impl IntoIterator<Item = (&'a str, &'a str)>,
        capitalised_names: &[&str],
        written_aliases: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for (alias, name) in aliases {
            if capitalised_names.contains(&name) {
                names
                    .entry(name.to_string())
                    .or_default()
                    .push(alias.to_string());
            }
        }
        let aliases = written_aliases
            .into_iter()
            .map(str::trim)
            .filter(|alias| alias.chars().any(char::is_uppercase))
            .map(|alias| (knooppunt_domain::text::normalise(alias), alias.to_string()))
            .collect();
        Self { names, aliases }
    }

    /// Drops from `named` (where, end and canonical name of each alias found in `normalised`)
    /// the names and aliases `text` (the note as written) does not write with their capitals.
    pub fn retain_written(
        &self,
        named: &mut Vec<(usize, usize, Option<&str>)>,
        text: &str,
        normalised: &str,
    ) {
        if !self.names.is_empty() {
            named.retain(|&(start, end, name)| {
                name.and_then(|name| self.names.get(name))
                    .is_none_or(|aliases| {
                        aliases.iter().any(|a| written_capitalised(text, a))
                            || only_a_name_fits(normalised, start, end)
                    })
            });
        }
        if !self.aliases.is_empty() {
            named.retain(|&(start, end, _)| {
                normalised
                    .get(start..end)
                    .and_then(|alias| self.aliases.get(alias))
                    .is_none_or(|written| {
                        written_with_capitals(text, written)
                            || only_a_name_fits(normalised, start, end)
                    })
            });
        }
    }
}

/// Words before "van" after which only a body fits: "de brieven van toeslagen" (against
/// "afhankelijk van toeslagen", the allowances).
const OF_A_BODY: [&str; 12] = [
    "brief",
    "brieven",
    "telefoon",
    "website",
    "site",
    "app",
    "formulier",
    "formulieren",
    "medewerker",
    "medewerkers",
    "loket",
    "beslissing",
];

/// Verbs in the singular of what a body does: after a plural common noun ("toeslagen") one of
/// them shows the name ("de toeslagen haalt alles terug").
const A_BODY_DOES: [&str; 14] = [
    "terugvordert",
    "vordert",
    "terugvraagt",
    "herberekent",
    "verrekent",
    "verlaagt",
    "kort",
    "stopt",
    "controleert",
    "ontdekt",
    "haalt",
    "stuurt",
    "eist",
    "wil",
];

/// The words of `after` up to the end of its clause (the first character that is neither
/// alphanumeric nor a space).
pub(crate) fn clause_words(after: &str) -> impl Iterator<Item = &str> {
    after
        .split(|c: char| !c.is_alphanumeric() && c != ' ')
        .next()
        .unwrap_or_default()
        .split(' ')
        .filter(|word| !word.is_empty())
}

/// Whether one of the first four words of `after` (in its clause) is one of [`A_BODY_DOES`].
fn a_body_does(after: &str) -> bool {
    clause_words(after)
        .take(4)
        .any(|word| A_BODY_DOES.contains(&word))
}

/// Participles of calling or mailing someone, read right after a name without an article.
const CONTACTED: [&str; 5] = [
    "gebeld",
    "gemaild",
    "aangeschreven",
    "geappt",
    "teruggebeld",
];

/// Verbs in the singular of what a body does or did, read right after a name: "de sleutels
/// reageert niet", "portaal heeft nooit teruggebeld". Not the verbs a common noun takes as
/// readily ("is", "was", "wordt", "blijft": "ons doel is een woning").
const A_BODY_ACTS: [&str; 24] = [
    "reageert",
    "reageerde",
    "heeft",
    "had",
    "dreigt",
    "dreigde",
    "zegt",
    "zei",
    "geeft",
    "gaf",
    "doet",
    "deed",
    "komt",
    "kwam",
    "weigert",
    "weigerde",
    "belt",
    "belde",
    "laat",
    "liet",
    "antwoordt",
    "stuurde",
    "wil",
    "wilde",
];

/// Who may follow a verb as its subject when a sentence opens with its object: "de sleutels
/// heeft hij ingeleverd" names no body.
const SUBJECTS: [&str; 12] = [
    "hij", "zij", "ze", "we", "wij", "ik", "je", "jij", "u", "men", "mevrouw", "meneer",
];

/// Whether the alias (whose last word is a plural, "de sleutels", or which has no article,
/// "portaal") is the subject of a body's verb in the singular right after it, and not the
/// object a sentence opens with; after an article only when it is an abbreviation ("de kb
/// heeft").
fn acts_right_after(alias: &str, before: &str, after: &str) -> bool {
    let plural = alias.ends_with('s') || alias.ends_with("en");
    let bare = !alias.starts_with("de ") && !alias.starts_with("het ");
    // An abbreviation without a vowel ("kb", "hw") is no common noun: "de kb heeft" is a body.
    let abbreviation = !alias.contains(['a', 'e', 'i', 'o', 'u', 'y']);
    let article = before.ends_with("het ") || (before.ends_with("de ") && !abbreviation);
    if !(plural || bare) || article {
        return false;
    }
    let mut words = clause_words(after);
    words.next().is_some_and(|verb| A_BODY_ACTS.contains(&verb))
        && words
            .next()
            .is_none_or(|subject| !SUBJECTS.contains(&subject))
}

/// The word that ends `text`: "" when it ends with a space or punctuation.
fn last_word(text: &str) -> &str {
    text.char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text, |(i, c)| &text[i + c.len_utf8()..])
}

/// Whether only a name fits where the alias at `start..end` of `normalised` stands: alone in
/// brackets, or — when it begins with no article itself — right after a bare "bij", "naar" or
/// "aan" or a verb of calling or mailing ("belt toeslagen": one calls a body), or after "van"
/// following one of [`OF_A_BODY`] ("bij toeslagen" against "bij de
/// toeslagen"; "bij de sleutels" stays a phrase), or with a verb of [`A_BODY_DOES`] after it,
/// or as the subject of a verb of [`A_BODY_ACTS`] right after it ([`acts_right_after`]: "de
/// sleutels reageert niet", where the plural common noun would take "reageren").
fn only_a_name_fits(normalised: &str, start: usize, end: usize) -> bool {
    let alias = normalised.get(start..end).unwrap_or_default();
    let before = normalised.get(..start).unwrap_or_default();
    let after = normalised.get(end..).unwrap_or_default();
    if before.ends_with('(') && after.starts_with(')') {
        return true;
    }
    if acts_right_after(alias, before, after) {
        return true;
    }
    if alias.starts_with("de ") || alias.starts_with("het ") {
        return false;
    }
    // ("het portaal stuurt je door": a neuter common noun.)
    if a_body_does(after) && !before.ends_with("het ") {
        return true;
    }
    // Called or mailed, the participle right after it ("3x portaal gebeld"): one calls a body.
    if !before.ends_with("het ")
        && clause_words(after)
            .next()
            .is_some_and(|word| CONTACTED.contains(&word))
    {
        return true;
    }
    let bare = [
        "bij ", "naar ", "aan ", "belt ", "belde ", "bellen ", "mailt ", "mailde ", "mailen ",
    ]
    .iter()
    .any(|preposition| {
        before
            .strip_suffix(preposition)
            .is_some_and(|rest| last_word(rest).is_empty())
    });
    bare || before
        .strip_suffix(" van ")
        .is_some_and(|rest| OF_A_BODY.contains(&last_word(rest.trim_end())))
}

/// Whether `text` writes `alias` (normalised, ASCII) somewhere as a word with a capital in it
/// ("De Sleutels", "de Sleutels").
fn written_capitalised(text: &str, alias: &str) -> bool {
    written_as(text, alias, false, |window| {
        window.chars().any(char::is_uppercase)
    })
}

/// Whether `text` writes `alias` (as the rules file writes it, e.g. "de Raad") somewhere as
/// words with at least its capitals.
fn written_with_capitals(text: &str, alias: &str) -> bool {
    written_as(text, alias, true, |window| {
        window
            .chars()
            .zip(alias.chars())
            .all(|(w, a)| !a.is_uppercase() || w.is_uppercase())
    })
}

/// Whether `text` writes `alias` (ignoring ASCII case) somewhere after a word boundary (and
/// before one too, when `whole`) so that `written` holds for what it wrote.
fn written_as(text: &str, alias: &str, whole: bool, written: impl Fn(&str) -> bool) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.char_indices().any(|(i, _)| {
        text.get(i..i + alias.len())
            .is_some_and(|window| window.eq_ignore_ascii_case(alias) && written(window))
            && boundary(text[..i].chars().next_back())
            && (!whole || boundary(text[i + alias.len()..].chars().next()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many of the places `text` names `alias` (normalised) as `name` `capitals` keeps.
    fn kept(capitals: &WrittenCapitals, text: &str, alias: &str, name: &str) -> usize {
        let normalised = knooppunt_domain::text::normalise(text);
        let mut found: Vec<(usize, usize, Option<&str>)> = normalised
            .match_indices(alias)
            .map(|(start, m)| (start, start + m.len(), Some(name)))
            .collect();
        capitals.retain_written(&mut found, text, &normalised);
        found.len()
    }

    #[test]
    fn a_common_phrase_names_a_body_only_with_a_capital() {
        let capitals = WrittenCapitals::new(
            [("de sleutels", "De Sleutels"), ("staedion", "Staedion")],
            &["De Sleutels"],
            ["de sleutels", "staedion"],
        );
        let named = |text: &str| kept(&capitals, text, "de sleutels", "De Sleutels");
        assert_eq!(
            named("in de flat van mn tante (de sleutels) wordt gedeald"),
            1
        );
        assert_eq!(named("Hij moet de sleutels inleveren"), 0);
        // Once written with a capital, the name counts wherever the note names it.
        assert_eq!(
            named("Huurder van De Sleutels moet de sleutels inleveren"),
            2
        );
        assert_eq!(named("woning van de Sleutels"), 1);
        // An article of its own keeps it a phrase after a preposition too.
        assert_eq!(named("kan niet bij de sleutels"), 0);
    }

    #[test]
    fn where_only_a_name_fits_it_counts_lower_case() {
        let capitals = WrittenCapitals::new(
            [
                ("portaal", "Portaal"),
                ("toeslagen", "Toeslagen"),
                ("de sleutels", "De Sleutels"),
                ("ons doel", "Ons Doel"),
            ],
            &["Portaal", "De Sleutels", "Ons Doel"],
            ["portaal", "Toeslagen", "de sleutels", "ons doel"],
        );
        #[rustfmt::skip]
        let cases = [
            ("ze durft het niet door te geven bij toeslagen", "toeslagen", "Toeslagen", 1),
            ("al drie keer gemeld bij portaal, niks", "portaal", "Portaal", 1),
            ("brief gestuurd naar toeslagen", "toeslagen", "Toeslagen", 1),
            // Called or mailed: only a body is.
            ("belt toeslagen maar komt er niet door", "toeslagen", "Toeslagen", 1),
            ("ik mailde portaal twee keer", "portaal", "Portaal", 1),
            ("3x portaal gebeld, elke keer een ander nummer", "portaal", "Portaal", 1),
            ("toeslagen gemaild en nog niks gehoord", "toeslagen", "Toeslagen", 1),
            ("het portaal gebeld? nee, de bel", "portaal", "Portaal", 0),
            ("ze bellen over de toeslagen", "toeslagen", "Toeslagen", 0),
            // The subject of what a body does, its verb in the singular.
            ("bang dat de toeslagen weer alles terugvordert", "toeslagen", "Toeslagen", 1),
            ("bang dat toeslagen dan alles herberekent", "toeslagen", "Toeslagen", 1),
            ("bang dat haar toeslagen dan stoppen", "toeslagen", "Toeslagen", 0),
            ("de toeslagen zijn te laag. hij wil meer", "toeslagen", "Toeslagen", 0),
            ("het portaal stuurt je door", "portaal", "Portaal", 0),
            ("moet geld terugbetalen aan toeslagen", "toeslagen", "Toeslagen", 1),
            // With an article, or after another word: the allowances and the stairwell.
            ("hulp bij de toeslagen aanvragen", "toeslagen", "Toeslagen", 0),
            ("haar toeslagen stopten", "toeslagen", "Toeslagen", 0),
            ("rommel in het portaal", "portaal", "Portaal", 0),
            ("loopt naar het portaal", "portaal", "Portaal", 0),
            // A whole word before it: "schijnbij" is no "bij".
            ("schijnbij toeslagen", "toeslagen", "Toeslagen", 0),
            // After "van" only following a letter, a phone line or a form.
            ("ik lees die brieven van toeslagen niet", "toeslagen", "Toeslagen", 1),
            ("de telefoon van toeslagen is altijd bezet", "toeslagen", "Toeslagen", 1),
            ("ze is afhankelijk van toeslagen", "toeslagen", "Toeslagen", 0),
            // Alone in brackets, with its article or not.
            ("flat in de merenwijk (portaal): lift kapot", "portaal", "Portaal", 1),
            ("rommel in het portaal (portaal is vies)", "portaal", "Portaal", 0),
            // Right before a body's verb in the singular, which a plural common noun does not
            // take.
            ("de sleutels reageert al 3 weken niet op mail", "de sleutels", "De Sleutels", 1),
            ("de sleutels heeft de deurwaarder gestuurd", "de sleutels", "De Sleutels", 1),
            ("ons doel heeft na de melding niets laten horen", "ons doel", "Ons Doel", 1),
            ("portaal reageert al 6 weken niet", "portaal", "Portaal", 1),
            // A sentence that opens with its object: the subject follows the verb.
            ("de sleutels heeft hij vorige week ingeleverd", "de sleutels", "De Sleutels", 0),
            // Verbs a common noun takes as readily, and a verb further on.
            ("ons doel is een eigen woning voor haar", "ons doel", "Ons Doel", 0),
            ("hij moet de sleutels inleveren, zegt de deurwaarder", "de sleutels", "De Sleutels", 0),
            // The common noun with its article.
            ("het portaal heeft een kapotte lamp", "portaal", "Portaal", 0),
            ("ze gaf mij de sleutels", "de sleutels", "De Sleutels", 0),
            // An abbreviation without a vowel is no common noun, with its article or not.
            ("de kb heeft de aanvraag al weken liggen", "kb", "Kredietbank", 1),
        ];
        for (text, alias, name, count) in cases {
            assert_eq!(kept(&capitals, text, alias, name), count, "{text}");
        }
    }

    #[test]
    fn an_alias_written_with_capitals_counts_only_with_them() {
        let capitals = WrittenCapitals::new(
            [("de raad", "Raad voor de Kinderbescherming")],
            &[],
            ["de Raad", "raad voor de kinderbescherming"],
        );
        let kept = |text: &str| kept(&capitals, text, "de raad", "Raad voor de Kinderbescherming");
        assert_eq!(kept("bang dat de Raad komt"), 1);
        assert_eq!(kept("De Raad komt langs"), 1);
        assert_eq!(kept("de raad van de huisarts opvolgen"), 0);
        // A whole word only: "de Raadsman" is no Raad.
        assert_eq!(kept("via de Raadsman"), 0);
    }

    #[test]
    fn the_rule_set_reads_a_capitalised_alias_only_with_its_capital() {
        let rules = crate::ruleset::RuleSet::default_rules().expect("default rules");
        let org = |text: &str| rules.analyse(text).organisation;
        // (with the capital, without it, the body)
        let cases = [
            (
                "Moeder zegt niets over de klappen, bang dat dan de Raad komt en de kinderen meeneemt.",
                "Moeder zegt niets over de klappen, bang dat ze de raad van de huisarts moet opvolgen en jeugdzorg de kinderen meeneemt.",
                "Raad voor de Kinderbescherming",
            ),
            (
                "Ze durft haar bijbaan niet op te geven, bang dat Toeslagen alles terugvordert.",
                "Ze durft haar bijbaan niet op te geven, bang dat haar toeslagen dan stoppen.",
                "Toeslagen",
            ),
            (
                "De lift van de seniorenflat is al zes weken kapot; Woonzorg zegt steeds dat het onderdeel besteld is.",
                "De lift van de seniorenflat is al zes weken kapot; de woonzorg in de wijk zegt steeds dat het onderdeel besteld is.",
                "Woonzorg Nederland",
            ),
        ];
        for (capital, lower, body) in cases {
            assert_eq!(org(capital), Some(body), "{capital}");
            assert_ne!(org(lower), Some(body), "{lower}");
        }
    }
}
