//! A synthetic person (the truth behind the records) and the factory that makes them:
//! names by origin, sex and generation, birth dates, unique SSNs, phones, e-mails, addresses.

use rand::Rng;
use rand::rngs::SmallRng;

use super::names_family as fam;
use super::names_given as giv;
use super::places::{CITIES, DIRECTIONS, EMAIL_DOMAINS, STREET_TYPES, STREETS, UNITS};
use super::tables::{capitalize, lookup_key, pick, pick_zipf, tables, zipf};
use crate::domain::value::{Phone, Ssn};

/// The year records are "registered" in: ages are counted from here.
pub(crate) const REF_YEAR: u16 = 2025;

/// The cultural origin of a person's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Anglo,
    Black,
    Hispanic,
    Chinese,
    Vietnamese,
    Korean,
    Indian,
    Filipino,
    Japanese,
    European,
    MidEast,
    African,
}

const ORIGINS: [(Origin, f64); 12] = [
    (Origin::Anglo, 0.52),
    (Origin::Black, 0.12),
    (Origin::Hispanic, 0.18),
    (Origin::Chinese, 0.02),
    (Origin::Vietnamese, 0.01),
    (Origin::Korean, 0.007),
    (Origin::Indian, 0.013),
    (Origin::Filipino, 0.01),
    (Origin::Japanese, 0.004),
    (Origin::European, 0.08),
    (Origin::MidEast, 0.01),
    (Origin::African, 0.006),
];

impl Origin {
    /// A random origin with US-like shares.
    pub(crate) fn random(rng: &mut SmallRng) -> Self {
        let mut u: f64 = rng.r#gen::<f64>() * ORIGINS.iter().map(|o| o.1).sum::<f64>();
        for (o, w) in ORIGINS {
            if u < w {
                return o;
            }
            u -= w;
        }
        Origin::Anglo
    }
}

/// Administrative sex of a synthetic person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    F,
    M,
}

impl Sex {
    pub(crate) fn random(rng: &mut SmallRng) -> Self {
        if rng.gen_bool(0.51) { Sex::F } else { Sex::M }
    }
    pub(crate) fn other(self) -> Self {
        match self {
            Sex::F => Sex::M,
            Sex::M => Sex::F,
        }
    }
    pub(crate) fn code(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
        }
    }
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub y: u16,
    pub m: u8,
    pub d: u8,
}

impl Date {
    /// The date if it exists on the calendar.
    pub(crate) fn new(y: u16, m: u8, d: u8) -> Option<Self> {
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some(Date { y, m, d })
    }
    /// A uniformly random day of `year` (not after mid-year of [`REF_YEAR`]).
    pub(crate) fn random_in(rng: &mut SmallRng, year: u16) -> Self {
        let max_m = if year >= REF_YEAR { 6 } else { 12 };
        let m = rng.gen_range(1..=max_m);
        let d = rng.gen_range(1..=days_in_month(year, m));
        Date { y: year, m, d }
    }
    /// Age in whole years on [`REF_YEAR`]-07-01.
    pub(crate) fn age(&self) -> u16 {
        REF_YEAR.saturating_sub(self.y) - u16::from(self.m > 7 && self.y < REF_YEAR)
    }
    /// YYYY-MM-DD.
    pub(crate) fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

pub(crate) fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A postal address in canonical (USPS-abbreviated) form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub line: String,
    pub city: &'static str,
    pub state: &'static str,
    pub zip: String,
    /// Index into [`CITIES`].
    pub city_idx: usize,
}

