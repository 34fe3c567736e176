use super::*;
use std::sync::LazyLock;

/// The shipped rules' barrier of a case passed around, with no other parties named.
pub(super) const CAROUSEL: Passing<'static> = Passing {
    barrier: Some("doorverwijscarrousel"),
    parties: 0,
};

fn wait(text: &str) -> Option<u32> {
    waits(&knooppunt_domain::text::normalise(text))
        .iter()
        .map(|w| w.1)
        .max()
}

/// Checks each case: a note and the longest wait read from it, in days.
fn assert_waits(cases: &[(&str, Option<u32>)]) {
    for (text, expected) in cases {
        assert_eq!(wait(text), *expected, "{text}");
    }
}

/// Checks that no wait is read from any of `texts`.
fn assert_no_waits(texts: &[&str]) {
    for text in texts {
        assert_eq!(wait(text), None, "{text}");
    }
}

#[test]
fn abbreviated_and_compact_waits() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Vestia reageert al 9 wk niet", Some(63)),
        ("wachtlijst 5 mnd", Some(150)),
        ("al 12wk geen reactie", Some(84)),
        ("intake duurt 5mnd", Some(150)),
        ("nu 10 dgn niks gehoord", Some(10)),
        ("wacht al anderhalve maand", Some(45)),
        ("wacht al 1,5 maand", Some(45)),
        ("ruim een half jaar op de wachtlijst", Some(182)),
        // As a learner of Dutch may spell it.
        ("wacht al tien weeken op een reactie", Some(70)),
        // Two neighbouring letters swapped in a unit of five letters or more, or in a number
        // word of six or more.
        ("wacht al 6 wekne op een reactie", Some(42)),
        ("intake pas over 3 maadnen", Some(90)),
        ("al andrehalve maand geen reactie", Some(45)),
        ("wachtlijst van veetrien dagen", Some(14)),
    ]);
}

#[test]
fn waits_stated_as_a_list_length() {
    #[rustfmt::skip]
    assert_waits(&[
        ("de wachtlijst is nu 7 maanden", Some(210)),
        ("de wachttijd is 16 weken", Some(112)),
        ("staat op een lijst van 12 weken", Some(84)),
        ("wachttijd van 14 weken bij de ggz", Some(98)),
    ]);
}

#[test]
fn durations_that_are_not_waits() {
    assert_no_waits(&[
        // A word a letter away from a unit is no unit ("wagen" is no "dagen").
        "er staan 2 wagen voor de deur",
        // How long a programme, a contract or a stay lasts.
        "een saneringstraject van 18 maanden is niet haalbaar",
        "ze heeft een contract van 12 maanden bij een uitzendbureau",
        "na een opname van drie weken kon hij niet terug",
        "woont er al 30 jaar",
        "al 20 jaar in deze wijk, nu schimmel",
        "zoon van 23 jaar woont weer thuis",
        "moeder is 40 jaar oud",
        "de kapotte cv is in een dag gemaakt, dat wel",
        "de lekkage hebben ze in twee dagen verholpen",
        "ze wil drie maanden bij haar zus in Marokko zijn",
        "bankafschriften over de afgelopen drie maanden meesturen",
        "Ctrl over 3 wk voor de enkel",
        "dochter (17 jaar) wil hulp",
        "moet binnen 4 weken weg",
        "ontruiming over 3 weken",
        "45 minuten in de wacht gestaan",
        "langer dan 10 weken wachten is te lang",
        "wacht 3 a 4 maanden",
        "wachtlijst van 6 tot 8 weken",
        "de treeknorm van 14 weken",
        "om de 2 weken een gesprek",
        "baby van 3 maanden",
        "al 10 jaar ziek en nu wachtlijst",
        "ze is 40 jaar en wacht op een intake",
        // A number's point is no sentence end: the eviction still makes it a deadline.
        "ontruiming wegens een achterstand van circa 2.400 euro, te effectueren over drie weken",
    ]);
}

