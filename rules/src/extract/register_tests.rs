use super::*;
use std::collections::HashMap;
use std::sync::LazyLock;

struct Register {
    aliases: Regex,
    names: HashMap<String, String>,
    roles: HashMap<String, OrganisationRole>,
    /// `responsible` of the `[[barrier]]` tables, by barrier id.
    shows: HashMap<String, Shows>,
}

/// The `[[organisation]]` tables (and each barrier's `responsible`) of the shipped rules file,
/// read as plain TOML (the rule set keeps its own copy private).
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
    let shows = file["barrier"]
        .as_array()
        .expect("barriers")
        .iter()
        .filter_map(|barrier| {
            let id = barrier.get("id")?.as_str()?.to_string();
            let shows = barrier
                .get("responsible")?
                .clone()
                .try_into()
                .expect("responsible");
            Some((id, shows))
        })
        .collect();
    aliases.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let aliases =
        Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", aliases.join("|"))).expect("aliases");
    Register {
        aliases,
        names,
        roles,
        shows,
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
        |id| register.shows.get(id).copied(),
        &stated_waits(&normalised),
        super::tests::CAROUSEL,
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

/// Checks each case: a note, the barriers it was filed under, and the body expected.
fn assert_bodies(cases: &[(&str, &[&str], Option<&str>)]) {
    for (text, barriers, expected) in cases {
        assert_eq!(org(text, barriers), *expected, "{text}");
    }
}

#[test]
fn the_regions_bodies_and_their_short_names() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Aanvraag ligt al 8 weken bij de Haagse Kredietbank", &[S], Some("Kredietbank")),
        ("HKB heeft de aanmelding nog niet opgepakt", &[S], Some("Kredietbank")),
        ("Jongere staat bij Youz op de wachtlijst", &[G], Some("Youz")),
        ("Verwezen naar i-Psy, intake pas in het voorjaar", &[G], Some("i-psy")),
        ("Psy-Q heeft nog geen plek", &[G], Some("PsyQ")),
        ("Aangemeld bij Indigo, niets gehoord", &[G], Some("Indigo")),
        ("Curium-LUMC heeft een aanmeldstop", &[G], Some("Curium")),
        ("De SVB kort de AOW als de dochter intrekt", &[K], Some("SVB")),
        ("Brief van het CAK over de eigen bijdrage is onleesbaar", &[L], Some("CAK")),
        ("Woningstichting De Sleutels reageert niet op de melding", &[C], Some("De Sleutels")),
        ("Portaal laat de lekkage maanden liggen", &[C], Some("Portaal")),
        ("Vidomes komt niet langs voor de schimmel", &[C], Some("Vidomes")),
        ("De Goede Woning zet het gezin uit", &[H], Some("De Goede Woning")),
        ("Het Servicepunt XL is alleen op afspraak open", &[L], Some("gemeente")),
        ("Bij het Werkplein moet alles via DigiD", &[L], Some("gemeente")),
        ("Mevrouw is bang voor Jeugdbescherming West", &[J], Some("Jeugdbescherming")),
        ("Ouders durven niet naar Jeugdformaat", &[J], Some("Jeugdformaat")),
        ("Belastingdienst/Toeslagen is telefonisch onbereikbaar", &[L], Some("Toeslagen")),
        ("Aanvragen kan alleen via Mijn toeslagen met DigiD", &[L], Some("Toeslagen")),
        ("Schimmel al 7 weken gemeld bij DGW, geen reactie", &[C], Some("De Goede Woning")),
        ("Moeder is bang dat JB de kinderen meeneemt", &[J], Some("Jeugdbescherming")),
        ("Bij ons (HW) ligt de order al 5 weken bij de aannemer", &[C], Some("Haag Wonen")),
        ("Budgetbeheer aangevraagd bij de KB, 2 mnd geen antwoord", &[S], Some("Kredietbank")),
        ("Het UWV verlaagt de Wajong als zijn broer bij hem woont", &[K], Some("UWV")),
    ]);
}

