//! A free text a person types that is stored and shown to others (a rectificatie's reason, a
//! werkroute): normalised, at most so many characters, and without personal data. Each form
//! words its own refusal around what these checks found.

/// Why a free text is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Longer than allowed: "hoogstens 1.000 tekens (nu 1.204)".
    TooLong(String),
    /// It holds personal data of these kinds, "telefoonnummer, e-mailadres" (never the text).
    Personal(String),
}

/// `text` normalised (empty when nothing was typed), or why it is refused: longer than `max`
/// characters, or holding personal data.
pub fn checked(text: &str, max: usize) -> Result<String, Refusal> {
    let text = knooppunt_domain::normalise::normalise_text(text);
    let length = text.chars().count();
    if length > max {
        return Err(Refusal::TooLong(format!(
            "hoogstens {} tekens (nu {})",
            knooppunt_domain::dutch_number::count(max),
            knooppunt_domain::dutch_number::count(length)
        )));
    }
    let kinds = knooppunt_domain::scrub::found_placeholders(&text);
    if !kinds.is_empty() {
        return Err(Refusal::Personal(kinds.join(", ")));
    }
    Ok(text)
}
