//! Hard-case groups: distinct people who look alike (twins, Jr/Sr pairs, households,
//! same-name-same-birth-date strangers).

use rand::Rng;
use rand::rngs::SmallRng;

use super::names_family as fam;
use super::names_given as giv;
use super::person::{
    Factory, Origin, Person, Sex, address, birth_date, email, given_name, middle_name, phone,
    random_age,
};
use super::tables::{pick, zipf};

/// Rebuild the e-mail of `p` after a name change, keeping "no e-mail" as is.
fn refresh_email(rng: &mut SmallRng, p: &mut Person) {
    if !p.email.is_empty() {
        p.email = email(rng, p, false);
    }
}

/// Re-draw the given name of `p` until it differs from everyone's in `others`: a
/// household member with a parent's name is a Jr/Sr pair, which is another case.
fn distinct_given(rng: &mut SmallRng, p: &mut Person, others: &[Person]) {
    let taken = |p: &Person| {
        others
            .iter()
            .any(|o| o.given.eq_ignore_ascii_case(&p.given))
    };
    for _ in 0..50 {
        if !taken(p) {
            return;
        }
        p.given = given_name(rng, p.origin, p.sex, p.dob.y).to_string();
        p.reset_nickname(rng);
    }
    while taken(p) {
        p.given.push('a');
    }
}

/// Make `p` live at `home`'s address; share the phone too when `phone_too`.
fn move_in(rng: &mut SmallRng, p: &mut Person, home: &Person, phone_too: bool) {
    p.addr = home.addr.clone();
    p.phone = if phone_too {
        home.phone
    } else {
        phone(rng, p.addr.city_idx)
    };
}

/// Two people born the same day to the same family, at the same address and phone.
pub(crate) fn twins(f: &mut Factory, rng: &mut SmallRng) -> Vec<Person> {
    let origin = Origin::random(rng);
    let age = if rng.gen_bool(0.1) {
        0
    } else {
        random_age(rng)
    };
    let dob = birth_date(rng, age);
    let sex_a = Sex::random(rng);
    let style = rng.gen_range(0..100);
    let (sex_b, names) = if style < 40 {
        if rng.gen_bool(0.35) {
            let (m, w) = pick(rng, giv::TWIN_OPPOSITE);
            (
                sex_a.other(),
                Some(if sex_a == Sex::M { (m, w) } else { (w, m) }),
            )
        } else {
            let list = if sex_a == Sex::F {
                giv::TWIN_SAME_SEX_F
            } else {
                giv::TWIN_SAME_SEX_M
            };
            let (x, y) = pick(rng, list);
            (sex_a, Some(if rng.gen_bool(0.5) { (x, y) } else { (y, x) }))
        }
    } else if style < 70 {
        (sex_a.other(), None)
    } else {
        (sex_a, None)
    };
    let mut a = f.person(rng, origin, sex_a, dob);
    let mut b = f.person(rng, origin, sex_b, dob);
    if let Some((x, y)) = names {
        a.given = x.to_string();
        b.given = y.to_string();
    } else {
        // different names, often with the same initial
        let initial = rng.gen_bool(0.4);
        for _ in 0..50 {
            let g = given_name(rng, origin, sex_b, dob.y);
            if g != a.given && (!initial || g.chars().next() == a.given.chars().next()) {
                b.given = g.to_string();
                break;
            }
        }
        if b.given == a.given {
            b.given = if sex_b == Sex::F { "Grace" } else { "Samuel" }.to_string();
            if a.given == b.given {
                b.given.push('e');
            }
        }
    }
    b.family = a.family.clone();
    if rng.gen_bool(0.1) {
        b.middle = a.middle.clone();
    }
    // young twins share the parents' phone; adults living together often have their own
    let phone_too = rng.gen_bool(if age < 18 { 0.95 } else { 0.7 });
    move_in(rng, &mut b, &a, phone_too);
    if a.ssn.is_some() && b.ssn.is_some() && rng.gen_bool(0.6) {
        // SSNs issued together: consecutive serial numbers
        let (x, y) = f.ssn_pair();
        a.ssn = Some(x);
        b.ssn = Some(y);
    }
    for p in [&mut a, &mut b] {
        p.suffix = "";
        p.suffix_show = 0.0;
        p.reset_nickname(rng);
        refresh_email(rng, p);
    }
    if !a.email.is_empty() && rng.gen_bool(if age < 18 { 0.6 } else { 0.25 }) {
        b.email = a.email.clone();
    }
    if age == 0 {
        a.twin_index = Some(0);
        b.twin_index = Some(1);
    }
    vec![a, b]
}