#[test]
fn the_real_wait_after_a_distractor() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Mw (woont er al 20 jaar) wacht al 9 weken op reactie", Some(63)),
        ("Zoon van 19; intake pas over 5 maanden", Some(150)),
        // Haags drops the last n: "weke" are weeks.
        ("Ze mot 9 weke wachte op de schuldhulp", Some(63)),
        // Years of complaints are an illness, not the wait stated before them.
        ("Sinds de verwijzing al 4 maanden niets gehoord van de ggz. Zij heeft al twee jaar klachten en vraagt of wachten ook helpt.", Some(120)),
        ("al een jaar op de wachtlijst", Some(365)),
        ("Een mevrouw die ik al een jaar ken wacht op de schuldhulp. Dat is nu zeven weken.", Some(49)),
        ("Huurster, al 2 jaar bij ons bekend, wacht op de ggz: wachttijd 11 weken.", Some(77)),
        ("Al een half jaar niks.", Some(182)),
        ("huurachterstand van drie maanden; na twaalf weken geen intake", Some(84)),
        ("3 maanden huurachterstand, al 5 weken geen antwoord", Some(35)),
        ("Belt: achterstand huur 5 mnd, sinds 7 wk aangemeld bij de schuldhulp, niks gehoord", Some(49)),
        ("wacht al 4 maanden op schuldhulp, de huurachterstand groeit", Some(120)),
        ("ze moeten eruit voor de zomer, en de schuldhulp kan pas over 6 weken een eerste gesprek doen", Some(42)),
        // What happens meanwhile is no longer the wait's clause: a bailiff calling then is no
        // eviction date.
        ("de schuldhulp kan haar pas over 5 weken helpen en intussen belt de deurwaarder elke dag", Some(35)),
        ("De deurwaarder komt pas over 3 weken voor de ontruiming.", None),
        ("Corporatie reageert niet op twee brieven (sinds 6 wkn).", Some(42)),
        // Weeks or months in brackets after a statement about waiting.
        ("Meldingen sinds mei; per 28/8 geen enkele reactie (15 wk).", Some(105)),
        ("2 uitnodigingen gemist, opnieuw achteraan op de wachtlijst (6 wk)", Some(42)),
        ("staat al 5 maande op de wachtlijst", Some(150)),
        ("een half jaar geleden aangemeld, nog niets", Some(182)),
        // Years out of work or on a benefit are a life fact, not the wait.
        ("Hij is sinds drie jaar volledig arbeidsongeschikt en hoort dat hij pas over een half jaar aan de beurt is bij de ggz.", Some(182)),
        ("Zij zit al 6 jaar in de bijstand en wacht nu 5 weken op de schuldhulp.", Some(35)),
        // Months the rent went unpaid are arrears, not the wait for the debt help after them.
        ("Hij heeft 5 maanden de huur niet kunnen betalen, en de schuldhulp begint pas over 10 weken.", Some(70)),
    ]);
}

#[test]
fn responsible_not_the_referrer_or_a_creditor() {
    let roles = |name: &str| -> Option<&'static OrganisationRole> {
        static CREDITOR: LazyLock<OrganisationRole> = LazyLock::new(|| OrganisationRole {
            barriers: vec![],
            bystander: true,
            secondary: false,
            part_of: None,
            generic: false,
        });
        static CORPORATION: LazyLock<OrganisationRole> = LazyLock::new(|| OrganisationRole {
            barriers: vec!["corporatie-reactietijd".into()],
            bystander: false,
            secondary: false,
            part_of: None,
            generic: false,
        });
        match name {
            "Eneco" => Some(&CREDITOR),
            "Vestia" => Some(&CORPORATION),
            _ => None,
        }
    };
    type Found = [(usize, usize, &'static str)];
    let answer = |text: &str, found: &Found, barrier: &str| {
        responsible(
            text,
            found,
            roles,
            &[barrier],
            |_| None,
            &stated_waits(text),
            CAROUSEL,
        )
    };
    let vestia = [(20, 23, "GGD"), (25, 31, "Vestia")];
    let eneco = [(0, 5, "Eneco"), (25, 33, "gemeente")];
    let carousel = [(0, 3, "UWV"), (16, 24, "gemeente")];
    let department = [(14, 24, "Schuldhulpverlening"), (32, 40, "gemeente")];
    let schuldhulp = "eneco blijft incasseren, gemeente schuldhulp wacht";
    // (text, bodies found, barrier, the responsible one)
    let cases: [(&str, &Found, &str, Option<&str>); 5] = [
        (
            "doorgegeven door de ggd: vestia reageert al 9 weken niet",
            &vestia,
            "corporatie-reactietijd",
            Some("Vestia"),
        ),
        (schuldhulp, &eneco, "schuldhulp-toegang", Some("gemeente")),
        (schuldhulp, &eneco[..1], "schuldhulp-toegang", None),
        (
            "uwv stuurt naar gemeente",
            &carousel,
            "doorverwijscarrousel",
            None,
        ),
        (
            "aangemeld bij schuldhulp van de gemeente",
            &department,
            "schuldhulp-toegang",
            Some("gemeente"),
        ),
    ];
    for (text, found, barrier, expected) in cases {
        assert_eq!(answer(text, found, barrier), expected, "{text}");
    }
}

#[test]
fn number_words_halves_and_approximations() {
    #[rustfmt::skip]
    assert_waits(&[
        ("reactie blijft al vijfentwintig dagen uit", Some(25)),
        ("wacht sinds eenendertig dagen op reparatie", Some(31)),
        ("staat drieëntwintig weken op de wachtlijst", Some(161)),
        ("nu al veertig dagen niemand geweest", Some(40)),
        ("bezwaar loopt al tweeënhalve maand", Some(75)),
        ("intake na twee en een halve maand", Some(75)),
        ("wachtlijst van 2.5 maand", Some(75)),
        ("na een week of elf nog geen intake", Some(77)),
        ("ze zeggen: wacht een maand of vier", Some(120)),
        ("al een week geen antwoord", Some(7)),
    ]);
}

#[test]
fn lengths_of_a_list_are_not_ages() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Youz heeft een wachtlijst van een half jaar", Some(182)),
        ("de wachtlijst is 1 jaar", Some(365)),
        ("ze wacht er al 2 jaar op", Some(730)),
        ("Groep start in het najaar. Dat wordt een half jaar niks.", Some(182)),
        ("de baby wordt een half jaar", None),
    ]);
}

