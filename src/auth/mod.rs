//! Who is calling: verification of identity-provider tokens (JWT) and the TLS server
//! configuration.

pub mod jwt;
pub mod tls;
