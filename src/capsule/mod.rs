//! The Gemini front-end: everything that speaks Gemini over TLS, on top of the wiki core.
//! [`Capsule`] is its state (the [`Site`] it serves and the loaded templates); the request
//! path runs `server` (with `slots`) → `connection` → `admission` → `router` → `handlers`, and
//! `urls` builds every URL the handlers and templates print (the router's inverse);
//! `page_cache` keeps whole page answers until the database changes.

pub mod admission;
pub mod connection;
pub mod denied;
pub mod error;
pub mod handlers;
pub mod page_cache;
pub mod router;
pub mod server;
pub mod slots;
pub mod templates;
pub mod urls;

use std::sync::Arc;

use crate::config::WikiConfig;
use crate::gemini::render_page;
use crate::handoff::HttpHandoff;
use crate::render_cache::RenderKey;
use crate::site::Site;
use crate::store::Store;
use crate::wiki::model::Revision;
use crate::wiki::PageFormat;

use error::AppError;
use templates::{TemplateError, Templates};

/// What the Gemini front-end holds for every request: the wiki it serves and its templates.
pub struct Capsule {
    site: Arc<Site>,
    templates: Templates,
    /// Whole `/page/<name>` answers until the database changes.
    pages: page_cache::PageCache,
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
            pages: page_cache::PageCache::default(),
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

    /// The cache of current-revision page answers.
    pub fn page_cache(&self) -> &page_cache::PageCache {
        &self.pages
    }

    /// Current time, Unix seconds UTC.
    pub fn now(&self) -> i64 {
        self.site.now()
    }

    /// `revision` of page `name` rendered as gemtext, once per revision: later views get
    /// the cached body. Defends against a costly page (98 KB of Markdown once took 2.1 s of
    /// CPU) costing that again on every view.
    ///
    /// # Errors
    /// [`AppError::OffReactor`] when a Markdown page is missing from the cache and this runs
    /// on a runtime thread: the admission runs the request again on the blocking pool.
    pub fn rendered(&self, name: &str, revision: &Revision) -> Result<Arc<str>, AppError> {
        let key = RenderKey::of(name, revision);
        if let Some(body) = self.site.renders().get(&key) {
            return Ok(body);
        }
        let markdown = revision.format == PageFormat::Markdown;
        if markdown && admission::on_reactor() {
            return Err(AppError::OffReactor);
        }
        let body = render_page(name, &revision.text, markdown);
        Ok(self.site.renders().insert(key, body))
    }

    /// Counts an edit by `account`.
    ///
    /// # Errors
    /// [`AppError::SlowDown`] past `[limits] edits_per_minute`.
    pub fn check_edit_rate(&self, account: i64) -> Result<(), AppError> {
        Ok(self.site.check_edit_rate(account)?)
    }
}
