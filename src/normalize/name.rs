//! Person names: folding, titles, generational suffixes, placeholders and phonetic codes.

use compact_str::CompactString;

use super::phonetic;
use super::text::fold;
use crate::domain::value::{Suffix, ValueError};

/// A normalized name: folded words and the phonetic codes of the whole name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Upper-case ASCII words separated by single spaces.
    pub text: CompactString,
    /// Double Metaphone codes of the name with spaces removed.
    pub phonetic: [u32; 2],
}

impl Name {
    /// A name from already folded text.
    pub fn from_folded(text: &str) -> Self {
        let joined: String = text.split(' ').collect();
        Self {
            phonetic: phonetic::double_metaphone(&joined),
            text: CompactString::from(text),
        }
    }

    /// The words of the name.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ')
    }

    /// The first word.
    pub fn first_token(&self) -> &str {
        self.text.split(' ').next().unwrap_or_default()
    }

    /// True when the name is a single letter (an initial).
    pub fn is_initial(&self) -> bool {
        self.text.len() == 1
    }
}

const TITLES: [&str; 9] = [
    "MR", "MRS", "MS", "MISS", "DR", "PROF", "REV", "SIR", "MSTR",
];

/// Whole names that registration systems use for "not known yet".
const PLACEHOLDERS: [&str; 26] = [
    "UNKNOWN",
    "UNK",
    "UNKN",
    "BABY",
    "BABY BOY",
    "BABYBOY",
    "BABY GIRL",
    "BABYGIRL",
    "BB",
    "BG",
    "BOY",
    "GIRL",
    "INFANT",
    "NEWBORN",
    "NB",
    "TEST",
    "NONE",
    "NULL",
    "NA",
    "N A",
    "FNU",
    "LNU",
    "NFN",
    "NLN",
    "PATIENT",
    "XXX",
];

/// Family names that mean "not known" (John Doe).
const FAMILY_PLACEHOLDERS: [&str; 2] = ["DOE", "DOH"];

/// The parts of a name field after normalization.
#[derive(Debug, Default)]
pub struct ParsedName {
    pub name: Option<Name>,
    pub suffix: Option<Suffix>,
    pub problem: Option<ValueError>,
}

/// Which name field is being parsed; placeholders and titles differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    Given,
    Middle,
    Family,
}

/// Normalizes one name field: folds it, strips titles and trailing generational
/// suffixes (LYONS JR → LYONS + JR), and rejects placeholders.
pub fn parse_name(raw: &str, part: NamePart) -> ParsedName {
    let folded = fold(raw);
    if folded.is_empty() {
        let problem = (!raw.trim().is_empty()).then_some(ValueError::Unparseable);
        return ParsedName {
            problem,
            ..Default::default()
        };
    }
    let mut words: Vec<&str> = folded.split(' ').collect();
    if part == NamePart::Given {
        while words.len() > 1 && TITLES.contains(&words[0]) {
            words.remove(0);
        }
    }
    let mut suffix = None;
    while words.len() > 1 {
        let last = words[words.len() - 1];
        // A lone V is more often an initial than "the fifth".
        match Suffix::parse(last) {
            Ok(s) if last != "V" => {
                suffix.get_or_insert(s);
                words.pop();
            }
            _ => break,
        }
    }
    let text = words.join(" ");
    let placeholder = PLACEHOLDERS.contains(&text.as_str())
        || (part == NamePart::Family && FAMILY_PLACEHOLDERS.contains(&text.as_str()))
        || text.starts_with("BABY ")
        || text.starts_with("BABYBOY")
        || text.starts_with("BABYGIRL")
        || text.chars().all(|c| c.is_ascii_digit());
    if placeholder {
        return ParsedName {
            name: None,
            suffix,
            problem: Some(ValueError::Placeholder),
        };
    }
    ParsedName {
        name: Some(Name::from_folded(&text)),
        suffix,
        problem: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str, part: NamePart) -> Option<String> {
        parse_name(raw, part).name.map(|n| n.text.to_string())
    }

    #[test]
    fn folds_names() {
        assert_eq!(text("José", NamePart::Given).as_deref(), Some("JOSE"));
        assert_eq!(text("O'Brien", NamePart::Family).as_deref(), Some("OBRIEN"));
        assert_eq!(
            text("garcia-lopez", NamePart::Family).as_deref(),
            Some("GARCIA LOPEZ")
        );
        assert_eq!(text("Dr. Maria", NamePart::Given).as_deref(), Some("MARIA"));
    }

    #[test]
    fn suffix_inside_family_name_is_split_off() {
        let p = parse_name("LYONS JR", NamePart::Family);
        assert_eq!(p.name.unwrap().text, "LYONS");
        assert_eq!(p.suffix, Some(Suffix::Jr));
        let p = parse_name("Lyons, Sr.", NamePart::Family);
        assert_eq!(p.name.unwrap().text, "LYONS");
        assert_eq!(p.suffix, Some(Suffix::Sr));
        let p = parse_name("Henry III", NamePart::Family);
        assert_eq!(p.suffix, Some(Suffix::Third));
        let p = parse_name("JR", NamePart::Family);
        assert_eq!(
            p.name.unwrap().text,
            "JR",
            "a name that is only a suffix stays a name"
        );
    }

    #[test]
    fn placeholders_are_not_names() {
        for raw in [
            "BABY BOY",
            "BabyGirl",
            "Baby Girl",
            "UNKNOWN",
            "unk",
            "FNU",
            "Baby Boy A",
            "123",
        ] {
            let p = parse_name(raw, NamePart::Given);
            assert!(p.name.is_none(), "{raw}");
            assert_eq!(p.problem, Some(ValueError::Placeholder), "{raw}");
        }
        assert!(parse_name("DOE", NamePart::Family).name.is_none());
        assert!(parse_name("DOE", NamePart::Given).name.is_some());
        assert_eq!(
            parse_name("?!", NamePart::Given).problem,
            Some(ValueError::Unparseable)
        );
        assert_eq!(parse_name("", NamePart::Given).problem, None);
    }

    #[test]
    fn initials_and_tokens() {
        let n = parse_name("J.", NamePart::Middle).name.unwrap();
        assert!(n.is_initial());
        let n = parse_name("Mary Ann", NamePart::Given).name.unwrap();
        assert_eq!(n.tokens().collect::<Vec<_>>(), ["MARY", "ANN"]);
        assert_eq!(n.first_token(), "MARY");
    }
}
