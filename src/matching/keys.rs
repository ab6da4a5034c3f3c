//! Blocking keys: which records are worth comparing. Each pass maps a record to at most
//! one key; records sharing a key are candidates. Used by batch blocking and by the
//! online candidate index alike.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::domain::value::Ssn;
use crate::normalize::{NormalizedRecord, nickname, phonetic};

/// The blocking passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Family-name sound and birth year.
    FamilyBirthYear,
    /// Formal given-name sound and full birth date.
    GivenBirthDate,
    /// Both name sounds in either order, with birth month and day in either order
    /// (survives swapped names, a mistyped year and a day/month transposition).
    NameSounds,
    /// Both name sounds in either order with the birth year (survives a mistyped day
    /// or month).
    NameSoundsYear,
    /// Both name sounds in either order, for pairs where a birth date is missing.
    NameSoundsUndated,
    /// Both name sounds in either order alone, in small blocks and narrow windows
    /// (survives a birth date mistyped beyond the other passes).
    NameSoundsAny,
    /// The full identifier.
    Identifier,
    /// Identifier last four and birth year (full vs masked identifiers).
    IdentifierLastFour,
    /// The local phone number.
    Phone,
    /// The e-mail address.
    Email,
    /// The street address line.
    Address,
    /// Birth date and postal code.
    BirthDatePostal,
    /// Birth date and family-name initial.
    BirthDateFamilyInitial,
    /// Family-name sound, postal code and birth decade.
    FamilyPostal,
    /// Given-name sound, postal code and birth decade.
    GivenPostal,
    /// The identifier's first five digits in sorted order and its last four (survives
    /// a transposition in the first five).
    IdentifierHeadSorted,
    /// The identifier's first five digits and its last four in sorted order.
    IdentifierTailSorted,
    /// All the identifier's digits in sorted order, in small blocks and narrow windows
    /// (survives a transposition anywhere; many identifiers share their digits).
    IdentifierDigits,
}

impl Pass {
    pub const ALL: [Pass; 18] = [
        Pass::FamilyBirthYear,
        Pass::GivenBirthDate,
        Pass::NameSounds,
        Pass::NameSoundsYear,
        Pass::NameSoundsUndated,
        Pass::NameSoundsAny,
        Pass::Identifier,
        Pass::IdentifierLastFour,
        Pass::Phone,
        Pass::Email,
        Pass::Address,
        Pass::BirthDatePostal,
        Pass::BirthDateFamilyInitial,
        Pass::FamilyPostal,
        Pass::GivenPostal,
        Pass::IdentifierHeadSorted,
        Pass::IdentifierTailSorted,
        Pass::IdentifierDigits,
    ];

    /// True for the passes whose keys many unrelated people share (name sounds alone,
    /// identifier digits in any order): they get smaller blocks and caps.
    pub fn is_broad(self) -> bool {
        matches!(self, Pass::NameSoundsAny | Pass::IdentifierDigits)
    }

    /// True when the pass pairs only records of which at least one lacks a birth date.
    pub fn needs_undated(self) -> bool {
        self == Pass::NameSoundsUndated
    }

    /// The blocking key of a record for this pass, if it has the values.
    pub fn key(self, r: &NormalizedRecord) -> Option<u64> {
        let mut h = FxHasher::default();
        (self as u8).hash(&mut h);
        match self {
            Pass::FamilyBirthYear => {
                r.family.as_ref()?.phonetic[0].hash(&mut h);
                r.birth_date?.year().hash(&mut h);
                let given = r.given.as_ref()?;
                nickname::canonical(given.first_token()).as_bytes()[0].hash(&mut h);
            }
            Pass::GivenBirthDate => {
                let given = r.given.as_ref()?;
                let formal = nickname::canonical(given.first_token());
                phonetic::double_metaphone(formal)[0].hash(&mut h);
                r.birth_date?.as_number().hash(&mut h);
            }
            Pass::NameSounds
            | Pass::NameSoundsYear
            | Pass::NameSoundsUndated
            | Pass::NameSoundsAny => {
                let g = r.given.as_ref()?.phonetic[0];
                let f = r.family.as_ref()?.phonetic[0];
                (g.min(f), g.max(f)).hash(&mut h);
                match self {
                    Pass::NameSounds => {
                        let d = r.birth_date?;
                        (d.month().min(d.day()), d.month().max(d.day())).hash(&mut h);
                    }
                    Pass::NameSoundsYear => r.birth_date?.year().hash(&mut h),
                    _ => {}
                }
            }
            Pass::Identifier => match r.ssn? {
                Ssn::LastFour(_) => return None,
                ssn => ssn.hash(&mut h),
            },
            Pass::IdentifierLastFour => {
                r.ssn?.last_four().hash(&mut h);
                r.birth_date?.year().hash(&mut h);
            }
            Pass::Phone => r.phone?.local().hash(&mut h),
            Pass::Email => r.email.as_ref()?.hash(&mut h),
            Pass::Address => r.address.as_ref()?.line.hash(&mut h),
            Pass::BirthDatePostal => {
                r.birth_date?.as_number().hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
            }
            Pass::FamilyPostal => {
                r.family.as_ref()?.phonetic[0].hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
                (r.birth_date?.year() / 10).hash(&mut h);
            }
            Pass::GivenPostal => {
                r.given.as_ref()?.phonetic[0].hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
                (r.birth_date?.year() / 10).hash(&mut h);
            }
            Pass::IdentifierHeadSorted | Pass::IdentifierTailSorted => {
                let mut digits = r.ssn?.digits()?.into_bytes();
                let (head, tail) = digits.split_at_mut(5);
                if self == Pass::IdentifierHeadSorted {
                    head.sort_unstable();
                } else {
                    tail.sort_unstable();
                }
                digits.hash(&mut h);
            }
            Pass::IdentifierDigits => {
                let mut digits = r.ssn?.digits()?.into_bytes();
                digits.sort_unstable();
                digits.hash(&mut h);
            }
            Pass::BirthDateFamilyInitial => {
                r.birth_date?.as_number().hash(&mut h);
                r.family.as_ref()?.text.as_bytes()[0].hash(&mut h);
            }
        }
        Some(h.finish())
    }
}