/// A person: the truth every record of theirs is derived from.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub entity: u64,
    pub group: Option<u64>,
    /// Tag bits of the hard-case group (0 when none).
    pub group_tag: u16,
    pub origin: Origin,
    pub sex: Sex,
    /// Legal given name.
    pub given: String,
    /// The nickname the person goes by, if any.
    pub nickname: Option<String>,
    /// Whether registrations normally show the nickname rather than the legal name.
    pub shows_nickname: bool,
    pub middle: String,
    pub family: String,
    pub suffix: &'static str,
    /// Probability the suffix appears on a record.
    pub suffix_show: f64,
    pub dob: Date,
    pub ssn: Option<u32>,
    /// A guarantor's SSN this dependent is sometimes registered under.
    pub guarantor_ssn: Option<u32>,
    pub phone: u64,
    pub email: String,
    pub addr: Address,
    /// Position among newborn twins (0 = A, 1 = B) for "BABY GIRL A" placeholders.
    pub twin_index: Option<u8>,
    pub n_records: usize,
}

/// Makes people, allocating SSNs without repetition.
///
/// SSNs come from an affine permutation of slot numbers, so they look random but never
/// repeat; a factory uses only its own range of slots, which lets chunks of the
/// population be made independently.
pub(crate) struct Factory {
    ssn_next: u64,
    ssn_end: u64,
    ssn_mul: u64,
    ssn_add: u64,
}

/// Number of (area, group, serial-pair) slots: areas 001–899 without 666, groups 01–99,
/// serial pairs (1,2) … (9997,9998).
pub(crate) const SSN_SLOTS: u64 = 898 * 99 * 4999;

impl Factory {
    /// A factory using all SSN slots.
    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Self {
        Self::with_slots(seed, 0..SSN_SLOTS)
    }

    /// A factory that allocates SSNs only from `slots` (a sub-range of `0..SSN_SLOTS`).
    pub(crate) fn with_slots(seed: u64, slots: std::ops::Range<u64>) -> Self {
        debug_assert!(slots.end <= SSN_SLOTS);
        let mut mul = (2_654_435_761u64 ^ seed.rotate_left(17)) % SSN_SLOTS;
        while gcd(mul, SSN_SLOTS) != 1 {
            mul += 1;
        }
        Factory {
            ssn_next: slots.start,
            ssn_end: slots.end,
            ssn_mul: mul,
            ssn_add: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % SSN_SLOTS,
        }
    }

    /// Two valid SSNs that differ only in the last digit(s), never given to anyone else.
    pub(crate) fn ssn_pair(&mut self) -> (u32, u32) {
        loop {
            assert!(self.ssn_next < self.ssn_end, "SSN slot range exhausted");
            let slot = ((self.ssn_next as u128 * self.ssn_mul as u128 + self.ssn_add as u128)
                % SSN_SLOTS as u128) as u64;
            self.ssn_next += 1;
            let area_i = slot / (99 * 4999);
            let group = (slot / 4999) % 99 + 1;
            let pair = slot % 4999;
            let mut area = area_i + 1;
            if area >= 666 {
                area += 1;
            }
            let base = (area * 1_000_000 + group * 10_000) as u32;
            let a = base + (2 * pair + 1) as u32;
            let b = a + 1;
            if ssn_ok(a) && ssn_ok(b) {
                return (a, b);
            }
        }
    }

    /// One valid SSN never given to anyone else.
    pub(crate) fn ssn(&mut self, rng: &mut SmallRng) -> u32 {
        let (a, b) = self.ssn_pair();
        if rng.gen_bool(0.5) { a } else { b }
    }

