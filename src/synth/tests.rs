//! Properties of the generated data: determinism, alignment of records and truth, the
//! hard-case groups, and the realism of identifiers and placeholders.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use super::person::{Factory, Person};
use super::{SynthConfig, SynthSummary, TruthRow, generate, groups, tag, write_csv};
use crate::domain::RawRecord;
use crate::domain::value::{BirthDate, Ssn, ValueError};

type Row = (RawRecord, TruthRow);

fn sample(people: usize, seed: u64) -> Vec<Row> {
    generate(&SynthConfig::new(people, seed)).collect()
}

/// 5,000 people with seed 42, shared by the tests that only read it.
fn five_thousand() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| sample(5000, 42))
}

/// Records of each hard-case group of `kind`, keyed by group id, then by entity.
fn groups_of(rows: &[Row], kind: u16) -> HashMap<u64, HashMap<u64, Vec<&RawRecord>>> {
    let mut out: HashMap<u64, HashMap<u64, Vec<&RawRecord>>> = HashMap::new();
    for (rec, t) in rows {
        if t.tags & kind != 0 {
            let g = t.group_id.expect("grouped record has a group id");
            out.entry(g)
                .or_default()
                .entry(t.entity_id)
                .or_default()
                .push(rec);
        }
    }
    out
}

fn draws(
    n: usize,
    seed: u64,
    make: impl Fn(&mut Factory, &mut SmallRng) -> Vec<Person>,
) -> Vec<Vec<Person>> {
    let mut f = Factory::new(seed);
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n).map(|_| make(&mut f, &mut rng)).collect()
}

#[test]
fn same_seed_same_output_whatever_the_threads() {
    let a = sample(9000, 7);
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = one_thread.install(|| sample(9000, 7));
    assert!(a == b, "same seed gave different output");
    let c = sample(9000, 8);
    assert!(a != c, "different seeds gave the same output");
}

#[test]
fn every_tag_and_group_kind_appears_in_5000_people() {
    let mut s = SynthSummary::new(5000);
    five_thousand().iter().for_each(|(_, t)| s.add(t));
    for (bit, name) in tag::ALL {
        assert!(s.count(bit) > 0, "no record tagged {name}: {s}");
    }
    for kind in [tag::TWIN, tag::JR_SR, tag::HOUSEHOLD, tag::COMMON_NAME] {
        assert!(
            groups_of(five_thousand(), kind).len() >= 5,
            "{}",
            tag::render(kind)
        );
    }
    let per_person = s.records as f64 / 5000.0;
    assert!(
        (1.5..1.9).contains(&per_person),
        "{per_person} records per person"
    );
}

#[test]
fn records_and_truth_line_up() {
    let rows = five_thousand();
    let mut ids = HashSet::new();
    let mut mrns = HashSet::new();
    let mut entities = HashSet::new();
    let mut group_kind: HashMap<u64, u16> = HashMap::new();
    for (rec, t) in rows {
        assert_eq!(rec.record_id, t.record_id);
        assert!(ids.insert(rec.record_id.clone()), "duplicate record id");
        assert!(
            mrns.insert((rec.source.clone(), rec.source_id.clone())),
            "duplicate MRN"
        );
        entities.insert(t.entity_id);
        let kind = t.tags & tag::GROUPS;
        assert_eq!(kind.count_ones(), u32::from(t.group_id.is_some()));
        if let Some(g) = t.group_id {
            assert_eq!(
                *group_kind.entry(g).or_insert(kind),
                kind,
                "group {g} mixes kinds"
            );
        }
    }
    assert_eq!(entities, (1..=5000).collect::<HashSet<u64>>());
    // one person's records must not sit together in the file
    let adjacent = rows
        .windows(2)
        .filter(|w| w[0].1.entity_id == w[1].1.entity_id)
        .count();
    assert!(
        adjacent < rows.len() / 100,
        "{adjacent} adjacent records of one person"
    );
}

#[test]
fn csv_output_has_canonical_headers() {
    let cfg = SynthConfig::new(300, 1);
    let (mut recs, mut truth) = (Vec::new(), Vec::new());
    let summary = write_csv(&cfg, &mut recs, Some(&mut truth)).unwrap();
    let recs = String::from_utf8(recs).unwrap();
    let truth = String::from_utf8(truth).unwrap();
    let header = "record_id,source,source_id,given_name,middle_name,family_name,suffix,sex,\
                  birth_date,ssn,phone,email,address_line,city,state,postal_code";
    assert_eq!(recs.lines().next(), Some(header));
    assert_eq!(
        truth.lines().next(),
        Some("record_id,entity_id,group_id,tags")
    );
    let mut r = csv::Reader::from_reader(recs.as_bytes());
    assert_eq!(r.records().count(), summary.records);
    let mut t = csv::Reader::from_reader(truth.as_bytes());
    let rows: Vec<csv::StringRecord> = t.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), summary.records);
    assert!(rows.iter().all(|row| tag::parse(&row[3]).is_some()));
    assert!(summary.to_string().starts_with("300 people, "));
}

