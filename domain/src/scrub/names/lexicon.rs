//! The word lists behind the name scrubber: the gazetteer of first names and surnames with
//! the protected phrases that start at each word, and the titles, particles and roles.

use super::words::words_of;
use std::sync::LazyLock;

/// The gazetteer's maps: foldhash (fast, and the keys are our own word lists, not input an
/// attacker chooses) instead of the standard library's SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

const FIRST_NAMES: &str = include_str!("../../../data/voornamen.txt");
const SURNAMES: &str = include_str!("../../../data/achternamen.txt");
const NOT_NAMES: &str = include_str!("../../../data/geen-namen.txt");

/// What the gazetteer knows of a lower-case word: one lookup per word answers every question
/// the name finder asks of every word. Six bytes, so that the gazetteer's 25,000 entries stay
/// small in memory (issue 16's bound on peak RSS).
#[derive(Clone, Copy, Default)]
pub(super) struct Lexeme {
    /// A known name: whether it is also an ordinary Dutch word.
    pub(super) name: Option<bool>,
    /// Whether it is on the list of first names, and on the list of surnames.
    pub(super) first_name: bool,
    pub(super) surname: bool,
    /// Whether it is a title, a word that puts a name right after it (one of
    /// [`HONORIFICS`], [`ABBREVIATED_TITLES`], [`PLAIN_RELATIONS`], [`NAMING_WORDS`],
    /// [`FAMILY_WORDS`]), and whether it is one of [`TITLES_AFTER_NAME`]: two bits.
    titles: u8,
    /// Index of the protected phrases that start with this word in [`Gazetteer::phrases`]
    /// (0: none).
    phrases: u16,
}

/// [`Lexeme`]'s bit for a title, and for a title written after a name.
const TITLE: u8 = 1;
const TITLE_AFTER_NAME: u8 = 2;

impl Lexeme {
    pub(super) fn title(&self) -> bool {
        self.titles & TITLE != 0
    }

    pub(super) fn title_after_name(&self) -> bool {
        self.titles & TITLE_AFTER_NAME != 0
    }
}

/// The gazetteer: every known name and every first word of a protected phrase, keyed by its
/// lower-case form as the word lists hold it (slices of the lists compiled into the binary,
/// so a key costs no allocation of its own).
pub(super) struct Gazetteer {
    words: HashMap<&'static str, Lexeme>,
    /// The protected phrases (as lower-case words) per first word, longest first; entry 0
    /// is empty.
    phrases: Vec<Vec<Vec<String>>>,
}

impl Gazetteer {
    /// What the gazetteer knows of a lower-case word.
    #[inline]
    pub(super) fn get(&self, lowered: &str) -> Option<&Lexeme> {
        self.words.get(lowered)
    }

    /// The protected phrases that start with a word, longest first.
    #[inline]
    pub(super) fn phrases(&self, lexeme: &Lexeme) -> &[Vec<String>] {
        self.phrases
            .get(usize::from(lexeme.phrases))
            .map_or(&[][..], Vec::as_slice)
    }
}

