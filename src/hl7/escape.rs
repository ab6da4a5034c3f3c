//! HL7 escape sequences: `\F\ \S\ \T\ \R\ \E\` and `\Xhh..\`.

use super::Delimiters;

/// Decodes the escape sequences in one value (a subcomponent's text).
pub fn unescape(_text: &str, _delimiters: &Delimiters) -> String {
    todo!("hl7 unescape")
}

/// Escapes the delimiters (and the escape character) in one value.
pub fn escape(_text: &str, _delimiters: &Delimiters) -> String {
    todo!("hl7 escape")
}