#[test]
fn the_writers_own_body_only_when_no_other_is_named() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Wij (Vestia) hebben de lekkage direct verholpen, maar moeder is bang dat Jeugdbescherming komt", &[C, J], Some("Jeugdbescherming")),
        ("Bij ons (Staedion) ligt de melding al 6 weken bij de aannemer", &[C], Some("Staedion")),
        ("Wij van Portaal hebben de achterstand bevroren; de schuldhulp van de gemeente heeft nog geen intake gedaan", &[H, S], Some("gemeente")),
        ("Signaal ingebracht door de bibliotheek (Informatiepunt): Toeslagen is alleen telefonisch bereikbaar", &[L], Some("Toeslagen")),
        // The body "we" write for is the writer's own.
        ("Wij hebben namens Vidomes drie keer gemaild naar DUWO, geen reactie", &[C], Some("DUWO")),
        ("Wij hebben namens Vidomes de huurder gebeld; de reparatie duurt al 8 weken", &[C], Some("Vidomes")),
    ]);
}

#[test]
fn not_a_body_from_the_past() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Zoon had vroeger gesprekken bij Brijder en staat nu op de wachtlijst van Palier", &[G], Some("Palier")),
        ("Jaren terug behandeld bij Parnassia. Nu 14 weken wachten op een intake bij PsyQ", &[G], Some("PsyQ")),
        ("Was vorig jaar bij Parnassia, nu doorverwezen naar PsyQ. Die zeggen wachtlijst is 4 maanden", &[G], Some("PsyQ")),
        // A body applied to earlier is the one the wait is about.
        ("Eerder aangemeld bij Indigo; GGZ Delfland verwijst terug", &[G], Some("Indigo")),
        ("Was eerder bij Youz, is nu aangemeld bij Curium: geen plek", &[G], Some("Curium")),
        // A year places it in the past too, unless the clause is about applying.
        ("In 2019 opgenomen bij Parnassia. Nu is hij aangemeld bij GGZ Delfland, geen reactie", &[G], Some("GGZ Delfland")),
        ("In 2026 aangemeld bij Parnassia, de huisarts belt nog eens", &[G], Some("Parnassia")),
        // Treatment that ended.
        ("Pt. 2 jr in behandeling geweest bij Parnassia. Bij Rivierduinen eerstvolgende plek over tien weken.", &[G], Some("Rivierduinen")),
        ("Moeder was tot haar verhuizing in behandeling bij Rivierduinen. Hier aangemeld bij PsyQ, nog geen intake.", &[G], Some("PsyQ")),
        ("Pt. uitgestroomd bij Fivoor, vervolgbehandeling zou naar GGZ Delfland. Daar: wachtlijst 4 maanden.", &[G], Some("GGZ Delfland")),
        ("Verwezen naar PsyQ. Behandeling na elf weken niet gestart; zijn vorige behandelaar (Indigo) schreef hem uit.", &[G], Some("PsyQ")),
        // A bracket further back opens a clause of now.
        ("Eerder bij Youz (nu 8 weken wachten bij Curium)", &[G], Some("Curium")),
    ]);
}

#[test]
fn not_the_referrer() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Doorgegeven door de huisarts: Vestia reageert al 9 weken niet", &[C], Some("Vestia")),
        ("Aangemeld door het wijkteam; bij PsyQ nog geen intake", &[G], Some("PsyQ")),
        ("Signaal van Xtra: Staedion doet niets aan de overlast", &[C], Some("Staedion")),
        ("Op verzoek van het UWV gemeld: niemand weet wie erover gaat", &[D], None),
        // A body's own intake desk is not a referrer.
        ("Belt al dagen de centrale aanmelding van Parnassia, alleen een bandje: aanmelden via het webformulier", &[L], Some("Parnassia")),
        ("Aanmelding van de huisarts kwijtgeraakt; bij PsyQ geen intake", &[G], Some("PsyQ")),
        // Via the GP's practice to Parnassia: Parnassia is where the wait is.
        ("Via de GGD bij Parnassia aangemeld, wacht al 5 maanden", &[G], Some("Parnassia")),
    ]);
}

