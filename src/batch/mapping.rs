//! Column mapping: which input columns feed which canonical field, so files with other
//! headers (FEBRL, registration extracts) load without editing.
//!
//! Syntax: `given_name=first_name,family_name=surname,address_line=street_number+address_1`.
//! A canonical field may join several columns with `+` (joined by a space). A mapping
//! file holds the same `field=columns` entries, one per line, `#` starts a comment.

use std::path::Path;

use crate::domain::record::FIELDS;

/// Canonical field → the input columns joined to make it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(&'static str, Vec<String>)>,
}

/// A mapping that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("column mapping {origin}: {message}")]
pub struct MappingError {
    pub origin: String,
    pub message: String,
}

impl ColumnMap {
    /// Parses `field=col[+col…]` entries separated by commas or newlines.
    pub fn parse(spec: &str, origin: &str) -> Result<ColumnMap, MappingError> {
        let mut map = ColumnMap::default();
        let fail = |message: String| MappingError {
            origin: origin.to_string(),
            message,
        };
        for (n, line) in spec.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default();
            for entry in line.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                let Some((field, columns)) = entry.split_once('=') else {
                    return Err(fail(format!(
                        "line {}: '{entry}' is not field=column",
                        n + 1
                    )));
                };
                let field = field.trim();
                let Some(canonical) = FIELDS.iter().find(|f| **f == field) else {
                    return Err(fail(format!(
                        "line {}: '{field}' is not a canonical field (fields: {})",
                        n + 1,
                        FIELDS.join(", ")
                    )));
                };
                let columns: Vec<String> =
                    columns.split('+').map(|c| c.trim().to_string()).collect();
                if columns.iter().any(String::is_empty) {
                    return Err(fail(format!(
                        "line {}: empty column name for {field}",
                        n + 1
                    )));
                }
                if map.entries.iter().any(|(f, _)| f == canonical) {
                    return Err(fail(format!("line {}: {field} is mapped twice", n + 1)));
                }
                map.entries.push((canonical, columns));
            }
        }
        Ok(map)
    }

    /// Reads a mapping file.
    pub fn load(path: &Path) -> Result<ColumnMap, MappingError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| MappingError {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        ColumnMap::parse(&text, &origin)
    }

    /// Parses a `--map` argument: inline entries, or `@FILE` for a mapping file.
    pub fn from_arg(arg: &str) -> Result<ColumnMap, MappingError> {
        match arg.strip_prefix('@') {
            Some(path) => ColumnMap::load(Path::new(path)),
            None => ColumnMap::parse(arg, "--map"),
        }
    }

    /// The columns mapped to a canonical field, if any.
    pub fn columns(&self, field: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_joined_columns() {
        let m = ColumnMap::parse(
            "given_name=first, address_line=no+street\ncity=suburb # x",
            "t",
        )
        .unwrap();
        assert_eq!(m.columns("given_name").unwrap(), ["first"]);
        assert_eq!(m.columns("address_line").unwrap(), ["no", "street"]);
        assert_eq!(m.columns("city").unwrap(), ["suburb"]);
        assert_eq!(m.columns("state"), None);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_entries() {
        let e = ColumnMap::parse("shoe=size", "t").unwrap_err();
        assert!(e.message.contains("'shoe' is not a canonical field"), "{e}");
        let e = ColumnMap::parse("given_name", "t").unwrap_err();
        assert!(e.message.contains("is not field=column"), "{e}");
        let e = ColumnMap::parse("city=a,city=b", "t").unwrap_err();
        assert!(e.message.contains("mapped twice"), "{e}");
    }
}
