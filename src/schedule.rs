//! When to check a feed next: a pure function of the feed's state, the
//! outcome of the last request and the time. No I/O, no clock.
//!
//! - After a success or a 304 the interval is the configured one, raised to
//!   what the publisher asked for (`<ttl>`, `sy:updatePeriod`) and to the
//!   response's `Cache-Control: max-age`, then clamped to `[min, max]`.
//! - After an error it backs off exponentially from the base interval with
//!   the number of errors in a row, up to `max_backoff`, and never earlier
//!   than a `Retry-After` the server gave.
//! - A gone feed (410) is never due.

use crate::model::Timestamp;

/// The polling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Normal interval between checks, seconds.
    pub interval: i64,
    /// Never check more often than this.
    pub min_interval: i64,
    /// Never wait longer than this after a success (publishers' hints are capped).
    pub max_interval: i64,
    /// Longest wait after errors.
    pub max_backoff: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            interval: 30 * 60,
            min_interval: 10 * 60,
            max_interval: 24 * 3600,
            max_backoff: 24 * 3600,
        }
    }
}

/// What the last request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 200 and a valid feed, or 304.
    Success {
        /// `Cache-Control: max-age`, seconds.
        max_age: Option<i64>,
    },
    /// Any failure.
    Error {
        /// Errors in a row, this one included (>= 1).
        consecutive: u32,
        /// `Retry-After` as an absolute time.
        retry_after: Option<Timestamp>,
    },
    /// 410 Gone.
    Gone,
}

/// The next time the feed is due. `publisher_interval` comes from the feed
/// document (`<ttl>` or `sy:updatePeriod`).
pub fn next_check(
    policy: &Policy,
    outcome: Outcome,
    publisher_interval: Option<i64>,
    now: Timestamp,
) -> Timestamp {
    match outcome {
        Outcome::Gone => Timestamp::MAX,
        Outcome::Success { max_age } => {
            let wanted = policy
                .interval
                .max(publisher_interval.unwrap_or(0))
                .max(max_age.unwrap_or(0));
            now.saturating_add(wanted.clamp(
                policy.min_interval,
                policy.max_interval.max(policy.min_interval),
            ))
        }
        Outcome::Error {
            consecutive,
            retry_after,
        } => {
            let exp = consecutive.saturating_sub(1).min(20);
            let wait = policy
                .interval
                .saturating_mul(1_i64 << exp)
                .min(policy.max_backoff)
                .max(policy.min_interval);
            let at = now.saturating_add(wait);
            retry_after.map_or(at, |r| at.max(r))
        }
    }
}

/// Whether a feed is due at `now`.
pub fn is_due(gone: bool, next_check_at: Timestamp, now: Timestamp) -> bool {
    !gone && next_check_at <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy {
        interval: 1800,
        min_interval: 600,
        max_interval: 86_400,
        max_backoff: 86_400,
    };

    #[test]
    fn success_uses_interval_then_publisher_and_cache_hints() {
        assert_eq!(
            next_check(&P, Outcome::Success { max_age: None }, None, 0),
            1800
        );
        assert_eq!(
            next_check(&P, Outcome::Success { max_age: Some(60) }, None, 0),
            1800
        );
        assert_eq!(
            next_check(
                &P,
                Outcome::Success {
                    max_age: Some(7200)
                },
                None,
                0
            ),
            7200
        );
        assert_eq!(
            next_check(&P, Outcome::Success { max_age: None }, Some(3600), 0),
            3600
        );
        // A year-long ttl is capped.
        assert_eq!(
            next_check(
                &P,
                Outcome::Success { max_age: None },
                Some(365 * 86_400),
                0
            ),
            86_400
        );
    }

    #[test]
    fn errors_back_off_exponentially_and_respect_retry_after() {
        let e = |n, ra| {
            next_check(
                &P,
                Outcome::Error {
                    consecutive: n,
                    retry_after: ra,
                },
                None,
                0,
            )
        };
        assert_eq!(e(1, None), 1800);
        assert_eq!(e(2, None), 3600);
        assert_eq!(e(3, None), 7200);
        assert_eq!(e(10, None), 86_400);
        assert_eq!(e(1000, None), 86_400);
        assert_eq!(e(1, Some(5000)), 5000);
        assert_eq!(e(3, Some(100)), 7200);
    }

    #[test]
    fn gone_is_never_due() {
        let t = next_check(&P, Outcome::Gone, None, 0);
        assert!(!is_due(false, t, 1 << 40));
        assert!(!is_due(true, 0, 100));
        assert!(is_due(false, 100, 100));
    }
}