    /// A fresh person of the given origin, sex and birth date, with everything else random.
    pub(crate) fn person(
        &mut self,
        rng: &mut SmallRng,
        origin: Origin,
        sex: Sex,
        dob: Date,
    ) -> Person {
        let age = dob.age();
        let keep_accents = rng.gen_bool(0.55);
        let given = accents(given_name(rng, origin, sex, dob.y), keep_accents);
        let mut middle = accents(&middle_name(rng, origin, sex, dob.y), keep_accents);
        if middle.eq_ignore_ascii_case(&given) {
            // a second given name drawn from the same list can repeat the first
            middle.clear();
        }
        let family = accents(&family_name(rng, origin), keep_accents);
        let no_ssn = match age {
            0 => 0.45,
            1..=4 => 0.12,
            _ => 0.05,
        };
        let ssn = (!rng.gen_bool(no_ssn)).then(|| self.ssn(rng));
        let (suffix, suffix_show) = if sex == Sex::M && age >= 16 {
            match rng.gen_range(0..1000) {
                0..=14 => ("JR", 0.7),
                15..=17 => ("III", 0.7),
                18..=19 => ("II", 0.6),
                20..=23 if age >= 40 => ("SR", 0.5),
                _ => ("", 0.0),
            }
        } else {
            ("", 0.0)
        };
        let addr = address(rng, None);
        let phone = phone(rng, addr.city_idx);
        let mut p = Person {
            // numbered once the population is assembled, so that ids stay dense
            entity: 0,
            group: None,
            group_tag: 0,
            origin,
            sex,
            given,
            nickname: None,
            shows_nickname: false,
            middle,
            family,
            suffix,
            suffix_show,
            dob,
            ssn,
            guarantor_ssn: None,
            phone,
            email: String::new(),
            addr,
            twin_index: None,
            n_records: 1,
        };
        p.reset_nickname(rng);
        let email_p = match age {
            0..=12 => 0.03,
            13..=17 => 0.4,
            18..=64 => 0.78,
            65..=79 => 0.5,
            _ => 0.25,
        };
        if rng.gen_bool(email_p) {
            p.email = email(rng, &p, false);
        }
        p
    }

    /// A fresh random person of the configured population.
    pub(crate) fn random(&mut self, rng: &mut SmallRng) -> Person {
        let origin = Origin::random(rng);
        let sex = Sex::random(rng);
        let age = random_age(rng);
        let dob = birth_date(rng, age);
        self.person(rng, origin, sex, dob)
    }
}

