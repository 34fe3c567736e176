//! Numbers the Dutch way, for what people read: `1.988`, `12.345` (a dot between thousands).

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

#[cfg(test)]
mod tests {
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