/// A parent and child with the same given, middle and family name and the same home.
pub(crate) fn jr_sr(f: &mut Factory, rng: &mut SmallRng) -> Vec<Person> {
    let origin = Origin::random(rng);
    let sex = if rng.gen_bool(0.85) { Sex::M } else { Sex::F };
    let child_age: u16 = if rng.gen_bool(0.08) {
        0
    } else {
        rng.gen_range(1..=55)
    };
    let gap: u16 = rng.gen_range(20..=40);
    let parent_dob = birth_date(rng, child_age + gap);
    let mut parent = f.person(rng, origin, sex, parent_dob);
    let child_dob = birth_date(rng, child_age);
    let mut child = f.person(rng, origin, sex, child_dob);
    if parent.middle.is_empty() && rng.gen_bool(0.5) {
        parent.middle = middle_name(rng, Origin::Anglo, sex, parent.dob.y);
    }
    child.given = parent.given.clone();
    child.middle = parent.middle.clone();
    child.family = parent.family.clone();
    move_in(rng, &mut child, &parent, true);
    let (ps, pshow, cs, cshow) = match (sex, rng.gen_range(0..100)) {
        (Sex::F, _) => ("", 0.0, "", 0.0),
        (_, 0..=69) => ("SR", 0.35, "JR", 0.6),
        (_, 70..=84) => ("", 0.0, "II", 0.6),
        _ => ("II", 0.5, "III", 0.6),
    };
    (
        parent.suffix,
        parent.suffix_show,
        child.suffix,
        child.suffix_show,
    ) = (ps, pshow, cs, cshow);
    child.reset_nickname(rng);
    refresh_email(rng, &mut child);
    if child_age < 18 && rng.gen_bool(0.15) {
        child.guarantor_ssn = parent.ssn;
    }
    vec![parent, child]
}

/// A family at one address: spouses, children, sometimes a grandparent; at most `max` people.
pub(crate) fn household(f: &mut Factory, rng: &mut SmallRng, max: usize) -> Vec<Person> {
    let origin = Origin::random(rng);
    let kind = rng.gen_range(0..100);
    let with_kids = !(45..70).contains(&kind);
    let man_age: u16 = rng.gen_range(if with_kids { 22..=58 } else { 22..=88 });
    let woman_age = (man_age as i32 + rng.gen_range(-6..=4)).clamp(19, 100) as u16;
    let man_dob = birth_date(rng, man_age);
    let man = f.person(rng, origin, Sex::M, man_dob);
    let woman_origin = if rng.gen_bool(0.85) {
        origin
    } else {
        Origin::random(rng)
    };
    let woman_dob = birth_date(rng, woman_age);
    let mut woman = f.person(rng, woman_origin, Sex::F, woman_dob);
    let maiden = woman.family.clone();
    let shared_phone = rng.gen_bool(0.7);
    let single = (70..90).contains(&kind);
    let mut adults = Vec::new();
    if single {
        // single parent, usually the mother, with her own family name
        adults.push(if rng.gen_bool(0.75) {
            woman.clone()
        } else {
            man.clone()
        });
    } else {
        match rng.gen_range(0..100) {
            0..=74 => woman.family = man.family.clone(),
            75..=86 => {}
            _ => woman.family = format!("{maiden}-{}", man.family),
        }
        if woman.family != maiden && rng.gen_bool(0.15) {
            woman.middle = maiden.clone();
        }
        distinct_given(rng, &mut woman, std::slice::from_ref(&man));
        refresh_email(rng, &mut woman);
        move_in(rng, &mut woman, &man, shared_phone);
        if !man.email.is_empty() && rng.gen_bool(0.2) {
            // a family e-mail address
            woman.email = man.email.clone();
        }
        adults.push(man.clone());
        adults.push(woman.clone());
    }
    let head = adults[0].clone();
    let mut people = adults;
    if with_kids {
        let youngest = people.iter().map(|p| p.dob.age()).min().unwrap_or(30);
        let mut n = 1;
        while n < 4 && rng.gen_bool(0.5) {
            n += 1;
        }
        let guarantor = if rng.gen_bool(0.3) {
            people.iter().find_map(|p| p.ssn)
        } else {
            None
        };
        let other_father = family_name(rng, origin);
        for _ in 0..n {
            let age = rng.gen_range(0..=25.min(youngest.saturating_sub(18)));
            let (sex, dob) = (Sex::random(rng), birth_date(rng, age));
            let mut kid = f.person(rng, origin, sex, dob);
            kid.family = if single {
                if rng.gen_bool(0.5) {
                    head.family.clone()
                } else {
                    other_father.clone()
                }
            } else {
                match rng.gen_range(0..100) {
                    0..=84 => man.family.clone(),
                    85..=94 => woman.family.clone(),
                    _ => maiden.clone(),
                }
            };
            kid.suffix = "";
            distinct_given(rng, &mut kid, &people);
            kid.reset_nickname(rng);
            let phone_too = age < 13 || rng.gen_bool(0.6);
            move_in(rng, &mut kid, &head, phone_too);
            kid.email = if age < 13 || rng.gen_bool(0.4) {
                people
                    .iter()
                    .map(|p| p.email.clone())
                    .find(|e| !e.is_empty() && rng.gen_bool(0.6))
                    .unwrap_or_default()
            } else {
                email(rng, &kid, false)
            };
            if let Some(g) = guarantor.filter(|_| rng.gen_bool(0.7)) {
                kid.guarantor_ssn = Some(g);
                if rng.gen_bool(0.4) {
                    kid.ssn = None;
                }
            }
            people.push(kid);
        }
    }
    if kind >= 90 {
        let parent_age = head.dob.age();
        if parent_age <= 80 {
            let age = (parent_age + rng.gen_range(20..=35)).min(100);
            let sex = Sex::random(rng);
            let dob = birth_date(rng, age);
            let mut gp = f.person(rng, origin, sex, dob);
            distinct_given(rng, &mut gp, &people);
            gp.family = if rng.gen_bool(0.6) || single {
                head.family.clone()
            } else {
                maiden.clone()
            };
            gp.reset_nickname(rng);
            refresh_email(rng, &mut gp);
            move_in(rng, &mut gp, &head, shared_phone);
            people.push(gp);
        }
    }
    people.truncate(max.max(2));
    people
}

