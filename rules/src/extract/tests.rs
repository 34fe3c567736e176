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

#[test]
fn abbreviated_and_compact_waits() {
    assert_eq!(wait("Vestia reageert al 9 wk niet"), Some(63));
    assert_eq!(wait("wachtlijst 5 mnd"), Some(150));
    assert_eq!(wait("al 12wk geen reactie"), Some(84));
    assert_eq!(wait("intake duurt 5mnd"), Some(150));
    assert_eq!(wait("nu 10 dgn niks gehoord"), Some(10));
    assert_eq!(wait("wacht al anderhalve maand"), Some(45));
    assert_eq!(wait("wacht al 1,5 maand"), Some(45));
    assert_eq!(wait("ruim een half jaar op de wachtlijst"), Some(182));
}

#[test]
fn waits_stated_as_a_list_length() {
    assert_eq!(wait("de wachtlijst is nu 7 maanden"), Some(210));
    assert_eq!(wait("de wachttijd is 16 weken"), Some(112));
    assert_eq!(wait("staat op een lijst van 12 weken"), Some(84));
    assert_eq!(wait("wachttijd van 14 weken bij de ggz"), Some(98));
}

#[test]
fn durations_that_are_not_waits() {
    for text in [
        "woont er al 30 jaar",
        "al 20 jaar in deze wijk, nu schimmel",
        "zoon van 23 jaar woont weer thuis",
        "moeder is 40 jaar oud",
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
    ] {
        assert_eq!(wait(text), None, "{text}");
    }
}

#[test]
fn the_real_wait_after_a_distractor() {
    assert_eq!(
        wait("Mw (woont er al 20 jaar) wacht al 9 weken op reactie"),
        Some(63)
    );
    assert_eq!(wait("Zoon van 19; intake pas over 5 maanden"), Some(150));
    assert_eq!(wait("al een jaar op de wachtlijst"), Some(365));
    assert_eq!(wait("Al een half jaar niks."), Some(182));
    assert_eq!(
        wait("huurachterstand van drie maanden; na twaalf weken geen intake"),
        Some(84)
    );
    assert_eq!(
        wait("3 maanden huurachterstand, al 5 weken geen antwoord"),
        Some(35)
    );
    assert_eq!(
        wait("Belt: achterstand huur 5 mnd, sinds 7 wk aangemeld bij de schuldhulp, niks gehoord"),
        Some(49)
    );
    assert_eq!(
        wait("wacht al 4 maanden op schuldhulp, de huurachterstand groeit"),
        Some(120)
    );
    assert_eq!(
        wait("ze moeten eruit voor de zomer, en de schuldhulp kan pas over 6 weken een eerste gesprek doen"),
        Some(42)
    );
    assert_eq!(
        wait("Corporatie reageert niet op twee brieven (sinds 6 wkn)."),
        Some(42)
    );
    assert_eq!(wait("staat al 5 maande op de wachtlijst"), Some(150));
    assert_eq!(
        wait("een half jaar geleden aangemeld, nog niets"),
        Some(182)
    );
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
    assert_eq!(wait("reactie blijft al vijfentwintig dagen uit"), Some(25));
    assert_eq!(wait("wacht sinds eenendertig dagen op reparatie"), Some(31));
    assert_eq!(
        wait("staat drieëntwintig weken op de wachtlijst"),
        Some(161)
    );
    assert_eq!(wait("nu al veertig dagen niemand geweest"), Some(40));
    assert_eq!(wait("bezwaar loopt al tweeënhalve maand"), Some(75));
    assert_eq!(wait("intake na twee en een halve maand"), Some(75));
    assert_eq!(wait("wachtlijst van 2.5 maand"), Some(75));
    assert_eq!(wait("na een week of elf nog geen intake"), Some(77));
    assert_eq!(wait("ze zeggen: wacht een maand of vier"), Some(120));
    assert_eq!(wait("al een week geen antwoord"), Some(7));
}

#[test]
fn lengths_of_a_list_are_not_ages() {
    assert_eq!(
        wait("Youz heeft een wachtlijst van een half jaar"),
        Some(182)
    );
    assert_eq!(wait("de wachtlijst is 1 jaar"), Some(365));
    assert_eq!(wait("ze wacht er al 2 jaar op"), Some(730));
    assert_eq!(
        wait("Groep start in het najaar. Dat wordt een half jaar niks."),
        Some(182)
    );
    assert_eq!(wait("de baby wordt een half jaar"), None);
}