#[test]
fn twins_share_family_birth_date_and_home_but_not_given_name() {
    let pairs = draws(400, 3, groups::twins);
    let (mut same_phone, mut opposite, mut near) = (0, 0, 0);
    for g in &pairs {
        let [a, b] = &g[..] else {
            panic!("twins come in pairs")
        };
        assert_eq!(a.family, b.family);
        assert_eq!(a.dob, b.dob);
        assert_eq!(a.addr, b.addr);
        assert_ne!(a.given, b.given);
        same_phone += usize::from(a.phone == b.phone);
        opposite += usize::from(a.sex != b.sex);
        near += usize::from(strsim::levenshtein(&a.given, &b.given) <= 2);
    }
    assert!(same_phone > 280, "{same_phone} of 400 twins share a phone");
    assert!(opposite > 100, "{opposite} of 400 twins of opposite sex");
    assert!(near > 20, "{near} of 400 twins with near-identical names");
    let jayden = pairs.iter().any(|g| {
        let mut n = [g[0].given.as_str(), g[1].given.as_str()];
        n.sort();
        n == ["Jaden", "Jayden"]
    });
    assert!(jayden, "no Jayden/Jaden twins in 400");
    let michael = pairs
        .iter()
        .any(|g| g[0].sex != g[1].sex && g[0].given.get(..4) == g[1].given.get(..4));
    assert!(
        michael,
        "no opposite-sex twins with look-alike names (Michael/Michelle)"
    );
    // and in the records: the twins' records mostly agree on birth date and family name
    let (mut agree, mut total) = (0, 0);
    for members in groups_of(five_thousand(), tag::TWIN).values() {
        let people: Vec<&Vec<&RawRecord>> = members.values().collect();
        assert_eq!(people.len(), 2);
        total += 1;
        agree += usize::from(
            people[0][0]
                .family_name
                .eq_ignore_ascii_case(&people[1][0].family_name),
        );
    }
    assert!(
        agree * 10 > total * 7,
        "{agree} of {total} twin pairs agree on family name"
    );
}

#[test]
fn jr_sr_share_name_and_home_with_a_generation_between() {
    for g in draws(300, 4, groups::jr_sr) {
        let [parent, child] = &g[..] else {
            panic!("jr/sr come in pairs")
        };
        assert_eq!(parent.given, child.given);
        assert_eq!(parent.family, child.family);
        assert_eq!(parent.middle, child.middle);
        assert_eq!(parent.addr, child.addr);
        let gap = parent.dob.age() - child.dob.age();
        assert!((19..=41).contains(&gap), "gap {gap}");
        assert!(parent.suffix.is_empty() || parent.suffix != child.suffix);
    }
    // suffixes on the records conflict (JR vs SR) or are missing, never agree
    let (mut missing, mut conflict) = (0, 0);
    for members in groups_of(five_thousand(), tag::JR_SR).values() {
        let people: Vec<&Vec<&RawRecord>> = members.values().collect();
        for a in people[0] {
            for b in people[1] {
                let (x, y) = (suffix_of(a), suffix_of(b));
                if x.is_empty() || y.is_empty() {
                    missing += 1;
                } else if x != y {
                    conflict += 1;
                }
            }
        }
    }
    assert!(
        missing > 0 && conflict > 0,
        "missing {missing}, conflict {conflict}"
    );
}

/// The suffix as written, wherever the source put it.
fn suffix_of(r: &RawRecord) -> String {
    let last = |s: &str| s.rsplit([' ', ',']).next().unwrap_or("").to_string();
    let s = if !r.suffix.is_empty() {
        r.suffix.clone()
    } else {
        last(&r.family_name)
    };
    crate::domain::value::Suffix::parse(&s)
        .map(|s| s.code().to_string())
        .unwrap_or_default()
}

#[test]
fn households_share_home_but_not_given_names() {
    let homes = draws(400, 5, |f, rng| groups::household(f, rng, 6));
    let (mut shared_phone, mut shared_email, mut pairs) = (0, 0, 0);
    for g in &homes {
        assert!((2..=6).contains(&g.len()));
        let names: HashSet<String> = g.iter().map(|p| p.given.to_lowercase()).collect();
        assert_eq!(names.len(), g.len(), "repeated given name in a household");
        for (i, a) in g.iter().enumerate() {
            assert_eq!(a.addr, g[0].addr);
            for b in &g[i + 1..] {
                pairs += 1;
                shared_phone += usize::from(a.phone == b.phone);
                shared_email += usize::from(!a.email.is_empty() && a.email == b.email);
            }
        }
    }
    assert!(
        shared_phone * 2 > pairs,
        "{shared_phone} of {pairs} pairs share a phone"
    );
    assert!(
        shared_email > 20,
        "{shared_email} of {pairs} pairs share an e-mail"
    );
}

