//! The Gemini front-end: everything that speaks Gemini over TLS, on top of the wiki core.
//! [`Capsule`] is its state (the [`Site`] it serves and the loaded templates); the request
//! path runs `server` → `connection` → `admission` → `router` → `handlers`, and `urls` builds
//! every URL the handlers and templates print (the router's inverse).

pub mod admission;
pub mod connection;
pub mod denied;
pub mod error;
pub mod handlers;
pub mod router;
pub mod server;
pub mod templates;
pub mod urls;

use std::sync::Arc;

use crate::config::WikiConfig;
use crate::handoff::HttpHandoff;
use crate::site::Site;
use crate::store::Store;

use error::AppError;
use templates::{TemplateError, Templates};

/// What the Gemini front-end holds for every request: the wiki it serves and its templates.
pub struct Capsule {
    site: Arc<Site>,
    templates: Templates,
    /// Where HTTP request lines arriving on the Gemini port go (wired by `main.rs`).
    http: Option<Arc<dyn HttpHandoff>>,
}

impl Capsule {
    /// Wraps `site`; loads the templates (with the data dir's overrides).
    ///
    /// # Errors
    /// A template override is unreadable or does not compile.
    pub fn new(site: impl Into<Arc<Site>>) -> Result<Self, TemplateError> {
        let site = site.into();
        let templates = Templates::load(&site.config().data_dir)?;
        Ok(Self {
            site,
            templates,
            http: None,
        })
    }

    /// Hands HTTP requests arriving on the Gemini port to `http` (the web front-end).
    #[must_use]
    pub fn with_http_handoff(mut self, http: Arc<dyn HttpHandoff>) -> Self {
        self.http = Some(http);
        self
    }

    /// The HTTP hand-off, if one was wired in.
    pub fn http_handoff(&self) -> Option<&Arc<dyn HttpHandoff>> {
        self.http.as_ref()
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn config(&self) -> &WikiConfig {
        self.site.config()
    }

    pub fn store(&self) -> &Store {
        self.site.store()
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Current time, Unix seconds UTC.
    pub fn now(&self) -> i64 {
        self.site.now()
    }

    /// Counts an edit by `account`.
    ///
    /// # Errors
    /// [`AppError::SlowDown`] past `[limits] edits_per_minute`.
    pub fn check_edit_rate(&self, account: i64) -> Result<(), AppError> {
        Ok(self.site.check_edit_rate(account)?)
    }
}
