//! What the overleg types into a decision — its toelichting, notitie or aanbeveling, and the
//! owner and programme of an assignment — goes to the municipality (the brief, the knelpunten,
//! the programme's decisions list) and is kept with the history: it is checked like any free
//! text ([`crate::free_text`]) before the decision is recorded, and refused, naming the field,
//! when it is too long or holds personal data.

use crate::free_text::{self, Refusal};
use crate::review::{Action, DecisionError};

/// Longest toelichting, notitie or aanbeveling.
pub const MAX_REASON: usize = 2000;

/// Longest owner or programme: a name of an organisation, team or programme.
pub const MAX_NAME: usize = 200;

/// The action and reason to record, normalised, or why they are refused.
pub fn checked(action: Action, reason: &str) -> Result<(Action, String), DecisionError> {
    let reason = field(reason, MAX_REASON, reason_label(&action), WITHOUT_PERSON)?;
    let action = match action {
        Action::Assign { owner, programme } => Action::Assign {
            owner: field(&owner, MAX_NAME, "eigenaar", NAME_ONLY)?,
            programme: field(&programme, MAX_NAME, "programma", NAME_ONLY)?,
        },
        other => other,
    };
    Ok((action, reason))
}

const WITHOUT_PERSON: &str =
    "beschrijf het knelpunt zonder naam, telefoonnummer, e-mailadres, adres of nummer van een persoon";
const NAME_ONLY: &str = "noem een organisatie, team of functie, geen persoon";

/// How the form calls the reason of `action`.
fn reason_label(action: &Action) -> &'static str {
    match action {
        Action::Note => "notitie",
        Action::Recommend => "aanbeveling",
        Action::Dismiss => "reden",
        _ => "toelichting",
    }
}

fn field(text: &str, max: usize, label: &str, advice: &str) -> Result<String, DecisionError> {
    free_text::checked(text, max).map_err(|refusal| {
        DecisionError::Text(match refusal {
            Refusal::TooLong(limit) => format!("{label}: {limit}"),
            Refusal::Personal(kinds) => {
                format!("{label}: bevat persoonsgegevens ({kinds}); {advice}")
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_refused_naming_the_field_and_never_echoed() {
        let refused = |action: Action, reason: &str| match checked(action, reason) {
            Err(DecisionError::Text(message)) => message,
            other => panic!("not refused: {other:?}"),
        };
        let message = refused(Action::Recommend, "Bel mevrouw op 0612345678");
        assert!(
            message.starts_with("aanbeveling: bevat persoonsgegevens ("),
            "{message}"
        );
        assert!(!message.contains("0612345678"), "{message}");
        let message = refused(Action::Note, "Mail jan.devries@example.nl");
        assert!(
            message.starts_with("notitie: bevat persoonsgegevens"),
            "{message}"
        );
        let message = refused(Action::Confirm, "BSN 123456782 bekend");
        assert!(message.starts_with("toelichting: bevat"), "{message}");
        let assign = |owner: &str, programme: &str| Action::Assign {
            owner: owner.into(),
            programme: programme.into(),
        };
        let message = refused(assign("Gemeente 0612345678", "Armoede"), "");
        assert!(
            message.starts_with("eigenaar: bevat persoonsgegevens"),
            "{message}"
        );
        let message = refused(assign("Gemeente", "Armoede, info@example.nl"), "");
        assert!(message.starts_with("programma: bevat"), "{message}");
        let message = refused(Action::Dismiss, &"x".repeat(2001));
        assert_eq!(message, "reden: hoogstens 2.000 tekens (nu 2.001)");
    }

    #[test]
    fn plain_texts_pass_normalised() {
        let (action, reason) = checked(
            Action::Assign {
                owner: "  Gemeente, Werk en Inkomen ".into(),
                programme: "Armoede".into(),
            },
            " Landelijk bekend; lokaal maatwerk mogelijk via art. 18\n",
        )
        .expect("plain texts pass");
        assert_eq!(
            action,
            Action::Assign {
                owner: "Gemeente, Werk en Inkomen".into(),
                programme: "Armoede".into()
            }
        );
        assert_eq!(
            reason,
            "Landelijk bekend; lokaal maatwerk mogelijk via art. 18"
        );
    }
}