/// The lines of a word list that hold an entry.
fn entries(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// The entries of the list's section of places that are also surnames: from its heading
/// ("# Places that are also surnames") to the next line that is a lone `#`.
fn place_surnames(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .skip_while(|line| !line.starts_with("# Places that are also surnames"))
        .take_while(|line| *line != "#")
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

pub(super) static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let size = entries(FIRST_NAMES).count() + entries(SURNAMES).count();
    let mut words: HashMap<&'static str, Lexeme> =
        HashMap::with_capacity_and_hasher(size, Default::default());
    let first = entries(FIRST_NAMES).map(|line| (line, true));
    for (line, first_name) in first.chain(entries(SURNAMES).map(|line| (line, false))) {
        let (ambiguous, name) = match line.strip_prefix('~') {
            Some(name) => (true, name),
            None => (false, line),
        };
        let entry = words.entry(name).or_default();
        entry.name = Some(entry.name.unwrap_or(false) || ambiguous);
        entry.first_name |= first_name;
        entry.surname |= !first_name;
    }
    // The titles, in the same map: the per-word pass asks it of every word.
    let titles = HONORIFICS
        .iter()
        .chain(&ABBREVIATED_TITLES)
        .chain(&PLAIN_RELATIONS)
        .chain(&NAMING_WORDS)
        .chain(&FAMILY_WORDS);
    for &title in titles {
        words.entry(title).or_default().titles |= TITLE;
    }
    for &title in &TITLES_AFTER_NAME {
        words.entry(title).or_default().titles |= TITLE_AFTER_NAME;
    }
    let mut phrases: Vec<Vec<Vec<String>>> = vec![Vec::new()];
    // The list of names that are none, and the wijken, buurten and stadsdelen of the built-in
    // register ("Mw. Stevenshof: angstklachten" names where she lives), but not an area that is
    // also a known name on its own: the list's section of places that are also surnames says
    // what those are.
    let areas: Vec<&str> = crate::register::builtin()
        .area_names()
        .filter(|area| {
            area.contains(' ')
                || words
                    .get(area.to_lowercase().as_str())
                    .is_none_or(|l| l.name.is_none())
        })
        .collect();
    for line in entries(NOT_NAMES).chain(areas) {
        let phrase: Vec<String> = words_of(line).map(|w| w.text.to_lowercase()).collect();
        let Some(first) = phrase.first() else {
            continue;
        };
        let entry = match words.get_mut(first.as_str()) {
            Some(entry) => entry,
            None => {
                // A first word that is no name: its key lives as long as the gazetteer, which
                // lives as long as the process (a few hundred short words at most).
                let key: &'static str = Box::leak(first.clone().into_boxed_str());
                words.entry(key).or_default()
            }
        };
        if entry.phrases == 0 {
            entry.phrases = u16::try_from(phrases.len()).unwrap_or(u16::MAX);
            phrases.push(Vec::new());
        }
        if let Some(list) = phrases.get_mut(usize::from(entry.phrases)) {
            list.push(phrase);
        }
    }
    for list in &mut phrases {
        list.sort_by_key(|p| std::cmp::Reverse(p.len()));
    }
    Gazetteer { words, phrases }
});

/// Whether a lower-case word is a known name, and if so whether it is also a Dutch word.
pub(super) fn known(lowered: &str) -> Option<bool> {
    GAZETTEER.get(lowered).and_then(|lexeme| lexeme.name)
}

/// Whether a lower-case word is, on its own, one of the protected phrases of
/// `geen-namen.txt` (an organisation, a place or a programme of one word: "wmo", "uwv",
/// "staedion") and not a place that is also a surname.
pub(super) fn protected_word(lowered: &str) -> bool {
    GAZETTEER.get(lowered).is_some_and(|lexeme| {
        GAZETTEER.phrases(lexeme).iter().any(|p| p.len() == 1) && !is_place_surname(lowered)
    })
}

/// The places that are also surnames ([`place_surnames`]), in lower case.
static PLACE_SURNAMES: LazyLock<Vec<String>> =
    LazyLock::new(|| place_surnames(NOT_NAMES).map(str::to_lowercase).collect());

/// Whether a lower-case word is a place that is also a surname. Asked only of the rare
/// protected word after a title, of a dozen entries: a list, not the gazetteer (a second
/// caller of its look-up made the compiler stop inlining it into the per-word pass, +1.5 k
/// instructions a note).
pub(super) fn is_place_surname(lowered: &str) -> bool {
    PLACE_SURNAMES.iter().any(|place| place == lowered)
}

/// Words that put a name right after them besides the titles of address, the relations that
/// are also plain nouns and the words for a family: relatives, "heet", "genaamd", "naam" …
const NAMING_WORDS: [&str; 58] = [
    "heet",
    "heette",
    "genaamd",
    "alias",
    "dochter",
    "zoon",
    "broer",
    "zus",
    "moeder",
    "vader",
    "oom",
    "tante",
    "opa",
    "oma",
    "buurman",
    "buurvrouw",
    "kleinzoon",
    "kleindochter",
    "kleinkind",
    "echtgenoot",
    "echtgenote",
    "schoonzus",
    "schoonzoon",
    "schoondochter",
    "schoonmoeder",
    "schoonvader",
    "zwager",
    "neef",
    "neefje",
    "nicht",
    "nichtje",
    "zusje",
    "broertje",
    "stiefvader",
    "stiefmoeder",
    "stiefzoon",
    "stiefdochter",
    "pleegzoon",
    "pleegdochter",
    "collega",
    "zuster",
    "broeder",
    "nani",
    "tia",
    "tio",
    "dona",
    "son",
    "daughter",
    "cliënt",
    "client",
    "cliente",
    "mevrouwtje",
    "meneertje",
    "naam",
    "achternaam",
    "voornaam",
    "meisjesnaam",
    "familienaam",
];

