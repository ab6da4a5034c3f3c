//! HL7 v2 over MLLP for integration engines: the listener (`listener.rs`), the framing
//! (`frame.rs`), one handler per message family (`adt.rs` for ADT registrations, merges
//! and unlinks, `query.rs` for PIX and PDQ queries) and the acknowledgement with its
//! idempotency record (`dispatch.rs`). The HL7 codec itself is `crate::hl7`.

mod adt;
mod dispatch;
pub mod frame;
mod listener;
mod query;

use std::time::Duration;

pub use dispatch::{Handler, metrics_text};
pub use listener::{Listener, MllpHandle};

/// Largest accepted message (1 MiB): a larger frame is answered AR and skipped.
pub const MAX_FRAME: usize = 1024 * 1024;

/// How the listener behaves.
#[derive(Clone)]
pub struct MllpOptions {
    /// Largest frame accepted, in bytes.
    pub max_frame: usize,
    /// A connection silent this long is closed (engines reconnect).
    pub idle_timeout: Duration,
    /// A frame started but not finished within this time ends the connection.
    pub read_timeout: Duration,
    /// Serve MLLP over TLS with this configuration (mutual TLS when it verifies clients).
    pub tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    /// How long a stopping listener waits for messages in flight.
    pub shutdown_timeout: Duration,
}

impl Default for MllpOptions {
    fn default() -> MllpOptions {
        MllpOptions {
            max_frame: MAX_FRAME,
            idle_timeout: Duration::from_secs(600),
            read_timeout: Duration::from_secs(60),
            tls: None,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// The HL7 versions accepted: 2.3 to 2.8 (with their point releases, e.g. 2.3.1, 2.5.1).
pub fn supported_version(version: &str) -> bool {
    let mut parts = version.split('.');
    matches!(
        (parts.next(), parts.next()),
        (Some("2"), Some("3" | "4" | "5" | "6" | "7" | "8"))
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_two_three_to_two_eight_are_supported() {
        for v in [
            "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7.1", "2.8", "2.8.2",
        ] {
            assert!(super::supported_version(v), "{v}");
        }
        for v in ["2.2", "2.1", "3.0", "2.9", "", "2", "25"] {
            assert!(!super::supported_version(v), "{v}");
        }
    }
}
