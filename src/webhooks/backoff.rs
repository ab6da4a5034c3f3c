//! When to try a failed delivery again: exponential backoff with jitter, capped.

use std::time::Duration;

use rand::Rng;

/// The retry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (doubled after each further one).
    pub initial: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Attempts in all before a delivery is dead-lettered.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            initial: Duration::from_secs(1),
            cap: Duration::from_secs(600),
            max_attempts: 12,
        }
    }
}

impl Backoff {
    /// The wait after `failures` failed attempts (1 for the first): `initial × 2^(failures−1)`
    /// capped, then a random point in its upper half ("equal jitter"), so receivers that
    /// failed together are not retried together. A `Retry-After` the receiver sent wins,
    /// up to the cap.
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.cap);
        }
        let exponent = failures.saturating_sub(1).min(30);
        let full = self.initial.saturating_mul(1u32 << exponent).min(self.cap);
        let half = full / 2;
        let jitter = rand::thread_rng().gen_range(0..=half.as_millis() as u64);
        half + Duration::from_millis(jitter)
    }

    /// Whether a delivery that has now failed `failures` times is dead.
    pub fn exhausted(&self, failures: u32) -> bool {
        failures >= self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_within_the_cap_with_jitter() {
        let b = Backoff {
            initial: Duration::from_secs(1),
            cap: Duration::from_secs(10),
            max_attempts: 5,
        };
        for _ in 0..50 {
            let first = b.delay(1, None);
            assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
            let third = b.delay(3, None);
            assert!(third >= Duration::from_secs(2) && third <= Duration::from_secs(4));
            let late = b.delay(20, None);
            assert!(late >= Duration::from_secs(5) && late <= Duration::from_secs(10));
        }
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(99))),
            Duration::from_secs(10)
        );
        assert!(!b.exhausted(4) && b.exhausted(5));
    }
}
