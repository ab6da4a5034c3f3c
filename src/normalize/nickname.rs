//! Given-name nicknames (Robert ~ Bob), from the Apache-2.0 table in `models/nicknames.csv`.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

static TABLE: &str = include_str!("../../models/nicknames.csv");

struct Nicknames {
    /// Folded name → its id.
    ids: FxHashMap<String, u32>,
    /// Names by id.
    names: Vec<String>,
    /// Each id's related ids (both directions of the table), sorted.
    related: Vec<Vec<u32>>,
}

static NICKNAMES: LazyLock<Nicknames> = LazyLock::new(|| {
    let mut table = Nicknames {
        ids: FxHashMap::default(),
        names: Vec::new(),
        related: Vec::new(),
    };
    for line in TABLE.lines().skip(1) {
        let mut parts = line.split(',');
        let (Some(name), Some(_), Some(nick)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let a = table.id(&name.trim().to_ascii_uppercase());
        let b = table.id(&nick.trim().to_ascii_uppercase());
        table.related[a as usize].push(b);
        table.related[b as usize].push(a);
    }
    for v in &mut table.related {
        v.sort_unstable();
        v.dedup();
    }
    table
});

impl Nicknames {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.names.push(name.to_string());
        self.related.push(Vec::new());
        id
    }
}

/// True when the table lists one name as a nickname of the other (ROBERT ~ BOB).
///
/// Only direct entries count: BILL is a nickname of both ROBERT and WILLIAM, which does not
/// make ROBERT and WILLIAM the same name.
pub fn related(a: &str, b: &str) -> bool {
    let table = &*NICKNAMES;
    match (table.ids.get(a), table.ids.get(b)) {
        (Some(&x), Some(&y)) => table.related[x as usize].binary_search(&y).is_ok(),
        _ => false,
    }
}

/// True when the name is in the nickname table (a name people are actually given).
pub fn is_known(name: &str) -> bool {
    NICKNAMES.ids.contains_key(name)
}

/// The formal name a given name most likely stands for (BOB → ROBERT): the longest of the
/// name and its related names, ties broken alphabetically; the name itself when unknown.
pub fn canonical(name: &str) -> &str {
    let table = &*NICKNAMES;
    let Some(&id) = table.ids.get(name) else {
        return name;
    };
    std::iter::once(id)
        .chain(table.related[id as usize].iter().copied())
        .map(|i| table.names[i as usize].as_str())
        .max_by(|a, b| a.len().cmp(&b.len()).then(b.cmp(a)))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_relate_to_formal_names_and_each_other() {
        assert!(related("ROBERT", "BOB"));
        assert!(related("BOB", "ROBERT"));
        assert!(related("WILLIAM", "BILL"));
        assert!(!related("ROBERT", "WILLIAM"));
        assert!(!related("ZBIGNIEW", "ROBERT"));
        assert_eq!(canonical("BOB"), "ROBERT");
        assert_eq!(canonical("ZBIGNIEW"), "ZBIGNIEW");
    }
}
