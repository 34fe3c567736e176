//! A published figure: a count shown as itself, or suppressed. One representation for every
//! figure the municipality receives (brief, tables, exports, pages), written `x` when
//! suppressed — never `<5`, which would claim a size a secondary suppression may not have.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a suppressed figure is written, everywhere.
pub const SUPPRESSED: &str = "x";

/// A published figure. Serialized as `{"shown": 12}` or `"suppressed"` (the stored snapshots'
/// format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Shown(u64),
    Suppressed,
}

impl Figure {
    /// A count on its own: suppressed when it is between 1 and the minimum group size. Zero is
    /// shown: it says nothing about a person.
    pub fn of(count: i64, min_group_size: i64) -> Self {
        if count > 0 && count < min_group_size {
            Figure::Suppressed
        } else {
            Figure::Shown(count.max(0).unsigned_abs())
        }
    }

    /// `"12"`, or `"x"` for a suppressed figure. Every suppressed figure is written the same
    /// way, so the text does not say *why* it is hidden, and it never claims a size. The
    /// brief's legend explains `x` with the minimum group size.
    pub fn render(self, _min_group_size: u64) -> String {
        self.to_string()
    }

    pub fn value(self) -> Option<u64> {
        match self {
            Figure::Shown(n) => Some(n),
            Figure::Suppressed => None,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Shown(n) => write!(f, "{n}"),
            Figure::Suppressed => f.write_str(SUPPRESSED),
        }
    }
}

/// A count as published on its own: the number, or `x` below the minimum group size.
pub fn suppress(count: i64, min_group_size: i64) -> String {
    Figure::of(count, min_group_size).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_as_x_and_zero_is_shown() {
        assert_eq!(Figure::of(4, 5), Figure::Suppressed);
        assert_eq!(Figure::of(4, 5).to_string(), "x");
        assert_eq!(Figure::of(0, 5).to_string(), "0");
        assert_eq!(Figure::of(5, 5), Figure::Shown(5));
        assert_eq!(
            serde_json::to_string(&[Figure::Shown(3), Figure::Suppressed]).unwrap(),
            r#"[{"shown":3},"suppressed"]"#
        );
    }
}
