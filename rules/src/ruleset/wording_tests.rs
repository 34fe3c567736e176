//! Recognition in the wording of the field that needs more than a case line: the body
//! responsible for a case passed around, and the body a barrier's `responsible` hint picks. The
//! tables of wording, one block per kind of note, are in `rules/tests/cases/barriers.txt`.

use super::tests::{one_barrier, rules};
use super::*;

#[test]
fn a_case_passed_around_by_two_or_more_has_no_responsible_organisation() {
    let rules = rules();
    let cases = [
        // A body and a party pass it on: none of them.
        (
            "Niemand pakt het op: de huisarts stuurt meneer naar het wijkteam, het wijkteam zegt \
             dat het medisch is en stuurt hem weer terug naar de huisarts.",
            None,
        ),
        // Beside a waiting list, the body with the list is responsible for it.
        (
            "Al 10 weken aangemeld bij Parnassia zonder intake; intussen stuurt de POH hem naar \
             het wijkteam en het wijkteam hem weer terug naar de huisarts. Niemand pakt het op.",
            Some("Parnassia"),
        ),
        // One body sending a resident from desk to desk: that body.
        (
            "Mevrouw wordt bij de gemeente van het ene loket naar het andere gestuurd en weer \
             terug, niemand voelt zich verantwoordelijk.",
            Some("gemeente"),
        ),
        // A department named by its service counts as its body, which sends on: none.
        (
            "Hij heeft schuldhulp nodig. De gemeente zegt eerst naar de Kredietbank, de \
             Kredietbank zegt eerst een intake bij de gemeente.",
            None,
        ),
    ];
    for (text, expected) in cases {
        let analysis = rules.analyse(text);
        assert!(
            analysis.barriers.contains(&"doorverwijscarrousel"),
            "{text}: {:?}",
            analysis.barriers
        );
        assert_eq!(analysis.organisation, expected, "{text}");
    }
}

#[test]
fn a_barrier_says_how_its_responsible_body_shows() {
    let note = "De sociale dienst ontdekte dat haar volwassen zoon weer bij haar woont en kortte \
                haar bijstand. Nu dreigt Vidomes met ontruiming, de huur is al 3 maanden achter.";
    let shipped = rules();
    let shows = |id: &str| shipped.barrier(id).and_then(|b| b.responsible);
    assert_eq!(shows("huisuitzetting"), Some(crate::extract::Shows::Evicts));
    assert_eq!(shows("kostendelersnorm"), Some(crate::extract::Shows::Cuts));
    assert_eq!(shows("wachtlijst-ggz"), None);
    let analysed = shipped.analyse(note);
    assert_eq!(
        analysed.barriers,
        ["kostendelersnorm", "huisuitzetting"],
        "both barriers, each with a body of its own"
    );
    assert_eq!(analysed.organisation, Some("Vidomes"));
    // Without the hint, the first body tied to a barrier of the note is the one.
    let without = RuleSet::from_toml(&DEFAULT_RULES.replace("responsible = \"evicts\"\n", ""))
        .expect("rules without the eviction hint");
    assert_eq!(without.analyse(note).organisation, Some("gemeente"));
    // An unknown kind of body is refused with the line it is on.
    let refused = RuleSet::from_toml(&one_barrier(
        "x",
        "patterns = ['x']\nresponsible = \"kort\"\n",
    ))
    .expect_err("an unknown responsible");
    assert!(refused[0].to_string().contains("kort"), "{}", refused[0]);
}
