//! HL7 escape sequences: `\F\ \S\ \T\ \R\ \E\` and `\Xhh..\`.
//!
//! Decoding keeps what it does not understand as text: formatting commands (`\.br\`,
//! `\H\`, `\N\`), character-set switches (`\C..\`, `\M..\`), local escapes (`\Z..\`),
//! malformed hex and an escape character with no closing one. Encoding also writes CR
//! and LF as `\X0D\` and `\X0A\`, since a bare CR would end the segment.

use super::Delimiters;

/// Decodes the escape sequences in one value (a subcomponent's text).
pub fn unescape(text: &str, delimiters: &Delimiters) -> String {
    let esc = delimiters.escape;
    if !text.contains(esc) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(esc) {
        out.push_str(&rest[..start]);
        let after = &rest[start + esc.len_utf8()..];
        let Some(end) = after.find(esc) else {
            // no closing escape character: the rest is text
            out.push_str(&rest[start..]);
            return out;
        };
        let sequence = &after[..end];
        match decode(sequence, delimiters) {
            Some(decoded) => out.push_str(&decoded),
            None => {
                out.push(esc);
                out.push_str(sequence);
                out.push(esc);
            }
        }
        rest = &after[end + esc.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The text one escape sequence (without its escape characters) stands for, if it is one
/// that stands for text.
fn decode(sequence: &str, d: &Delimiters) -> Option<String> {
    let single = match sequence {
        "F" => Some(d.field),
        "S" => Some(d.component),
        "T" => Some(d.subcomponent),
        "R" => Some(d.repetition),
        "E" => Some(d.escape),
        "P" => d.truncation,
        _ => None,
    };
    if let Some(c) = single {
        return Some(c.to_string());
    }
    let hex = sequence.strip_prefix('X')?;
    if hex.is_empty() || hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex digits"))
        .collect();
    // UTF-8 when the bytes are UTF-8, else one character per byte (ISO 8859-1)
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    })
}

/// Escapes the delimiters (and the escape character) in one value.
pub fn escape(text: &str, delimiters: &Delimiters) -> String {
    let d = delimiters;
    let special = |c: char| {
        c == d.field
            || c == d.component
            || c == d.subcomponent
            || c == d.repetition
            || c == d.escape
            || Some(c) == d.truncation
            || c == '\r'
            || c == '\n'
    };
    if !text.contains(special) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let code = if c == d.field {
            "F"
        } else if c == d.component {
            "S"
        } else if c == d.subcomponent {
            "T"
        } else if c == d.repetition {
            "R"
        } else if c == d.escape {
            "E"
        } else if Some(c) == d.truncation {
            "P"
        } else if c == '\r' {
            "X0D"
        } else if c == '\n' {
            "X0A"
        } else {
            out.push(c);
            continue;
        };
        out.push(d.escape);
        out.push_str(code);
        out.push(d.escape);
    }
    out
}
