//! Value types that validate at construction: a value that exists is a valid value.

pub mod record;
pub mod value;

pub use record::{FIELDS, RawRecord, max_chars};
