//! The records of one person over time: life events (moves, marriage) change the truth,
//! and each registration adds its own errors and formatting; every deviation is tagged.

use rand::Rng;
use rand::rngs::SmallRng;

use super::corrupt;
use super::format;
use super::person::{
    Address, Origin, Person, REF_YEAR, Sex, address, email_for, family_name, phone,
};
use super::places::{PLACEHOLDER_ADDRESSES, PLACEHOLDER_EMAILS};
use super::tables::{Cdf, capitalize, lookup_key, pick, tables};
use super::{SynthConfig, tag};
use crate::domain::RawRecord;
use crate::domain::value::Ssn;

/// A registration source: its name, share of records and error profile.
pub(crate) struct Source {
    pub name: &'static str,
    pub weight: f64,
    /// Multiplier of the typo rate (hurried registration desks make more).
    pub typo: f64,
    /// Multiplier of the missing-value rate.
    pub missing: f64,
    /// Multiplier of the formatting-variation rate.
    pub format: f64,
    /// Chance that a formatted record of this source is all upper case.
    pub upper: f64,
    /// Chance that the source captures the SSN at all (labs and emergency desks often don't).
    pub ssn: f64,
    /// How the source writes its record numbers (MRNs): a prefix and a number of digits.
    pub mrn_prefix: &'static str,
    pub mrn_digits: usize,
}

/// The registration sources.
#[rustfmt::skip]
pub(crate) const SOURCES: [Source; 5] = [
    Source { name: "HOSP_A", weight: 0.30, typo: 1.0, missing: 0.8, format: 1.0, upper: 0.15, ssn: 0.85, mrn_prefix: "", mrn_digits: 8 },
    Source { name: "HOSP_B", weight: 0.25, typo: 1.0, missing: 1.0, format: 1.0, upper: 0.05, ssn: 0.8, mrn_prefix: "MR", mrn_digits: 7 },
    Source { name: "CLINIC_C", weight: 0.20, typo: 0.8, missing: 1.0, format: 1.0, upper: 0.05, ssn: 0.75, mrn_prefix: "", mrn_digits: 7 },
    Source { name: "LAB_D", weight: 0.15, typo: 1.2, missing: 2.0, format: 1.3, upper: 0.6, ssn: 0.35, mrn_prefix: "L", mrn_digits: 9 },
    Source { name: "ER_E", weight: 0.10, typo: 1.6, missing: 1.8, format: 1.0, upper: 0.2, ssn: 0.6, mrn_prefix: "E", mrn_digits: 8 },
];

/// A record before it gets its identifiers.
pub(crate) struct Draft {
    pub rec: RawRecord,
    pub source: usize,
    pub entity: u64,
    pub group: Option<u64>,
    pub tags: u16,
}

/// The parts of a person that change over time.
struct State {
    family: String,
    middle: String,
    addr: Address,
    phone: u64,
    email: String,
    married: bool,
    moved: bool,
}

fn pick_source(rng: &mut SmallRng, prev: Option<usize>) -> usize {
    if let Some(p) = prev
        && rng.gen_bool(0.35)
    {
        return p;
    }
    let mut u: f64 = rng.r#gen();
    for (i, s) in SOURCES.iter().enumerate() {
        if u < s.weight {
            return i;
        }
        u -= s.weight;
    }
    0
}

fn fmt_ssn(v: u32) -> String {
    let s = format!("{v:09}");
    format!("{}-{}-{}", &s[0..3], &s[3..5], &s[5..9])
}

fn fmt_phone(v: u64) -> String {
    let s = format!("{v:010}");
    format!("{}-{}-{}", &s[0..3], &s[3..6], &s[6..10])
}