#[test]
fn ages_pregnancies_terms_and_life_facts_are_not_waits() {
    assert_no_waits(&[
        "de wettelijke beslistermijn van 6 weken is verstreken",
        "de reactietermijn is 4 weken",
        "zij is 8 maanden zwanger",
        "bewoonster is 30 weken zwanger",
        "kind 2 jaar heeft astma",
        "dochter (2 jaar) hoest",
        "wacht op de intake, baby (6 weken) huilt veel",
        "wachtlijst voor de moeder, mw (20 wk) komt niet",
        "wacht op de intake, het gezin woont er (3 jaar)",
        "moeder met baby 6 weken",
        "cursiste (syrisch, 5 jaar in nl) is aangemeld",
        "ze zit al 3 maanden in de bijstand",
        "4 maanden huur schuld",
        "sinds hij daar weg is, staan twee maanden kamerhuur open",
        "mw (66), ex-verslaafd, 25 jr clean",
        "she has been in Holland for 6 years, waiting",
        "his son is 3 years old",
        "the wait can be more than 20 weeks",
        "de wachttijd kan oplopen tot 20 weken",
        "in de regio wachttijden tot 20 weken",
        "huurachterstand 5 mnd, ontruiming aangezegd",
        "huurachterstand bij de corporatie, 4 maanden",
        "heeft 2 maanden niet betaald, nu moet hij weg",
        "ze moet over 2 wk het huis uit",
        "over tien dagen moet hij de sleutels inleveren",
        "alle afschriften van de afgelopen 3 maanden aanleveren",
        "ontbreken nog de bankafschriften laatste 3 maanden",
        "loonstroken afgelopen 3 maanden meesturen",
        "pt. 6 wk pp., somber",
        "over 2 wk nabellen",
        "besloten: wijkteam neemt regie. terugkoppeling over 4 weken",
        "evaluatie in het overleg over een maand",
        "controle bij de huisarts over 1 week",
    ]);
    #[rustfmt::skip]
    assert_waits(&[
        // A wait in the same note is still read.
        ("De beslistermijn van 6 weken is verstreken; na vijftien weken nog niets.", Some(105)),
        ("Zij is 8 maanden zwanger. Vestia komt al 5 weken niet", Some(35)),
        // "achtereenvolgens" is not arrears ("3 maanden achter"); a comma ends a life fact.
        ("in de afgelopen 4 weken achtereenvolgens verwezen van loket naar loket", Some(28)),
        ("staat op een lijst voor hulp met schulden, al een half jaar", Some(182)),
        ("Meneer (80, sinds 5 jaar weduwnaar) wacht 4 mnd", Some(120)),
        // A pregnancy as midwives and GPs abbreviate it is not the wait beside it.
        ("Pte AD 30 wk, wacht al 6 wk op intake", Some(42)),
        ("zw. 22 wk; 5 wk geen reactie", Some(35)),
        ("zwangerschap van 28 weken, wacht 3 weken", Some(21)),
        // "de lift werkt al 6 weken niet" is a wait, not a working life.
        ("de lift werkt al 6 weken niet", Some(42)),
    ]);
}

