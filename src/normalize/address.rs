//! Street addresses, cities, states and postal codes in a standard form.

use compact_str::CompactString;

use super::text::fold;
use crate::domain::value::ValueError;

/// A standardized street address line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The whole line with standard abbreviations: `12 N MAIN ST APT 4`.
    pub line: CompactString,
    /// The house number, when the line starts with one (`12`, `12A`).
    pub number: Option<CompactString>,
    /// The street without house number and unit: `N MAIN ST`.
    pub street: CompactString,
}

/// Street types, directions and unit designators → USPS abbreviations.
const ABBREVIATIONS: [(&str, &str); 56] = [
    ("STREET", "ST"),
    ("STR", "ST"),
    ("AVENUE", "AVE"),
    ("AV", "AVE"),
    ("AVEN", "AVE"),
    ("ROAD", "RD"),
    ("DRIVE", "DR"),
    ("DRV", "DR"),
    ("LANE", "LN"),
    ("COURT", "CT"),
    ("BOULEVARD", "BLVD"),
    ("BOUL", "BLVD"),
    ("PLACE", "PL"),
    ("TERRACE", "TER"),
    ("CIRCLE", "CIR"),
    ("CIRCUIT", "CCT"),
    ("CRESCENT", "CRES"),
    ("HIGHWAY", "HWY"),
    ("PARKWAY", "PKWY"),
    ("SQUARE", "SQ"),
    ("TRAIL", "TRL"),
    ("WAY", "WAY"),
    ("CLOSE", "CL"),
    ("PARADE", "PDE"),
    ("GROVE", "GR"),
    ("EXPRESSWAY", "EXPY"),
    ("FREEWAY", "FWY"),
    ("MOUNT", "MT"),
    ("POINT", "PT"),
    ("RIDGE", "RDG"),
    ("CREEK", "CRK"),
    ("HEIGHTS", "HTS"),
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
    ("SOUTHWEST", "SW"),
    ("APARTMENT", "APT"),
    ("APPT", "APT"),
    ("UNIT", "UNIT"),
    ("SUITE", "STE"),
    ("BUILDING", "BLDG"),
    ("FLOOR", "FL"),
    ("ROOM", "RM"),
    ("NUMBER", "APT"),
    ("NO", "APT"),
    ("LOT", "LOT"),
    ("SPACE", "SPC"),
    ("TRAILER", "TRLR"),
    ("POBOX", "PO BOX"),
    ("CENTER", "CTR"),
    ("CENTRE", "CTR"),
    ("ALLEY", "ALY"),
];

const UNIT_WORDS: [&str; 8] = ["APT", "UNIT", "STE", "BLDG", "FL", "RM", "LOT", "SPC"];

fn abbreviate(word: &str) -> &str {
    ABBREVIATIONS
        .iter()
        .find(|(long, _)| *long == word)
        .map(|(_, short)| *short)
        .unwrap_or(word)
}

/// Normalizes an address line; `#5` and `Apartment 5` both become `APT 5`.
pub fn parse_address(raw: &str) -> Result<Option<Address>, ValueError> {
    let prepared = raw.replace('#', " APT ");
    let folded = fold(&prepared);
    if folded.is_empty() {
        return if raw.trim().is_empty() {
            Ok(None)
        } else {
            Err(ValueError::Unparseable)
        };
    }
    let words: Vec<&str> = folded.split(' ').map(abbreviate).collect();
    let upper = folded.as_str();
    if matches!(
        upper,
        "UNKNOWN" | "NONE" | "HOMELESS" | "NO ADDRESS" | "UNK" | "NA" | "XXX"
    ) {
        return Err(ValueError::Placeholder);
    }
    let mut line: Vec<&str> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        // "APT APT 5" from "Apt #5"
        if *w == "APT" && i > 0 && words[i - 1] == "APT" {
            continue;
        }
        line.push(w);
    }
    let number = line
        .first()
        .filter(|w| w.as_bytes()[0].is_ascii_digit())
        .map(|w| CompactString::from(*w));
    let start = usize::from(number.is_some());
    let end = line
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, w)| UNIT_WORDS.contains(w))
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let street = line[start..end.max(start)].join(" ");
    Ok(Some(Address {
        line: CompactString::from(line.join(" ")),
        number,
        street: CompactString::from(street),
    }))
}

/// Folds a city name.
pub fn parse_city(raw: &str) -> Option<CompactString> {
    let folded = fold(raw);
    (!folded.is_empty() && folded != "UNKNOWN").then(|| CompactString::from(folded))
}