impl Person {
    /// Re-draw the preferred nickname after the given name changed.
    pub(crate) fn reset_nickname(&mut self, rng: &mut SmallRng) {
        self.nickname = None;
        self.shows_nickname = false;
        if let Some(list) = tables().nicknames.get(lookup_key(&self.given).as_str())
            && rng.gen_bool(0.45)
        {
            self.nickname = Some(capitalize(pick(rng, list)));
            self.shows_nickname = rng.gen_bool(0.2);
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn ssn_ok(v: u32) -> bool {
    matches!(Ssn::parse(&format!("{v:09}")), Ok(Ssn::Full(_)))
}

/// `name` as is, or with accents removed.
fn accents(name: &str, keep: bool) -> String {
    if keep || name.is_ascii() {
        name.to_string()
    } else {
        deunicode::deunicode(name)
    }
}

/// An age 0–100 with a hospital-like profile (many newborns, many older adults).
pub(crate) fn random_age(rng: &mut SmallRng) -> u16 {
    loop {
        let age: u16 = rng.gen_range(0..=100);
        let w = match age {
            0 => 1.0,
            1..=17 => 0.55,
            18..=44 => 0.7,
            45..=64 => 0.8,
            65..=84 => 0.85,
            _ => 0.85 * (101 - age) as f64 / 17.0,
        };
        if rng.gen_bool(w) {
            return age;
        }
    }
}

/// A birth date for someone `age` years old on [`REF_YEAR`]-07-01.
pub(crate) fn birth_date(rng: &mut SmallRng, age: u16) -> Date {
    loop {
        let y = if rng.gen_bool(0.5) {
            REF_YEAR - age
        } else {
            REF_YEAR - age - 1
        };
        let d = Date::random_in(rng, y);
        if d.age() == age {
            return d;
        }
    }
}

/// Given-name lists for an origin and sex: (own list, share of names from it).
fn own_given(origin: Origin, sex: Sex, year: u16) -> (&'static [&'static str], f64) {
    let f = sex == Sex::F;
    let young = year >= 1985;
    match origin {
        Origin::Anglo => (&[], 0.0),
        Origin::Black => (if f { giv::F_BLACK } else { giv::M_BLACK }, 0.45),
        Origin::Hispanic => (
            if f { giv::F_HISPANIC } else { giv::M_HISPANIC },
            if young { 0.55 } else { 0.8 },
        ),
        Origin::Chinese => (
            if f { giv::F_CHINESE } else { giv::M_CHINESE },
            if young { 0.25 } else { 0.6 },
        ),
        Origin::Vietnamese => (
            if f {
                giv::F_VIETNAMESE
            } else {
                giv::M_VIETNAMESE
            },
            if young { 0.3 } else { 0.7 },
        ),
        Origin::Korean => (
            if f { giv::F_KOREAN } else { giv::M_KOREAN },
            if young { 0.3 } else { 0.6 },
        ),
        Origin::Indian => (if f { giv::F_INDIAN } else { giv::M_INDIAN }, 0.85),
        Origin::Filipino => (if f { giv::F_FILIPINO } else { giv::M_FILIPINO }, 0.25),
        Origin::Japanese => (if f { giv::F_JAPANESE } else { giv::M_JAPANESE }, 0.3),
        Origin::European => (if f { giv::F_EUROPEAN } else { giv::M_EUROPEAN }, 0.45),
        Origin::MidEast => (if f { giv::F_MIDEAST } else { giv::M_MIDEAST }, 0.75),
        Origin::African => (if f { giv::F_AFRICAN } else { giv::M_AFRICAN }, 0.7),
    }
}

/// A general American given name typical of the birth year.
pub(crate) fn american_given(rng: &mut SmallRng, sex: Sex, year: u16) -> &'static str {
    let (classic, middle, modern) = match sex {
        Sex::F => (giv::F_CLASSIC, giv::F_MIDDLE, giv::F_MODERN),
        Sex::M => (giv::M_CLASSIC, giv::M_MIDDLE, giv::M_MODERN),
    };
    let u: f64 = rng.r#gen();
    let list = match year {
        ..1966 => {
            if u < 0.85 {
                classic
            } else {
                middle
            }
        }
        1966..1995 => {
            if u < 0.15 {
                classic
            } else if u < 0.9 {
                middle
            } else {
                modern
            }
        }
        _ => {
            if u < 0.03 {
                classic
            } else if u < 0.2 {
                middle
            } else {
                modern
            }
        }
    };
    pick_zipf(rng, list, 4.0)
}

/// A given name for a person of this origin, sex and birth year.
pub(crate) fn given_name(rng: &mut SmallRng, origin: Origin, sex: Sex, year: u16) -> &'static str {
    let (own, share) = own_given(origin, sex, year);
    if origin == Origin::Filipino && rng.gen_bool(0.3) {
        return pick_zipf(
            rng,
            if sex == Sex::F {
                giv::F_HISPANIC
            } else {
                giv::M_HISPANIC
            },
            3.0,
        );
    }
    if !own.is_empty() && rng.gen_bool(share) {
        pick_zipf(rng, own, 3.0)
    } else {
        american_given(rng, sex, year)
    }
}

/// A middle name (possibly empty) for a person of this origin, sex and birth year.
pub(crate) fn middle_name(rng: &mut SmallRng, origin: Origin, sex: Sex, year: u16) -> String {
    let f = sex == Sex::F;
    let (p, list): (f64, &'static [&'static str]) = match origin {
        Origin::Anglo | Origin::Black | Origin::European => (
            0.82,
            if f {
                giv::F_MIDDLE_NAMES
            } else {
                giv::M_MIDDLE_NAMES
            },
        ),
        Origin::Hispanic | Origin::Filipino => {
            (0.5, if f { giv::F_HISPANIC } else { giv::M_HISPANIC })
        }
        Origin::Vietnamese => (
            0.75,
            if f {
                giv::F_MIDDLE_VIETNAMESE
            } else {
                giv::M_MIDDLE_VIETNAMESE
            },
        ),
        Origin::Indian => (
            0.4,
            if f {
                giv::F_MIDDLE_INDIAN
            } else {
                giv::M_MIDDLE_INDIAN
            },
        ),
        _ => (
            0.3,
            if f {
                giv::F_MIDDLE_NAMES
            } else {
                giv::M_MIDDLE_NAMES
            },
        ),
    };
    if !rng.gen_bool(p) {
        return String::new();
    }
    if rng.gen_bool(0.12) {
        // a second given name instead of a classic middle name
        return american_given(rng, sex, year).to_string();
    }
    pick_zipf(rng, list, 3.0).to_string()
}

