//! Text folding shared by every normalizer: ASCII, upper case, no punctuation.

/// Folds free text to upper-case ASCII words separated by single spaces.
///
/// Accents are removed (José → JOSE), apostrophes and periods vanish (O'Brien → OBRIEN),
/// and any other punctuation separates words (Garcia-Lopez → GARCIA LOPEZ).
pub fn fold(text: &str) -> String {
    let ascii: std::borrow::Cow<str> = if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(deunicode::deunicode(text))
    };
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_uppercase());
        } else if c == '\'' || c == '.' || c == '`' {
            // joined: O'Brien → OBRIEN, St. → ST
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(fold("José"), "JOSE");
        assert_eq!(fold("  o'brien "), "OBRIEN");
        assert_eq!(fold("Garcia-Lopez"), "GARCIA LOPEZ");
        assert_eq!(fold("Zoë  Muñoz"), "ZOE MUNOZ");
        assert_eq!(fold("St. John"), "ST JOHN");
        assert_eq!(fold("!!!"), "");
        assert_eq!(fold(""), "");
    }
}
