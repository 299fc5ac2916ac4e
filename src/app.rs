//! `App`: the shared, read-mostly state every request sees (config, store, templates, rate
//! limiters), and the two async entry points the connection calls: [`App::admit`] decides
//! what to do with a request line (including Titan checks before any body is read), and
//! [`App::respond`] runs the handler off the async runtime.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Config;
use crate::error::AppError;
use crate::gemini::{Authority, Request, Response, Scheme};
use crate::handlers;
use crate::identity::ClientCert;
use crate::router::Route;
use crate::store::Store;
use crate::templates::{TemplateError, Templates};

/// What the connection should do next with a request.
#[derive(Debug)]
pub enum Admission {
    /// Answer at once (bad request line, rate limit, …).
    Respond { path: String, response: Response },
    /// Refuse a Titan upload; first read and discard up to `drain` body bytes so the client
    /// gets to read the error.
    Reject {
        path: String,
        response: Response,
        drain: u64,
    },
    /// Run the handler.
    Handle(Box<Request>),
    /// Read exactly `size` body bytes, then run the handler.
    ReadBody { request: Box<Request>, size: u64 },
}

/// Shared state for all connections.
pub struct App {
    config: Config,
    store: Store,
    templates: Templates,
    requests: DefaultKeyedRateLimiter<IpAddr>,
    edits: DefaultKeyedRateLimiter<i64>,
    seen: AtomicU64,
}

impl App {
    /// Builds the app; loads templates (with the data dir's overrides).
    ///
    /// # Errors
    /// A template override is unreadable or does not compile.
    pub fn new(config: Config, store: Store) -> Result<Self, TemplateError> {
        let templates = Templates::load(&config.data_dir)?;
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Ok(Self {
            requests: RateLimiter::keyed(per_minute(config.limits.requests_per_minute)),
            edits: RateLimiter::keyed(per_minute(config.limits.edits_per_minute)),
            config,
            store,
            templates,
            seen: AtomicU64::new(0),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Current time, Unix seconds UTC.
    pub fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    /// Counts an edit by `account`; `Err` carries the seconds to wait.
    ///
    /// # Errors
    /// [`AppError::SlowDown`] past `[limits] edits_per_minute`.
    pub fn check_edit_rate(&self, account: i64) -> Result<(), AppError> {
        self.edits
            .check_key(&account)
            .map_err(|wait| AppError::SlowDown(seconds_until(&wait)))
    }

    /// Parses the request line and decides how to go on. Titan uploads are checked here,
    /// before any body byte is read.
    pub async fn admit(
        self: &Arc<Self>,
        line: Vec<u8>,
        client_cert: Option<ClientCert>,
        client: IpAddr,
        authority: &Authority,
    ) -> Admission {
        if let Err(wait) = self.requests.check_key(&client) {
            return Admission::Respond {
                path: "-".into(),
                response: AppError::SlowDown(seconds_until(&wait)).to_response(),
            };
        }
        self.forget_idle_clients();
        let mut request = match Request::parse(&line, authority) {
            Ok(request) => request,
            Err(err) => {
                return Admission::Respond {
                    path: "-".into(),
                    response: AppError::from(err).to_response(),
                }
            }
        };
        request.client_cert = client_cert;
        if request.scheme != Scheme::Titan {
            return Admission::Handle(Box::new(request));
        }
        let app = Arc::clone(self);
        let checked = tokio::task::spawn_blocking(move || {
            let verdict = handlers::upload::admit(&request, &app);
            (request, verdict)
        })
        .await;
        match checked {
            Ok((request, Ok(size))) => Admission::ReadBody {
                request: Box::new(request),
                size,
            },
            Ok((request, Err((response, drain)))) => Admission::Reject {
                path: request.path(),
                response,
                drain,
            },
            Err(err) => Admission::Respond {
                path: "-".into(),
                response: AppError::Internal(err.to_string()).to_response(),
            },
        }
    }

    /// Answers `request`. Quick reads (see [`Route::is_quick_read`]) run right here on the
    /// runtime thread; everything that writes, waits for `fsync` or may scan many rows runs
    /// on the blocking pool, so the reactor never stalls behind the disk.
    pub async fn respond(self: &Arc<Self>, request: Request) -> Response {
        let route = Route::from_request(&request);
        if route.as_ref().map_or(true, Route::is_quick_read) {
            return handlers::answer(route, &request, self);
        }
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || handlers::answer(route, &request, &app))
            .await
            .unwrap_or_else(|err| AppError::Internal(err.to_string()).to_response())
    }

    /// Drops rate-limit state of clients not seen lately, so memory stays bounded.
    fn forget_idle_clients(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.requests.retain_recent();
            self.edits.retain_recent();
        }
    }
}

fn seconds_until(wait: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    wait.wait_time_from(DefaultClock::default().now())
        .as_secs()
        .max(1)
}