fn family_name(rng: &mut SmallRng, origin: Origin) -> String {
    super::person::family_name(rng, origin)
}

/// Strangers with the same very common given and family name and the same birth date.
pub(crate) fn common_name(f: &mut Factory, rng: &mut SmallRng, max: usize) -> Vec<Person> {
    let hispanic = rng.gen_bool(0.3);
    let sex = Sex::random(rng);
    let age = if rng.gen_bool(0.85) {
        rng.gen_range(18..=90)
    } else {
        random_age(rng)
    };
    let dob = birth_date(rng, age);
    let given: &str = if hispanic {
        let list = if sex == Sex::F {
            giv::F_HISPANIC
        } else {
            giv::M_HISPANIC
        };
        list[zipf(rng, 8, 1.0)]
    } else {
        let list = match (sex, dob.y) {
            (Sex::F, ..1966) => giv::F_CLASSIC,
            (Sex::F, 1966..1995) => giv::F_MIDDLE,
            (Sex::F, _) => giv::F_MODERN,
            (Sex::M, ..1966) => giv::M_CLASSIC,
            (Sex::M, 1966..1995) => giv::M_MIDDLE,
            (Sex::M, _) => giv::M_MODERN,
        };
        list[zipf(rng, 12, 1.0)]
    };
    let family = if hispanic {
        fam::HISPANIC[zipf(rng, 10, 1.0)]
    } else {
        fam::ANGLO[zipf(rng, 10, 1.0)]
    };
    let n = match rng.gen_range(0..100) {
        0..=64 => 2,
        65..=89 => 3,
        _ => 4,
    }
    .min(max.max(2));
    let mut people: Vec<Person> = Vec::with_capacity(n);
    for i in 0..n {
        let origin = match (hispanic, rng.gen_range(0..10)) {
            (true, _) => Origin::Hispanic,
            (false, 0..=1) => Origin::Black,
            _ => Origin::Anglo,
        };
        let mut p = f.person(rng, origin, sex, dob);
        p.given = if given.is_ascii() || rng.gen_bool(0.5) {
            given.to_string()
        } else {
            deunicode::deunicode(given)
        };
        p.family = family.to_string();
        p.reset_nickname(rng);
        if p.ssn.is_some() && rng.gen_bool(0.25) {
            p.ssn = None;
        }
        if i > 0 && rng.gen_bool(0.3) {
            p.addr = address(rng, Some(people[0].addr.city_idx));
            p.phone = phone(rng, p.addr.city_idx);
        }
        if !p.email.is_empty() {
            p.email = email(rng, &p, true);
        }
        people.push(p);
    }
    people
}
