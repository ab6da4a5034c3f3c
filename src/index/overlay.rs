//! Records written since the last visible commit: searched alongside the index so that
//! a registration is a candidate for the very next request.

use rustc_hash::{FxHashMap, FxHashSet};

#[derive(Debug, Default)]
pub struct Overlay {
    generation: u64,
    /// record id → (generation written, data, keys)
    records: FxHashMap<i64, (u64, String, Vec<String>)>,
    /// record id → search terms (see `index::search`)
    terms: FxHashMap<i64, Vec<String>>,
    /// key → record ids
    by_key: FxHashMap<String, FxHashSet<i64>>,
    /// record ids removed (deactivated) since the last visible commit, with generation
    removed: FxHashMap<i64, u64>,
}

impl Overlay {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Counts a change that is not kept here (a load's records, searchable only once
    /// committed).
    pub fn touch(&mut self) {
        self.generation += 1;
    }

    pub fn put(&mut self, id: i64, data: &str, keys: Vec<String>, terms: Vec<String>) {
        self.unindex(id);
        self.generation += 1;
        for k in &keys {
            self.by_key.entry(k.clone()).or_default().insert(id);
        }
        self.removed.remove(&id);
        self.records
            .insert(id, (self.generation, data.to_string(), keys));
        self.terms.insert(id, terms);
    }

    pub fn remove(&mut self, id: i64) {
        self.unindex(id);
        self.records.remove(&id);
        self.terms.remove(&id);
        self.generation += 1;
        self.removed.insert(id, self.generation);
    }

    fn unindex(&mut self, id: i64) {
        if let Some((_, _, keys)) = self.records.get(&id) {
            for k in keys {
                if let Some(set) = self.by_key.get_mut(k) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.by_key.remove(k);
                    }
                }
            }
        }
    }

    /// Drops what a now-visible commit contains (written at or before `generation`).
    pub fn forget_up_to(&mut self, generation: u64) {
        let old: Vec<i64> = self
            .records
            .iter()
            .filter(|(_, (g, _, _))| *g <= generation)
            .map(|(id, _)| *id)
            .collect();
        for id in old {
            self.unindex(id);
            self.records.remove(&id);
            self.terms.remove(&id);
        }
        self.removed.retain(|_, g| *g > generation);
    }

    pub fn clear(&mut self) {
        *self = Overlay {
            generation: self.generation,
            ..Overlay::default()
        };
    }

    /// Brings a search's results up to date: records written since the commit count by
    /// their new terms (`passes`), removed records are taken out.
    pub fn filter(&self, passes: impl Fn(&[String]) -> bool, found: &mut FxHashSet<i64>) {
        for (id, terms) in &self.terms {
            if passes(terms) {
                found.insert(*id);
            } else {
                found.remove(id);
            }
        }
        found.retain(|id| !self.removed.contains_key(id));
    }

    /// Brings index results up to date: newer data for rewritten records, records
    /// sharing a key that the index does not show yet, removed records taken out.
    pub fn apply<'a>(
        &self,
        keys: impl Iterator<Item = &'a str>,
        found: &mut FxHashMap<i64, String>,
    ) {
        for (id, d) in found.iter_mut() {
            if let Some((_, data, _)) = self.records.get(id) {
                d.clone_from(data);
            }
        }
        for k in keys {
            if let Some(ids) = self.by_key.get(k) {
                for id in ids {
                    found.insert(*id, self.records[id].1.clone());
                }
            }
        }
        // (a rewritten record still listed under an old key stays a candidate until the
        // commit: scoring decides, so over-including is harmless)
        found.retain(|id, _| !self.removed.contains_key(id));
    }
}
