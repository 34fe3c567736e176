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

#[cfg(test)]
mod tests {
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