#[test]
fn waits_in_notes_that_mix_in_english() {
    #[rustfmt::skip]
    assert_waits(&[
        ("no response for 6 weeks now", Some(42)),
        ("the waitlist is 5 months", Some(150)),
        ("applied 10 weeks ago, still no intake", Some(70)),
        ("waiting for three weeks", Some(21)),
    ]);
}

#[test]
fn waits_in_notes_that_mix_in_spanish_or_portuguese() {
    #[rustfmt::skip]
    assert_waits(&[
        ("wacht al siete semanas op de eerste afspraak", Some(49)),
        ("aangemeld, já 3 meses geen intake", Some(90)),
        ("melding já há cinco semanas, ninguém veio", Some(35)),
        ("wacht al duas semanas op de ggz", Some(14)),
        // "mes" is a knife in Dutch: no month, the wait beside it is read.
        ("hij dreigde met een mes, wacht al 3 weken op de ggz", Some(21)),
        ("hij dreigde met een mes", None),
    ]);
}

#[test]
fn years_of_an_illness_and_a_condition_first_are_not_waits() {
    #[rustfmt::skip]
    assert_waits(&[
        // Years of complaints next to the real wait.
        ("Mw heeft paniekklachten sinds 12 jaar, ooit behandeld. Wachttijd intake nu 15 wkn.", Some(105)),
        ("slaapproblemen al 6 jaar, wacht op behandeling", None),
        // A condition to meet first is not the wait; waiting first is.
        ("Na 5 weken kreeg hij een gesprek: 'eerst 4 maanden zelf een budget bijhouden'.", Some(35)),
        ("hij moet eerst 3 maanden wachten op de intake", Some(90)),
        // A condition ("dubbele diagnose") is not an illness's duration.
        ("Met een dubbele diagnose wordt hij al een jaar van de een naar de ander gestuurd", Some(365)),
        // Years of a treatment or a mood are how long it lasts, not a wait; the wait from the
        // application beside it is.
        ("Dhr. dialyseert sinds 3 jaar, praat over stoppen met de behandeling. Intake gepland elf weken na de aanmelding.", Some(77)),
        ("meneer is sinds 2 jaar somber, aangemeld bij de ggz, nog niks gehoord", None),
        ("Mw. zit al 2 jaar in een rolstoel en wacht op een reactie van de corporatie over de drempels.", None),
    ]);
}

/// The report the wait counts from may stand before "… geleden", with the body in quotes and a
/// comma between; weeks of sick leave or in hospital are no wait, whatever their unit.
#[test]
fn a_report_before_its_time_ago_and_weeks_of_sick_leave() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Schimmel gemeld ruim een jaar geleden bij de corporatie, niemand geweest.", Some(365)),
        ("Dochter heeft hem aangemeld bij 'de psyq', een half jaar geleden al, en hij heeft nog niemand gezien.", Some(182)),
        ("Zij is drie weken ziek gemeld door de schimmel; de corporatie is na 11 weken nog niet langs geweest.", Some(77)),
        ("De consulent van de kredietbank is al 3 weken ziek en niemand neemt het over.", None),
        ("Hij heeft twee weken opgenomen gelegen, de ggz-intake duurt nog 8 weken.", Some(56)),
        // A comma in the middle ends the report's clause: when something else happened.
        ("Hij is aangemeld, de brand was een jaar geleden.", None),
    ]);
}

