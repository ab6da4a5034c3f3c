//! The hash chain: the canonical encoding of an entry and its SHA-256 (the module docs
//! of `crate::audit` specify it for auditors).

use sha2::{Digest, Sha256};

use super::entry::Entry;

/// The `prev_hash` of entry 1, and the head's hash while the log is empty.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names this encoding; a future encoding gets a new tag.
const TAG: &str = "mpi.audit.v1";

/// The hash of entry `seq` chained onto `prev_hash`: lowercase hex SHA-256.
pub fn entry_hash(prev_hash: &str, seq: i64, entry: &Entry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(encode(prev_hash, seq, entry));
    hex(&hasher.finalize())
}

/// The message that is hashed: every item length-prefixed or fixed-width, in a fixed
/// order.
fn encode(prev_hash: &str, seq: i64, entry: &Entry) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    text(&mut out, TAG);
    text(&mut out, prev_hash);
    integer(&mut out, seq);
    integer(&mut out, entry.at);
    text(&mut out, &entry.request_id);
    text(&mut out, &entry.actor);
    text(&mut out, &entry.role);
    text(&mut out, &entry.action);
    text(&mut out, entry.outcome.as_str());
    integer(&mut out, i64::from(entry.status));
    integer(&mut out, entry.subjects.len() as i64);
    for subject in &entry.subjects {
        text(&mut out, subject);
    }
    match &entry.reason {
        None => out.push(0),
        Some(reason) => {
            out.push(1);
            text(&mut out, reason);
        }
    }
    out
}

fn text(out: &mut Vec<u8>, value: &str) {
    out.extend_from_slice(&(value.len() as u64).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

fn integer(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Outcome;

    fn entry() -> Entry {
        Entry {
            at: 1_700_000_000_000,
            request_id: "req-1".into(),
            actor: "sam".into(),
            role: "steward".into(),
            action: "person.merge".into(),
            outcome: Outcome::Ok,
            status: 200,
            subjects: vec!["person:P1".into(), "person:P2".into()],
            reason: Some("same patient".into()),
        }
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        let e = Entry {
            at: 2,
            request_id: "".into(),
            actor: "a".into(),
            role: "r".into(),
            action: "x.y".into(),
            outcome: Outcome::Denied,
            status: 0,
            subjects: vec!["task:4".into()],
            reason: None,
        };
        let mut expected = Vec::new();
        let t = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        t(&mut expected, "mpi.audit.v1");
        t(&mut expected, GENESIS);
        expected.extend_from_slice(&1i64.to_be_bytes());
        expected.extend_from_slice(&2i64.to_be_bytes());
        for s in ["", "a", "r", "x.y", "denied"] {
            t(&mut expected, s);
        }
        expected.extend_from_slice(&0i64.to_be_bytes());
        expected.extend_from_slice(&1i64.to_be_bytes());
        t(&mut expected, "task:4");
        expected.push(0);
        assert_eq!(encode(GENESIS, 1, &e), expected);
        let digest = Sha256::digest(&expected);
        assert_eq!(entry_hash(GENESIS, 1, &e), hex(&digest));
    }

    #[test]
    fn a_known_answer() {
        // SHA-256 of the empty message, to pin the hex encoding
        assert_eq!(
            hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let h = entry_hash(GENESIS, 1, &entry());
        assert_eq!(h.len(), 64);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry();
        let h = entry_hash(GENESIS, 1, &base);
        assert_ne!(h, entry_hash(GENESIS, 2, &base), "seq");
        assert_ne!(h, entry_hash(&"1".repeat(64), 1, &base), "prev_hash");
        let variants: Vec<Entry> = vec![
            Entry {
                at: base.at + 1,
                ..base.clone()
            },
            Entry {
                request_id: "req-2".into(),
                ..base.clone()
            },
            Entry {
                actor: "sal".into(),
                ..base.clone()
            },
            Entry {
                role: "admin".into(),
                ..base.clone()
            },
            Entry {
                action: "person.split".into(),
                ..base.clone()
            },
            Entry {
                outcome: Outcome::Error,
                ..base.clone()
            },
            Entry {
                status: 409,
                ..base.clone()
            },
            Entry {
                subjects: vec!["person:P2".into(), "person:P1".into()],
                ..base.clone()
            },
            Entry {
                subjects: vec!["person:P1".into()],
                ..base.clone()
            },
            Entry {
                reason: None,
                ..base.clone()
            },
            Entry {
                reason: Some(String::new()),
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(h, entry_hash(GENESIS, 1, &v), "{v:?}");
        }
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let a = Entry {
            actor: "ab".into(),
            role: "c".into(),
            ..entry()
        };
        let b = Entry {
            actor: "a".into(),
            role: "bc".into(),
            ..entry()
        };
        assert_ne!(entry_hash(GENESIS, 1, &a), entry_hash(GENESIS, 1, &b));
        let one = Entry {
            subjects: vec!["a,b".into()],
            ..entry()
        };
        let two = Entry {
            subjects: vec!["a".into(), "b".into()],
            ..entry()
        };
        assert_ne!(entry_hash(GENESIS, 1, &one), entry_hash(GENESIS, 1, &two));
        let empty = Entry {
            reason: Some(String::new()),
            ..entry()
        };
        let none = Entry {
            reason: None,
            ..entry()
        };
        assert_ne!(
            entry_hash(GENESIS, 1, &empty),
            entry_hash(GENESIS, 1, &none)
        );
    }
}