const STATES: [(&str, &str); 51] = [
    ("ALABAMA", "AL"),
    ("ALASKA", "AK"),
    ("ARIZONA", "AZ"),
    ("ARKANSAS", "AR"),
    ("CALIFORNIA", "CA"),
    ("COLORADO", "CO"),
    ("CONNECTICUT", "CT"),
    ("DELAWARE", "DE"),
    ("FLORIDA", "FL"),
    ("GEORGIA", "GA"),
    ("HAWAII", "HI"),
    ("IDAHO", "ID"),
    ("ILLINOIS", "IL"),
    ("INDIANA", "IN"),
    ("IOWA", "IA"),
    ("KANSAS", "KS"),
    ("KENTUCKY", "KY"),
    ("LOUISIANA", "LA"),
    ("MAINE", "ME"),
    ("MARYLAND", "MD"),
    ("MASSACHUSETTS", "MA"),
    ("MICHIGAN", "MI"),
    ("MINNESOTA", "MN"),
    ("MISSISSIPPI", "MS"),
    ("MISSOURI", "MO"),
    ("MONTANA", "MT"),
    ("NEBRASKA", "NE"),
    ("NEVADA", "NV"),
    ("NEW HAMPSHIRE", "NH"),
    ("NEW JERSEY", "NJ"),
    ("NEW MEXICO", "NM"),
    ("NEW YORK", "NY"),
    ("NORTH CAROLINA", "NC"),
    ("NORTH DAKOTA", "ND"),
    ("OHIO", "OH"),
    ("OKLAHOMA", "OK"),
    ("OREGON", "OR"),
    ("PENNSYLVANIA", "PA"),
    ("RHODE ISLAND", "RI"),
    ("SOUTH CAROLINA", "SC"),
    ("SOUTH DAKOTA", "SD"),
    ("TENNESSEE", "TN"),
    ("TEXAS", "TX"),
    ("UTAH", "UT"),
    ("VERMONT", "VT"),
    ("VIRGINIA", "VA"),
    ("WASHINGTON", "WA"),
    ("WEST VIRGINIA", "WV"),
    ("WISCONSIN", "WI"),
    ("WYOMING", "WY"),
    ("DISTRICT OF COLUMBIA", "DC"),
];

/// Folds a state and maps full US state names to their postal codes.
pub fn parse_state(raw: &str) -> Option<CompactString> {
    let folded = fold(raw);
    if folded.is_empty() {
        return None;
    }
    let code = STATES
        .iter()
        .find(|(name, _)| *name == folded)
        .map(|(_, code)| *code)
        .unwrap_or(&folded);
    Some(CompactString::from(code))
}

/// A postal code: US ZIP+4 reduced to five digits; other countries' codes folded.
pub fn parse_postal_code(raw: &str) -> Result<Option<CompactString>, ValueError> {
    let folded: String = fold(raw).chars().filter(|c| *c != ' ').collect();
    if folded.is_empty() {
        return if raw.trim().is_empty() {
            Ok(None)
        } else {
            Err(ValueError::Unparseable)
        };
    }
    let digits = folded.bytes().all(|b| b.is_ascii_digit());
    let code = if digits && folded.len() == 9 {
        &folded[..5]
    } else {
        folded.as_str()
    };
    if code.len() < 3 || code.len() > 10 {
        return Err(ValueError::Unparseable);
    }
    if digits && code.bytes().all(|b| b == code.as_bytes()[0]) {
        return Err(ValueError::Placeholder);
    }
    Ok(Some(CompactString::from(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_types_and_units_are_abbreviated() {
        let a = parse_address("12 North Main Street, Apartment 4")
            .unwrap()
            .unwrap();
        assert_eq!(a.line, "12 N MAIN ST APT 4");
        assert_eq!(a.number.as_deref(), Some("12"));
        assert_eq!(a.street, "N MAIN ST");
        let b = parse_address("12 n. main st. #4").unwrap().unwrap();
        assert_eq!(a, b);
        let c = parse_address("12 N Main St Apt #4").unwrap().unwrap();
        assert_eq!(a, c);
        let d = parse_address("Maple Avenue").unwrap().unwrap();
        assert_eq!(d.number, None);
        assert_eq!(d.street, "MAPLE AVE");
    }

    #[test]
    fn address_placeholders_and_empty() {
        assert_eq!(parse_address("UNKNOWN"), Err(ValueError::Placeholder));
        assert_eq!(parse_address("  "), Ok(None));
        assert_eq!(parse_address("???"), Err(ValueError::Unparseable));
    }

    #[test]
    fn states_and_cities() {
        assert_eq!(parse_state("Massachusetts").as_deref(), Some("MA"));
        assert_eq!(parse_state("ma").as_deref(), Some("MA"));
        assert_eq!(parse_state("nsw").as_deref(), Some("NSW"));
        assert_eq!(parse_city(" st. louis ").as_deref(), Some("ST LOUIS"));
        assert_eq!(parse_city(""), None);
    }

    #[test]
    fn postal_codes() {
        assert_eq!(
            parse_postal_code("02139-4307").unwrap().as_deref(),
            Some("02139")
        );
        assert_eq!(
            parse_postal_code("021394307").unwrap().as_deref(),
            Some("02139")
        );
        assert_eq!(parse_postal_code("4011").unwrap().as_deref(), Some("4011"));
        assert_eq!(parse_postal_code("00000"), Err(ValueError::Placeholder));
        assert_eq!(parse_postal_code("99999"), Err(ValueError::Placeholder));
        assert_eq!(parse_postal_code("1"), Err(ValueError::Unparseable));
        assert_eq!(parse_postal_code(""), Ok(None));
    }
}