/// Relations that are also plain nouns ("de vrouw van boven", "mama: Werkplein zegt …") or
/// English ("wife Precious"): a name follows one only as a capitalised word right after it,
/// with nothing but spaces between ("partner Duc", "baby Aissatou", "Mama Sharleen").
pub(super) fn is_plain_relation(lowered: &str) -> bool {
    PLAIN_RELATIONS.contains(&lowered)
}

/// The relations of [`is_plain_relation`].
const PLAIN_RELATIONS: [&str; 20] = [
    "partner",
    "vrouw",
    "vriend",
    "vriendin",
    "mama",
    "papa",
    "baby",
    "dochtertje",
    "zoontje",
    "wife",
    "husband",
    "mother",
    "father",
    "brother",
    "sister",
    "cousin",
    "uncle",
    "aunt",
    "nephew",
    "niece",
];

/// Titles written after a name, in Turkish and Kurdish ("Remziye teyze", "gulsen abla",
/// "Mehmet amca", "Ayse hanım", "Ali bey").
const TITLES_AFTER_NAME: [&str; 11] = [
    "abla", "teyze", "amca", "abi", "hanım", "hanim", "bey", "hoca", "yenge", "dayı", "dayi",
];

/// Titles of address ("mevrouw", "dhr."): after one, a surname counts also in lower case and
/// when it is also a Dutch word ("mw. bos", "meneer storm"), unless it is one of
/// [`follows_a_title_as_a_word`].
pub(super) fn is_honorific(lowered: &str) -> bool {
    HONORIFICS.contains(&lowered) || (is_abbreviated_title(lowered) && lowered != "fam")
}

/// The titles of address written out.
const HONORIFICS: [&str; 4] = ["mevrouw", "meneer", "heer", "juffrouw"];

/// Words that name a family by its surname ("fam. Osmani", "gezin Alhamwi"): a name after one
/// is capitalised, with at most a surname's particles before it.
pub(super) fn is_family(lowered: &str) -> bool {
    FAMILY_WORDS.contains(&lowered)
}

/// The words of [`is_family`].
const FAMILY_WORDS: [&str; 5] = ["fam", "familie", "gezin", "gastgezin", "famiri"];

/// Whether a lower-case word names a service, a desk or a kind of body by its last part:
/// "wijkteam", "werkplein", "servicepunt", "belastingdienst", "stadhuis", "schuldhulp",
/// "kredietbank", "zorgverzekeraar", "energieleverancier".
/// Of the lists' surnames only "Soerdjbalie" ends so, and a word the lists know as a name is
/// asked about before this.
pub(super) fn is_service_word(lowered: &str) -> bool {
    // Not "huis" alone: "Nijhuis", "Velthuis" and many other surnames end so.
    const ENDINGS: [&str; 35] = [
        "team",
        "teams",
        "loket",
        "punt",
        "punten",
        "plein",
        "dienst",
        "diensten",
        "kantoor",
        "bureau",
        "bank",
        "centrum",
        "wijzer",
        "zaken",
        "recherche",
        "balie",
        "zorg",
        "hulp",
        "verlening",
        "afdeling",
        "bijstand",
        "inkomen",
        "stadhuis",
        "gemeentehuis",
        "buurthuis",
        "wijkhuis",
        "ziekenhuis",
        "verzekeraar",
        "leverancier",
        "aanbieder",
        "bedrijf",
        "webwinkel",
        "deurwaarder",
        "belasting",
        "toeslagen",
    ];
    ENDINGS.iter().any(|ending| lowered.ends_with(ending))
}

/// Words of place that follow "van" after a relation or a title as the neighbour's floor or
/// side, not as a surname: "de buurvrouw van boven", "de meneer van hiernaast". Only in lower
/// case: "mevrouw Van Boven" is a name.
pub(super) fn is_place_adverb(lowered: &str) -> bool {
    matches!(
        lowered,
        "boven"
            | "beneden"
            | "onder"
            | "onderen"
            | "hierboven"
            | "hieronder"
            | "hiernaast"
            | "ernaast"
            | "naast"
            | "tegenover"
            | "hiertegenover"
            | "achter"
            | "achteren"
            | "voren"
            | "verderop"
            | "overkant"
            | "eenhoog"
            | "tweehoog"
            | "driehoog"
            | "vierhoog"
            | "een-hoog"
            | "twee-hoog"
            | "drie-hoog"
            | "vier-hoog"
    )
}

