//! Normalization never panics, whatever a feed sends.

use mpi::domain::RawRecord;
use mpi::matching::{Matcher, Model, TermFrequencies};
use mpi::normalize::normalize;
use proptest::prelude::*;

fn raw() -> impl Strategy<Value = RawRecord> {
    let field = || prop_oneof![any::<String>(), "[ -~]{0,20}", "[0-9X*()./ -]{0,14}"];
    (
        (field(), field(), field(), field(), field(), field()),
        (
            field(),
            field(),
            field(),
            field(),
            field(),
            field(),
            field(),
        ),
    )
        .prop_map(
            |((g, m, f, sx, sf, dob), (ssn, ph, em, ad, ci, st, pc))| RawRecord {
                record_id: "x".into(),
                given_name: g,
                middle_name: m,
                family_name: f,
                sex: sx,
                suffix: sf,
                birth_date: dob,
                ssn,
                phone: ph,
                email: em,
                address_line: ad,
                city: ci,
                state: st,
                postal_code: pc,
                ..Default::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalize_and_score_never_panic(a in raw(), b in raw()) {
        let (na, _) = normalize(&a);
        let (nb, _) = normalize(&b);
        let tf = TermFrequencies::from_records([&na, &nb]);
        let matcher = Matcher::new(Model::default_model(), tf);
        let e = matcher.explain(&na, &nb);
        prop_assert!(e.total_weight.is_finite());
        prop_assert!((0.0..=1.0).contains(&e.probability));
        // a record compared with itself never scores below the same record compared with another
        let self_score = matcher.score(&na, &na).weight;
        prop_assert!(self_score.is_finite());
    }
}
