use super::*;

#[test]
fn the_municipal_debt_help_named_by_its_service_is_the_gemeentes() {
    assert_eq!(
        org("Aanmelding bij de schuldhulp ligt al 10 weken stil", &[S]),
        Some("gemeente")
    );
    // "gem." is the gemeente, and a named municipal debt help is a municipal department.
    for text in [
        "Aangemeld bij schuldhulpverlening gem. Zoetermeer, na 7 weken nog niets gehoord",
        "Schuldhulpverlening Delft heeft de aanvraag na 3 maanden nog niet opgepakt",
    ] {
        assert_eq!(org(text, &[S]), Some("gemeente"), "{text}");
    }
}

#[test]
fn a_body_named_by_its_name_comes_before_a_service() {
    // Two barriers: the corporation is named, the debt help only by its service.
    assert_eq!(
        org(
            "Huurachterstand bij Haag Wonen, ontruiming aangekondigd; bij de schuldhulp pas over 8 weken een intake.",
            &[H, S]
        ),
        Some("Haag Wonen")
    );
    // A named debt-help provider before the service.
    assert_eq!(
        org(
            "Volgens de schuldhulp van de wijk is het normaal, maar bij PLANgroep ligt de aanvraag al 12 weken.",
            &[S]
        ),
        Some("PLANgroep")
    );
}

#[test]
fn more_of_the_regions_bodies() {
    for (text, barrier, expected) in [
        (
            "Lekkage gemeld bij Arcade, na 5 weken nog niemand",
            C,
            "Arcade",
        ),
        (
            "Het huis van Wonen Wateringen is vochtig, melding ligt er al 6 weken",
            C,
            "Wonen Wateringen",
        ),
        (
            "Aanmelden bij het Centraal Onthaal kan alleen telefonisch",
            L,
            "gemeente",
        ),
        (
            "Vergoeding aanvragen kan alleen online via Menzis, dat lukt hem niet",
            L,
            "Menzis",
        ),
    ] {
        assert_eq!(org(text, &[barrier]), Some(expected), "{text}");
    }
}

#[test]
fn insurers_and_listed_creditors_are_bystanders_to_debt_help() {
    assert_eq!(
        org(
            "Premieschuld bij Menzis; wacht al 9 weken op de schuldhulp",
            &[S]
        ),
        Some("gemeente")
    );
    assert_eq!(
        org(
            "Zes schuldeisers waaronder het CJIB, VGZ en de Belastingdienst. Geen hulp bij schulden in zicht.",
            &[S]
        ),
        None
    );
}

#[test]
fn the_body_that_would_cut_not_the_one_that_paid() {
    assert_eq!(
        org(
            "Mevrouw durft de toeslag van de Belastingdienst niet op te nemen: straks zegt de sociale dienst dat ze te veel heeft.",
            &[A]
        ),
        Some("gemeente")
    );
}

#[test]
fn in_an_eviction_the_body_evicting() {
    assert_eq!(
        org(
            "De sociale dienst ontdekte dat haar broer er woonde en kortte de bijstand. Nu dreigt Vidomes met ontruiming.",
            &[K, H]
        ),
        Some("Vidomes")
    );
}