#[test]
fn not_a_creditor() {
    // The creditors are named, the body the barrier is about is not.
    #[rustfmt::skip]
    assert_bodies(&[
        ("Schulden bij de Belastingdienst en het CAK, hulp bij schulden komt niet op gang", &[S], None),
        ("DUO legt beslag op het loon; aanmelding schuldhulp ligt stil", &[S], Some("gemeente")),
        // Written apart, as speech recognition and second-language writers do.
        ("aanmelding schuld hulpverlening gedaan maar de intake is pas over 6 weken", &[S], Some("gemeente")),
        ("Beslag door het CJIB, DUO en de Belastingdienst; niemand helpt", &[S], None),
        ("Achterstand bij Eneco en Ziggo, wacht 10 weken op de Kredietbank", &[S], Some("Kredietbank")),
        ("Zilveren Kruis stuurt aanmaningen, schuldhulpverlening heeft een wachtlijst", &[S], Some("gemeente")),
        // A landlord evicting over rent arrears is responsible, not a bystander creditor.
        ("Huurachterstand bij Haag Wonen, ontruiming aangezegd", &[H], Some("Haag Wonen")),
        // A claim on the home is no debt collected, whatever the barrier.
        ("Portaal vordert ontbinding wegens onderverhuur: de broer woont er zonder inschrijving, omdat die zijn bijstand zou verlagen", &[K], Some("Portaal")),
        ("DUO vordert het geld terug; Portaal reageert niet op de reparatie", &[C], Some("Portaal")),
        // A claw-back by the body that pays the benefit is that body's.
        ("Na een terugvordering van de gemeente durft ze geen giften aan te nemen", &[A], Some("gemeente")),
        // A creditor tied to one barrier, the service named for the other: the service's.
        ("Schuld bij de Belastingdienst. Voor de schuldhulp moet hij alles via DigiD opladen; na vijf weken nog geen reactie.", &[S, L], Some("gemeente")),
        // A body whose letter or bill is the hard door: the CAK's and DUO's own.
        ("Rekening van het CAK over de eigen bijdrage; gebeld: keuzemenu, na 40 minuten opgehangen", &[L], Some("CAK")),
        ("Studiefinanciering bij DUO lukt niet zonder DigiD en het papieren formulier kwam nooit", &[L], Some("DUO")),
        // Demanding a condition is no collecting: the Kredietbank stays responsible.
        ("Kredietbank eist 3 mnd stabiele situatie voor toelating schuldhulp, dat lukt hem niet", &[S], Some("Kredietbank")),
    ]);
}

#[test]
fn welfare_partners_only_when_alone() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Samen met Stichting Mooi gebeld: Staedion reageert niet", &[C], Some("Staedion")),
        ("MEE-consulent zegt: het UWV snapt de aanvraag niet, formulier te ingewikkeld", &[L], Some("UWV")),
        ("Xtra, wijkteam en gemeente sturen haar naar elkaar door", &[D], None),
    ]);
}

/// A case passed around inside one body, as the note says ("binnen de gemeente", "bij het UWV
/// verwijzen ze"), is that body's; a round with another body in its sentence stays a case
/// passed around with none.
#[test]
fn a_round_inside_one_body_is_that_bodys() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Binnen de gemeente gaat ze van het Wmo-loket naar Werk en Inkomen en weer terug; niemand pakt het op. De huisarts weet het ook niet.", &[D], Some("gemeente")),
        ("Bij het UWV verwijzen ze haar van de WW naar de Ziektewet en weer terug, al zeven weken.", &[D], Some("UWV")),
        ("Hij is door alle afdelingen van de gemeente naar een andere afdeling gestuurd. Humanitas helpt met de brieven.", &[D], Some("gemeente")),
        ("Bij de gemeente verwijzen ze hem naar de Kredietbank en de Kredietbank stuurt hem terug.", &[D], None),
    ]);
}