/// Parts of a street or a building that follow "van de" or "op de" after a relation or a
/// title as where someone lives: "de meneer op de hoek", "mevrouw van de galerij". Only in
/// lower case and after "de" or "het": "van der Hoek" is a name. ("overkant" is a place
/// adverb already.)
pub(super) fn is_place_noun(lowered: &str) -> bool {
    matches!(
        lowered,
        "hoek"
            | "galerij"
            | "portiek"
            | "flat"
            | "gang"
            | "trap"
            | "overloop"
            | "straat"
            | "buurt"
            | "zolder"
            | "benedenwoning"
            | "bovenwoning"
            | "achterkant"
            | "voorkant"
    )
}

/// Surnames that are also words which follow "mevrouw" or "meneer" in an ordinary sentence:
/// verbs, pronouns, prepositions and adjectives ("mevrouw werd boos", "meneer uit Laak",
/// "mevrouw die belde").
pub(super) fn follows_a_title_as_a_word(lowered: &str) -> bool {
    matches!(
        lowered,
        "die"
            | "doe"
            | "es"
            | "kon"
            | "uit"
            | "wel"
            | "werd"
            | "moet"
            | "the"
            | "man"
            | "mens"
            | "boven"
            | "hoog"
            | "kort"
            | "korte"
            | "groot"
            | "grote"
            | "klein"
            | "lange"
            | "lage"
            | "oude"
            | "jonge"
            | "jong"
            | "kale"
            | "wilde"
            | "loos"
            | "vroege"
            | "vrome"
            | "flink"
            | "fat"
            | "gay"
            | "gros"
            | "grand"
            | "petit"
            | "bont"
            | "bonte"
            | "zwart"
            | "wit"
            | "witte"
            | "bruin"
            | "groen"
            | "meer"
            | "post"
            | "massa"
            | "kosten"
            | "lonen"
            | "landen"
            | "water"
            | "wijk"
            | "laan"
            | "dam"
            | "put"
            | "meis"
            | "heer"
            | "bie"
            | "hak"
            | "ham"
            | "kas"
            | "nek"
            | "voet"
            | "rek"
            | "riem"
            | "sas"
            | "kof"
            | "strik"
            | "spies"
            | "leek"
            | "sprong"
            | "stook"
            | "schenk"
            | "scheer"
            | "schrik"
            | "aarden"
            | "wensen"
            | "boers"
    )
}

/// Titles written abbreviated, with a full stop before the name ("dhr. Jansen").
pub(super) fn is_abbreviated_title(lowered: &str) -> bool {
    ABBREVIATED_TITLES.contains(&lowered)
}

/// The titles of [`is_abbreviated_title`].
const ABBREVIATED_TITLES: [&str; 16] = [
    "mevr", "mw", "mvr", "mnr", "dhr", "hr", "mej", "fam", "mv", "mr", "mrs", "ms", "zr", "br",
    "dr", "ds",
];

/// The particles a Dutch surname starts with ("jan de vries", "piet van der berg"): the
/// words [`is_particle_word`] knows that lead a surname, without "in", "op", "te" and the
/// like, which as often join two ordinary words.
pub(super) fn is_surname_particle(lowered: &str) -> bool {
    matches!(lowered, "van" | "de" | "der" | "den" | "ter" | "ten")
}

/// Words that may stand inside a name: "van der", "El", "ben", "'t" (lower case).
pub(super) fn is_particle_word(lowered: &str) -> bool {
    matches!(
        lowered,
        "van"
            | "de"
            | "der"
            | "den"
            | "het"
            | "'t"
            | "ter"
            | "ten"
            | "te"
            | "op"
            | "el"
            | "al"
            | "ben"
            | "bin"
            | "abou"
            | "abu"
            | "da"
            | "dos"
            | "das"
            | "di"
            | "la"
            | "le"
            | "du"
            | "von"
            | "mc"
            | "in"
    )
}

