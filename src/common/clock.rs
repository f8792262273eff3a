//! The portal's clock, in Unix seconds: the lifetimes of what it keeps
//! (sessions, logins in progress, pending requests, codes, tokens) and the
//! times in the ID tokens it signs.
//!
//! One [`Clock`] is made at start-up and handed to every part that reads
//! the time, so that tests can move it forward ([`Clock::advance`]) and see
//! a lifetime end without waiting. What the federations sign is checked
//! against the system's time ([`system_now`]): their clocks are real.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system's time in Unix seconds.
pub fn system_now() -> i64 {
    system_now_ms() / 1000
}

/// The system's time in Unix milliseconds.
pub fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The system's time, moved forward by what tests asked. Cheap to clone:
/// clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system's time (0 outside tests).
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms() / 1000
    }

    /// Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        system_now_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the time forward (tests: a lifetime passes at once).
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advanced_clock_moves_its_clones_and_not_the_system() {
        let clock = Clock::system();
        let clone = clock.clone();
        let before = system_now();
        clock.advance(std::time::Duration::from_secs(3600));
        assert!(clone.now() >= before + 3600);
        assert!(system_now() < before + 10);
        assert!(Clock::system().now() < before + 10);
    }
}
