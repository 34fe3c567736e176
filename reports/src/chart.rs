//! A small inline SVG bar chart of one knelpunt's counts per quarter, for the HTML brief.
//!
//! Pure string building, no JavaScript and no external crate. The chart takes already
//! suppressed figures ([`Cell`]), so a hidden count cannot end up in it: a suppressed quarter is
//! a labelled gap — no bar of any height (a bar would read as a value, and a drop to it as a
//! decline), only "niet gepubliceerd" on the axis. Every text is XML-escaped; the chart has a `<title>`, a `<desc>` and an
//! `aria-label` that reads out all values.

use crate::disclosure::Cell;
use knooppunt_domain::quarter::Quarter;
use std::fmt::Write as _;

/// One bar: a quarter and its published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartPoint {
    pub quarter: Quarter,
    pub value: Cell,
}

/// "K3 2026".
pub fn quarter_label(quarter: Quarter) -> String {
    format!("K{} {}", quarter.quarter, quarter.year)
}

/// The four quarters before `current` and `current` itself, oldest first.
pub fn last_five_quarters(current: Quarter) -> [Quarter; 5] {
    let q3 = current.previous();
    let q2 = q3.previous();
    let q1 = q2.previous();
    let q0 = q1.previous();
    [q0, q1, q2, q3, current]
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Keeps `[A-Za-z0-9_-]` so the id can be used in `id` attributes and `url(#…)` references;
/// several charts on one page need different ids.
fn element_id(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("kp-{cleaned}")
}

const WIDTH: u32 = 480;
const HEIGHT: u32 = 260;
const LEFT: u32 = 56;
const RIGHT: u32 = 16;
const TOP: u32 = 40;
const BOTTOM: u32 = 56;

/// A round upper bound for the y axis and its step: 1, 2 or 5 × 10^k, four to five ticks.
fn axis(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for factor in [1u64, 2, 5] {
            let step = factor.saturating_mul(magnitude);
            if step.saturating_mul(5) >= max {
                let top = max.div_ceil(step).saturating_mul(step);
                return (top.max(step), step);
            }
        }
        match magnitude.checked_mul(10) {
            Some(m) => magnitude = m,
            None => return (max, max),
        }
    }
}

const PLOT_W: u32 = WIDTH - LEFT - RIGHT;
const PLOT_H: u32 = HEIGHT - TOP - BOTTOM;
/// The x axis's height.
const BASE: u32 = TOP + PLOT_H;

/// The y axis: its top and step.
#[derive(Debug, Clone, Copy)]
struct Scale {
    top: u64,
    step: u64,
}

impl Scale {
    /// Where a value sits on the y axis (values above the top at the top).
    fn y(self, v: u64) -> f64 {
        BASE as f64 - (v.min(self.top) as f64 / self.top as f64) * PLOT_H as f64
    }
}

/// Renders the chart. `id` (e.g. the knelpunt id) keeps element ids unique on a page; `title`
/// is the knelpunt's Dutch title.
pub fn bar_chart(id: &str, title: &str, points: &[ChartPoint], min_group_size: u64) -> String {
    let id = element_id(id);
    let aria = xml_escape(&read_out(title, points, min_group_size));
    let escaped_title = xml_escape(title);
    let max = points
        .iter()
        .map(|p| p.value.value().unwrap_or(min_group_size))
        .max()
        .unwrap_or(min_group_size)
        .max(min_group_size);
    let (top, step) = axis(max);
    let scale = Scale { top, step };

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" aria-label="{aria}" font-family="sans-serif" font-size="12">"#,
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">Signalen per kwartaal: {escaped_title}</title><desc id="{id}-desc">{aria}</desc>"#,
    );
    let _ = write!(
        svg,
        r##"<text x="{x}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{escaped_title}</text>"##,
        x = WIDTH / 2
    );
    axes(&mut svg, scale);
    if points.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="middle">Geen gegevens</text>"#,
            x = LEFT + PLOT_W / 2,
            y = TOP + PLOT_H / 2
        );
    }
    bars(&mut svg, points, scale);
    svg.push_str("</svg>");
    svg
}

/// What a screen reader reads out: every quarter with its published figure.
fn read_out(title: &str, points: &[ChartPoint], min_group_size: u64) -> String {
    let readout: Vec<String> = points
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                quarter_label(p.quarter),
                p.value.render(min_group_size)
            )
        })
        .collect();
    if readout.is_empty() {
        format!("Aantal signalen per kwartaal voor {title}: geen gegevens")
    } else {
        format!(
            "Aantal signalen per kwartaal voor {title}: {}",
            readout.join(", ")
        )
    }
}

/// The y axis with its grid lines and ticks, the x axis, and both axis labels.
fn axes(svg: &mut String, scale: Scale) {
    let mut tick: u64 = 0;
    while tick <= scale.top {
        let y = scale.y(tick);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{x2}" y2="{y:.1}" stroke="#d9d9d9"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{tick}</text>"##,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6,
            ty = y + 4.0
        );
        match tick.checked_add(scale.step) {
            Some(next) if scale.step > 0 => tick = next,
            _ => break,
        }
    }
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BASE}" stroke="#333"/><line x1="{LEFT}" y1="{BASE}" x2="{x2}" y2="{BASE}" stroke="#333"/>"##,
        x2 = WIDTH - RIGHT
    );
    let _ = write!(
        svg,
        r#"<text x="14" y="{y}" text-anchor="middle" transform="rotate(-90 14 {y})">Aantal signalen</text><text x="{x}" y="{ly}" text-anchor="middle">Kwartaal</text>"#,
        y = TOP + PLOT_H / 2,
        x = LEFT + PLOT_W / 2,
        ly = HEIGHT - 8
    );
}

