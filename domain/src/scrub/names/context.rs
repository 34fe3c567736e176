//! Names that the words around them point out: what someone is called ("we noemen hem
//! Moes", "bijnaam Woutje"), a name between "tel" and its number, and the items of a list
//! beside names found ("[NAAM], Kimi, Jeanelly"), a name before a title that follows it
//! ("Remziye teyze").

use super::lexicon::{is_common_word, is_determiner, is_not_a_name_after_heet};
use super::words::{adjacent, capitalised, sentence_start, with_lower, Words};
use super::{extend, title_gap};

/// Whether `word` starts with one of the ASCII letters `first` (lower case), in either case.
fn starts_with_any(word: &str, first: &[u8]) -> bool {
    word.as_bytes()
        .first()
        .is_some_and(|b| first.contains(&b.to_ascii_lowercase()))
}

/// A name (often a nickname) after words that say what someone is called: "we noemen hem
/// Moes", "hij noemt zich Segun", "zeg maar Truusje", "wij zeggen gewoon Pakkie", "bijnaam
/// 'kleine'". The word after them is a name when it is capitalised, on the lists, or (after
/// "bijnaam" and "roepnaam") any word of three letters or more.
pub(super) fn name_called(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    // Most words start with another letter: one byte says so, before any comparison.
    if !starts_with_any(all.word(i).text, b"brnz") {
        return None;
    }
    let is = |k: usize, words: &[&str]| k < all.len() && all.lower_is_any(k, words);
    let (j, any_word) = if is(i, &["bijnaam", "roepnaam", "bijgenaamd"]) {
        (i + 1, true)
    } else if (is(i, &["noemt", "noemen", "noemde", "noemden"])
        && is(i + 1, &["hem", "haar", "zich", "zichzelf"]))
        || (is(i, &["zeg", "zegt", "zeggen"]) && is(i + 1, &["maar", "gewoon"]))
    {
        (i + 2, false)
    } else {
        return None;
    };
    if j >= all.len() {
        return None;
    }
    // Only spaces, a colon or an opening quote between: "bijnaam: Kleine", "bijnaam 'kleine'".
    let gap = &text[all.word(j - 1).end..all.word(j).start];
    if !gap
        .chars()
        .all(|c| matches!(c, ' ' | ':' | '\'' | '‘' | '"' | '“'))
    {
        return None;
    }
    let word = all.word(j).text;
    let plain = !all.protected(j)
        && !all.role(j)
        && !all.title(j)
        && !all.particle(j)
        && !with_lower(word, |w| is_determiner(w) || is_not_a_name_after_heet(w));
    let named = capitalised(word)
        || all.name(j).is_some()
        || (any_word && word.chars().count() >= 3 && word.chars().all(char::is_alphabetic));
    (plain && named).then(|| (all.word(j).start, extend(text, all, j, 2)))
}

/// A name between "tel" and the number it gives: "Tel Gosi 06 …", "tel. Li Na +31 6 …". One
/// or two capitalised words (not an acronym, a body, a role or a title), then the number.
pub(super) fn name_before_phone(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    if !starts_with_any(all.word(i).text, b"tmg")
        || !all.lower_is_any(i, &["tel", "telefoon", "mobiel", "gsm"])
    {
        return None;
    }
    let j = i + 1;
    if j >= all.len() || !title_gap(&text[all.word(i).end..all.word(j).start], true) {
        return None;
    }
    let is_name_word = |k: usize| {
        let word = all.word(k).text;
        capitalised(word)
            && word.chars().any(char::is_lowercase)
            && !all.protected(k)
            && !all.role(k)
            && !all.title(k)
            && !with_lower(word, is_common_word)
    };
    if !is_name_word(j) {
        return None;
    }
    let end = if j + 1 < all.len()
        && adjacent(text, &all.word(j), &all.word(j + 1))
        && is_name_word(j + 1)
    {
        j + 2
    } else {
        j + 1
    };
    // The number right after: a digit or "+", after at most a colon and spaces.
    let after = text[all.word(end - 1).end..].trim_start_matches([' ', ':']);
    let number = after.starts_with('+') || after.starts_with(|c: char| c.is_ascii_digit());
    let digits = after.chars().take(16).filter(char::is_ascii_digit).count();
    (number && digits >= 9).then(|| (all.word(j).start, end))
}

/// Whether the list goes on in `rest` (the text after an item): a joint, then a name found or
/// a capitalised word.
fn continues_list(text: &str, spans: &[(usize, usize)], rest: &str) -> bool {
    LIST_JOINTS.iter().any(|joint| {
        rest.strip_prefix(joint).is_some_and(|next| {
            let at = text.len() - next.len();
            spans.iter().any(|&(s, _)| s == at) || capitalised(next)
        })
    })
}

