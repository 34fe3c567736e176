//! A signal's classification as the store keeps it and replay compares it: per barrier its
//! waiting time, confidence and how it was found. Written as JSON
//! (`[{"barrier":…,"wait_days":…,"confidence":…,"found_by":"model"}]`, `found_by` left out for
//! a rule); rows written before are the text `barrier|wait_days|confidence[|how];…` and are
//! read as well, so a stored classification stays readable and compares equal to the same one
//! written anew.

use super::BarrierMatch;
use crate::recognition::How;
use serde::{Deserialize, Serialize};

/// The barriers of a classified signal, in rule-file order; empty means unclassified.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Classification(pub Vec<ClassifiedBarrier>);

/// One barrier of a classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifiedBarrier {
    pub barrier: String,
    pub wait_days: Option<u32>,
    pub confidence: f64,
    /// How it was found; a rule (`regel`) is what rows without it were.
    #[serde(default, skip_serializing_if = "is_rule")]
    pub found_by: How,
}

fn is_rule(how: &How) -> bool {
    *how == How::Rule
}

impl ClassifiedBarrier {
    pub fn of(found: &BarrierMatch) -> Self {
        Self {
            barrier: found.barrier.clone(),
            wait_days: found.wait_days,
            confidence: found.confidence,
            found_by: found.found.how,
        }
    }

    /// One entry of the earlier text, `barrier|wait_days|confidence[|how]`.
    fn parse_legacy(entry: &str) -> Result<Self, String> {
        let invalid = || format!("geen geldige indeling in de database: {entry}");
        let mut fields = entry.split('|');
        let barrier = fields.next().ok_or_else(invalid)?.to_string();
        let wait_days = match fields.next().ok_or_else(invalid)? {
            "" => None,
            wait => Some(wait.parse().map_err(|_| invalid())?),
        };
        let confidence = fields.next().ok_or_else(invalid)?;
        let confidence = confidence.parse().map_err(|_| invalid())?;
        let found_by = fields.next().map_or(How::Rule, How::parse);
        Ok(Self {
            barrier,
            wait_days,
            confidence,
            found_by,
        })
    }
}

impl Classification {
    /// The classification of a signal's matches.
    pub fn of(matches: &[BarrierMatch]) -> Self {
        Self(matches.iter().map(ClassifiedBarrier::of).collect())
    }

    /// How many of its barriers the model found (not a rule, not the overleg).
    pub fn by_model(&self) -> u64 {
        self.0.iter().filter(|b| b.found_by == How::Model).count() as u64
    }

    /// Reads the stored text: JSON, or the earlier `barrier|wait_days|confidence[|how];…`
    /// (empty: unclassified, or stored before the detail was recorded).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.starts_with('[') {
            return serde_json::from_str(text)
                .map_err(|e| format!("geen geldige indeling in de database: {e}"));
        }
        text.split(';')
            .filter(|entry| !entry.is_empty())
            .map(ClassifiedBarrier::parse_legacy)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// The text it is stored as: JSON, or empty when there are no barriers (as unclassified
    /// signals have always been stored).
    pub fn to_text(&self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn barrier(
        barrier: &str,
        wait_days: Option<u32>,
        confidence: f64,
        how: How,
    ) -> ClassifiedBarrier {
        ClassifiedBarrier {
            barrier: barrier.into(),
            wait_days,
            confidence,
            found_by: how,
        }
    }

    #[test]
    fn a_classification_round_trips_through_its_json() {
        let classification = Classification(vec![
            barrier("kostendelersnorm", Some(70), 0.9, How::Rule),
            barrier("wachtlijst-ggz", None, 0.8714285714285714, How::Model),
            barrier("loket-drempel", None, 1.0, How::Review),
        ]);
        let text = classification.to_text();
        assert_eq!(
            text,
            r#"[{"barrier":"kostendelersnorm","wait_days":70,"confidence":0.9},{"barrier":"wachtlijst-ggz","wait_days":null,"confidence":0.8714285714285714,"found_by":"model"},{"barrier":"loket-drempel","wait_days":null,"confidence":1.0,"found_by":"overleg"}]"#
        );
        assert_eq!(Classification::parse(&text), Ok(classification.clone()));
        assert_eq!(classification.by_model(), 1);
        assert_eq!(Classification::default().to_text(), "");
        assert_eq!(Classification::parse(""), Ok(Classification::default()));
    }

    #[test]
    fn the_earlier_text_reads_as_the_same_classification() {
        let old = "kostendelersnorm|70|0.9;wachtlijst-ggz||0.8714285714285714|model;loket-drempel||1|overleg";
        let expected = Classification(vec![
            barrier("kostendelersnorm", Some(70), 0.9, How::Rule),
            barrier("wachtlijst-ggz", None, 0.8714285714285714, How::Model),
            barrier("loket-drempel", None, 1.0, How::Review),
        ]);
        assert_eq!(Classification::parse(old), Ok(expected.clone()));
        assert_eq!(
            Classification::parse(&expected.to_text()),
            Classification::parse(old),
            "the old row and the same classification written anew compare equal"
        );
    }

    #[test]
    fn what_does_not_parse_is_refused() {
        for text in [
            "kostendelersnorm",
            "k|x|0.9",
            "k|7|hoog",
            "[{\"barrier\":1}]",
        ] {
            assert!(Classification::parse(text).is_err(), "{text}");
        }
    }
}
