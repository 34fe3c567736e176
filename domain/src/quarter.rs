//! Calendar quarters, the period of a brief: written `2026Q3`, shown "3e kwartaal 2026"; and
//! the months a brief counts signals in, written `2026-09`.

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

/// A calendar month, written `2026-09`: the months a brief's figures count signals in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    pub fn containing(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// First day of the month.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// First day after the month.
    pub fn end(self) -> NaiveDate {
        self.next().start()
    }

    pub fn next(self) -> Self {
        match self.month {
            12 => Self {
                year: self.year + 1,
                month: 1,
            },
            m => Self {
                year: self.year,
                month: m + 1,
            },
        }
    }

    pub fn previous(self) -> Self {
        match self.month {
            1 => Self {
                year: self.year - 1,
                month: 12,
            },
            m => Self {
                year: self.year,
                month: m - 1,
            },
        }
    }

    /// The quarter the month is in.
    pub fn quarter(self) -> Quarter {
        Quarter {
            year: self.year,
            quarter: (self.month - 1) / 3 + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = String;

    /// `2026-09`, as the store groups days by their first seven characters; `09-2026`, as
    /// Dutch readers write it, too. The year has four digits (one of six read as 1970 before).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("maand '{s}' is ongeldig; schrijf haar als 2026-09");
        let (first, second) = s.split_once('-').ok_or_else(invalid)?;
        let (year, month) = if first.len() <= 2 && second.len() == 4 {
            (second, first)
        } else {
            (first, second)
        };
        if year.len() != 4 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || year < 1000 {
            return Err(invalid());
        }
        Ok(Self { year, month })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_reads_in_either_order_with_a_four_digit_year() {
        let november = Month {
            year: 2026,
            month: 11,
        };
        assert_eq!("11-2026".parse::<Month>(), Ok(november));
        assert_eq!("2026-11".parse::<Month>(), Ok(november));
        for wrong in ["262143-12", "0000-01", "26-11", "2026-13", "2026-0"] {
            assert!(wrong.parse::<Month>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_month_is_written_and_read_as_year_dash_month() {
        let september: Month = "2026-09".parse().unwrap();
        assert_eq!(
            september,
            Month {
                year: 2026,
                month: 9
            }
        );
        assert_eq!(september.to_string(), "2026-09");
        assert_eq!(september.quarter().to_string(), "2026Q3");
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(Month::containing(day).to_string(), "2026-12");
        assert_eq!(Month::containing(day).quarter().to_string(), "2026Q4");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("2026-00".parse::<Month>().is_err());
        assert!("2026".parse::<Month>().is_err());
        assert!("2026-9x".parse::<Month>().is_err());
    }
}