/// How the items of a list are joined: "Kimi, [NAAM]", "[NAAM] en Ayomide".
const LIST_JOINTS: [&str; 4] = [", ", " en ", " & ", ", en "];

/// One-word items of a list whose neighbour in the list is a name found: "Meidengroep:
/// [NAAM], Kimi, Jeanelly", "kinderen Sodaba, [NAAM] en [NAAM]". A capitalised word (not an
/// acronym, a protected word, a role, a title or a common word) that ends its item; a first
/// item that opens a sentence ("Gisteren, [NAAM] belde") stays. The list is followed until
/// no item is added.
pub(super) fn listed_with_names(
    text: &str,
    all: &Words<'_>,
    found: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut spans: Vec<(usize, usize)> = found.to_vec();
    let mut added = Vec::new();
    loop {
        let before = added.len();
        // The words right after or before a name, across a joint: the only candidates.
        let mut near = Vec::new();
        for &(s, e) in &spans {
            for joint in LIST_JOINTS {
                if text.get(e..).is_some_and(|rest| rest.starts_with(joint)) {
                    let at = e + joint.len();
                    near.extend(all.slots.binary_search_by_key(&at, |slot| slot.word.start));
                }
                if text.get(..s).is_some_and(|head| head.ends_with(joint)) {
                    let at = s - joint.len();
                    near.extend(all.slots.binary_search_by_key(&at, |slot| slot.word.end));
                }
            }
        }
        near.sort_unstable();
        near.dedup();
        for k in near {
            let word = all.word(k);
            if spans.iter().any(|&(s, e)| word.start < e && word.end > s) {
                continue;
            }
            let candidate = capitalised(word.text)
                && word.text.chars().count() >= 2
                && !all.protected(k)
                && !all.role(k)
                && !all.title(k)
                && !all.particle(k)
                && !with_lower(word.text, |w| is_common_word(w) || is_determiner(w));
            if !candidate {
                continue;
            }
            let rest = &text[word.end..];
            let rest = rest.strip_prefix("'s").unwrap_or(rest);
            let ends_item = rest.is_empty()
                || rest.starts_with([',', ')', '.', ';', '\n', '!', '?'])
                || rest.starts_with(" en ")
                || rest.starts_with(" & ")
                || rest.starts_with(" (");
            // A name joined on the left or the right, and by which joint.
            let joint_left = spans.iter().find_map(|&(_, e)| {
                text.get(e..word.start)
                    .filter(|gap| LIST_JOINTS.contains(gap))
            });
            let joint_right = spans.iter().find_map(|&(s, e)| {
                (s >= word.end)
                    .then(|| text.get(word.end..s))
                    .flatten()
                    .filter(|gap| LIST_JOINTS.contains(gap))
                    .map(|gap| (gap, e))
            });
            // "and" joins two names; a comma only inside a list that goes on past them
            // ("[NAAM], Kimi, Jeanelly"), not an apposition ("mw. [NAAM], Charlois, weduwe").
            let left =
                joint_left.is_some_and(|gap| gap != ", " || continues_list(text, &spans, rest));
            let right = joint_right.is_some_and(|(gap, name_end)| {
                !sentence_start(text, &word)
                    && (gap != ", " || continues_list(text, &spans, &text[name_end..]))
            });
            if ends_item && (left || right) {
                spans.push((word.start, word.end));
                added.push((word.start, word.end));
            }
        }
        if added.len() == before {
            return added;
        }
    }
}

/// A name right before a title that follows it ([`super::lexicon::Lexeme::title_after_name`]): a
/// word of three letters or more that is no determiner or common word, and either on the lists
/// (not also a Dutch word) or capitalised inside a sentence.
pub(super) fn name_before_honorific(
    text: &str,
    all: &Words<'_>,
    i: usize,
) -> Option<(usize, usize)> {
    let j = i + 1;
    if j >= all.len()
        || !all.slots[j].title_after_name
        || !adjacent(text, &all.word(i), &all.word(j))
    {
        return None;
    }
    let word = all.word(i).text;
    let plain = word.chars().count() >= 3
        && !all.protected(i)
        && !all.role(i)
        && !all.title(i)
        && !all.particle(i)
        && !with_lower(word, |w| is_determiner(w) || is_common_word(w));
    // The title also stands alone, before a name ("Gesprek teyze Nur") or to address someone
    // ("hoi abla", "echt oneerlijk abi"): a word before it is a name only when it is on the lists
    // and no Dutch word, or capitalised inside a sentence.
    let listed = all.name(i) == Some(false);
    let named = listed || (capitalised(word) && !sentence_start(text, &all.word(i)));
    (plain && named).then(|| (all.word(i).start, i + 1))
}
