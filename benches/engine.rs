//! Criterion benches of the engine on one pair: normalize, compare, score, explain.
//! Run with `cargo bench --bench engine`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mpi::domain::RawRecord;
use mpi::matching::{Matcher, Model, TermFrequencies, compare};
use mpi::normalize::normalize;

fn raw(given: &str, family: &str, dob: &str, ssn: &str, phone: &str, address: &str) -> RawRecord {
    RawRecord {
        record_id: "1".into(),
        given_name: given.into(),
        family_name: family.into(),
        sex: "F".into(),
        birth_date: dob.into(),
        ssn: ssn.into(),
        phone: phone.into(),
        email: format!(
            "{}.{}@mail.com",
            given.to_lowercase(),
            family.to_lowercase()
        ),
        address_line: address.into(),
        city: "Springfield".into(),
        state: "MA".into(),
        postal_code: "01103".into(),
        ..Default::default()
    }
}

fn engine(c: &mut Criterion) {
    let a = raw(
        "Katherine",
        "O'Connor",
        "1984-03-07",
        "219-55-3481",
        "(413) 555-0142",
        "12 Main Street Apt 4",
    );
    let b = raw(
        "KATHY",
        "OCONNOR",
        "03/07/1984",
        "XXX-XX-3481",
        "413.555.0142",
        "12 Main St",
    );
    c.bench_function("normalize one record", |bench| {
        bench.iter(|| normalize(black_box(&a)))
    });
    let (na, _) = normalize(&a);
    let (nb, _) = normalize(&b);
    c.bench_function("compare one pair", |bench| {
        bench.iter(|| compare(black_box(&na), black_box(&nb)))
    });
    let matcher = Matcher::new(
        Model::default_model(),
        TermFrequencies::from_records([&na, &nb]),
    );
    c.bench_function("score one pair", |bench| {
        bench.iter(|| matcher.score(black_box(&na), black_box(&nb)))
    });
    c.bench_function("explain one pair", |bench| {
        bench.iter(|| matcher.explain(black_box(&na), black_box(&nb)))
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
