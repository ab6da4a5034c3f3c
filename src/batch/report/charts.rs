//! Inline SVG charts: the score histogram with its thresholds and simple bar charts.

use std::fmt::Write as _;

use super::html::esc;
use crate::batch::scoring::{HIST_MIN, Histogram};

const DECISION_COLOURS: [&str; 3] = ["#9aa5b1", "#e0a800", "#3a9d5d"];

/// Stacked histogram of pair weights, log-scaled heights, with vertical lines at the
/// review and link thresholds.
pub fn histogram(h: &Histogram, link_weight: f32, review_weight: f32) -> String {
    let totals: Vec<u64> = h.counts.iter().map(|c| c.iter().sum()).collect();
    let Some(first) = totals.iter().position(|t| *t > 0) else {
        return "<p class=\"note\">No candidate pairs were scored.</p>\n".to_string();
    };
    let last = totals.iter().rposition(|t| *t > 0).unwrap_or(first);
    // keep both thresholds in view
    let bin_of = |w: f32| Histogram::bin(w);
    let lo = first.min(bin_of(review_weight)).saturating_sub(1);
    let hi = last.max(bin_of(link_weight)) + 1;
    let bins = hi - lo + 1;
    let (width, height, left, bottom, top) = (960.0, 300.0, 60.0, 40.0, 20.0);
    let bar_w = (width - left - 10.0) / bins as f64;
    let max = totals.iter().copied().max().unwrap_or(1) as f64;
    let scale = |n: f64| (n + 1.0).log10() / (max + 1.0).log10() * (height - bottom - top);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"Histogram of candidate pair weights\">\n"
    );
    // y axis: powers of ten
    let mut p = 1.0;
    while p <= max * 1.0001 {
        let y = height - bottom - scale(p);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#eceff3\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            width - 10.0,
            left - 6.0,
            y + 4.0,
            compact(p as u64)
        );
        p *= 10.0;
    }
    for (k, bin) in (lo..=hi).enumerate() {
        let total = totals[bin] as f64;
        if total == 0.0 {
            continue;
        }
        let x = left + k as f64 * bar_w;
        let full = scale(total);
        let mut y = height - bottom;
        for (d, colour) in DECISION_COLOURS.iter().enumerate() {
            let share = h.counts[bin][d] as f64 / total;
            if share == 0.0 {
                continue;
            }
            let part = full * share;
            y -= part;
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{part:.1}\" fill=\"{colour}\">\
                 <title>weight {} to {}: {} pairs ({} {})</title></rect>",
                (bar_w - 1.0).max(0.5),
                bin as i32 + HIST_MIN,
                bin as i32 + HIST_MIN + 1,
                totals[bin],
                h.counts[bin][d],
                ["no match", "review", "link"][d]
            );
        }
    }
    // x axis labels every 8 weight units
    for (k, bin) in (lo..=hi).enumerate() {
        let w = bin as i32 + HIST_MIN;
        if w % 8 == 0 {
            let x = left + k as f64 * bar_w;
            let _ = writeln!(
                svg,
                "<text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{w}</text>",
                height - bottom + 16.0
            );
        }
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">total weight (log2 odds, prior included)</text>",
        left + (width - left) / 2.0,
        height - 6.0
    );
    // the review label sits left of its line, the link label right of its own
    for (w, label, colour, dx, anchor) in [
        (review_weight, "review", "#b07d00", -4.0, "end"),
        (link_weight, "link", "#17733a", 4.0, "start"),
    ] {
        let x = left + (w as f64 - (lo as i32 + HIST_MIN) as f64) * bar_w;
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"{colour}\" \
             stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\
             <text x=\"{:.1}\" y=\"{}\" fill=\"{colour}\" text-anchor=\"{anchor}\">{label} ≥ {w:.2}</text>",
            height - bottom,
            x + dx,
            top + 10.0
        );
    }
    svg.push_str("</svg>\n");
    svg.push_str(
        "<p class=\"note\">Bar height is log-scaled; colours split each bar by the decision \
         taken (grey no match, amber review, green link). Guard rules can lower a \
         decision, so some pairs right of a threshold are not linked.</p>\n",
    );
    svg
}

/// Horizontal bars with labels and counts.
pub fn bars(items: &[(String, u64)]) -> String {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let row_h = 22.0;
    let (width, label_w) = (520.0, 90.0);
    let height = row_h * items.len() as f64 + 4.0;
    let mut svg =
        format!("<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\">\n");
    for (k, (label, n)) in items.iter().enumerate() {
        let y = k as f64 * row_h + 2.0;
        let w = if *n == 0 {
            0.0
        } else {
            ((*n as f64 + 1.0).log10() / (max + 1.0).log10() * (width - label_w - 90.0)).max(1.0)
        };
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"#4a78b5\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{n}</text>",
            label_w - 6.0,
            y + 14.0,
            esc(label),
            row_h - 6.0,
            label_w + w + 6.0,
            y + 14.0
        );
    }
    svg.push_str("</svg>\n<p class=\"note\">Bar length is log-scaled.</p>\n");
    svg
}

fn compact(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{}G", n / 1_000_000_000),
        n if n >= 1_000_000 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_draws_both_thresholds_and_every_filled_bin() {
        let mut h = Histogram::default();
        h.counts[Histogram::bin(-20.0)][0] = 1000;
        h.counts[Histogram::bin(3.5)][1] = 10;
        h.counts[Histogram::bin(25.0)][2] = 100;
        let svg = histogram(&h, 6.6, -1.2);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("link ≥ 6.60"), "{svg}");
        assert!(svg.contains("review ≥ -1.20"), "{svg}");
        assert!(svg.contains("1000 pairs"));
    }

    #[test]
    fn an_empty_histogram_says_so() {
        assert!(histogram(&Histogram::default(), 6.6, -1.2).contains("No candidate pairs"));
    }
}