/// A secondary body named only as help called in is a bystander: with no other body named the
/// note has none. Contact with it refused, or a fear of it, keeps it.
#[test]
fn not_the_help_called_in() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Het wijkteam heeft haar aangemeld voor traumabehandeling en nu wacht ze al 8 maanden.", &[G], None),
        ("Vonnis binnen, over drie weken moet hij eruit. Met zijn toestemming heb ik het wijkteam ingeschakeld.", &[H], None),
        ("Ontruiming aangekondigd wegens huurachterstand. R: contact wijkteam over huurschuld.", &[H], None),
        ("Moeder wil geen hulp, bang dat ze de kinderen afpakken. Doorgegeven aan het CJG.", &[J], None),
        ("Vader weigert contact met het CJG: 'dan staan ze straks binnen'.", &[J], Some("CJG")),
        ("Moeder wil geen contact met het jeugdteam, 'die pakken je kinderen af'. Doorgegeven aan het wijkteam.", &[J], Some("wijkteam")),
        ("Het wijkteam is alleen telefonisch bereikbaar en het aanmeldformulier is alleen digitaal.", &[L], Some("wijkteam")),
        ("Wijkteam ingeschakeld; Staedion reageert al 9 weken niet op de lekkage.", &[C], Some("Staedion")),
    ]);
}

/// Issue 11, second round: the body a bailiff or agency acts for is responsible; a body that
/// passes the person on is not, when another is named; more creditors and providers.
#[test]
fn the_principal_not_the_messenger() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Vanmorgen stond de deurwaarder op de stoep, namens Staedion, met de datum van de ontruiming.", &[H], Some("Staedion")),
        ("Een deurwaarder in opdracht van Rijswijk Wonen heeft het vonnis betekend.", &[H], Some("Rijswijk Wonen")),
        ("Het wijkteam verwees haar in maart naar PsyQ; daar staat ze nog steeds op de lijst.", &[G], Some("PsyQ")),
        ("Parnassia verwees hem na de crisis door naar Indigo, waar hij al 4 maanden wacht.", &[G], Some("Indigo")),
        ("Het UWV heeft mevrouw doorgestuurd naar de SVB; daar moet alles online en ze heeft geen DigiD.", &[L], Some("SVB")),
        ("De GGD heeft meneer aangemeld bij de Kredietbank, maar na 10 weken is er geen gesprek.", &[S], Some("Kredietbank")),
        ("Het wijkteam heeft doorgestuurd naar Indigo en daar hoort hij niks meer van.", &[G], Some("Indigo")),
        // The referrer alone is still named when no other body is.
        ("Het wijkteam verwees hem door, maar hij wacht al maanden op hulp bij zijn schulden.", &[S], Some("wijkteam")),
        ("Belastingdienst houdt een deel van zijn loon in, en de aanmelding bij schuldhulp ligt stil.", &[S], Some("gemeente")),
        ("Vitens en Ditzo hebben de incasso uit handen gegeven; bij de Kredietbank geen plek tot januari.", &[S], Some("Kredietbank")),
        ("Schuld bij Nuon en Simyo, niemand pakt het op.", &[S], None),
        ("Jutters heeft voor de tiener pas in mei plek.", &[G], Some("Jutters")),
        ("Ymere laat de schimmel al een half jaar zitten.", &[C], Some("Ymere")),
        ("Het CIZ zegt dat het Wmo is, de gemeente zegt Wlz; niemand wil de aanvraag.", &[D], None),
    ]);
}

