//! The agenda's trend chart: signals per four-week period as an SVG bar chart big enough for
//! a projector (360×150), each bar labelled with its value and each period with its first
//! day. Styled only through CSS classes (the site's Content-Security-Policy forbids inline
//! styles); every text is a number or a date, nothing to escape.

use chrono::NaiveDate;
use std::fmt::Write as _;

/// Width and height of the chart in CSS pixels.
pub const WIDTH: usize = 360;
pub const HEIGHT: usize = 150;

/// The first day of each of the `periods` four-week periods that end on `on`.
pub fn period_starts(on: NaiveDate, periods: usize) -> Vec<NaiveDate> {
    let first = on - chrono::Duration::days(periods as i64 * 28 - 1);
    (0..periods)
        .map(|i| first + chrono::Duration::days(i as i64 * 28))
        .collect()
}

/// "stijgend", "dalend" or "gelijk": the last period against the mean of the ones before.
pub fn direction(values: &[i64]) -> &'static str {
    let Some((last, before)) = values.split_last() else {
        return "gelijk";
    };
    if before.is_empty() {
        return "gelijk";
    }
    let mean = before.iter().sum::<i64>() as f64 / before.len() as f64;
    let last = *last as f64;
    if last > mean * 1.25 && last - mean >= 1.0 {
        "stijgend"
    } else if last < mean * 0.75 && mean - last >= 1.0 {
        "dalend"
    } else {
        "gelijk"
    }
}

/// The arrow for a [`direction`].
pub fn arrow(direction: &str) -> &'static str {
    match direction {
        "stijgend" => "↑",
        "dalend" => "↓",
        _ => "→",
    }
}

/// The chart; `starts` holds each period's first day (as many as `values`).
pub fn chart(values: &[i64], starts: &[NaiveDate]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let n = values.len().max(1);
    let (top, bottom, left) = (20usize, 30usize, 8usize);
    let plot = HEIGHT - top - bottom;
    let slot = (WIDTH - 2 * left) / n;
    let bar = slot * 3 / 5;
    let mut svg = String::new();
    let summary: Vec<String> = values
        .iter()
        .zip(starts)
        .map(|(v, s)| format!("vanaf {}: {v}", s.format("%d-%m-%Y")))
        .collect();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" role=\"img\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" aria-label=\"Signalen per vier weken, {}\">",
        summary.join("; ")
    );
    let _ = write!(
        svg,
        "<line class=\"trend-as\" x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\"/>",
        y = top + plot,
        x2 = WIDTH - left
    );
    for (i, value) in values.iter().enumerate() {
        let h = (*value as f64 / max as f64 * plot as f64).round() as usize;
        let x = left + i * slot + (slot - bar) / 2;
        let centre = left + i * slot + slot / 2;
        let y = top + plot - h;
        let _ = write!(
            svg,
            "<rect class=\"trend-staaf\" x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\"/>\
             <text class=\"trend-waarde\" x=\"{centre}\" y=\"{ty}\" text-anchor=\"middle\">{value}</text>",
            ty = y.saturating_sub(4).max(12)
        );
        if let Some(start) = starts.get(i) {
            let _ = write!(
                svg,
                "<text class=\"trend-periode\" x=\"{centre}\" y=\"{ly}\" text-anchor=\"middle\">{}</text>",
                start.format("%d-%m"),
                ly = HEIGHT - 10
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_labels_every_period_and_value_and_uses_classes_only() {
        let on: NaiveDate = "2026-09-30".parse().unwrap();
        let starts = period_starts(on, 6);
        assert_eq!(starts[0], "2026-04-16".parse::<NaiveDate>().unwrap());
        assert_eq!(starts[5] + chrono::Duration::days(27), on);
        let svg = chart(&[0, 1, 2, 0, 5, 9], &starts);
        assert!(svg.contains("width=\"360\" height=\"150\""), "{svg}");
        assert_eq!(svg.matches("class=\"trend-staaf\"").count(), 6);
        assert_eq!(svg.matches("class=\"trend-periode\"").count(), 6);
        assert!(
            svg.contains(">9</text>") && svg.contains(">16-04</text>"),
            "{svg}"
        );
        assert!(svg.contains("vanaf 16-04-2026: 0"), "{svg}");
        assert!(!svg.contains("style=") && !svg.contains("fill="), "{svg}");
    }

    #[test]
    fn the_direction_needs_a_real_change() {
        assert_eq!(direction(&[2, 2, 2, 2, 2, 9]), "stijgend");
        assert_eq!(direction(&[5, 5, 5, 5, 5, 1]), "dalend");
        assert_eq!(direction(&[1, 1, 1, 1, 1, 1]), "gelijk");
        // 0 → 1: not "sterk stijgend" on a single signal.
        assert_eq!(direction(&[0, 0, 0, 0, 0, 1]), "stijgend");
        assert_eq!(direction(&[0, 0, 0, 0, 1, 0]), "gelijk");
        assert_eq!(arrow("stijgend"), "↑");
    }
}
