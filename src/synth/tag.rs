//! Truth tags: why a record differs from its person's truth, and which hard case
//! (look-alike group) the person belongs to. A record carries a bit set of them.

pub const TYPO: u16 = 1 << 0;
pub const NICKNAME: u16 = 1 << 1;
pub const MARRIED_NAME: u16 = 1 << 2;
pub const TRANSPOSED_DATE: u16 = 1 << 3;
pub const MISSING_ID: u16 = 1 << 4;
pub const MASKED_SSN: u16 = 1 << 5;
pub const MOVED: u16 = 1 << 6;
pub const SWAPPED_NAMES: u16 = 1 << 7;
pub const FORMAT: u16 = 1 << 8;
pub const TWIN: u16 = 1 << 9;
pub const JR_SR: u16 = 1 << 10;
pub const HOUSEHOLD: u16 = 1 << 11;
pub const COMMON_NAME: u16 = 1 << 12;
/// An unidentified emergency patient registered under an alias (John Doe, TRAUMA ALPHA).
pub const ALIAS: u16 = 1 << 13;

/// Every tag with its name, in the order names are written.
pub const ALL: [(u16, &str); 14] = [
    (TYPO, "typo"),
    (NICKNAME, "nickname"),
    (MARRIED_NAME, "married_name"),
    (TRANSPOSED_DATE, "transposed_date"),
    (MISSING_ID, "missing_id"),
    (MASKED_SSN, "masked_ssn"),
    (MOVED, "moved"),
    (SWAPPED_NAMES, "swapped_names"),
    (FORMAT, "format"),
    (TWIN, "twin"),
    (JR_SR, "jr_sr"),
    (HOUSEHOLD, "household"),
    (COMMON_NAME, "common_name"),
    (ALIAS, "alias"),
];

/// The hard-case group tags.
pub const GROUPS: u16 = TWIN | JR_SR | HOUSEHOLD | COMMON_NAME;

/// The tag names joined by `|` ("typo|moved"); empty for none.
pub fn render(tags: u16) -> String {
    let mut out = String::new();
    for (bit, name) in ALL {
        if tags & bit != 0 {
            if !out.is_empty() {
                out.push('|');
            }
            out.push_str(name);
        }
    }
    out
}

/// The tag set written by [`render`]; `None` when a name is unknown.
pub fn parse(text: &str) -> Option<u16> {
    text.split('|')
        .filter(|s| !s.is_empty())
        .try_fold(0u16, |acc, name| {
            ALL.iter()
                .find(|(_, n)| *n == name.trim())
                .map(|(bit, _)| acc | bit)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_parse_round_trip() {
        assert_eq!(render(0), "");
        assert_eq!(render(TYPO | MOVED | TWIN), "typo|moved|twin");
        assert_eq!(parse("typo|moved|twin"), Some(TYPO | MOVED | TWIN));
        assert_eq!(parse(""), Some(0));
        assert_eq!(parse("typo|bogus"), None);
        let all = ALL.iter().fold(0, |a, (b, _)| a | b);
        assert_eq!(parse(&render(all)), Some(all));
    }
}
