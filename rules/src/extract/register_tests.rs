use super::*;
use std::collections::HashMap;

struct Register {
    aliases: Regex,
    names: HashMap<String, String>,
    roles: HashMap<String, OrganisationRole>,
}

/// The `[[organisation]]` tables of the shipped rules file, read as plain TOML (the rule
/// set keeps its own copy private).
static REGISTER: LazyLock<Register> = LazyLock::new(|| {
    let file: toml::Table = include_str!("../../default_rules.toml")
        .parse()
        .expect("rules");
    let strings = |table: &toml::Table, key: &str| -> Vec<String> {
        table
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let flag = |table: &toml::Table, key: &str| {
        table
            .get(key)
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    };
    let mut names = HashMap::new();
    let mut roles = HashMap::new();
    let mut aliases = Vec::new();
    let tables = file["organisation"].as_array().expect("organisations");
    for table in tables.iter().filter_map(toml::Value::as_table) {
        let name = table["name"].as_str().expect("name").to_string();
        for alias in strings(table, "aliases") {
            let alias = knooppunt_domain::text::normalise(&alias);
            assert!(
                names.insert(alias.clone(), name.clone()).is_none(),
                "{alias} twice"
            );
            aliases.push(regex::escape(&alias));
        }
        let role = OrganisationRole {
            barriers: strings(table, "barriers"),
            bystander: flag(table, "bystander"),
            secondary: flag(table, "secondary"),
            part_of: table
                .get("part_of")
                .and_then(toml::Value::as_str)
                .map(String::from),
            generic: flag(table, "generic"),
        };
        roles.insert(name, role);
    }
    aliases.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let aliases =
        Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", aliases.join("|"))).expect("aliases");
    Register {
        aliases,
        names,
        roles,
    }
});

/// The responsible body the register and [`responsible`] find in `text`.
fn org(text: &str, barriers: &[&str]) -> Option<&'static str> {
    let register: &'static Register = &REGISTER;
    let normalised = knooppunt_domain::text::normalise(text);
    let found: Vec<(usize, usize, &'static str)> = register
        .aliases
        .find_iter(&normalised)
        .filter_map(|m| {
            let name = register.names.get(m.as_str())?;
            Some((m.start(), m.end(), name.as_str()))
        })
        .collect();
    responsible(
        &normalised,
        &found,
        |name| register.roles.get(name),
        barriers,
    )
}

const C: &str = "corporatie-reactietijd";
const G: &str = "wachtlijst-ggz";
const H: &str = "huisuitzetting";
const S: &str = "schuldhulp-toegang";
const J: &str = "angst-jeugdhulp";
const L: &str = "loket-drempel";
const K: &str = "kostendelersnorm";
const A: &str = "angst-uitkeringskorting";
const D: &str = "doorverwijscarrousel";

#[test]
fn the_regions_bodies_and_their_short_names() {
    for (text, barrier, expected) in [
        (
            "Aanvraag ligt al 8 weken bij de Haagse Kredietbank",
            S,
            "Kredietbank",
        ),
        (
            "HKB heeft de aanmelding nog niet opgepakt",
            S,
            "Kredietbank",
        ),
        ("Jongere staat bij Youz op de wachtlijst", G, "Youz"),
        (
            "Verwezen naar i-Psy, intake pas in het voorjaar",
            G,
            "i-psy",
        ),
        ("Psy-Q heeft nog geen plek", G, "PsyQ"),
        ("Aangemeld bij Indigo, niets gehoord", G, "Indigo"),
        ("Curium-LUMC heeft een aanmeldstop", G, "Curium"),
        ("De SVB kort de AOW als de dochter intrekt", K, "SVB"),
        (
            "Brief van het CAK over de eigen bijdrage is onleesbaar",
            L,
            "CAK",
        ),
        (
            "Woningstichting De Sleutels reageert niet op de melding",
            C,
            "De Sleutels",
        ),
        ("Portaal laat de lekkage maanden liggen", C, "Portaal"),
        ("Vidomes komt niet langs voor de schimmel", C, "Vidomes"),
        ("De Goede Woning zet het gezin uit", H, "De Goede Woning"),
        (
            "Het Servicepunt XL is alleen op afspraak open",
            L,
            "gemeente",
        ),
        ("Bij het Werkplein moet alles via DigiD", L, "gemeente"),
        (
            "Mevrouw is bang voor Jeugdbescherming West",
            J,
            "Jeugdbescherming",
        ),
        ("Ouders durven niet naar Jeugdformaat", J, "Jeugdformaat"),
        (
            "Belastingdienst/Toeslagen is telefonisch onbereikbaar",
            L,
            "Belastingdienst",
        ),
        (
            "Het UWV verlaagt de Wajong als zijn broer bij hem woont",
            K,
            "UWV",
        ),
    ] {
        assert_eq!(org(text, &[barrier]), Some(expected), "{text}");
    }
}

#[test]
fn not_the_referrer() {
    assert_eq!(
        org(
            "Doorgegeven door de huisarts: Vestia reageert al 9 weken niet",
            &[C]
        ),
        Some("Vestia")
    );
    assert_eq!(
        org(
            "Aangemeld door het wijkteam; bij PsyQ nog geen intake",
            &[G]
        ),
        Some("PsyQ")
    );
    assert_eq!(
        org(
            "Signaal van Xtra: Staedion doet niets aan de overlast",
            &[C]
        ),
        Some("Staedion")
    );
    assert_eq!(
        org(
            "Op verzoek van het UWV gemeld: niemand weet wie erover gaat",
            &[D]
        ),
        None
    );
    // Via the GP's practice to Parnassia: Parnassia is where the wait is.
    assert_eq!(
        org(
            "Via de GGD bij Parnassia aangemeld, wacht al 5 maanden",
            &[G]
        ),
        Some("Parnassia")
    );
}

#[test]
fn not_a_creditor() {
    // The creditors are named, the body the barrier is about is not.
    assert_eq!(
        org(
            "Schulden bij de Belastingdienst en het CAK, hulp bij schulden komt niet op gang",
            &[S]
        ),
        None
    );
    assert_eq!(
        org(
            "DUO legt beslag op het loon; aanmelding schuldhulp ligt stil",
            &[S]
        ),
        Some("gemeente")
    );
    assert_eq!(
        org(
            "Beslag door het CJIB, DUO en de Belastingdienst; niemand helpt",
            &[S]
        ),
        None
    );
    assert_eq!(
        org(
            "Achterstand bij Eneco en Ziggo, wacht 10 weken op de Kredietbank",
            &[S]
        ),
        Some("Kredietbank")
    );
    assert_eq!(
        org(
            "Zilveren Kruis stuurt aanmaningen, schuldhulpverlening heeft een wachtlijst",
            &[S]
        ),
        Some("gemeente")
    );
    // A landlord evicting over rent arrears is responsible, not a bystander creditor.
    assert_eq!(
        org("Huurachterstand bij Haag Wonen, ontruiming aangezegd", &[H]),
        Some("Haag Wonen")
    );
    // A claw-back by the body that pays the benefit is that body's.
    assert_eq!(
        org(
            "Na een terugvordering van de gemeente durft ze geen giften aan te nemen",
            &[A]
        ),
        Some("gemeente")
    );
}

#[test]
fn welfare_partners_only_when_alone() {
    assert_eq!(
        org(
            "Samen met Stichting Mooi gebeld: Staedion reageert niet",
            &[C]
        ),
        Some("Staedion")
    );
    assert_eq!(
        org(
            "MEE-consulent zegt: het UWV snapt de aanvraag niet, formulier te ingewikkeld",
            &[L]
        ),
        Some("UWV")
    );
    assert_eq!(
        org(
            "Xtra, wijkteam en gemeente sturen haar naar elkaar door",
            &[D]
        ),
        None
    );
}

/// Issue 11, second round: the body a bailiff or agency acts for is responsible; a body that
/// passes the person on is not, when another is named; more creditors and providers.
#[test]
fn the_principal_not_the_messenger() {
    for (text, barriers, expected) in [
        (
            "Vanmorgen stond de deurwaarder op de stoep, namens Staedion, met de datum van de ontruiming.",
            &[H][..],
            Some("Staedion"),
        ),
        (
            "Een deurwaarder in opdracht van Rijswijk Wonen heeft het vonnis betekend.",
            &[H],
            Some("Rijswijk Wonen"),
        ),
        (
            "Het wijkteam verwees haar in maart naar PsyQ; daar staat ze nog steeds op de lijst.",
            &[G],
            Some("PsyQ"),
        ),
        (
            "Parnassia verwees hem na de crisis door naar Indigo, waar hij al 4 maanden wacht.",
            &[G],
            Some("Indigo"),
        ),
        (
            "Het UWV heeft mevrouw doorgestuurd naar de SVB; daar moet alles online en ze heeft geen DigiD.",
            &[L],
            Some("SVB"),
        ),
        (
            "De GGD heeft meneer aangemeld bij de Kredietbank, maar na 10 weken is er geen gesprek.",
            &[S],
            Some("Kredietbank"),
        ),
        (
            "Het wijkteam heeft doorgestuurd naar Indigo en daar hoort hij niks meer van.",
            &[G],
            Some("Indigo"),
        ),
        // The referrer alone is still named when no other body is.
        (
            "Het wijkteam verwees hem door, maar hij wacht al maanden op hulp bij zijn schulden.",
            &[S],
            Some("wijkteam"),
        ),
        (
            "Belastingdienst houdt een deel van zijn loon in, en de aanmelding bij schuldhulp ligt stil.",
            &[S],
            Some("gemeente"),
        ),
        (
            "Vitens en Ditzo hebben de incasso uit handen gegeven; bij de Kredietbank geen plek tot januari.",
            &[S],
            Some("Kredietbank"),
        ),
        (
            "Schuld bij Nuon en Simyo, niemand pakt het op.",
            &[S],
            None,
        ),
        ("Jutters heeft voor de tiener pas in mei plek.", &[G], Some("Jutters")),
        (
            "Ymere laat de schimmel al een half jaar zitten.",
            &[C],
            Some("Ymere"),
        ),
        (
            "Het CIZ zegt dat het Wmo is, de gemeente zegt Wlz; niemand wil de aanvraag.",
            &[D],
            None,
        ),
    ] {
        assert_eq!(org(text, barriers), expected, "{text}");
    }
}

#[test]
fn a_department_is_its_body_when_the_note_names_it() {
    for (text, barrier) in [
        (
            "Schuldhulp aangevraagd bij de gemeente, al 10 weken niks gehoord",
            S,
        ),
        ("Aangemeld SHV gemeente, intake nog niet gepland", S),
        (
            "Aanvraag schuldhulp gedaan bij gemeente Zoetermeer, niets gehoord",
            S,
        ),
        (
            "Eerder bij de gemeentelijke schuldhulp afgewezen vanwege zijn auto",
            S,
        ),
        (
            "Schuldhulp aangevraagd via het wijkteam, dat stuurde door naar de gemeente",
            S,
        ),
        ("the schuldhulp of the municipality never called back", S),
        ("Bang voor korting door de soc. dienst", A),
        ("De gemeentelijke balie verwijst naar de website", L),
        (
            "Zijn klantmanager zegt dat de bijstand omlaag gaat nu zijn zoon inwoont",
            K,
        ),
    ] {
        assert_eq!(org(text, &[barrier]), Some("gemeente"), "{text}");
    }
    // Named alone by its service, the municipal debt help is the gemeente's; another body's
    // employee is that body's.
    assert_eq!(
        org(
            "Staat 14 weken op de wachtlijst van de schuldhulpverlening",
            &[S]
        ),
        Some("gemeente")
    );
    assert_eq!(
        org(
            "De klantmanager bij het UWV zegt dat de uitkering stopt",
            &[A]
        ),
        Some("UWV")
    );
}

#[test]
fn official_names_abbreviations_and_misspellings() {
    for (text, barrier, expected) in [
        (
            "Ze vreest dat de RvdK de kinderen laat plaatsen",
            J,
            "Raad voor de Kinderbescherming",
        ),
        (
            "brief belastingsdienst, zij wil geen toeslag meer",
            A,
            "Belastingdienst",
        ),
        ("Steadion komt niet voor de schimmel", C, "Staedion"),
        (
            "Het Uitvoeringsinstituut Werknemersverzekeringen verwijst naar werk.nl",
            L,
            "UWV",
        ),
        (
            "Dudok Wonen komt al 5 weken niet voor de cv",
            C,
            "Dudok Wonen",
        ),
        ("Woonforte laat de melding liggen", C, "Woonforte"),
        (
            "Mozaïek Wonen heeft na 8 weken niets gerepareerd",
            C,
            "Mozaïek Wonen",
        ),
        ("Wacht sinds 10 weken op een intake bij Antes", G, "Antes"),
        ("Aanvraag kan alleen digitaal bij de IND", L, "IND"),
        ("Bang dat Nidos haar broertje weghaalt", J, "Nidos"),
    ] {
        assert_eq!(org(text, &[barrier]), Some(expected), "{text}");
    }
}

#[test]
fn the_body_the_wait_is_about() {
    // Both are mental-health providers; the wait is Parnassia's.
    assert_eq!(
        org(
            "Aangemeld bij Youz op zijn zeventiende; Youz nam hem niet meer aan na zijn 18e en Parnassia heeft een wachtlijst van 5 mnd.",
            &[G]
        ),
        Some("Parnassia")
    );
    assert_eq!(
        org(
            "Aangemeld bij Youz (Parnassia): wachttijd voor de intake 20 weken.",
            &[G]
        ),
        Some("Parnassia")
    );
}

#[test]
fn a_referrer_tied_to_the_barrier_is_responsible_only_alone() {
    // The corporation that reports its own eviction case is the one evicting.
    assert_eq!(
        org(
            "Melding van Woonbron via het wijkteam: huurachterstand 7 maanden, ontruiming volgt.",
            &[H]
        ),
        Some("Woonbron")
    );
    // A referrer not tied to the barrier stays out.
    assert_eq!(
        org("Melding vanuit de GGD: mevrouw wacht op de ggz", &[G]),
        None
    );
    // With the body the barrier is about named too, that body.
    assert_eq!(
        org(
            "Doorverwezen door Parnassia; Indigo heeft een wachtlijst van 10 weken",
            &[G]
        ),
        Some("Indigo")
    );
}

#[test]
fn part_of_must_name_an_organisation_of_the_file() {
    let source = "version = \"t\"\n[[barrier]]\nid = \"b\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = ['x']\n\n[[organisation]]\nname = \"Schuldhulp\"\naliases = [\"schuldhulp\"]\npart_of = \"Gemeente Nergens\"\n";
    let errors = crate::ruleset::RuleSet::from_toml(source)
        .err()
        .unwrap_or_default();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.contains("part_of 'Gemeente Nergens' is geen organisatie")),
        "{text:?}"
    );
    let source = source.replace("Gemeente Nergens", "Schuldhulp");
    assert!(crate::ruleset::RuleSet::from_toml(&source).is_ok());
}

#[test]
fn the_feared_body_among_several() {
    assert_eq!(
        org(
            "Toeslagen vordert 5000 euro terug; ze is bang dat de gemeente haar bijstand ook stopt.",
            &[A]
        ),
        Some("gemeente")
    );
    assert_eq!(
        org(
            "De gemeente wees haar op het UWV. Ze durft haar klussen niet aan het UWV door te geven.",
            &[A]
        ),
        Some("UWV")
    );
    // With a wait, the body the wait is about comes first.
    assert_eq!(
        org(
            "Ze liet de lekkage zelf maken omdat Haag Wonen na 8 weken nog niet was geweest; het geld van haar broer durft ze niet aan de sociale dienst te melden.",
            &[A, C]
        ),
        Some("Haag Wonen")
    );
}

/// The municipal debt help named by its service, bodies and spellings of rule set 2026.11-7.
mod services;