/// Titles of office that follow "mevrouw"/"meneer" and are not names (lower case).
pub(super) fn is_role(lowered: &str) -> bool {
    matches!(
        lowered,
        "huisarts"
            | "dokter"
            | "wijkagent"
            | "agent"
            | "consulent"
            | "directeur"
            | "juf"
            | "meester"
            | "burgemeester"
            | "wethouder"
            | "pastoor"
            | "imam"
            | "dominee"
            | "advocaat"
            | "rechter"
            | "bewindvoerder"
    )
}

/// Verbs of something only a person does, in the third person, after which a first name that
/// is also a Dutch word reads as a name ("Roos belde niet", "bram zegt dat …").
pub(super) fn is_person_verb(lowered: &str) -> bool {
    // Only what people do: "is", "heeft", "komt" or "werkt" follow a bare noun as well ("Roos
    // is de kleur", "Storm komt eraan", "Lift werkt niet").
    matches!(
        lowered,
        "zegt"
            | "zei"
            | "belde"
            | "belt"
            | "vroeg"
            | "vraagt"
            | "vertelde"
            | "vertelt"
            | "appte"
            | "appt"
            | "mailde"
            | "wil"
            | "wilde"
            | "durft"
            | "durfde"
            | "woont"
            | "woonde"
            | "huilde"
            | "huilt"
            | "spijbelt"
            | "spijbelde"
            | "snapt"
            | "weet"
            | "wist"
    )
}

/// First names that notes use as ordinary words in lower case often enough ("elke week",
/// "max 3 dagen", "de toon", "ik ben") that a verb after them is no evidence of a name.
pub(super) fn is_common_word(lowered: &str) -> bool {
    matches!(
        lowered,
        "elke"
            | "ben"
            | "ken"
            | "beste"
            | "lieve"
            | "kader"
            | "job"
            | "lot"
            | "max"
            | "toon"
            | "to"
            | "erna"
            | "jan"
            | "bo"
            | "koos"
            | "kick"
            | "constant"
            | "marine"
            | "bergen"
            | "ramadan"
    )
}

/// Words before a noun (articles, demonstratives, possessives, pronouns): after one, a word is
/// not a name ("het lot is", "een ton is").
pub(super) fn is_determiner(lowered: &str) -> bool {
    matches!(
        lowered,
        "de" | "het"
            | "een"
            | "die"
            | "deze"
            | "dit"
            | "dat"
            | "mijn"
            | "jouw"
            | "zijn"
            | "haar"
            | "onze"
            | "ons"
            | "hun"
            | "uw"
            | "elke"
            | "ieder"
            | "iedere"
            | "geen"
            | "welke"
            | "ik"
            | "je"
            | "zo'n"
    )
}

/// Nouns a possessive name stands before ("Ahmeds moeder", "Kims zoon").
pub(super) fn is_possessed(lowered: &str) -> bool {
    matches!(
        lowered,
        "moeder"
            | "vader"
            | "mama"
            | "papa"
            | "zus"
            | "zusje"
            | "broer"
            | "broertje"
            | "oma"
            | "opa"
            | "zoon"
            | "dochter"
            | "kind"
            | "kinderen"
            | "man"
            | "vrouw"
            | "vriend"
            | "vriendin"
            | "tante"
            | "oom"
            | "neef"
            | "nicht"
            | "juf"
            | "school"
            | "dossier"
    )
}

/// Words that follow "heet" in an ordinary sentence ("hij heet eigenlijk …", "het heet
/// officieel …"): after these, a lower-case word is no name.
pub(super) fn is_not_a_name_after_heet(lowered: &str) -> bool {
    matches!(
        lowered,
        "niet"
            | "ook"
            | "eigenlijk"
            | "officieel"
            | "voluit"
            | "zo"
            | "dus"
            | "wel"
            | "nu"
            | "echt"
            | "gewoon"
            | "toch"
            | "anders"
            | "daar"
            | "hier"
            | "voortaan"
            | "sindsdien"
            | "tegenwoordig"
            | "waar"
            | "wat"
            | "hoe"
            | "wie"
            | "als"
            | "want"
            | "maar"
            | "omdat"
            | "hij"
            | "zij"
            | "ze"
            | "bij"
            | "voor"
            | "met"
            | "naar"
            | "volgens"
            | "precies"
    )
}