/// Append the records of `p` to `out`.
pub(crate) fn person_records(
    rng: &mut SmallRng,
    cfg: &SynthConfig,
    p: &Person,
    out: &mut Vec<Draft>,
) {
    let mut st = State {
        family: p.family.clone(),
        middle: p.middle.clone(),
        addr: p.addr.clone(),
        phone: p.phone,
        email: p.email.clone(),
        married: false,
        moved: false,
    };
    let age = p.dob.age();
    let can_marry = p.sex == Sex::F && age >= 20 && p.group_tag & tag::HOUSEHOLD == 0;
    // people marry young and move most as young adults
    let marry_p = cfg.married_rate
        * match age {
            ..30 => 1.5,
            30..45 => 1.2,
            45..60 => 0.6,
            60..75 => 0.25,
            _ => 0.1,
        };
    let move_p = cfg.move_rate
        * match age {
            ..18 => 0.8,
            18..35 => 1.5,
            35..65 => 1.0,
            _ => 0.6,
        };
    let mut prev = None;
    for i in 0..p.n_records {
        let src = pick_source(rng, prev);
        prev = Some(src);
        let s = &SOURCES[src];
        let later = i > 0;
        if later {
            if can_marry && !st.married && rng.gen_bool(marry_p.min(1.0)) {
                marry(rng, p, &mut st);
            }
            if rng.gen_bool(move_p.min(1.0)) {
                relocate(rng, p, &mut st);
            }
        }
        let mut tags = p.group_tag;
        if st.married {
            tags |= tag::MARRIED_NAME;
        }
        if st.moved {
            tags |= tag::MOVED;
        }
        let mut rec = canonical(rng, p, &st, src);
        if !rec.ssn.is_empty() && !rng.gen_bool(s.ssn) {
            rec.ssn.clear();
            tags |= tag::MISSING_ID;
        }
        if !later && p.dob.age() == 0 && rng.gen_bool(0.5) {
            baby_name(rng, p, &mut rec);
            tags |= tag::MISSING_ID;
        }
        if later {
            if rng.gen_bool(cfg.nickname_rate) && nickname(rng, p, &mut rec) {
                tags |= tag::NICKNAME;
            }
            if rng.gen_bool((cfg.typo_rate * s.typo).min(1.0)) && typo(rng, &mut rec) {
                tags |= tag::TYPO;
            }
            if rng.gen_bool(cfg.date_error_rate) {
                rec.birth_date = corrupt::date_error(rng, p.dob).iso();
                tags |= tag::TRANSPOSED_DATE;
            }
            if rng.gen_bool(cfg.swap_rate) && !rec.given_name.is_empty() {
                std::mem::swap(&mut rec.given_name, &mut rec.family_name);
                tags |= tag::SWAPPED_NAMES;
            }
        }
        let miss = if later {
            cfg.missing_rate
        } else {
            cfg.first_missing_rate
        } * s.missing;
        if rng.gen_bool(miss.min(1.0)) && missing(rng, &mut rec, src) {
            tags |= tag::MISSING_ID;
        }
        if later && rng.gen_bool(cfg.masked_ssn_rate) && mask_ssn(rng, &mut rec) {
            tags |= tag::MASKED_SSN;
        }
        let fmt = if later {
            cfg.format_rate
        } else {
            cfg.first_format_rate
        } * s.format;
        if rng.gen_bool(fmt.min(1.0)) {
            let before = rec.clone();
            format::apply(rng, &mut rec, s.upper);
            if rec != before {
                tags |= tag::FORMAT;
            }
        }
        if s.name == "ER_E" && rng.gen_bool(cfg.trauma_alias_rate) {
            trauma_alias(rng, p, &mut rec);
            tags |= tag::MISSING_ID | tag::ALIAS;
        }
        out.push(Draft {
            rec,
            source: src,
            entity: p.entity,
            group: p.group,
            tags,
        });
    }
}

