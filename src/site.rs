//! `Site`: one wiki being served — its settings, its store, its rate limiters, its clock and
//! the key its action tokens are made with (loaded by `crate::secret`).
//! Every front-end shares it; it knows nothing of protocols, statuses or handlers.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::WikiConfig;
use crate::store::Store;
use crate::wiki::token::TokenKey;

/// A rate limit was hit; retry after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub wait_seconds: u64,
}

/// One wiki and the state its requests share.
pub struct Site {
    config: WikiConfig,
    store: Store,
    requests: DefaultKeyedRateLimiter<IpAddr>,
    edits: DefaultKeyedRateLimiter<i64>,
    seen: AtomicU64,
    tokens: TokenKey,
}

impl Site {
    /// A site serving `store` with `config`, making action tokens with `tokens`.
    pub fn new(config: WikiConfig, store: Store, tokens: TokenKey) -> Self {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            requests: RateLimiter::keyed(per_minute(config.limits.requests_per_minute)),
            edits: RateLimiter::keyed(per_minute(config.limits.edits_per_minute)),
            config,
            store,
            seen: AtomicU64::new(0),
            tokens,
        }
    }

    pub fn config(&self) -> &WikiConfig {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The key action tokens are made and checked with.
    pub fn tokens(&self) -> &TokenKey {
        &self.tokens
    }

    /// Current time, Unix seconds UTC.
    pub fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    /// Counts a request from `client` against `[limits] requests_per_minute`.
    ///
    /// # Errors
    /// [`RateLimited`] with the wait, past the limit.
    pub fn check_request_rate(&self, client: IpAddr) -> Result<(), RateLimited> {
        self.forget_idle_clients();
        self.requests.check_key(&client).map_err(limited)
    }

    /// Counts an edit by `account` against `[limits] edits_per_minute`.
    ///
    /// # Errors
    /// [`RateLimited`] with the wait, past the limit.
    pub fn check_edit_rate(&self, account: i64) -> Result<(), RateLimited> {
        self.edits.check_key(&account).map_err(limited)
    }

    /// Drops rate-limit state of clients not seen lately, so memory stays bounded.
    fn forget_idle_clients(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.requests.retain_recent();
            self.edits.retain_recent();
        }
    }
}

fn limited(wait: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> RateLimited {
    RateLimited {
        wait_seconds: wait
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1),
    }
}
