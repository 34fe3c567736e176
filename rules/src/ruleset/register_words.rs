//! `{register}` in a barrier's positive, `keep` and `unless` patterns: the names of the
//! region's bodies that the register (`[[organisation]]`) ties to that barrier, so that a rule
//! and the register know the same bodies — a deployment that adds its own GGZ provider to the
//! register has the GGZ rule know it too. Pure: no I/O.

use super::spec::{BarrierSpec, OrganisationSpec};
use super::{normalise, RuleError};

/// The placeholder, as written in a pattern.
pub(super) const PLACEHOLDER: &str = "{register}";

/// What `{register}` stands for in the patterns of `spec`, when one of them uses it: the
/// aliases, normalised and as whole words ([`crate::extract::whole_words_pattern`], as the
/// register itself finds them), of the organisations whose `barriers` name the barrier. A
/// pattern sees lower-cased text, so what counts only when written with capitals is left out:
/// the bodies marked `capitalised` and aliases written in capitals ("HW", "DGW"); so are
/// bystanders. `None` when no pattern uses it or no organisation names the barrier.
pub(super) fn for_barrier(
    spec: &BarrierSpec,
    organisations: &[OrganisationSpec],
) -> Option<String> {
    let groups = spec.all.iter().chain(spec.groups.iter().map(|g| &g.all));
    let lifting = spec
        .keep
        .iter()
        .chain(spec.exclude_unless.iter().map(|(_, u)| u));
    let used = spec
        .patterns
        .iter()
        .chain(groups.flatten())
        .chain(lifting)
        .any(|p| p.contains(PLACEHOLDER));
    used.then(|| alternation(&spec.id, organisations)).flatten()
}

/// [`for_barrier`]'s alternation for barrier `barrier`, used or not.
pub(super) fn alternation(barrier: &str, organisations: &[OrganisationSpec]) -> Option<String> {
    let aliases: Vec<String> = organisations
        .iter()
        .filter(|o| !o.capitalised && !o.bystander && o.barriers.iter().any(|b| b == barrier))
        .flat_map(|o| &o.aliases)
        .filter(|alias| !alias.chars().any(char::is_uppercase))
        .map(|alias| normalise(alias.trim()).trim().to_string())
        .filter(|alias| !alias.is_empty())
        .collect();
    crate::extract::whole_words_pattern(aliases.iter().map(String::as_str))
}

/// `pattern` with `{register}` replaced by `alternation`; an error when the pattern uses it and
/// no organisation names the barrier.
pub(super) fn expand(
    barrier: &str,
    pattern: &str,
    alternation: Option<&str>,
    errors: &mut Vec<RuleError>,
) -> String {
    if !pattern.contains(PLACEHOLDER) {
        return pattern.to_string();
    }
    match alternation {
        Some(words) => pattern.replace(PLACEHOLDER, words),
        None => {
            errors.push(RuleError(format!(
                "barrière '{barrier}': patroon gebruikt {PLACEHOLDER}, maar geen organisatie noemt deze barrière"
            )));
            pattern.replace(PLACEHOLDER, "")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(name: &str, aliases: &[&str], barriers: &[&str]) -> OrganisationSpec {
        OrganisationSpec {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            barriers: barriers.iter().map(|b| b.to_string()).collect(),
            bystander: false,
            secondary: false,
            part_of: None,
            generic: false,
            capitalised: false,
            elliptic: Vec::new(),
        }
    }

    #[test]
    fn the_register_names_the_bodies_of_one_barrier_as_whole_words() {
        let mut sleutels = body("De Sleutels", &["de sleutels"], &["ggz"]);
        sleutels.capitalised = true;
        let register = [
            body("Youz", &["youz"], &["ggz"]),
            body(
                "Centrum '45",
                &["centrum '45", "centrum 45", "C45"],
                &["ggz"],
            ),
            body("Staedion", &["staedion"], &["corporatie"]),
            sleutels,
        ];
        let words = alternation("ggz", &register).expect("two bodies name ggz");
        let re = regex::Regex::new(&words).expect("a valid alternation");
        assert!(re.is_match("wacht bij youz op een intake"));
        assert!(re.is_match("aangemeld bij centrum '45"));
        assert!(re.is_match("aangemeld bij centrum 45"));
        assert!(!re.is_match("youzz"), "whole words only");
        assert!(
            !re.is_match("c45"),
            "an alias in capitals counts only so written"
        );
        assert!(!re.is_match("staedion"), "another barrier's body");
        assert!(!re.is_match("de sleutels"), "counted only with a capital");
        assert_eq!(alternation("loket", &register), None);
    }

    #[test]
    fn a_pattern_without_a_body_to_name_is_an_error() {
        let mut errors = Vec::new();
        let plain = expand("ggz", "wacht(lijst)?", None, &mut errors);
        assert_eq!((plain.as_str(), errors.len()), ("wacht(lijst)?", 0));
        let _ = expand("ggz", "({register}|ggz)", None, &mut errors);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].0.contains("geen organisatie noemt"),
            "{:?}",
            errors[0]
        );
        let filled = expand(
            "ggz",
            "({register}|ggz)",
            Some("(?:\\byouz\\b)"),
            &mut errors,
        );
        assert_eq!(filled, "((?:\\byouz\\b)|ggz)");
    }
}
