//! Which pairs each blocking pass proposes, on hand-made records.

use super::*;
use crate::domain::RawRecord;
use crate::normalize::normalize;

fn rec(given: &str, family: &str, dob: &str, ssn: &str) -> NormalizedRecord {
    normalize(&RawRecord {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: dob.into(),
        ssn: ssn.into(),
        ..Default::default()
    })
    .0
}

fn pairs(pass: Pass, records: &[NormalizedRecord]) -> Vec<(u32, u32)> {
    pass_pairs(pass, records, Scope::Within, BlockingLimits::default())
        .into_iter()
        .map(unpack)
        .collect()
}

#[test]
fn name_sounds_survive_swapped_names_a_mistyped_year_and_day_month_transposition() {
    let records = [
        rec("Maria", "Gonzalez", "1984-03-11", ""),
        rec("Gonzalez", "Maria", "1994-11-03", ""),
        rec("Maria", "Gonzalez", "1984-04-12", ""),
    ];
    assert_eq!(pairs(Pass::NameSounds, &records), [(0, 1)]);
    // the year agrees for 0 and 2 (the day and month were mistyped)
    assert_eq!(pairs(Pass::NameSoundsYear, &records), [(0, 2)]);
}

#[test]
fn the_undated_pass_pairs_only_where_a_birth_date_is_missing() {
    let records = [
        rec("Maria", "Gonzalez", "1984-03-11", ""),
        rec("Maria", "Gonzalez", "", ""),
        rec("Maria", "Gonzalez", "1990-07-01", ""),
    ];
    assert_eq!(pairs(Pass::NameSoundsUndated, &records), [(0, 1), (1, 2)]);
}

#[test]
fn sorted_halves_of_the_identifier_survive_a_transposition() {
    let records = [
        rec("A", "B", "", "412-56-7890"),
        rec("C", "D", "", "421-56-7890"),
        rec("E", "F", "", "412-56-7809"),
        rec("G", "H", "", "214-65-7890"),
    ];
    assert_eq!(
        pairs(Pass::IdentifierHeadSorted, &records),
        [(0, 1), (0, 3), (1, 3)]
    );
    assert_eq!(pairs(Pass::IdentifierTailSorted, &records), [(0, 2)]);
    // a transposition across the two halves: only all digits sorted still agree
    let across = [
        rec("A", "B", "", "412-56-7890"),
        rec("C", "D", "", "412-57-6890"),
    ];
    assert!(pairs(Pass::IdentifierHeadSorted, &across).is_empty());
    assert!(pairs(Pass::IdentifierTailSorted, &across).is_empty());
    assert_eq!(pairs(Pass::IdentifierDigits, &across), [(0, 1)]);
}

#[test]
fn a_large_block_yields_only_near_neighbours() {
    let limits = BlockingLimits::default();
    let n = limits.full_block * 3;
    let records: Vec<NormalizedRecord> = (0..n)
        .map(|i| rec("John", "Smith", &format!("1970-01-{:02}", 1 + i % 28), ""))
        .collect();
    let got = pass_pairs(Pass::FamilyBirthYear, &records, Scope::Within, limits);
    assert!(got.len() <= n * limits.window, "{} pairs", got.len());
    assert!(got.len() >= (n - limits.window) * limits.window);
    // a small block yields every pair
    let few = &records[..5];
    assert_eq!(
        pass_pairs(Pass::FamilyBirthYear, few, Scope::Within, limits).len(),
        10
    );
}

#[test]
fn linkage_pairs_only_cross_the_two_files() {
    let records = [
        rec("Maria", "Gonzalez", "1984-03-11", ""),
        rec("Maria", "Gonzalez", "1984-03-11", ""),
        rec("Maria", "Gonzalez", "1984-03-11", ""),
    ];
    let across = candidate_pairs(
        &records,
        Scope::Across { split: 1 },
        BlockingLimits::default(),
    );
    assert_eq!(
        across.into_iter().map(unpack).collect::<Vec<_>>(),
        [(0, 1), (0, 2)]
    );
}
