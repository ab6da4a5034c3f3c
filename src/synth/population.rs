//! The population: people made in independent chunks, some of them in hard-case groups
//! of look-alikes, each with their records.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use super::groups;
use super::order::Packed;
use super::person::{Factory, Person, SSN_SLOTS};
use super::records;
use super::tables::Cdf;
use super::{SynthConfig, tag};

/// People per chunk. A chunk has its own random stream, entity ids and SSN slots, so
/// the output does not depend on how chunks are scheduled.
pub(crate) const CHUNK: usize = 4096;

/// SSN slots per chunk (a slot is a pair of SSNs). A kept person takes one slot, a twin
/// one more, and a household may make and drop a few people; eight per person is ample.
const SSN_STRIDE: u64 = CHUNK as u64 * 8;

/// Mean sizes of the groups, to turn shares of people into chances per draw.
const MEAN_HOUSEHOLD: f64 = 3.3;
const MEAN_COMMON_NAME: f64 = 2.45;

pub(crate) fn max_people() -> usize {
    (SSN_SLOTS / SSN_STRIDE) as usize * CHUNK
}

/// Every record of the population, chunk by chunk, in generation order.
pub(crate) fn generate(cfg: &SynthConfig) -> Vec<Packed> {
    (0..cfg.people.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| chunk(cfg, c))
        .collect()
}

/// The records of chunk `c`.
fn chunk(cfg: &SynthConfig, c: usize) -> Packed {
    let mut rng = SmallRng::seed_from_u64(splitmix(cfg.seed ^ splitmix(c as u64 + 1)));
    let people = chunk_people(cfg, c, &mut rng);
    let mut packed = Packed::new();
    let mut drafts = Vec::new();
    for p in &people {
        records::person_records(&mut rng, cfg, p, &mut drafts);
        for d in drafts.drain(..) {
            packed.push(c, &d);
        }
    }
    packed.finish()
}

/// The people of chunk `c`, numbered, grouped and with their number of records.
pub(crate) fn chunk_people(cfg: &SynthConfig, c: usize, rng: &mut SmallRng) -> Vec<Person> {
    let start = c * CHUNK;
    let n = CHUNK.min(cfg.people.saturating_sub(start));
    let slots = c as u64 * SSN_STRIDE..(c as u64 + 1) * SSN_STRIDE;
    let mut f = Factory::with_slots(cfg.seed, slots);
    let single =
        (1.0 - cfg.twin_share - cfg.jr_sr_share - cfg.household_share - cfg.common_name_share)
            .max(0.0);
    let units = Cdf::new([
        single,
        cfg.twin_share / 2.0,
        cfg.jr_sr_share / 2.0,
        cfg.household_share / MEAN_HOUSEHOLD,
        cfg.common_name_share / MEAN_COMMON_NAME,
    ]);
    let mut people: Vec<Person> = Vec::with_capacity(n);
    let mut groups_made = 0;
    while people.len() < n {
        let room = n - people.len();
        let (mut group, kind) = match units.sample(rng) {
            1 if room >= 2 => (groups::twins(&mut f, rng), tag::TWIN),
            2 if room >= 2 => (groups::jr_sr(&mut f, rng), tag::JR_SR),
            3 if room >= 2 => {
                let max = cfg.max_household.clamp(2, room);
                (groups::household(&mut f, rng, max), tag::HOUSEHOLD)
            }
            4 if room >= 2 => (
                groups::common_name(&mut f, rng, room.min(4)),
                tag::COMMON_NAME,
            ),
            _ => (vec![f.random(rng)], 0),
        };
        group.truncate(room);
        if kind != 0 && group.len() >= 2 {
            groups_made += 1;
            for p in &mut group {
                p.group = Some((start + groups_made) as u64);
                p.group_tag = kind;
            }
        }
        people.extend(group);
    }
    for (i, p) in people.iter_mut().enumerate() {
        p.entity = (start + i + 1) as u64;
        p.n_records = record_count(rng, cfg, p.dob.age());
    }
    people
}

/// One record for most people; otherwise two plus a geometric number more. Newborns
/// and the old see doctors more often than young adults.
fn record_count(rng: &mut SmallRng, cfg: &SynthConfig, age: u16) -> usize {
    let by_age = match age {
        0 => 1.2,
        1..18 => 0.9,
        18..45 => 0.85,
        45..65 => 1.05,
        _ => 1.25,
    };
    if !rng.gen_bool((cfg.multi_record_rate * by_age).clamp(0.0, 1.0)) {
        return 1;
    }
    let stop = 1.0 / (1.0 + cfg.extra_records_mean.max(0.0));
    let mut n = 2;
    while n < cfg.max_records && !rng.gen_bool(stop) {
        n += 1;
    }
    n.min(cfg.max_records.max(1))
}

/// SplitMix64: decorrelates the per-chunk seeds.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