#[test]
fn years_of_symptoms_and_a_moment_years_ago_are_not_waits() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Zijn dochter hoest al een jaar; de corporatie reageert al 7 weken niet.", Some(49)),
        ("Hij is al twee jaar depressief. Aangemeld bij de ggz: wachttijd 16 weken.", Some(112)),
        ("Na het ongeluk, nu een jaar geleden, staat hij 10 weken op de wachtlijst.", Some(70)),
        // Years ago that the person applied or reported: the wait.
        ("Een half jaar geleden aangemeld en nog niets gehoord.", Some(182)),
        ("Ze heeft het de verhuurder twee jaar geleden verteld, nooit iemand gezien.", Some(730)),
        // The request a few words after "geleden", in the same clause.
        ("Een half jaar geleden al hulp voor zijn schulden gevraagd, nooit opgepakt.", Some(182)),
        ("Ze heeft een jaar geleden zelf aan de bel getrokken voor hulp met haar schulden; er is nog geen plan.", Some(365)),
        ("Hij heeft het een jaar geleden al aan de verhuurder doorgegeven.", Some(365)),
        // ... but not past the clause: the moment something else happened.
        ("Ze is een jaar geleden verhuisd, en heeft toen om hulp gevraagd.", None),
        ("Een jaar geleden is zijn vrouw overleden en heeft hij om hulp gevraagd.", None),
        // Years ago, and nothing since: the time waited.
        ("Hij meldde zich bij de schuldhulp. Dat is nu een half jaar geleden en er is nog immer geen regeling.", Some(182)),
        ("Lekkage gemeld bij de verhuurder; dat is een jaar geleden en nog steeds niets gedaan.", Some(365)),
        ("Dat was een jaar geleden en het gaat nu weer goed met hem.", None),
        // Or the application named just before it.
        ("De verwijzing heeft reeds een half jaar geleden plaatsgevonden, geen behandeling.", Some(182)),
        ("Zijn aanmelding was een jaar geleden; nog altijd geen plek.", Some(365)),
        ("Onze eerste collectieve melding is nu bijna een jaar oud.", Some(365)),
        ("Hij meldde het ruim een jaar geleden voor het eerst bij de verhuurder.", Some(365)),
        ("Mijn eerste melding bij Staedion is nu 9 weken oud.", Some(63)),
        ("Ons verzoek om uitstel is 16 dagen oud en nog niet beantwoord.", Some(16)),
        ("Zijn eigen brief aan ze is nu tien weken oud, nog geen antwoord.", Some(70)),
        ("De brief over haar zoon, die nu 9 weken oud is, kwam te laat.", None),
        ("Sinds zijn aanmelding bij Brijder bijna een jaar geleden geen behandeling.", Some(365)),
        ("Schimmel gemeld bij Staedion, de eerste melding is nu drie maanden oud.", Some(90)),
        // A life word before a duration does not stop a wait named right after it.
        ("Mw. met depressie staat ruim een half jaar op de wachtlijst bij de ggz.", Some(182)),
        // Years of treatment that ended are history, not a wait.
        ("Pt. 2 jr in behandeling geweest bij Parnassia. Bij Rivierduinen eerstvolgende plek over tien weken.", Some(70)),
        ("Pas na een half jaar in behandeling genomen.", Some(182)),
        ("De verhuizing, nu een jaar geleden, ging goed; nu wacht ze op de ggz.", None),
    ]);
}

#[test]
fn widowhood_a_validity_and_the_period_papers_cover_are_not_waits() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Mevrouw is weduwe, 2 jaar nu. Via de huisarts aangemeld bij de ggz, 9 weken geleden.", Some(63)),
        ("De code komt binnen 5 werkdagen en is 30 dagen geldig; een afspraak kan pas over 3 weken.", Some(21)),
        ("Nieuwe activeringscode, geldig 30 dagen. Eerste afspraak over 3 weken.", Some(21)),
        ("Ze moest zes maanden bankafschriften inleveren en hoort nu al twee maanden niks.", Some(60)),
        ("Aanmelding bij de schuldhulp: eerst bankafschriften van drie maanden uploaden. Intussen loopt het beslag door.", None),
        ("Hij moet van 3 maanden alle afschriften aanleveren voordat de intake start; al 5 weken niets gehoord.", Some(35)),
        ("Loonstroken van de afgelopen 3 maanden ingeleverd, en daarna 6 weken gewacht op de intake.", Some(42)),
        ("De aanvraag vereist bankafschriften over drie maanden, alleen digitaal te uploaden.", None),
        ("Zij zeggen eerst alle papieren brengen, bankafschrift zes maanden, en dan wachten.", None),
    ]);
}

#[test]
fn a_clause_cut_at_a_dash_wider_than_a_byte() {
    // '–' takes three bytes: a clause that starts after it starts three bytes on (this
    // panicked, and a note in a classify run took the whole run down with it).
    #[rustfmt::skip]
    assert_waits(&[
        ("Jeugdhulp stopt bij 18 – de volwassenenzorg heeft een wachtlijst van 4 maanden.", Some(120)),
        ("Aangemeld bij de ggz – wacht nu al 9 weken, niks gehoord.", Some(63)),
        ("Huurachterstand 4 mnd – aanmelding schuldhulp 6 wk geleden, nog geen intake.", Some(42)),
        ("Lekkage – gemeld bij Staedion – al 5 weken geen reactie.", Some(35)),
    ]);
}

