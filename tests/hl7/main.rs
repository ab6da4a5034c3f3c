//! The HL7 v2 codec: parsing, escapes, encoding, acknowledgments and the PID/MRG mapping.

mod ack;
mod codec;
mod patient;
mod props;
mod samples;
