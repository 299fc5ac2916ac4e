//! `Site`: one wiki being served — its settings, its store, its rate limiters, its cache of
//! rendered pages, its clock and the key its action tokens are made with (loaded by
//! `crate::secret`). Every front-end shares it; it knows nothing of protocols, statuses or
//! handlers. Per-client limits count per [`Network`] (an IPv4 address, an IPv6 /64), never
//! per address.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::WikiConfig;
use crate::identity::{Fingerprint, Network};
use crate::render_cache::RenderCache;
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
    requests: DefaultKeyedRateLimiter<Network>,
    edits: DefaultKeyedRateLimiter<i64>,
    registrations: DefaultKeyedRateLimiter<Network>,
    registrations_all: governor::DefaultDirectRateLimiter,
    renders: RenderCache,
    seen: AtomicU64,
    /// When each certificate's "last used" was last written, so it is written at most once a
    /// minute per certificate (every authenticated request would otherwise be a write).
    cert_uses: Mutex<HashMap<Fingerprint, i64>>,
    tokens: TokenKey,
}

impl Site {
    /// A site serving `store` with `config`, making action tokens with `tokens`.
    pub fn new(config: WikiConfig, store: Store, tokens: TokenKey) -> Self {
        let nonzero = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let per_minute = |n: u32| Quota::per_minute(nonzero(n));
        let per_hour = |n: u32| Quota::per_hour(nonzero(n));
        let limits = &config.limits;
        Self {
            requests: RateLimiter::keyed(per_minute(limits.requests_per_minute)),
            edits: RateLimiter::keyed(per_minute(limits.edits_per_minute)),
            registrations: RateLimiter::keyed(per_hour(limits.registrations_per_hour)),
            registrations_all: RateLimiter::direct(per_hour(limits.registrations_per_hour_all)),
            renders: RenderCache::default(),
            config,
            store,
            seen: AtomicU64::new(0),
            cert_uses: Mutex::new(HashMap::new()),
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

    /// Rendered page bodies, one per revision (bounded in bytes).
    pub fn renders(&self) -> &RenderCache {
        &self.renders
    }

    /// Records that `fp` was used on an authenticated request at `now`; whether its "last
    /// used" time is due to be written (at most once a minute per certificate). The map is
    /// cleared past 10,000 entries, so memory stays bounded whatever certificates visit.
    pub fn certificate_use_due(&self, fp: &Fingerprint, now: i64) -> bool {
        let Ok(mut uses) = self.cert_uses.lock() else {
            return false;
        };
        if uses.get(fp).is_some_and(|last| now - last < 60) {
            return false;
        }
        if uses.len() >= 10_000 {
            uses.clear();
        }
        uses.insert(*fp, now);
        true
    }

    /// Current time, Unix seconds UTC.
    pub fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    /// Counts a request from `client`'s network against `[limits] requests_per_minute`.
    /// Keyed by network: every address of an IPv6 /64 shares one bucket.
    ///
    /// # Errors
    /// [`RateLimited`] with the wait, past the limit.
    pub fn check_request_rate(&self, client: Network) -> Result<(), RateLimited> {
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

    /// Counts a new account from `client` against `[limits] registrations_per_hour` (per
    /// network), then `registrations_per_hour_all` (in all). Defends against a registration
    /// flood: hundreds of accounts a second, each with its own edit budget. The network is
    /// counted first, so one network's refused attempts never spend the shared budget.
    ///
    /// # Errors
    /// [`RateLimited`] with the wait, past either limit.
    pub fn check_registration_rate(&self, client: Network) -> Result<(), RateLimited> {
        self.registrations.check_key(&client).map_err(limited)?;
        self.registrations_all.check().map_err(limited)
    }

    /// Drops rate-limit state of clients not seen lately, so memory stays bounded.
    fn forget_idle_clients(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.requests.retain_recent();
            self.edits.retain_recent();
            self.registrations.retain_recent();
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