/// A bar per shown figure; a suppressed one is a gap with a label: no height, so nothing to
/// misread as a value.
fn bars(svg: &mut String, points: &[ChartPoint], scale: Scale) {
    let below = crate::disclosure::SUPPRESSED;
    let base = BASE;
    let slot = PLOT_W as f64 / points.len().max(1) as f64;
    let bar_w = slot * 0.6;
    for (i, point) in points.iter().enumerate() {
        let x = LEFT as f64 + slot * i as f64 + (slot - bar_w) / 2.0;
        let centre = x + bar_w / 2.0;
        let label = xml_escape(&quarter_label(point.quarter));
        match point.value {
            Cell::Shown(n) => {
                let y = scale.y(n);
                let h = base as f64 - y;
                let _ = write!(
                    svg,
                    r##"<g class="getoond"><title>{label}: {n}</title><rect x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}" fill="#1f5f8b"/><text x="{centre:.1}" y="{vy:.1}" text-anchor="middle">{n}</text><text x="{centre:.1}" y="{qy}" text-anchor="middle">{label}</text></g>"##,
                    vy = y - 4.0,
                    qy = base + 18
                );
            }
            Cell::Suppressed => {
                let _ = write!(
                    svg,
                    r##"<g class="onderdrukt"><title>{label}: {below} (niet gepubliceerd)</title><line x1="{x:.1}" y1="{base}" x2="{x2:.1}" y2="{base}" stroke="#8c8c8c" stroke-dasharray="3 3"/><text x="{centre:.1}" y="{vy}" text-anchor="middle" fill="#555">{below}</text><text x="{centre:.1}" y="{ny}" text-anchor="middle" font-size="9" fill="#555">niet</text><text x="{centre:.1}" y="{ny2}" text-anchor="middle" font-size="9" fill="#555">gepubliceerd</text><text x="{centre:.1}" y="{qy}" text-anchor="middle">{label}</text></g>"##,
                    x2 = x + bar_w,
                    vy = base - 30,
                    ny = base - 18,
                    ny2 = base - 8,
                    qy = base + 18
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    /// A minimal well-formedness check: tags balance and no raw `<`/`&` in text.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "raw > in text: {text}");
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "raw & in text: {text}"
                );
            }
            let end = rest[start..].find('>').unwrap() + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "raw < inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name));
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap().to_string();
                stack.push(name);
            }
            rest = &rest[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    #[test]
    fn quarter_labels_are_dutch() {
        assert_eq!(quarter_label(q("2026Q3")), "K3 2026");
        let five = last_five_quarters(q("2026Q1"));
        let labels: Vec<String> = five.iter().map(|q| quarter_label(*q)).collect();
        assert_eq!(
            labels,
            vec!["K1 2025", "K2 2025", "K3 2025", "K4 2025", "K1 2026"]
        );
    }

    #[test]
    fn draws_five_quarters_with_suppressed_ones_as_labelled_gaps() {
        let values = [
            Cell::Shown(12),
            Cell::Suppressed,
            Cell::Shown(0),
            Cell::Shown(27),
            Cell::Suppressed,
        ];
        let points: Vec<ChartPoint> = last_five_quarters(q("2026Q3"))
            .into_iter()
            .zip(values)
            .map(|(quarter, value)| ChartPoint { quarter, value })
            .collect();
        let svg = bar_chart("kostendelersnorm", "Kostendelersnorm", &points, 5);
        assert_well_formed(&svg);
        for label in ["K3 2025", "K4 2025", "K1 2026", "K2 2026", "K3 2026"] {
            assert!(svg.contains(label), "{label}");
        }
        assert_eq!(svg.matches(r#"class="onderdrukt""#).count(), 2);
        // A gap, not a bar: five quarters, three bars.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches(">gepubliceerd</text>").count(), 2);
        assert!(svg.contains(">x</text>"));
        assert!(svg.contains(">27</text>"));
        assert!(svg.contains("Aantal signalen"));
        assert!(svg.contains(">Kwartaal</text>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(
            "aria-label=\"Aantal signalen per kwartaal voor Kostendelersnorm: K3 2025: 12, K4 2025: x, K1 2026: 0, K2 2026: 27, K3 2026: x\""
        ));
        assert!(svg.contains("<title id=\"kp-kostendelersnorm-title\">"));
        // The axis goes to a round number above the largest value.
        assert!(svg.contains(">30</text>"));
    }

    #[test]
    fn escapes_every_text_and_sanitises_ids() {
        let points = [ChartPoint {
            quarter: q("2026Q3"),
            value: Cell::Shown(8),
        }];
        let svg = bar_chart("a\"b <c>", "Huur & <script>alert('x')</script>", &points, 5);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("Huur &amp; &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
        assert!(svg.contains("id=\"kp-a-b--c--title\""));
        assert_eq!(xml_escape("a\u{1}b"), "a b");
    }

    #[test]
    fn empty_and_extreme_inputs_do_not_panic() {
        let svg = bar_chart("x", "Leeg", &[], 5);
        assert_well_formed(&svg);
        assert!(svg.contains("Geen gegevens"));
        assert!(svg.contains("geen gegevens"));
        let huge = [ChartPoint {
            quarter: q("2026Q3"),
            value: Cell::Shown(u64::MAX),
        }];
        assert_well_formed(&bar_chart("x", "Groot", &huge, 5));
        let all_hidden = [ChartPoint {
            quarter: q("2026Q3"),
            value: Cell::Suppressed,
        }];
        let svg = bar_chart("x", "Klein", &all_hidden, 10);
        assert!(svg.contains(">x</text>"));
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(27), (30, 10));
        assert_eq!(axis(5), (5, 1));
    }
}
