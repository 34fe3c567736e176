//! Names after a title of address, a relation or "heet": "mevrouw De Vries", "dhr. J.P. van
//! der Laak", "neef Karim", "hij heet keyvan". The words between (initials, particles) are
//! skipped here; where the name ends is [`super::extend`]'s.

use super::extend;
use super::lexicon::{
    follows_a_title_as_a_word, is_abbreviated_title, is_determiner, is_family, is_honorific,
    is_not_a_name_after_heet, is_place_adverb, is_place_noun, is_place_surname, is_plain_relation,
    is_service_word, is_surname_particle,
};
use super::words::{adjacent, capitalised, with_lower, Words};

/// When word `i` is a title or "heet" followed by a name: the byte where the name starts and
/// the index after its last word.
pub(super) fn name_after_title(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    if !all.title(i) {
        return None;
    }
    let title = all.word(i);
    let mut j = i + 1;
    // "naam is …"
    let naam = all.lower_is(i, "naam");
    if naam && j < all.len() && all.word(j).text == "is" {
        j += 1;
    }
    if j >= all.len() {
        return None;
    }
    let gap = &text[title.end..all.word(j).start];
    if with_lower(title.text, is_plain_relation) {
        return name_after_plain_relation(text, all, j, gap);
    }
    // "moeder (ingrid)": in brackets after a word only a name the lists know, not ambiguous,
    // so "Moeder (Syrische achtergrond)" and "Cliënt (Wajong)" stay.
    if let Some(gap) = gap.strip_suffix('(') {
        let closes = text[all.word(j).end..].starts_with([')', ',']);
        let known = all.name(j) == Some(false) && !all.protected(j) && !all.role(j);
        return (title_gap(gap, false) && closes && known).then(|| (all.word(j).start, j + 1));
    }
    if !title_gap(gap, with_lower(title.text, is_abbreviated_title)) {
        return None;
    }
    let after = with_lower(title.text, |t| AfterTitle {
        text,
        all,
        j,
        family: is_family(t),
        honorific: is_honorific(t),
        heet: matches!(t, "heet" | "heette" | "genaamd" | "alias") && !welcomes(all, j),
    });
    let (k, first_particle) = after.surname_start()?;
    if !after.starts_name(k, first_particle) {
        return None;
    }
    let end = extend(text, all, k, 4);
    // "de mevrouw van het Wijkteam", "de meneer van de Sociale Dienst": after particles, a
    // word of a service that no list knows as a name makes the words a body, not a surname;
    // so does one written right after them in lower case ("van de Sociale dienst").
    let next =
        (end < all.len() && adjacent(text, &all.word(end - 1), &all.word(end))).then_some(end);
    let service = k > first_particle
        && (k..end)
            .chain(next)
            .any(|p| all.name(p).is_none() && with_lower(all.word(p).text, is_service_word));
    (!service).then(|| (all.word(j).start, end))
}

/// "heet … welkom": "heet" welcomes someone here ("de voorzitter heet de nieuwe vrijwilliger
/// welkom"), so the words after it are no name unless they look like one (capitalised, or a
/// name the lists know).
fn welcomes(all: &Words<'_>, j: usize) -> bool {
    (j..all.len().min(j + 5)).any(|k| all.lower_is(k, "welkom"))
}

/// The words after a title: `j`, the first word after it, and what kind of title it is (read
/// from its lower case once).
struct AfterTitle<'a, 'w> {
    text: &'a str,
    all: &'a Words<'w>,
    j: usize,
    /// "fam.", "familie", "gezin".
    family: bool,
    /// A title of address ("mevrouw", "dhr.").
    honorific: bool,
    /// "heet", "genaamd": any word after it is a name.
    heet: bool,
}

