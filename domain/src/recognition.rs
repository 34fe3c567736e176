//! How a barrier on a stored signal was found — the record kept per (signal, barrier) and shown
//! to the overleg: `regel` (which rule), `model` (its calibrated probability and the terms that
//! weighed most) or `overleg` (a reviewer's label; written by the review, never by the engine).

/// The ways a barrier can be found, as stored in `signal_barriers.found_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum How {
    /// A rule matched.
    #[default]
    Rule,
    /// The model's probability reached its threshold.
    Model,
    /// A reviewer of the overleg labelled it.
    Review,
}

crate::named::stored_names!(How {
    Rule => "regel",
    Model => "model",
    Review => "overleg",
});

impl How {
    /// Reads a stored value; anything unknown is read as `regel`, what earlier rows were.
    pub fn parse(value: &str) -> Self {
        How::from_name(value).unwrap_or(How::Rule)
    }
}

/// The characters of a rule's pattern an explanation shows (and the store keeps).
pub const RULE_SHOWN: usize = 80;

/// How one barrier of a signal was found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recognition {
    pub how: How,
    /// For `regel`: the pattern that matched (or the patterns of its `all` group).
    pub rule: Option<String>,
    /// The model's calibrated probability for this barrier, when a model took part.
    pub model_score: Option<f32>,
    /// For `model`: the terms of the note that weighed most.
    pub terms: Vec<String>,
}

impl Recognition {
    /// The terms as stored (`model_terms`): a JSON array, or NULL when there are none.
    pub fn terms_column(&self) -> Option<String> {
        (!self.terms.is_empty()).then(|| serde_json::to_string(&self.terms).unwrap_or_default())
    }

    /// The rule as stored (`signal_barriers.rule`): what [`Recognition::dutch`] shows of it
    /// (at most [`RULE_SHOWN`] characters), not the whole pattern, which runs to 600
    /// characters on average and up to 1,700 (it was 609 of a stored row's 675 bytes).
    /// Reading it back explains the barrier exactly as the whole pattern did.
    pub fn rule_column(&self) -> Option<String> {
        self.rule.as_deref().map(|rule| shorten(rule, RULE_SHOWN))
    }

    /// Reads the stored columns back.
    pub fn from_columns(
        found_by: &str,
        rule: Option<String>,
        model_score: Option<f64>,
        terms: Option<String>,
    ) -> Self {
        Recognition {
            how: How::parse(found_by),
            rule,
            model_score: model_score.map(|s| s as f32),
            terms: terms
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default(),
        }
    }

    /// In Dutch for the overleg: "herkend aan ‘kostendel’" (a rule of plain words), "herkend
    /// door een regel" (a regular expression), "herkend door het model (zekerheid 0,87;
    /// woorden die meewogen: kinderen, afpakken, durft niet)", "ingedeeld door het overleg".
    pub fn dutch(&self) -> String {
        match self.how {
            // A pattern of plain words is what the note said ("herkend aan ‘kostendel’"); a
            // regular expression means nothing to a meeting, and on a phone its unbroken
            // length pushed the agenda sideways.
            How::Rule => match self.rule.as_deref().filter(|rule| plain_words(rule)) {
                Some(words) => format!("herkend aan ‘{}’", shorten(words, RULE_SHOWN)),
                None => "herkend door een regel".to_string(),
            },
            How::Model => {
                let score = self
                    .model_score
                    .map(|s| crate::dutch_number::decimal(f64::from(s), 2))
                    .unwrap_or_else(|| "?".into());
                if self.terms.is_empty() {
                    format!("herkend door het model (zekerheid {score})")
                } else {
                    format!(
                        "herkend door het model (zekerheid {score}; woorden die meewogen: {})",
                        self.terms.join(", ")
                    )
                }
            }
            How::Review => "ingedeeld door het overleg".to_string(),
        }
    }
}

/// Whether a rule's pattern is words alone (letters, spaces, hyphens, apostrophes; a stored
/// pattern may end in the `…` of its shortening), no regular-expression syntax.
fn plain_words(pattern: &str) -> bool {
    let words = pattern.trim_end_matches('…');
    !words.trim().is_empty()
        && words
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_explanations() {
        let rule = Recognition {
            how: How::Rule,
            rule: Some("kostendel".into()),
            model_score: Some(0.9),
            terms: Vec::new(),
        };
        assert_eq!(rule.dutch(), "herkend aan ‘kostendel’");
        let regex = Recognition {
            rule: Some("(wo?ningco+rporatie|co+rporatie|\\bwbv\\b)[^.]*niet".into()),
            ..rule
        };
        assert_eq!(regex.dutch(), "herkend door een regel");
        let model = Recognition {
            how: How::Model,
            rule: None,
            model_score: Some(0.87),
            terms: vec!["kinderen".into(), "afpakken".into(), "durft niet".into()],
        };
        assert_eq!(
            model.dutch(),
            "herkend door het model (zekerheid 0,87; woorden die meewogen: kinderen, afpakken, durft niet)"
        );
        assert_eq!(
            Recognition {
                how: How::Review,
                ..Default::default()
            }
            .dutch(),
            "ingedeeld door het overleg"
        );
    }

    #[test]
    fn a_stored_rule_explains_as_the_whole_pattern_did() {
        let short = "kostendel";
        let exact: String = "a|".repeat(RULE_SHOWN / 2);
        let long = format!(
            "(bang|angst|durf\\w* (het )?niet|vrees\\w*){}",
            "|zorgen".repeat(100)
        );
        let wide: String = "ë".repeat(RULE_SHOWN + 1);
        for pattern in [short, exact.as_str(), long.as_str(), wide.as_str()] {
            let found = Recognition {
                how: How::Rule,
                rule: Some(pattern.to_string()),
                model_score: Some(0.9),
                terms: Vec::new(),
            };
            let stored = found.rule_column().expect("a rule is stored");
            assert!(stored.chars().count() <= RULE_SHOWN, "{stored}");
            let back = Recognition::from_columns("regel", Some(stored), Some(0.9), None);
            assert_eq!(back.dutch(), found.dutch(), "{pattern}");
            // Rows stored before, with the whole pattern, read as they did.
            let old = Recognition::from_columns("regel", Some(pattern.into()), Some(0.9), None);
            assert_eq!(old.dutch(), back.dutch(), "{pattern}");
        }
        assert_eq!(Recognition::default().rule_column(), None);
    }

    #[test]
    fn stored_columns_round_trip() {
        let model = Recognition {
            how: How::Model,
            rule: None,
            model_score: Some(0.7),
            terms: vec!["wachtlijst".into()],
        };
        let back = Recognition::from_columns(
            model.how.as_str(),
            model.rule.clone(),
            model.model_score.map(f64::from),
            model.terms_column(),
        );
        assert_eq!(back, model);
        assert_eq!(
            Recognition::from_columns("", None, None, None).how,
            How::Rule
        );
    }
}
