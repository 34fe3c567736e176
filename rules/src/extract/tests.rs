use super::*;
use crate::cases::{self, case_file};
use std::sync::LazyLock;

/// The shipped rules' barrier of a case passed around, with no other parties named.
pub(super) const CAROUSEL: Passing<'static> = Passing {
    barrier: Some("doorverwijscarrousel"),
    parties: 0,
};

/// The longest wait read from a note, in days.
fn wait(text: &str) -> Option<u32> {
    waits(&knooppunt_domain::text::normalise(text))
        .iter()
        .map(|w| w.1)
        .max()
}

/// `rules/tests/cases/waits.txt`: each note and the longest wait read from it.
#[test]
fn waits_in_notes() {
    cases::check_waits(case_file!("waits.txt"), wait);
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