#[test]
fn a_department_is_its_body_when_the_note_names_it() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Schuldhulp aangevraagd bij de gemeente, al 10 weken niks gehoord", &[S], Some("gemeente")),
        ("Aangemeld SHV gemeente, intake nog niet gepland", &[S], Some("gemeente")),
        ("Aanvraag schuldhulp gedaan bij gemeente Zoetermeer, niets gehoord", &[S], Some("gemeente")),
        ("Eerder bij de gemeentelijke schuldhulp afgewezen vanwege zijn auto", &[S], Some("gemeente")),
        ("Schuldhulp aangevraagd via het wijkteam, dat stuurde door naar de gemeente", &[S], Some("gemeente")),
        ("the schuldhulp of the municipality never called back", &[S], Some("gemeente")),
        ("Bang voor korting door de soc. dienst", &[A], Some("gemeente")),
        ("De gemeentelijke balie verwijst naar de website", &[L], Some("gemeente")),
        ("Zijn klantmanager zegt dat de bijstand omlaag gaat nu zijn zoon inwoont", &[K], Some("gemeente")),
        // "gem." for gemeente after a preposition or its service, not "gem." for an average.
        ("Mnr. 8 wk geleden aangem. bij gem., nog geen intake; deurwaarder dreigt", &[S], Some("gemeente")),
        ("Toelating tot de schuldregeling door gem. geweigerd vanwege boetes", &[S], Some("gemeente")),
        ("Aanmelding SHV gem. in behandeling, intake pas over 9 wk", &[S], Some("gemeente")),
        ("Schimmel gemeld, corporatie reageert gem. pas na 6 weken", &[C], None),
    ]);
    // Named alone by its service, the municipal debt help is the gemeente's; another body's
    // employee is that body's.
    #[rustfmt::skip]
    assert_bodies(&[
        ("Staat 14 weken op de wachtlijst van de schuldhulpverlening", &[S], Some("gemeente")),
        ("De klantmanager bij het UWV zegt dat de uitkering stopt", &[A], Some("UWV")),
    ]);
}

#[test]
fn official_names_abbreviations_and_misspellings() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Ze vreest dat de RvdK de kinderen laat plaatsen", &[J], Some("Raad voor de Kinderbescherming")),
        ("brief belastingsdienst, zij wil geen toeslag meer", &[A], Some("Belastingdienst")),
        ("Steadion komt niet voor de schimmel", &[C], Some("Staedion")),
        ("Het Uitvoeringsinstituut Werknemersverzekeringen verwijst naar werk.nl", &[L], Some("UWV")),
        ("Dudok Wonen komt al 5 weken niet voor de cv", &[C], Some("Dudok Wonen")),
        ("Woonforte laat de melding liggen", &[C], Some("Woonforte")),
        ("Mozaïek Wonen heeft na 8 weken niets gerepareerd", &[C], Some("Mozaïek Wonen")),
        ("Wacht sinds 10 weken op een intake bij Antes", &[G], Some("Antes")),
        ("Aanvraag kan alleen digitaal bij de IND", &[L], Some("IND")),
        ("Bang dat Nidos haar broertje weghaalt", &[J], Some("Nidos")),
        ("WenI: bijst. dochter omlaag ivm kostendelersnorm", &[K], Some("gemeente")),
        ("Drie maanden geleden gemeld bij Onsdoel; geen reactie", &[C], Some("Ons Doel")),
        // A volunteer debt buddy, the one a slow start is about; the wijkteam referred.
        ("Wijkteam heeft klant aangemeld bij schuldhulpmaatje. Nu 10 weken, nog geen maatje.", &[S], Some("SchuldHulpMaatje")),
    ]);
}

#[test]
fn not_a_body_that_helped_quickly() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Parnassia reageerde binnen een week, maar bij Indigo staat ze nu op de wachtlijst.", &[G], Some("Indigo")),
        ("Hoewel Vidomes meteen geholpen heeft met de lekkage, laat Staedion de schimmel liggen.", &[C], Some("Staedion")),
        // Helped well, in brackets or in a clause of its own: after any body that did not,
        // even one not tied to the barrier, or one named as a channel.
        ("De gemeente (Wmo) heeft de huishoudelijke hulp wel snel geregeld; de aanvraag bij het CIZ kan alleen online.", &[L], Some("CIZ")),
        ("Zilveren Kruis heeft de bril netjes vergoed. Bezwaar bij het CAK kan alleen telefonisch.", &[L], Some("CAK")),
        ("Ze heeft WW via het UWV en durft het geld van haar zus niet aan te nemen. Budgetbeheer bij de Kredietbank, dat loopt prima.", &[A], Some("UWV")),
        // Denied, it is no help.
        ("De ggz heeft het niet snel geregeld: Parnassia laat haar 20 weken wachten.", &[G], Some("Parnassia")),
    ]);
}

