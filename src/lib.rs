//! mpi: patient identity resolution (a Master Patient Index).

pub mod batch;
pub mod domain;
pub mod matching;
pub mod normalize;