/// A rare family name built from morphemes (the long tail of surnames).
fn rare_family(rng: &mut SmallRng, european: bool) -> String {
    if european || rng.gen_bool(0.2) {
        let (heads, tails) = pick(rng, fam::EURO_MORPH);
        let head = heads[zipf(rng, heads.len(), 2.0)];
        let tail = tails[zipf(rng, tails.len(), 2.0)];
        return format!("{head}{tail}");
    }
    let head = pick_zipf(rng, fam::ANGLO_HEADS, 3.0);
    let tail = pick_zipf(rng, fam::ANGLO_TAILS, 3.0);
    if head.ends_with(tail.chars().next().unwrap_or(' ')) && tail.len() > 2 {
        format!("{head}{}", &tail[1..])
    } else {
        format!("{head}{tail}")
    }
}

/// A family name for a person of this origin.
pub(crate) fn family_name(rng: &mut SmallRng, origin: Origin) -> String {
    let u: f64 = rng.r#gen();
    match origin {
        Origin::Anglo => {
            if u < 0.55 {
                pick_zipf(rng, fam::ANGLO, 5.0).to_string()
            } else {
                rare_family(rng, false)
            }
        }
        Origin::Black => {
            if u < 0.22 {
                pick_zipf(rng, fam::BLACK, 5.0).to_string()
            } else if u < 0.75 {
                pick_zipf(rng, fam::ANGLO, 5.0).to_string()
            } else {
                rare_family(rng, false)
            }
        }
        Origin::Hispanic => {
            if u < 0.8 {
                pick_zipf(rng, fam::HISPANIC, 3.0).to_string()
            } else if u < 0.93 {
                let a = pick_zipf(rng, fam::HISPANIC, 3.0);
                let b = pick(rng, fam::HISPANIC_SECOND);
                if a == b || a.contains(' ') || a.contains('-') {
                    a.to_string()
                } else if rng.gen_bool(0.6) {
                    format!("{a} {b}")
                } else {
                    format!("{a}-{b}")
                }
            } else {
                pick_zipf(rng, fam::ANGLO, 5.0).to_string()
            }
        }
        Origin::Chinese => pick_zipf(rng, fam::CHINESE, 2.0).to_string(),
        Origin::Vietnamese => pick_zipf(rng, fam::VIETNAMESE, 1.0).to_string(),
        Origin::Korean => pick_zipf(rng, fam::KOREAN, 1.0).to_string(),
        Origin::Indian => pick_zipf(rng, fam::INDIAN, 3.0).to_string(),
        Origin::Filipino => {
            if u < 0.6 {
                pick_zipf(rng, fam::FILIPINO, 4.0).to_string()
            } else {
                pick_zipf(rng, fam::HISPANIC, 3.0).to_string()
            }
        }
        Origin::Japanese => pick_zipf(rng, fam::JAPANESE, 3.0).to_string(),
        Origin::European => {
            if u < 0.5 {
                pick_zipf(rng, fam::EUROPEAN, 10.0).to_string()
            } else {
                rare_family(rng, true)
            }
        }
        Origin::MidEast => pick_zipf(rng, fam::MIDEAST, 3.0).to_string(),
        Origin::African => pick_zipf(rng, fam::AFRICAN, 5.0).to_string(),
    }
}