#[test]
fn the_body_the_wait_is_about() {
    // Both are mental-health providers; the wait is Parnassia's.
    #[rustfmt::skip]
    assert_bodies(&[
        ("Aangemeld bij Youz op zijn zeventiende; Youz nam hem niet meer aan na zijn 18e en Parnassia heeft een wachtlijst van 5 mnd.", &[G], Some("Parnassia")),
        ("Aangemeld bij Youz (Parnassia): wachttijd voor de intake 20 weken.", &[G], Some("Parnassia")),
        // A semicolon joins the wait to the body's sentence.
        ("De Kredietbank start pas een regeling als er behandeling loopt. Aangemeld bij Brijder op 3 mei; wachttijd voor intake: 11 weken.", &[S, G], Some("Brijder")),
    ]);
}

#[test]
fn a_referrer_tied_to_the_barrier_is_responsible_only_alone() {
    // The corporation that reports its own eviction case is the one evicting.
    #[rustfmt::skip]
    assert_bodies(&[
        ("Melding van Woonbron via het wijkteam: huurachterstand 7 maanden, ontruiming volgt.", &[H], Some("Woonbron")),
        // A referrer not tied to the barrier stays out.
        ("Melding vanuit de GGD: mevrouw wacht op de ggz", &[G], None),
        // With the body the barrier is about named too, that body.
        ("Doorverwezen door Parnassia; Indigo heeft een wachtlijst van 10 weken", &[G], Some("Indigo")),
    ]);
}

#[test]
fn the_feared_body_among_several() {
    #[rustfmt::skip]
    assert_bodies(&[
        ("Toeslagen vordert 5000 euro terug; ze is bang dat de gemeente haar bijstand ook stopt.", &[A], Some("gemeente")),
        ("De gemeente wees haar op het UWV. Ze durft haar klussen niet aan het UWV door te geven.", &[A], Some("UWV")),
        ("De juf zegt: vraag hulp bij Jeugdformaat. Moeder wil niet. Ze denkt dat Veilig Thuis dan komt.", &[J], Some("Veilig Thuis")),
        ("School zegt: ga naar Jeugdformaat. Ze zegt nee, dan komt Jeugdbescherming.", &[J], Some("Jeugdbescherming")),
        // No body tied to the barrier named: the one the fear is about, not the referrer or
        // the landlord named before it.
        ("Via de Voedselbank kwam ze bij ons. Ze durft geen hulp te vragen bij het CJG, uit angst dat ze de kinderen afpakken.", &[J], Some("CJG")),
        ("Gezin huurt bij Staedion. Moeder durft het CJG niet te bellen over haar zoon.", &[J], Some("CJG")),
        // With a wait, the body the wait is about comes first.
        ("Ze liet de lekkage zelf maken omdat Haag Wonen na 8 weken nog niet was geweest; het geld van haar broer durft ze niet aan de sociale dienst te melden.", &[A, C], Some("Haag Wonen")),
    ]);
}