#[test]
fn common_name_groups_are_strangers_with_one_name_and_birth_date() {
    for g in draws(300, 6, |f, rng| groups::common_name(f, rng, 4)) {
        assert!((2..=4).contains(&g.len()));
        let common = super::names_family::ANGLO[..10].contains(&g[0].family.as_str())
            || super::names_family::HISPANIC[..10].contains(&g[0].family.as_str());
        assert!(common, "{} is not a common family name", g[0].family);
        let ssns: Vec<u32> = g.iter().filter_map(|p| p.ssn).collect();
        assert_eq!(ssns.iter().collect::<HashSet<_>>().len(), ssns.len());
        for p in &g[1..] {
            assert_eq!(
                deunicode::deunicode(&p.given),
                deunicode::deunicode(&g[0].given)
            );
            assert_eq!(p.family, g[0].family);
            assert_eq!(p.dob, g[0].dob);
            assert_eq!(p.sex, g[0].sex);
        }
    }
}

#[test]
fn ssns_are_unique_and_valid_across_chunks() {
    let mut seen = HashSet::new();
    for (rec, t) in five_thousand() {
        if t.tags & (tag::TYPO | tag::MISSING_ID | tag::MASKED_SSN) != 0 {
            continue;
        }
        if let Ok(Ssn::Full(v)) = Ssn::parse(&rec.ssn) {
            seen.insert((v, t.entity_id));
        }
    }
    let mut owner: HashMap<u32, u64> = HashMap::new();
    let mut shared = 0;
    for (v, e) in seen {
        if owner.insert(v, e).is_some() {
            shared += 1;
        }
    }
    // only guarantors' SSNs on their dependants' records are shared
    assert!(shared < 100, "{shared} SSNs shared by different people");
}

#[test]
fn masked_ssns_show_the_last_four_digits() {
    let masked: Vec<&str> = five_thousand()
        .iter()
        .filter(|(_, t)| t.has(tag::MASKED_SSN))
        .map(|(r, _)| r.ssn.as_str())
        .collect();
    assert!(masked.len() > 20);
    for s in &masked {
        assert!(matches!(Ssn::parse(s), Ok(Ssn::LastFour(_))), "{s}");
    }
    let canonical = masked
        .iter()
        .filter(|s| {
            s.len() == 11 && s.starts_with("XXX-XX-") && s[7..].bytes().all(|b| b.is_ascii_digit())
        })
        .count();
    assert!(
        canonical * 2 > masked.len(),
        "{canonical} of {} like XXX-XX-1234",
        masked.len()
    );
}

#[test]
fn placeholders_appear_occasionally() {
    let rows = five_thousand();
    let n = rows.len();
    let ssn = rows
        .iter()
        .filter(|(r, _)| Ssn::parse(&r.ssn) == Err(ValueError::Placeholder))
        .count();
    let dob = rows
        .iter()
        .filter(|(r, _)| BirthDate::parse(&r.birth_date) == Err(ValueError::Placeholder))
        .count();
    let baby = rows
        .iter()
        .filter(|(r, _)| r.given_name.to_uppercase().starts_with("BABY"))
        .count();
    for (what, k) in [("SSN", ssn), ("birth date", dob), ("BABY name", baby)] {
        assert!(
            k > 0 && k * 50 < n,
            "{k} {what} placeholders in {n} records"
        );
    }
    assert!(
        rows.iter()
            .any(|(r, _)| r.ssn == "000-00-0000" || r.ssn == "000000000")
    );
    assert!(rows.iter().any(|(r, _)| r.birth_date.contains("1900")));
}

#[test]
fn people_in_records_look_real() {
    let rows = five_thousand();
    let females = rows
        .iter()
        .filter(|(r, _)| r.sex.starts_with(['F', 'f']))
        .count();
    assert!((0.4..0.6).contains(&(females as f64 / rows.len() as f64)));
    let dated = rows
        .iter()
        .filter(|(r, _)| BirthDate::parse(&r.birth_date).is_ok())
        .count();
    assert!(
        dated * 100 > rows.len() * 95,
        "{dated} of {} birth dates parse",
        rows.len()
    );
    let fam: HashSet<&str> = rows.iter().map(|(r, _)| r.family_name.as_str()).collect();
    assert!(fam.len() > 1500, "only {} family names", fam.len());
}

#[test]
fn tiny_and_invalid_configurations() {
    assert_eq!(sample(0, 1).len(), 0);
    let one = sample(1, 1);
    assert!(
        !one.is_empty()
            && one
                .iter()
                .all(|(_, t)| t.entity_id == 1 && t.group_id.is_none())
    );
    let two = sample(2, 3);
    assert!(two.iter().all(|(_, t)| t.entity_id <= 2));
    let bad = SynthConfig {
        typo_rate: 1.5,
        ..SynthConfig::new(10, 1)
    };
    assert!(bad.validate().is_err());
    assert!(write_csv(&bad, std::io::sink(), None::<std::io::Sink>).is_err());
    let too_many = SynthConfig::new(super::max_people() + 1, 1);
    assert!(too_many.validate().is_err());
    assert!(SynthConfig::default().validate().is_ok());
}
