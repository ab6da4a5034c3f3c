//! mpi: patient identity resolution (a Master Patient Index).

pub mod domain;
pub mod synth;
