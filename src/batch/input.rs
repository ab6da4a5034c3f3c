//! Reading record files: CSV with a header, columns mapped to the canonical fields,
//! normalized in parallel. Errors name the file, line and column.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use compact_str::CompactString;
use rayon::prelude::*;

use super::mapping::ColumnMap;
use super::progress;
use crate::domain::RawRecord;
use crate::domain::record::FIELDS;
use crate::normalize::{NormalizedRecord, normalize};

/// How to read an input file.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    pub map: ColumnMap,
    /// Skip and count malformed rows instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// Keep each record as mapped, before normalizing (`Records::raw`).
    pub keep_raw: bool,
}

/// The records of one file, normalized, in file order.
#[derive(Debug, Default)]
pub struct Records {
    pub path: PathBuf,
    pub ids: Vec<CompactString>,
    pub records: Vec<NormalizedRecord>,
    /// Malformed rows skipped (with `skip_bad_rows`): line number and problem.
    pub skipped: Vec<(u64, String)>,
    /// Values present but unusable (placeholder or unparseable), per canonical field.
    pub unusable_values: Vec<(&'static str, u64)>,
    /// The records as mapped, when `InputOptions::keep_raw` asked for them.
    pub raw: Vec<RawRecord>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Position of a record id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|i| i == id)
    }
}

/// An input file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot open: {error}")]
    Open { path: String, error: std::io::Error },
    #[error("{path}: line 1 (header): {message}")]
    Header { path: String, message: String },
    #[error("{path}: line {line}{}: {message}", column.as_ref().map(|c| format!(" column {c}")).unwrap_or_default())]
    Row {
        path: String,
        line: u64,
        column: Option<String>,
        message: String,
    },
}

/// Where each canonical field's value comes from.
struct Layout {
    /// Per canonical field (FIELDS order), the header positions joined to make it.
    sources: Vec<Vec<usize>>,
    width: usize,
    record_id: usize,
}

