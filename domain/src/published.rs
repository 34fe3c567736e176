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

/// Whether `now` signals are *growing* on `previous`: at least `min` (the minimum group size)
/// more, and at least a quarter more. Judged on what a reader can know: a previous count that
/// is published as `x` (1 to `min` − 1) counts as the largest it could be, so the word says
/// nothing the figures beside it do not. (Judged on the true count, "aanhoudend" at 8 beside
/// a previous `x` told that it was 4: 8 − 4 is under 5, while 1 to 3 would have been growth.)
pub fn growing(now: i64, previous: i64, min: i64) -> bool {
    let previous = match Figure::of(previous, min) {
        Figure::Suppressed => min - 1,
        Figure::Shown(_) => previous,
    };
    now >= min && now - previous >= min && now as f64 >= 1.25 * previous as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_beside_a_suppressed_count_says_nothing_of_its_size() {
        // Eight now, and before a count published as x: the same word whatever it was.
        let words: Vec<bool> = (1..5).map(|previous| growing(8, previous, 5)).collect();
        assert_eq!(words, [false; 4]);
        // Nine is growth on any x (9 − 4 = 5), and on a published zero or a shown count.
        assert!((1..5).all(|previous| growing(9, previous, 5)));
        assert!(growing(5, 0, 5));
        assert!(growing(12, 6, 5));
        assert!(!growing(12, 8, 5));
        // Under the minimum group size nothing is growing.
        assert!(!growing(4, 0, 5));
    }

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
