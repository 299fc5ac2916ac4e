//! The web front-end: the same wiki as read-only HTML5 for browsers, over the core (`site`,
//! `store`, `wiki`, `gemini::render_page`), never over `capsule/`. The request path runs
//! `serve` (listeners, TLS, the Gemini-port hand-off, hyper) → `http` (method, rate limit,
//! the one log line) → `router` (path → [`router::WebRoute`], pure) → `handlers`/`lists`/
//! `feed` (store reads, `html` blocks, templates) → a [`reply::Reply`] value → one HTTP response.

pub mod error;
pub mod feed;
pub mod handlers;
pub mod html;
pub mod http;
pub mod lists;
pub mod replay;
pub mod reply;
pub mod router;
pub mod serve;
pub mod templates;

use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::config::Timeouts;
use crate::gemini::Authority;
use crate::site::Site;
use templates::{WebTemplateError, WebTemplates};

/// The Gemini default port, left out of `gemini://` twin links.
const GEMINI_PORT: u16 = 1965;

/// What the web front-end holds for every request.
pub struct Web {
    site: Arc<Site>,
    templates: WebTemplates,
    /// The wiki's hosts and its Gemini port, for twin links and own-host link rewriting.
    own: Authority,
    timeouts: Timeouts,
    shutdown: CancellationToken,
}

impl Web {
    /// The web view of `site`, whose Gemini twin listens on `gemini_port`; connections end
    /// gracefully once `shutdown` is cancelled.
    ///
    /// # Errors
    /// A web template override is unreadable or does not compile.
    pub fn new(
        site: Arc<Site>,
        gemini_port: u16,
        timeouts: Timeouts,
        shutdown: CancellationToken,
    ) -> Result<Self, WebTemplateError> {
        let templates = WebTemplates::load(&site.config().data_dir)?;
        let own = Authority {
            hosts: site.config().hostnames.clone(),
            port: gemini_port,
        };
        Ok(Self {
            site,
            templates,
            own,
            timeouts,
            shutdown,
        })
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn templates(&self) -> &WebTemplates {
        &self.templates
    }

    /// The wiki's hosts and Gemini port.
    pub fn own(&self) -> &Authority {
        &self.own
    }

    /// The `gemini://` URL of `path` (which starts with `/`) on `host`.
    pub fn gemini_url(&self, host: &str, path: &str) -> String {
        match self.own.port {
            GEMINI_PORT => format!("gemini://{host}{path}"),
            port => format!("gemini://{host}:{port}{path}"),
        }
    }
}

/// Facts about one request the handlers need: which of our hosts it named, and the origin
/// (`https://host[:port]`) its absolute links (the Atom feed) use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub host: String,
    pub origin: String,
}

impl Visit {
    /// From the `Host` header: one of our host names (with its port) is kept; anything else
    /// becomes our first host name. Defends against Host-header spoofing putting a foreign
    /// origin into links (a cached feed pointing readers elsewhere).
    pub fn new(host_header: Option<&str>, scheme: &str, own: &Authority) -> Self {
        let first = own.hosts.first().map_or("localhost", String::as_str);
        let given = host_header.unwrap_or("").trim().to_ascii_lowercase();
        let (name, port) = match given.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name.to_string(), Some(port)),
            _ => (given.clone(), None),
        };
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
        let ours = port_ok && own.hosts.contains(&name);
        let (host, authority) = if ours {
            (name, given.clone())
        } else {
            (first.to_string(), first.to_string())
        };
        Self {
            host,
            origin: format!("{scheme}://{authority}"),
        }
    }
}

/// What the layout template shows around every page.
#[derive(Debug, Serialize)]
pub struct Chrome {
    pub site_title: String,
    pub lang: String,
    pub title: String,
    pub gemini_url: String,
    pub noindex: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_host_names_make_the_origin() {
        let own = Authority {
            hosts: vec!["wiki.example".into(), "localhost".into()],
            port: 1965,
        };
        let visit = Visit::new(Some("LocalHost:8443"), "https", &own);
        assert_eq!(visit.host, "localhost");
        assert_eq!(visit.origin, "https://localhost:8443");
        let spoofed = Visit::new(Some("evil.example"), "https", &own);
        assert_eq!(spoofed.host, "wiki.example");
        assert_eq!(spoofed.origin, "https://wiki.example");
        assert_eq!(Visit::new(None, "http", &own).origin, "http://wiki.example");
    }
}
