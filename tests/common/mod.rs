//! Helpers shared by the command-line tests: run the real `mpi` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn mpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("mpi runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The F1 printed in a `pairwise precision … F1 …` summary line.
pub fn f1(text: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with("pairwise"))
        .expect("a pairwise line");
    let after = line.split("F1 ").nth(1).expect("F1 figure");
    after
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .expect("a number")
}

/// Writes `record_id,entity_id` for FEBRL files (truth is in `rec-N-…`).
pub fn febrl_truth(files: &[&str], out: &Path) {
    let mut text = String::from("record_id,entity_id\n");
    for f in files {
        let data = std::fs::read_to_string(testdata(&format!("febrl/{f}"))).unwrap();
        for line in data.lines().skip(1) {
            let id = line.split(',').next().unwrap().trim();
            if id.is_empty() {
                continue;
            }
            let entity = id.split('-').nth(1).unwrap();
            text.push_str(&format!("{id},{entity}\n"));
        }
    }
    std::fs::write(out, text).unwrap();
}
pub mod app;
pub mod db;
pub mod jwt;
pub mod logs;
pub mod people;
pub mod python;
pub mod receiver;
pub mod server;

/// Generates one test per backend from an async body taking the app.
#[allow(unused_macros)]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[allow(unused_imports)]
            use crate::common::app::{Backend, spawn_app};
            #[tokio::test]
            async fn sqlite() {
                let app = spawn_app(Backend::Sqlite).await;
                ($body)(app).await;
            }
            #[tokio::test]
            async fn postgres() {
                let app = spawn_app(Backend::Postgres).await;
                ($body)(app).await;
            }
        }
    };
}