/// A random address; in the same city as `near` when given.
pub(crate) fn address(rng: &mut SmallRng, near: Option<usize>) -> Address {
    let t = tables();
    let city_idx = near.unwrap_or_else(|| t.cities.sample(rng));
    let (city, state, zip0, nzip, _) = CITIES[city_idx];
    let zip = format!("{:05}", zip0 + rng.gen_range(0..nzip.max(1)));
    let line = if rng.gen_bool(0.03) {
        format!("PO Box {}", rng.gen_range(1..20000))
    } else {
        let number = match rng.gen_range(0..10) {
            0..=3 => rng.gen_range(1..1000),
            4..=7 => rng.gen_range(100..10000),
            _ => rng.gen_range(1000..30000),
        };
        let mut line = number.to_string();
        if rng.gen_bool(0.12) {
            line.push(' ');
            line.push_str(pick(rng, DIRECTIONS).1);
        }
        line.push(' ');
        line.push_str(pick_zipf(rng, STREETS, 10.0));
        line.push(' ');
        line.push_str(STREET_TYPES[t.street_types.sample(rng)].1);
        if rng.gen_bool(0.22) {
            let unit = UNITS[t.units.sample(rng)].1;
            let number = match rng.gen_range(0..4) {
                0 => rng.gen_range(1..30).to_string(),
                1 => format!(
                    "{}{}",
                    rng.gen_range(1..20),
                    (b'A' + rng.gen_range(0..6)) as char
                ),
                2 => rng.gen_range(100..1500).to_string(),
                _ => ((b'A' + rng.gen_range(0..8)) as char).to_string(),
            };
            if unit == "#" {
                line.push_str(&format!(" #{number}"));
            } else {
                line.push_str(&format!(" {unit} {number}"));
            }
        }
        line
    };
    Address {
        line,
        city,
        state,
        zip,
        city_idx,
    }
}

/// A valid 10-digit phone number with an area code of the city.
pub(crate) fn phone(rng: &mut SmallRng, city_idx: usize) -> u64 {
    let area = pick(rng, CITIES[city_idx].4) as u64;
    loop {
        let exchange: u64 = rng.gen_range(200..1000);
        if exchange == 555 || exchange % 100 == 11 {
            continue;
        }
        let line: u64 = rng.gen_range(0..10000);
        let number = area * 10_000_000 + exchange * 10_000 + line;
        if Phone::parse(&number.to_string()).is_ok() {
            return number;
        }
    }
}

/// An e-mail address built from the person's names; `digits` forces a numeric part.
pub(crate) fn email(rng: &mut SmallRng, p: &Person, digits: bool) -> String {
    email_for(
        rng,
        &p.given,
        p.nickname.as_deref(),
        &p.family,
        p.dob.y,
        digits,
    )
}

/// An e-mail address built from these names and birth year.
pub(crate) fn email_for(
    rng: &mut SmallRng,
    given: &str,
    nickname: Option<&str>,
    family: &str,
    year: u16,
    digits: bool,
) -> String {
    let clean = |s: &str| -> String {
        deunicode::deunicode(s)
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect()
    };
    let first = clean(nickname.filter(|_| rng.gen_bool(0.3)).unwrap_or(given));
    let last = clean(family);
    let fi = first.chars().next().unwrap_or('x');
    let yy = year % 100;
    let mut local = match rng.gen_range(0..12) {
        0..=2 => format!("{first}.{last}"),
        3..=4 => format!("{first}{last}"),
        5 => format!("{fi}{last}"),
        6 => format!("{first}_{last}"),
        7 => format!("{last}.{first}"),
        8 => format!("{first}{}", last.chars().next().unwrap_or('x')),
        9 => format!("{fi}.{last}{yy:02}"),
        10 => format!("{first}{year}"),
        _ => {
            const WORDS: &[&str] = &[
                "sunshine", "bigdog", "angel", "tiger", "blessed", "cowboy", "princess", "hoops",
                "lucky", "music", "queen", "skater",
            ];
            format!("{}{}", pick(rng, WORDS), rng.gen_range(1..1000))
        }
    };
    if (digits || rng.gen_bool(0.55)) && !local.chars().last().is_some_and(|c| c.is_ascii_digit()) {
        match rng.gen_range(0..3) {
            0 => local.push_str(&format!("{yy:02}")),
            1 => local.push_str(&rng.gen_range(1..100).to_string()),
            _ => local.push_str(&rng.gen_range(100..10000).to_string()),
        }
    }
    let domain = EMAIL_DOMAINS[tables().domains.sample(rng)].0;
    format!("{local}@{domain}")
}
