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

use crate::config::WikiConfig;
use crate::site::Site;
use crate::store::Store;

use error::AppError;
use templates::{TemplateError, Templates};

/// What the Gemini front-end holds for every request: the wiki it serves and its templates.
pub struct Capsule {
    site: Site,
    templates: Templates,
}

impl Capsule {
    /// Wraps `site`; loads the templates (with the data dir's overrides).
    ///
    /// # Errors
    /// A template override is unreadable or does not compile.
    pub fn new(site: Site) -> Result<Self, TemplateError> {
        let templates = Templates::load(&site.config().data_dir)?;
        Ok(Self { site, templates })
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
