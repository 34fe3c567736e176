//! Recognition cases where the barrier's words are there but the matter was settled or
//! explained away, told the way blind writers put it (rule set 2026.12-118): a fear explained
//! that the person does not believe, an eviction called off in a ledger's shorthand, the
//! kostendelersnorm explained as not covering the situation.

use super::tests::{assert_found_by_rule, rules};

#[test]
fn a_fear_explained_away_that_the_person_does_not_believe_stays_a_fear() {
    let rules = rules().without_model();
    // Not convinced is still afraid: the all-clear does not end the fear.
    assert_found_by_rule(
        &rules,
        "Mevrouw leeft van de bijstand en kreeg van de kerk een envelop met 150 euro. Ze was bang \
         dat de sociale dienst het van haar uitkering zou inhouden. Ik heb uitgelegd dat zo'n \
         gift geen gevolgen heeft, maar ze was niet te overtuigen en gaf het geld terug.",
        "angst-uitkeringskorting",
    );
    // The same all-clear, believed: the fear came to nothing.
    assert!(!rules
        .analyse(
            "Mevrouw leeft van de bijstand en kreeg van de kerk een envelop met 150 euro. Ze was \
             bang dat de sociale dienst het van haar uitkering zou inhouden. Ik heb uitgelegd dat \
             zo'n gift geen gevolgen heeft, en ze heeft het geld gehouden."
        )
        .barriers
        .contains(&"angst-uitkeringskorting"));
}

#[test]
fn an_eviction_called_off_with_its_date_in_between_is_none() {
    let rules = rules().without_model();
    let called_off = "Regeling getroffen, € 60 per maand naast de huur. Ontruiming van 02-04 \
                      ingetrokken, deurwaarder op de hoogte.";
    assert!(
        !rules
            .analyse(called_off)
            .barriers
            .contains(&"huisuitzetting"),
        "{called_off}"
    );
    // Called off, and a new date set: still an eviction.
    assert_found_by_rule(
        &rules,
        "Ontruiming van 02-04 ingetrokken, maar er is al een nieuwe datum: 15-05.",
        "huisuitzetting",
    );
}

#[test]
fn the_kostendelersnorm_explained_as_not_covering_the_case_is_none() {
    let rules = rules().without_model();
    let explained = "Zoon komt elke dag bij zijn vader koken en vraagt of zijn bijstand daardoor \
                     omlaag gaat. Uitgelegd dat de kostendelersnorm gaat over volwassenen in één \
                     woning; wie vanuit zijn eigen huis zorgt, valt daar niet onder.";
    assert!(
        !rules
            .analyse(explained)
            .barriers
            .contains(&"kostendelersnorm"),
        "{explained}"
    );
    assert_found_by_rule(
        &rules,
        "Dochter (29) is weer bij haar moeder ingetrokken; door de kostendelersnorm is de \
         bijstand van moeder verlaagd.",
        "kostendelersnorm",
    );
}