/// The record as a careful registrar would write it today.
fn canonical(rng: &mut SmallRng, p: &Person, st: &State, src: usize) -> RawRecord {
    let given = match (&p.nickname, p.shows_nickname) {
        (Some(n), true) => n.clone(),
        _ => p.given.clone(),
    };
    let suffix = if !p.suffix.is_empty() && rng.gen_bool(p.suffix_show) {
        p.suffix
    } else {
        ""
    };
    let ssn = match (p.guarantor_ssn, p.ssn) {
        (Some(g), _) if rng.gen_bool(0.6) => fmt_ssn(g),
        (_, Some(v)) => fmt_ssn(v),
        _ => String::new(),
    };
    RawRecord {
        record_id: String::new(),
        source: SOURCES[src].name.to_string(),
        source_id: String::new(),
        given_name: given,
        middle_name: st.middle.clone(),
        family_name: st.family.clone(),
        suffix: suffix.to_string(),
        sex: p.sex.code().to_string(),
        birth_date: p.dob.iso(),
        ssn,
        phone: fmt_phone(st.phone),
        email: st.email.clone(),
        address_line: st.addr.line.clone(),
        city: st.addr.city.to_string(),
        state: st.addr.state.to_string(),
        postal_code: st.addr.zip.clone(),
    }
}

/// Marriage: a spouse's family name (sometimes hyphenated), often a new home.
fn marry(rng: &mut SmallRng, p: &Person, st: &mut State) {
    let origin = if rng.gen_bool(0.6) {
        p.origin
    } else {
        Origin::random(rng)
    };
    let mut spouse = family_name(rng, origin);
    while spouse == st.family {
        spouse = family_name(rng, origin);
    }
    let maiden = std::mem::take(&mut st.family);
    st.family = match rng.gen_range(0..100) {
        0..=84 => spouse,
        _ => format!("{maiden}-{spouse}"),
    };
    if rng.gen_bool(0.2) && !st.family.starts_with(&maiden) {
        st.middle = maiden;
    }
    st.married = true;
    if rng.gen_bool(0.6) {
        relocate(rng, p, st);
    }
    if !st.email.is_empty() && rng.gen_bool(0.3) {
        st.email = email_for(
            rng,
            &p.given,
            p.nickname.as_deref(),
            &st.family,
            p.dob.y,
            false,
        );
    }
}

/// A move: new address and/or phone (and sometimes a new e-mail).
fn relocate(rng: &mut SmallRng, p: &Person, st: &mut State) {
    let kind = rng.gen_range(0..100);
    if kind < 85 {
        let near = rng.gen_bool(0.65).then_some(st.addr.city_idx);
        let mut a = address(rng, near);
        while a.line == st.addr.line {
            a = address(rng, near);
        }
        st.addr = a;
    }
    if !(50..85).contains(&kind) {
        let mut ph = phone(rng, st.addr.city_idx);
        while ph == st.phone {
            ph = phone(rng, st.addr.city_idx);
        }
        st.phone = ph;
    }
    if !st.email.is_empty() && rng.gen_bool(0.1) {
        st.email = email_for(
            rng,
            &p.given,
            p.nickname.as_deref(),
            &st.family,
            p.dob.y,
            true,
        );
    }
    st.moved = true;
}

/// A newborn registered before naming ("BABY GIRL", "BABYBOY", "BABY BOY A" for twins).
fn baby_name(rng: &mut SmallRng, p: &Person, rec: &mut RawRecord) {
    let girl = p.sex == Sex::F;
    let base = if girl {
        pick(
            rng,
            &[
                "BABY GIRL",
                "BABYGIRL",
                "BG",
                "GIRL",
                "INFANT GIRL",
                "BABY",
                "UNKNOWN",
            ],
        )
    } else {
        pick(
            rng,
            &[
                "BABY BOY",
                "BABYBOY",
                "BB",
                "BOY",
                "INFANT BOY",
                "BABY",
                "UNKNOWN",
            ],
        )
    };
    rec.given_name = match p.twin_index {
        Some(t) if rng.gen_bool(0.7) => format!("{base} {}", (b'A' + t) as char),
        _ => base.to_string(),
    };
    rec.middle_name.clear();
    rec.ssn.clear();
    rec.email.clear();
}

