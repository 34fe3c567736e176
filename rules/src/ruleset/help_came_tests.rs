//! Recognition cases where help came, told beside the words of its barrier: an intake days or
//! weeks after asking, an arrangement the creditors accepted (rule set 2026.12-93). Not the
//! barrier, unless the note still waits ("al 5 maanden wacht", rule set 2026.12-94).

use super::tests::{assert_found_by_rule, assert_not_classified, rules};

#[test]
fn help_already_there_soon_after_asking_is_no_wait() {
    let rules = rules();
    for (text, barrier) in [
        (
            "Aangemeld bij de schuldhulp van de gemeente, na drie weken had ze al een gesprek; \
             het budgetplan loopt.",
            "schuldhulp-toegang",
        ),
        (
            "Twee weken na de verwijzing door de POH had meneer al een intake bij de ggz, hij \
             gaat nu wekelijks naar zijn psycholoog.",
            "wachtlijst-ggz",
        ),
        (
            "De schuldregeling is door alle schuldeisers aanvaard, de eerste afbetaling gaat \
             volgende maand in.",
            "schuldhulp-toegang",
        ),
    ] {
        assert_not_classified(&rules, text, barrier);
    }
    for (text, barrier) in [
        // A quick intake, and then a wait all the same.
        (
            "Na drie weken had ze al een intake bij de ggz, maar ze wacht nu al vier maanden op \
             behandeling.",
            "wachtlijst-ggz",
        ),
        // Creditors who did not accept.
        (
            "De schuldeisers zijn niet akkoord gegaan met de regeling en de schuldhulp doet al \
             drie maanden niks, terwijl de deurwaarder beslag legt.",
            "schuldhulp-toegang",
        ),
    ] {
        assert_found_by_rule(&rules, text, barrier);
    }
}

/// "Al vier maanden wacht" is still waiting: what goes well with another matter of the note does
/// not lift the wait.
#[test]
fn months_of_waiting_stay_a_wait_beside_what_goes_well() {
    assert_found_by_rule(
        &rules(),
        "Mevrouw vertelt dat ze al vier maanden op een intake bij de ggz wacht. Haar bewind \
         loopt, dat gaat goed.",
        "wachtlijst-ggz",
    );
}