#[test]
fn a_waiting_verb_between_a_life_fact_and_the_years() {
    #[rustfmt::skip]
    assert_waits(&[
        // "schulden" and "daar" before the years are a life fact only when nothing waits.
        ("Meneer heeft schulden en wacht al een half jaar op schuldhulp.", Some(182)),
        ("En zijn schulden? 'Daar wacht ik al een half jaar op hulp voor.'", Some(182)),
        ("Hij heeft al een jaar schulden, de Kredietbank reageert niet.", None),
        ("Ze woont daar al 2 jaar, de lift is kapot.", None),
        // Years of residence with the verb after them, beside the wait.
        ("Mevrouw, die er al twaalf jaar woont, meldde de lekkage bij Vidomes en hoort al zes weken niets.", Some(42)),
        ("Het gezin dat al 4 jaar in de flat woont wacht nu 8 weken op een reactie op de melding.", Some(56)),
        // A tenant's years, in brackets, are residence; a baby's family waiting is a wait.
        ("Partij A (4 jaar bewoner) en partij B meldden het bij de corporatie, al 9 weken geen reactie.", Some(63)),
        ("Een gezin met een baby al vijftien weken wacht tot de corporatie de schimmel komt bekijken.", Some(105)),
        ("Een baby van 15 weken, de corporatie reageert al 6 weken niet op de schimmel.", Some(42)),
        // "in het laatste halfjaar" is a time frame; the wait is the weeks.
        ("In het laatste halfjaar kwam hij nauwelijks buiten: de lift was tien weken defect en de verhuurder reageerde niet.", Some(70)),
        // A quarter is three months; one "per kwartaal" is no wait.
        ("Ze wacht al een kwartaal op een intake bij de schuldhulp.", Some(90)),
        ("De corporatie rekent de servicekosten per kwartaal af en reageert al 6 weken niet.", Some(42)),
        // A payment plan's term is no wait; the time since applying for one is.
        ("Aangemeld bij de schuldhulp, sindsdien 8 weken niets gehoord. Met het waterbedrijf een regeling van 10 maanden afgesproken.", Some(56)),
        ("Schuldregeling 3 maanden geleden aangevraagd bij de gemeente, nog geen reactie.", Some(90)),
        // A child's age stated with "is", in months too.
        ("Mijn dochter is 8 maanden, zij hoest veel. Staedion gebeld, 10 weken geleden, niemand komt.", Some(70)),
        // A stay in the country is residence too.
        ("Een man die sinds twee jaar in dit land verblijft, is aangemeld bij de ggz; na 9 weken nog geen intake.", Some(63)),
        ("De vader, die nu vier jaar in ons land is, hoort na 10 weken nog niets van de ggz.", Some(70)),
        // Years of symptoms after the duration are an illness, not the wait beside it.
        ("Moeder heeft al een half jaar paniekaanvallen en staat nu 11 weken op de wachtlijst.", Some(77)),
        ("Al twee jaar rugklachten; de fysio heeft een wachtlijst van 6 weken.", Some(42)),
    ]);
}

#[test]
fn a_babys_age_after_is_or_now_and_now_in_brackets() {
    #[rustfmt::skip]
    assert_waits(&[
        ("Al 4 weken koud in huis, 3 keer gebeld. Baby is 5 maanden.", Some(28)),
        ("Geen reactie van Vidomes (9 wk), de baby nu 3 maanden oud", Some(63)),
        ("Baby 6 weken, moeder wacht al 2 maanden op de ggz.", Some(60)),
        // A year on the street is a life, not the wait.
        ("Na een jaar op straat eindelijk een woning; geen warm water, na 5 weken is er nog niemand geweest.", Some(35)),
        // The youngest or eldest is a child too.
        ("Ik bel Vidomes, zeven weken geleden, niemand komt. Haar jongste is 8 maanden.", Some(49)),
        // "nu" inside the brackets of a wait; a child's age stays one.
        ("Moeder staat bij PsyQ op de wachtlijst (nu 10 wkn).", Some(70)),
        ("Wachtlijst ggz voor de baby (nu 10 wkn) en moeder.", None),
    ]);
}