/// An unidentified emergency patient: alias name, unknown or estimated birth date, no ids.
fn trauma_alias(rng: &mut SmallRng, p: &Person, rec: &mut RawRecord) {
    let (g, f) = match rng.gen_range(0..4) {
        0 => (
            (if p.sex == Sex::F { "Jane" } else { "John" }).to_string(),
            "Doe".to_string(),
        ),
        1 => ("UNKNOWN".to_string(), "UNKNOWN".to_string()),
        2 => (
            "TRAUMA".to_string(),
            pick(rng, &["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO"]).to_string(),
        ),
        _ => (
            "ZZUNKNOWN".to_string(),
            (if p.sex == Sex::F { "FEMALE" } else { "MALE" }).to_string(),
        ),
    };
    rec.given_name = g;
    rec.family_name = f;
    rec.middle_name.clear();
    rec.suffix.clear();
    rec.birth_date = match rng.gen_range(0..10) {
        0..=3 => "1900-01-01".to_string(),
        4..=5 => String::new(),
        _ => format!(
            "{}-01-01",
            (p.dob.y + rng.gen_range(0..=10))
                .saturating_sub(5)
                .min(REF_YEAR)
        ),
    };
    for f in [
        &mut rec.ssn,
        &mut rec.phone,
        &mut rec.email,
        &mut rec.address_line,
        &mut rec.postal_code,
    ] {
        f.clear();
    }
}

/// Nickname for legal name or the reverse, or going by the middle name.
fn nickname(rng: &mut SmallRng, p: &Person, rec: &mut RawRecord) -> bool {
    let before = rec.given_name.clone();
    let t = tables();
    let by_middle = |rng: &mut SmallRng, rec: &mut RawRecord| {
        let legal = std::mem::take(&mut rec.given_name);
        rec.given_name = std::mem::take(&mut rec.middle_name);
        rec.middle_name = match rng.gen_range(0..10) {
            0..=4 => legal.chars().next().map(String::from).unwrap_or_default(),
            5..=7 => legal,
            _ => String::new(),
        };
    };
    if let Some(nick) = &p.nickname {
        if p.shows_nickname {
            rec.given_name = p.given.clone();
        } else if rng.gen_bool(0.75) {
            rec.given_name = nick.clone();
        } else if let Some(list) = t.nicknames.get(lookup_key(&p.given).as_str()) {
            rec.given_name = capitalize(pick(rng, list));
        }
    } else if !rec.middle_name.is_empty() && rng.gen_bool(0.35) {
        by_middle(rng, rec);
    } else if let Some(list) = t.nicknames.get(lookup_key(&rec.given_name).as_str()) {
        rec.given_name = capitalize(pick(rng, list));
    } else if let Some(list) = t.formals.get(lookup_key(&rec.given_name).as_str()) {
        rec.given_name = capitalize(pick(rng, list));
    } else if !rec.middle_name.is_empty() {
        by_middle(rng, rec);
    }
    rec.given_name != before
}