fn layout(path: &str, header: &csv::StringRecord, map: &ColumnMap) -> Result<Layout, InputError> {
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let fail = |message: String| InputError::Header {
        path: path.to_string(),
        message,
    };
    let find = |name: &str| names.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut sources = Vec::with_capacity(FIELDS.len());
    for field in FIELDS {
        let cols = match map.columns(field) {
            Some(columns) => columns
                .iter()
                .map(|c| {
                    find(c).ok_or_else(|| {
                        fail(format!(
                            "the mapping for {field} names column '{c}', which the header lacks (header: {})",
                            names.join(", ")
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => find(field).into_iter().collect(),
        };
        sources.push(cols);
    }
    let Some(&record_id) = sources[0].first() else {
        return Err(fail(format!(
            "no record_id column (header: {}); map one with --map record_id=COLUMN",
            names.join(", ")
        )));
    };
    if sources[1..].iter().all(Vec::is_empty) {
        return Err(fail(format!(
            "no column matches a canonical field ({}); use --map",
            FIELDS[1..].join(", ")
        )));
    }
    Ok(Layout {
        sources,
        width: names.len(),
        record_id,
    })
}

fn raw_record(row: &csv::StringRecord, layout: &Layout) -> RawRecord {
    let mut raw = RawRecord::default();
    for (field, cols) in FIELDS.iter().zip(&layout.sources) {
        if cols.is_empty() {
            continue;
        }
        let value = raw.get_mut(field).expect("canonical field");
        for &c in cols {
            let v = row.get(c).unwrap_or_default().trim();
            if !v.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(v);
            }
        }
    }
    raw
}

const CHUNK: usize = 65_536;

/// Reads, maps and normalizes a record file.
pub fn read_records(path: &Path, options: &InputOptions) -> Result<Records, InputError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|error| InputError::Open {
        path: name.clone(),
        error,
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress::bytes(len, "read");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bar.wrap_read(BufReader::with_capacity(1 << 20, file)));
    let header = reader
        .headers()
        .map_err(|e| InputError::Header {
            path: name.clone(),
            message: e.to_string(),
        })?
        .clone();
    let layout = layout(&name, &header, &options.map)?;

    let mut out = Records {
        path: path.to_path_buf(),
        ..Default::default()
    };
    let mut lines: Vec<u64> = Vec::new();
    let mut unusable = [0u64; FIELDS.len()];
    let mut chunk: Vec<(u64, csv::StringRecord)> = Vec::with_capacity(CHUNK);
    let mut row = csv::StringRecord::new();
    loop {
        let more = match reader.read_record(&mut row) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
                    _ => e.to_string(),
                };
                bad_row(&name, line, None, message, options, &mut out)?;
                continue;
            }
        };
        if !more {
            break;
        }
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        if row.len() != layout.width {
            if row.len() == 1 && row.get(0).is_some_and(|v| v.trim().is_empty()) {
                continue;
            }
            let message = format!("{} fields, the header has {}", row.len(), layout.width);
            bad_row(&name, line, None, message, options, &mut out)?;
            continue;
        }
        if row
            .get(layout.record_id)
            .is_none_or(|v| v.trim().is_empty())
        {
            bad_row(
                &name,
                line,
                Some("record_id"),
                "record_id is empty".into(),
                options,
                &mut out,
            )?;
            continue;
        }
        chunk.push((line, row.clone()));
        if chunk.len() == CHUNK {
            normalize_chunk(
                &mut chunk,
                &layout,
                options,
                &mut out,
                &mut lines,
                &mut unusable,
            );
        }
    }
    normalize_chunk(
        &mut chunk,
        &layout,
        options,
        &mut out,
        &mut lines,
        &mut unusable,
    );
    bar.finish_and_clear();
    check_unique_ids(&name, &out.ids, &lines)?;
    out.unusable_values = FIELDS
        .iter()
        .zip(unusable)
        .filter(|(_, n)| *n > 0)
        .map(|(f, n)| (*f, n))
        .collect();
    Ok(out)
}

fn bad_row(
    path: &str,
    line: u64,
    column: Option<&str>,
    message: String,
    options: &InputOptions,
    out: &mut Records,
) -> Result<(), InputError> {
    if options.skip_bad_rows {
        out.skipped.push((line, message));
        Ok(())
    } else {
        Err(InputError::Row {
            path: path.to_string(),
            line,
            column: column.map(str::to_string),
            message: format!("{message} (use --skip-bad-rows to skip and count such rows)"),
        })
    }
}

fn normalize_chunk(
    chunk: &mut Vec<(u64, csv::StringRecord)>,
    layout: &Layout,
    options: &InputOptions,
    out: &mut Records,
    lines: &mut Vec<u64>,
    unusable: &mut [u64; FIELDS.len()],
) {
    let normalized: Vec<_> = chunk
        .par_iter()
        .map(|(line, row)| {
            let raw = raw_record(row, layout);
            let (record, issues) = normalize(&raw);
            let id = CompactString::from(raw.record_id.as_str());
            let raw = options.keep_raw.then_some(raw);
            (*line, id, record, issues, raw)
        })
        .collect();
    for (line, id, record, issues, raw) in normalized {
        out.raw.extend(raw);
        for issue in issues {
            if let Some(i) = FIELDS.iter().position(|f| *f == issue.field) {
                unusable[i] += 1;
            }
        }
        lines.push(line);
        out.ids.push(id);
        out.records.push(record);
    }
    chunk.clear();
}

fn check_unique_ids(path: &str, ids: &[CompactString], lines: &[u64]) -> Result<(), InputError> {
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| ids[a as usize].cmp(&ids[b as usize]).then(a.cmp(&b)));
    for w in order.windows(2) {
        let (a, b) = (w[0] as usize, w[1] as usize);
        if ids[a] == ids[b] {
            return Err(InputError::Row {
                path: path.to_string(),
                line: lines[b],
                column: Some("record_id".into()),
                message: format!(
                    "record id '{}' also on line {}; ids must be unique",
                    ids[b], lines[a]
                ),
            });
        }
    }
    Ok(())
}