impl AfterTitle<'_, '_> {
    /// `k`, the surname's first word, and where the particles before it start; `None` when
    /// the words after the title cannot be a name's.
    fn surname_start(&self) -> Option<(usize, usize)> {
        let (text, all, j) = (self.text, self.all, self.j);
        if self.family {
            // "fam. de Vries", but "een gezin in de Merenwijk", "de familie op de hoek".
            let mut k = j;
            while k + 1 < all.len() && with_lower(all.word(k).text, is_surname_particle) {
                k += 1;
            }
            // After particles only a surname from the gazetteer: "familie van Turkse afkomst".
            if !capitalised(all.word(k).text) || (k > j && all.name(k).is_none()) {
                return None;
            }
            return Some((k, j));
        }
        let after_initials = skip_initials(text, all, j);
        let k = skip_particles(
            text,
            all,
            skip_abbreviated_particles(text, all, after_initials),
        );
        // After a relation ("neef", "schoonvader") only a surname's particles: "neef in
        // Rotterdam-Zuid", "schoonvader in Duitsland" name a place.
        let place = !self.honorific
            && (after_initials..k).any(|p| !with_lower(all.word(p).text, is_surname_particle));
        (!place).then_some((k, after_initials))
    }

    /// Whether word `k` (after particles from `first_particle`) starts a name.
    fn starts_name(&self, k: usize, first_particle: usize) -> bool {
        let all = self.all;
        let word = all.word(k).text;
        (!all.protected(k) || self.place_surname(k, first_particle))
            && ((capitalised(word) && !(k > self.j && origin_adjective(all, k)))
                || ((all.name(k).is_some_and(|ambiguous| !ambiguous || k > self.j)
                    || self.lower_surname(k))
                    && !(k > self.j && self.ordinary_words_after_van(k)))
                || self.named(k))
            && !all.role(k)
            && !all.particle(k)
            // "bij mw. Zoon slaapt op de bank": a relation that no list knows as a name.
            && !(all.title(k) && all.name(k).is_none())
    }

    /// Whether word `k`, in lower case after particles, reads as ordinary words: a place
    /// ("de buurvrouw van boven"), a determiner ("de zoon van die vrouw") or, after "de" or
    /// "het" after "van", "op", "om" or "aan", a part of the street or building ("de meneer op
    /// de hoek", "mevrouw van de galerij"; "van der hoek", "van den hoek" and "mevrouw de
    /// hoek" stay surnames).
    fn ordinary_words_after_van(&self, k: usize) -> bool {
        let all = self.all;
        with_lower(all.word(k).text, |w| is_place_adverb(w) || is_determiner(w))
            || (k >= self.j + 2
                && all.lower_is_any(k - 2, &["van", "op", "om", "aan"])
                && all.lower_is_any(k - 1, &["de", "het"])
                && with_lower(all.word(k).text, is_place_noun))
    }

    /// After a title and particles any name from the gazetteer counts, also in lower case
    /// ("meneer de jong", "mw de boer"); right after a title of address a surname that is also
    /// a Dutch word too ("mw. bos", "meneer storm"), unless it reads as the sentence's next
    /// word ("mevrouw werd boos").
    fn lower_surname(&self, k: usize) -> bool {
        self.honorific
            && self.all.slots[k].surname
            && !with_lower(self.all.word(k).text, follows_a_title_as_a_word)
    }

    /// After "heet" or "genaamd" any word is a name, also in lower case ("hij heet keyvan").
    fn named(&self, k: usize) -> bool {
        let word = self.all.word(k).text;
        self.heet
            && word.chars().count() >= 3
            && !with_lower(word, |w| is_determiner(w) || is_not_a_name_after_heet(w))
    }

    /// A place that is also a surname, alone, after a title of address and "van" (with any
    /// particles after it) or right after the title: "mevrouw Van Delft", "dhr. van der Laak",
    /// "de heer Utrecht". Not "een mevrouw in Delft" ("in" is a particle too, as in "In 't
    /// Veld"), "Mw. Leiden Zuid-West" (a capitalised word after a place right after the title)
    /// or "de meneer van Rijswijk Wonen" (a protected word after it: a longer phrase, or
    /// another place).
    fn place_surname(&self, k: usize, first_particle: usize) -> bool {
        let (text, all) = (self.text, self.all);
        let after_van = k > first_particle && all.lower_is_any(first_particle, &["van", "v", "vd"]);
        // Right after the title only with no capitalised word after it: "de heer Utrecht
        // belde", but "Mw. Leiden Zuid-West", "mevrouw Delft Centrum".
        let alone = k == first_particle
            && !(k + 1 < all.len()
                && adjacent(text, &all.word(k), &all.word(k + 1))
                && capitalised(all.word(k + 1).text));
        (after_van || alone)
            && with_lower(all.word(k).text, is_place_surname)
            && self.honorific
            && !(k + 1 < all.len() && all.protected(k + 1))
    }
}

