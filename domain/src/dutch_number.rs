//! Numbers the Dutch way, for what people read: `1.988`, `12.345` (a dot between thousands),
//! `0,91` (a decimal comma).

/// A count with the Dutch thousands separator: `7`, `1.988`, `1.234.567`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `value` with `places` decimals and a decimal comma: `0,50`, `0,988`, `21,7`.
pub fn decimal(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('.', ",")
}

/// Days as weeks with at most one decimal and no trailing zero: "18 weken", "21,7 weken",
/// "1 week" — one rounding for every page and sentence that states a wait, so a reason and a
/// figure beside it agree.
pub fn weeks(days: f64) -> String {
    let weeks = (days / 7.0 * 10.0).round() / 10.0;
    let text = if weeks.fract() == 0.0 {
        format!("{weeks:.0}")
    } else {
        decimal(weeks, 1)
    };
    if text == "1" {
        "1 week".into()
    } else {
        format!("{text} weken")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_have_a_decimal_comma_and_no_trailing_zero() {
        let cases = [
            (126.0, "18 weken"),
            (152.0, "21,7 weken"),
            (7.0, "1 week"),
            (10.0, "1,4 weken"),
            (122.5, "17,5 weken"),
        ];
        for (days, text) in cases {
            assert_eq!(super::weeks(days), text, "{days} days");
        }
    }

    #[test]
    fn decimals_have_a_comma_and_the_places_asked() {
        assert_eq!(super::decimal(0.5, 2), "0,50");
        assert_eq!(super::decimal(0.98765, 3), "0,988");
        assert_eq!(super::decimal(1.0, 2), "1,00");
        assert_eq!(super::decimal(21.66, 1), "21,7");
    }

    #[test]
    fn thousands_use_a_dot() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(7), "7");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1.000");
        assert_eq!(super::count(1988), "1.988");
        assert_eq!(super::count(1_234_567), "1.234.567");
    }
}
