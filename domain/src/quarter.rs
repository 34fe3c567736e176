//! Calendar quarters, the period of a brief: written `2026Q3`, shown "3e kwartaal 2026".

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter, written `2026Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    pub quarter: u32,
}

impl Quarter {
    pub fn containing(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            quarter: (date.month0() / 3) + 1,
        }
    }

    /// First day of the quarter.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.quarter - 1) * 3 + 1, 1).unwrap_or_default()
    }

    /// First day after the quarter.
    pub fn end(self) -> NaiveDate {
        self.next().start()
    }

    pub fn next(self) -> Self {
        if self.quarter == 4 {
            Self {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Self {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.quarter == 1 {
            Self {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Self {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// "3e kwartaal 2026".
    pub fn dutch_label(self) -> String {
        format!("{}e kwartaal {}", self.quarter, self.year)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

impl FromStr for Quarter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_uppercase().replace('-', "");
        let invalid = || format!("kwartaal '{s}' is ongeldig; schrijf het als 2026Q3");
        let (year, quarter) = upper.split_once('Q').ok_or_else(invalid)?;
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let quarter: u32 = quarter.parse().map_err(|_| invalid())?;
        if !(1..=4).contains(&quarter) || !(2000..=9999).contains(&year) {
            return Err(invalid());
        }
        Ok(Self { year, quarter })
    }
}
