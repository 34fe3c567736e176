use super::*;

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
        });
        static CORPORATION: LazyLock<OrganisationRole> = LazyLock::new(|| OrganisationRole {
            barriers: vec!["corporatie-reactietijd".into()],
            bystander: false,
            secondary: false,
        });
        match name {
            "Eneco" => Some(&CREDITOR),
            "Vestia" => Some(&CORPORATION),
            _ => None,
        }
    };
    let text = "doorgegeven door de ggd: vestia reageert al 9 weken niet";
    let found = [(20, 23, "GGD"), (25, 31, "Vestia")];
    assert_eq!(
        responsible(text, &found, roles, &["corporatie-reactietijd"]),
        Some("Vestia")
    );
    let text = "eneco blijft incasseren, gemeente schuldhulp wacht";
    let found = [(0, 5, "Eneco"), (25, 33, "gemeente")];
    assert_eq!(
        responsible(text, &found, roles, &["schuldhulp-toegang"]),
        Some("gemeente")
    );
    assert_eq!(
        responsible(text, &found[..1], roles, &["schuldhulp-toegang"]),
        None
    );
    let found = [(0, 3, "UWV"), (16, 24, "gemeente")];
    assert_eq!(
        responsible(
            "uwv stuurt naar gemeente",
            &found,
            roles,
            &["doorverwijscarrousel"]
        ),
        None
    );
    let text = "aangemeld bij schuldhulp van de gemeente";
    let found = [(14, 24, "Schuldhulpverlening"), (32, 40, "gemeente")];
    assert_eq!(
        responsible(text, &found, roles, &["schuldhulp-toegang"]),
        Some("gemeente")
    );
}