/// After a relation that is also a plain noun or English ([`is_plain_relation`]): word `j`,
/// after `gap`, when it is a capitalised name right after it (spaces only between).
fn name_after_plain_relation(
    text: &str,
    all: &Words<'_>,
    j: usize,
    gap: &str,
) -> Option<(usize, usize)> {
    let plain = !gap.is_empty() && gap.bytes().all(|b| b == b' ');
    let word = all.word(j).text;
    // Not an initial ("Brother K."), kept as after every title, nor an adjective of
    // origin that no list knows as a name ("mijn vriendin Marokkaanse …").
    let name = capitalised(word)
        && word.chars().nth(1).is_some()
        && !origin_adjective(all, j)
        && !all.protected(j)
        && !all.role(j)
        && !all.particle(j)
        && !all.title(j);
    (plain && name).then(|| (all.word(j).start, extend(text, all, j, 4)))
}

/// Whether word `j` is an adjective of origin that no list knows as a name ("Marokkaanse",
/// "Syrische", "de buurman van Poolse afkomst").
fn origin_adjective(all: &Words<'_>, j: usize) -> bool {
    let word = all.word(j).text;
    all.name(j).is_none() && word.len() >= 5 && (word.ends_with("se") || word.ends_with("sche"))
}

/// Whether the gap between a title and the next word fits it: spaces, a full stop after an
/// abbreviation ("dhr. Jansen"), a colon after a word ("heet: Jansen").
pub(super) fn title_gap(gap: &str, abbreviation: bool) -> bool {
    !gap.is_empty()
        && gap
            .chars()
            .all(|c| c == ' ' || (c == '.' && abbreviation) || (c == ':' && !abbreviation))
}

/// Skips initials from word `j` on ("dhr. J.P. Verhagen", "mw. A. de Vries") to the word
/// after them: single capitals each followed by a full stop and another word.
fn skip_initials(text: &str, all: &Words<'_>, j: usize) -> usize {
    let mut k = j;
    while k + 1 < all.len() {
        let word = all.word(k);
        let initial = word.text.len() == 1 && word.text.bytes().all(|b| b.is_ascii_uppercase());
        // A full stop and at most two spaces: "J.P.", "A. de Vries".
        let gap = &text[word.end..all.word(k + 1).start];
        let stop = gap
            .strip_prefix('.')
            .is_some_and(|rest| rest.len() <= 2 && rest.bytes().all(|b| b == b' '));
        if !(initial && stop) {
            break;
        }
        k += 1;
    }
    k
}

/// Skips abbreviated particles from word `j` on, each with its full stop: "v.d. Meer", "v.
/// Dijk", "vd. Berg", or written with a slash: "v/d Berg" ("v" and "d" are no particles on
/// their own, and their full stop keeps them from [`skip_particles`]'s "side by side").
pub(super) fn skip_abbreviated_particles(text: &str, all: &Words<'_>, j: usize) -> usize {
    let mut k = j;
    while k + 1 < all.len() && all.lower_is_any(k, &["v", "vd", "d"]) {
        let gap = &text[all.word(k).end..all.word(k + 1).start];
        let slash = gap == "/" && all.lower_is(k, "v") && all.lower_is(k + 1, "d");
        let after_slash = gap == " " && k > j && all.lower_is(k, "d") && {
            let before = &text[all.word(k - 1).end..all.word(k).start];
            before == "/"
        };
        if !(matches!(gap, "." | ". ") || slash || after_slash) {
            break;
        }
        k += 1;
    }
    k
}

/// Skips the particles from word `j` on ("van der …") to the word that decides; a particle is
/// skipped only when a word stands right after it.
pub(super) fn skip_particles(text: &str, all: &Words<'_>, j: usize) -> usize {
    let mut k = j;
    while k < all.len()
        && all.particle(k)
        && k + 1 < all.len()
        && adjacent(text, &all.word(k), &all.word(k + 1))
    {
        k += 1;
    }
    k
}
