//! Small HTML helpers: escaping, the page shell and its stylesheet.

use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: everything inline, nothing fetched.
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    );
    out
}

/// A table from a header row and body rows of already-escaped cells.
pub fn table(class: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"{class}\">\n");
    if header.iter().any(|h| !h.is_empty()) {
        out.push_str("<thead><tr>");
        for h in header {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

const STYLE: &str = "
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #1d2430; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #d7dce3; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
p.note, .muted { color: #5b6675; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 0.2em 0.7em; text-align: left; border-bottom: 1px solid #eceff3; }
th { background: #f3f5f8; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv td:first-child { color: #5b6675; }
.pos { color: #17733a; } .neg { color: #b3261e; }
.bar { display: inline-block; height: 0.8em; vertical-align: middle; }
.bar.pos { background: #3a9d5d; } .bar.neg { background: #d9534f; }
.decision { font-weight: 600; padding: 0 0.4em; border-radius: 3px; }
.decision.link { background: #d9f2e1; } .decision.review { background: #fff0c2; }
.decision.no_match { background: #eceff3; }
details { margin: 0.4em 0 1em; } summary { cursor: pointer; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
.grid > div { flex: 1 1 300px; }
svg text { font: 11px system-ui, sans-serif; fill: #3b4452; }
pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_values() {
        assert_eq!(
            esc("<O'Brien & \"Co\">"),
            "&lt;O&#39;Brien &amp; &quot;Co&quot;&gt;"
        );
    }
}
