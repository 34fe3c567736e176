//! Small statistics shared by the store, promotion and the reports.

/// The `q`-quantile (0..=1) of sorted values, interpolating between neighbours.
pub fn quantile(sorted: &[i64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let fraction = position - low as f64;
    Some(sorted[low] as f64 + (sorted[high] - sorted[low]) as f64 * fraction)
}

/// The harmonic mean of precision `p` and recall `r`; 0 when both are 0.
pub fn f1_of(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// `part / whole`, or `empty` when `whole` is 0.
pub fn ratio_or(empty: f64, part: usize, whole: usize) -> f64 {
    if whole == 0 {
        empty
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7], 0.5), Some(7.0));
        assert_eq!(quantile(&[10, 20], 0.5), Some(15.0));
        assert_eq!(quantile(&[14, 28, 70, 98], 0.5), Some(49.0));
        assert_eq!(quantile(&[14, 28, 70, 98], 0.75), Some(77.0));
        assert_eq!(quantile(&[1, 2, 3], 1.0), Some(3.0));
    }
}
