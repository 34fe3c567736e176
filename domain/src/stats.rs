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