/// One or two typos in names, address, or (rarely) identifiers.
fn typo(rng: &mut SmallRng, rec: &mut RawRecord) -> bool {
    let before = rec.clone();
    let n = if rng.gen_bool(0.2) { 2 } else { 1 };
    let fields = Cdf::new([30.0, 30.0, 4.0, 14.0, 5.0, 6.0, 6.0, 5.0]);
    for _ in 0..n {
        let mut f = fields.sample(rng);
        let empty = [
            &rec.given_name,
            &rec.family_name,
            &rec.middle_name,
            &rec.address_line,
            &rec.city,
            &rec.ssn,
            &rec.phone,
            &rec.email,
        ][f]
            .is_empty();
        if empty {
            f = 1;
        }
        match f {
            0 => rec.given_name = corrupt::name_typo(rng, &rec.given_name, true),
            1 => rec.family_name = corrupt::name_typo(rng, &rec.family_name, false),
            2 => rec.middle_name = corrupt::name_typo(rng, &rec.middle_name, true),
            3 => rec.address_line = corrupt::address_typo(rng, &rec.address_line),
            4 => rec.city = corrupt::char_typo(rng, &rec.city),
            5 => rec.ssn = corrupt::digit_typo(rng, &rec.ssn),
            6 => rec.phone = corrupt::digit_typo(rng, &rec.phone),
            _ => {
                if let Some((local, domain)) = rec.email.split_once('@') {
                    rec.email = format!("{}@{domain}", corrupt::char_typo(rng, local));
                }
            }
        }
    }
    *rec != before
}

/// Blank or placeholder identifying fields.
fn missing(rng: &mut SmallRng, rec: &mut RawRecord, src: usize) -> bool {
    let before = rec.clone();
    let lab = SOURCES[src].name == "LAB_D";
    let actions = Cdf::new([
        30.0,                          // SSN blank
        8.0,                           // SSN placeholder
        16.0,                          // phone blank
        5.0,                           // phone placeholder
        if lab { 30.0 } else { 12.0 }, // e-mail blank
        4.0,                           // e-mail placeholder
        if lab { 20.0 } else { 6.0 },  // address blank
        2.0,                           // address placeholder
        8.0,                           // middle name blank
        3.0,                           // birth-date placeholder
        1.5,                           // birth date blank
        1.0,                           // sex blank
    ]);
    let n = if rng.gen_bool(0.35) { 2 } else { 1 };
    for _ in 0..n {
        match actions.sample(rng) {
            0 => rec.ssn.clear(),
            1 => {
                rec.ssn = pick(
                    rng,
                    &[
                        "000-00-0000",
                        "123-45-6789",
                        "999-99-9999",
                        "111-11-1111",
                        "000000000",
                        "888-88-8888",
                    ],
                )
                .to_string()
            }
            2 => rec.phone.clear(),
            3 => {
                let area = rec.phone.get(0..3).unwrap_or("000").to_string();
                rec.phone = match rng.gen_range(0..5) {
                    0 => "000-000-0000".to_string(),
                    1 => "999-999-9999".to_string(),
                    2 => "555-555-5555".to_string(),
                    _ => format!("{area}-555-01{:02}", rng.gen_range(0..100)),
                };
            }
            4 => rec.email.clear(),
            5 => rec.email = pick(rng, PLACEHOLDER_EMAILS).to_string(),
            6 => {
                rec.address_line.clear();
                if rng.gen_bool(0.5) {
                    rec.city.clear();
                    rec.state.clear();
                    rec.postal_code.clear();
                }
            }
            7 => rec.address_line = pick(rng, PLACEHOLDER_ADDRESSES).to_string(),
            8 => rec.middle_name.clear(),
            9 => {
                rec.birth_date = if rng.gen_bool(0.8) {
                    "1900-01-01"
                } else {
                    "1901-01-01"
                }
                .to_string()
            }
            10 => rec.birth_date.clear(),
            _ => rec.sex.clear(),
        }
    }
    *rec != before
}

/// Only the last four digits of the SSN.
fn mask_ssn(rng: &mut SmallRng, rec: &mut RawRecord) -> bool {
    let digits: String = rec.ssn.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 || !matches!(Ssn::parse(&digits), Ok(Ssn::Full(_))) {
        return false;
    }
    let last4 = &digits[5..];
    rec.ssn = match rng.gen_range(0..100) {
        0..=59 => format!("XXX-XX-{last4}"),
        60..=74 => format!("***-**-{last4}"),
        75..=84 => format!("xxx-xx-{last4}"),
        85..=94 => last4.to_string(),
        _ => format!("XXXXX{last4}"),
    };
    true
}
