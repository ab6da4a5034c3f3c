//! Output order and identifiers: records are packed small, shuffled as a whole, and only
//! then numbered, so neither file position, record id nor MRN says whose record it is.

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::TruthRow;
use super::records::{Draft, SOURCES};
use crate::domain::RawRecord;

/// Separates the packed fields; no generated value contains it.
const SEP: char = '\u{1f}';

/// The records of one chunk without their identifiers, their fields in one buffer: a
/// million people's records must sit in memory at once to be shuffled, and one
/// allocation per chunk keeps that to little more than the text itself.
pub(crate) struct Packed {
    text: String,
    items: Vec<Item>,
}

/// Where one record's fields are, and its truth.
struct Item {
    chunk: u32,
    start: u32,
    end: u32,
    entity: u32,
    /// 0 when the person is in no group.
    group: u32,
    tags: u16,
    source: u8,
}

impl Packed {
    pub(crate) fn new() -> Self {
        Packed {
            text: String::new(),
            items: Vec::new(),
        }
    }

    /// Add a record of chunk `chunk`.
    pub(crate) fn push(&mut self, chunk: usize, d: &Draft) {
        let r = &d.rec;
        let parts = [
            &r.given_name,
            &r.middle_name,
            &r.family_name,
            &r.suffix,
            &r.sex,
            &r.birth_date,
            &r.ssn,
            &r.phone,
            &r.email,
            &r.address_line,
            &r.city,
            &r.state,
            &r.postal_code,
        ];
        let start = self.text.len();
        for (i, p) in parts.iter().enumerate() {
            debug_assert!(!p.contains(SEP));
            if i > 0 {
                self.text.push(SEP);
            }
            self.text.push_str(p);
        }
        let id = |v: u64| u32::try_from(v).expect("ids fit 32 bits");
        self.items.push(Item {
            chunk: id(chunk as u64),
            start: id(start as u64),
            end: id(self.text.len() as u64),
            entity: id(d.entity),
            group: d.group.map_or(0, id),
            tags: d.tags,
            source: d.source as u8,
        });
    }

    /// Release the spare capacity.
    pub(crate) fn finish(mut self) -> Self {
        self.text.shrink_to_fit();
        self.items.shrink_to_fit();
        self
    }
}

impl Item {
    fn unpack(&self, text: &str, record_id: String, source_id: String) -> (RawRecord, TruthRow) {
        let mut f = text[self.start as usize..self.end as usize]
            .split(SEP)
            .map(str::to_string);
        let mut next = || f.next().unwrap_or_default();
        let rec = RawRecord {
            record_id: record_id.clone(),
            source: SOURCES[self.source as usize].name.to_string(),
            source_id,
            given_name: next(),
            middle_name: next(),
            family_name: next(),
            suffix: next(),
            sex: next(),
            birth_date: next(),
            ssn: next(),
            phone: next(),
            email: next(),
            address_line: next(),
            city: next(),
            state: next(),
            postal_code: next(),
        };
        let truth = TruthRow {
            record_id,
            entity_id: self.entity.into(),
            group_id: (self.group != 0).then_some(self.group.into()),
            tags: self.tags,
        };
        (rec, truth)
    }
}

/// A source's MRNs: an affine permutation of its record count, so they look issued at
/// random and never repeat within the source.
struct Mrn {
    prefix: &'static str,
    digits: usize,
    modulus: u64,
    mul: u64,
    add: u64,
    next: u64,
}

impl Mrn {
    fn new(rng: &mut SmallRng, prefix: &'static str, digits: usize, count: usize) -> Self {
        let digits = digits.max(count.to_string().len());
        let modulus = 10u64.pow(digits as u32);
        let mut mul = rng.gen_range(modulus / 10..modulus).max(1);
        // coprime with 10^k, so the map is a permutation
        while mul % 2 == 0 || mul % 5 == 0 {
            mul += 1;
        }
        Mrn {
            prefix,
            digits,
            modulus,
            mul: mul % modulus,
            add: rng.gen_range(0..modulus),
            next: 0,
        }
    }

    fn issue(&mut self) -> String {
        let v = (self.next as u128 * self.mul as u128 + self.add as u128) % self.modulus as u128;
        self.next += 1;
        format!("{}{v:0w$}", self.prefix, w = self.digits)
    }
}

/// The records in output order, unpacked one at a time.
pub(crate) struct Records {
    texts: Vec<String>,
    items: std::vec::IntoIter<Item>,
    count: usize,
    width: usize,
    mrn: Vec<Mrn>,
}

impl Records {
    pub(crate) fn new(seed: u64, chunks: Vec<Packed>) -> Self {
        let mut all = Vec::with_capacity(chunks.iter().map(|c| c.items.len()).sum());
        let mut texts = Vec::with_capacity(chunks.len());
        for c in chunks {
            all.extend(c.items);
            texts.push(c.text);
        }
        let mut rng = SmallRng::seed_from_u64(seed ^ 0x0DDE_55A1_F0E5_0123);
        all.shuffle(&mut rng);
        let mut counts = [0usize; SOURCES.len()];
        for p in &all {
            counts[p.source as usize] += 1;
        }
        let mrn = SOURCES
            .iter()
            .zip(counts)
            .map(|(s, n)| Mrn::new(&mut rng, s.mrn_prefix, s.mrn_digits, n))
            .collect();
        Records {
            texts,
            width: all.len().to_string().len().max(7),
            items: all.into_iter(),
            count: 0,
            mrn,
        }
    }
}

impl Iterator for Records {
    type Item = (RawRecord, TruthRow);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.items.next()?;
        self.count += 1;
        let record_id = format!("R{:0w$}", self.count, w = self.width);
        let source_id = self.mrn[item.source as usize].issue();
        Some(item.unpack(&self.texts[item.chunk as usize], record_id, source_id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl ExactSizeIterator for Records {}