#[test]
fn ages_pregnancies_terms_and_life_facts_are_not_waits() {
    for text in [
        "de wettelijke beslistermijn van 6 weken is verstreken",
        "de reactietermijn is 4 weken",
        "zij is 8 maanden zwanger",
        "bewoonster is 30 weken zwanger",
        "kind 2 jaar heeft astma",
        "dochter (2 jaar) hoest",
        "moeder met baby 6 weken",
        "cursiste (syrisch, 5 jaar in nl) is aangemeld",
        "ze zit al 3 maanden in de bijstand",
        "4 maanden huur schuld",
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
        "pt. 6 wk pp., somber",
        "over 2 wk nabellen",
    ] {
        assert_eq!(wait(text), None, "{text}");
    }
    // A wait in the same note is still read.
    assert_eq!(
        wait("De beslistermijn van 6 weken is verstreken; na vijftien weken nog niets."),
        Some(105)
    );
    assert_eq!(
        wait("Zij is 8 maanden zwanger. Vestia komt al 5 weken niet"),
        Some(35)
    );
    // "achtereenvolgens" is not arrears ("3 maanden achter"); a comma ends a life fact.
    assert_eq!(
        wait("in de afgelopen 4 weken achtereenvolgens verwezen van loket naar loket"),
        Some(28)
    );
    assert_eq!(
        wait("staat op een lijst voor hulp met schulden, al een half jaar"),
        Some(182)
    );
    assert_eq!(
        wait("Meneer (80, sinds 5 jaar weduwnaar) wacht 4 mnd"),
        Some(120)
    );
    // A pregnancy as midwives and GPs abbreviate it is not the wait beside it.
    assert_eq!(wait("Pte AD 30 wk, wacht al 6 wk op intake"), Some(42));
    assert_eq!(wait("zw. 22 wk; 5 wk geen reactie"), Some(35));
    assert_eq!(wait("zwangerschap van 28 weken, wacht 3 weken"), Some(21));
    // "de lift werkt al 6 weken niet" is a wait, not a working life.
    assert_eq!(wait("de lift werkt al 6 weken niet"), Some(42));
}

#[test]
fn waits_in_notes_that_mix_in_english() {
    assert_eq!(wait("no response for 6 weeks now"), Some(42));
    assert_eq!(wait("the waitlist is 5 months"), Some(150));
    assert_eq!(wait("applied 10 weeks ago, still no intake"), Some(70));
    assert_eq!(wait("waiting for three weeks"), Some(21));
}

#[test]
fn years_of_an_illness_and_a_condition_first_are_not_waits() {
    // Years of complaints next to the real wait.
    assert_eq!(
        wait("Mw heeft paniekklachten sinds 12 jaar, ooit behandeld. Wachttijd intake nu 15 wkn."),
        Some(105)
    );
    assert_eq!(wait("slaapproblemen al 6 jaar, wacht op behandeling"), None);
    // A condition to meet first is not the wait; waiting first is.
    assert_eq!(
        wait("Na 5 weken kreeg hij een gesprek: 'eerst 4 maanden zelf een budget bijhouden'."),
        Some(35)
    );
    assert_eq!(
        wait("hij moet eerst 3 maanden wachten op de intake"),
        Some(90)
    );
    // A condition ("dubbele diagnose") is not an illness's duration.
    assert_eq!(
        wait("Met een dubbele diagnose wordt hij al een jaar van de een naar de ander gestuurd"),
        Some(365)
    );
}

#[test]
fn years_of_symptoms_and_a_moment_years_ago_are_not_waits() {
    assert_eq!(
        wait("Zijn dochter hoest al een jaar; de corporatie reageert al 7 weken niet."),
        Some(49)
    );
    assert_eq!(
        wait("Hij is al twee jaar depressief. Aangemeld bij de ggz: wachttijd 16 weken."),
        Some(112)
    );
    assert_eq!(
        wait("Na het ongeluk, nu een jaar geleden, staat hij 10 weken op de wachtlijst."),
        Some(70)
    );
    // Years ago that the person applied or reported: the wait.
    assert_eq!(
        wait("Een half jaar geleden aangemeld en nog niets gehoord."),
        Some(182)
    );
    assert_eq!(
        wait("Ze heeft het de verhuurder twee jaar geleden verteld, nooit iemand gezien."),
        Some(730)
    );
}

#[test]
fn widowhood_a_validity_and_the_period_papers_cover_are_not_waits() {
    assert_eq!(
        wait(
            "Mevrouw is weduwe, 2 jaar nu. Via de huisarts aangemeld bij de ggz, 9 weken geleden."
        ),
        Some(63)
    );
    assert_eq!(
        wait("De code komt binnen 5 werkdagen en is 30 dagen geldig; een afspraak kan pas over 3 weken."),
        Some(21)
    );
    assert_eq!(
        wait("Nieuwe activeringscode, geldig 30 dagen. Eerste afspraak over 3 weken."),
        Some(21)
    );
    assert_eq!(
        wait("Ze moest zes maanden bankafschriften inleveren en hoort nu al twee maanden niks."),
        Some(60)
    );
}