#[test]
fn handovers_abbreviations_and_the_body_that_cuts() {
    #[rustfmt::skip]
    assert_bodies(&[
        // The body handing a case over is its referrer.
        ("Overdracht van Parnassia na verhuizing: bij de gemeente Delft moet zij opnieuw schuldhulp aanvragen, wachttijd 2 mnd.", &[S], Some("gemeente")),
        ("Verwijsbrief ontvangen van Indigo: Youz heeft hem na 11 weken nog niet gezien.", &[G], Some("Youz")),
        // Veilig Thuis by its initials, feared in a quote ("durfde" is a fear too).
        ("Vader is zenuwachtig: 'gaan jullie VT bellen?' Hij durfde ook niet naar het CJG.", &[J], Some("Veilig Thuis")),
        ("Ze durfde Veilig Thuis niet te bellen.", &[J], Some("Veilig Thuis")),
        // Of two bodies tied to a benefit cut, the one said to cut.
        ("Hij hoorde op de sociale dienst dat de SVB zijn AOW dan verlaagt als zijn zoon intrekt.", &[K], Some("SVB")),
        ("Het UWV verwees haar door; ze vreest dat de gemeente haar uitkering stopt als ze de bon aanneemt.", &[A], Some("gemeente")),
        // Said as "goes down" (rule set 2026.12-2).
        ("Opa krijgt AOW van de SVB en wil bij zijn dochter wonen, maar de gemeente zegt dat haar bijstand dan omlaag gaat.", &[K], Some("gemeente")),
        // Moving in is no cut; withdrawing is.
        ("Opa krijgt AOW van de SVB en wil bij zijn dochter intrekken, maar de gemeente zegt dat haar bijstand dan omlaag gaat.", &[K], Some("gemeente")),
        ("Ze hoorde dat de SVB de AOW gaat intrekken als haar zoon blijft; de gemeente wist het niet.", &[K], Some("SVB")),
        ("Zoon wil terug naar huis; bij de SVB wist niemand het en de gemeente zei dat haar geld dan minder wordt.", &[K], Some("gemeente")),
        // Werk & Inkomen by its initials, bijzondere bijstand abbreviated.
        ("W&I: dochter van 24 staat bij een vriendin ingeschreven, uit angst voor de kostendelersnorm.", &[K], Some("gemeente")),
        ("Aanvraag bijz. bijstand kan alleen nog digitaal, ouderen haken af.", &[L], Some("gemeente")),
        ("mnr zzp / BBZ-aanvraag / formulier 14 blz, alleen online / haakt af", &[L], Some("gemeente")),
    ]);
}

#[test]
fn toeslagen_a_spaced_name_and_creditors_listed_in_parentheses() {
    #[rustfmt::skip]
    assert_bodies(&[
        // The benefits service by its own name; the Belastingdienst when that is named too.
        ("De website van Toeslagen is alleen in het Nederlands.", &[L], Some("Toeslagen")),
        ("Toeslagen en de Belastingdienst zijn alleen online te bereiken.", &[L], Some("Belastingdienst")),
        ("Een moeder is bang dat Jeugd bescherming haar zoon meeneemt.", &[J], Some("Jeugdbescherming")),
        // Letters from creditors in parentheses are bystanders to the body tied to the barrier.
        ("Een stapel brieven (Belastingdienst, CJIB) op tafel; aanmelden voor schuldhulp bij de gemeente kan alleen met DigiD.", &[L, S], Some("gemeente")),
    ]);
}

/// The municipal debt help named by its service, bodies and spellings of rule set 2026.11-7.
mod services;

/// The anonymiser keeps every body of the register, also right after a title and a colon
/// ("Meneer: Kredietbank alleen telefonisch") or a title and "van (de)" ("de mevrouw van de
/// Kredietbank"), where it takes an unknown capitalised word for a surname: a body it removed
/// could not be recognised as responsible. A body added to the register needs its name on the
/// anonymiser's list (`domain/data/geen-namen.txt`) or a service's ending ("-loket", "-team").
#[test]
fn the_anonymiser_keeps_every_body_of_the_register() {
    let mut removed = Vec::new();
    for name in REGISTER.roles.keys() {
        // Written with a capital, as many writers write nouns ("de Zorgverzekeraar").
        let mut letters = name.chars();
        let capital: String = letters
            .next()
            .map(|c| c.to_uppercase().chain(letters).collect())
            .unwrap_or_default();
        for text in [
            format!("Meneer: {name} reageert al weken niet."),
            format!("De cliënt belde {name} gisteren."),
            format!("De mevrouw van {capital} belde gisteren."),
            format!("De meneer van de {capital} belde gisteren."),
        ] {
            let scrubbed = knooppunt_domain::scrub::scrub(&text).text;
            if scrubbed.contains("[NAAM]")
                || !scrubbed.to_lowercase().contains(&name.to_lowercase())
            {
                removed.push(scrubbed);
            }
        }
    }
    assert!(removed.is_empty(), "{removed:#?}");
}
