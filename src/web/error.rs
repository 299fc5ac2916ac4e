//! Why a web request failed, and the one place failures become HTTP statuses: a missing
//! page is `404`, a deleted one `410`, the rate limit `429` with `Retry-After`, a bad path
//! `400`, a busy or full store `503`, anything else `500` with the details only in the log.

use hyper::StatusCode;

use super::router::WebRouteError;
use super::templates::WebTemplateError;
use crate::site::RateLimited;
use crate::store::StoreError;

/// A web request that cannot be answered with what it asked for.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Shown to the visitor as is.
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Gone(String),
    #[error("too many requests: wait {} seconds", .0.wait_seconds)]
    RateLimited(RateLimited),
    #[error("{0}")]
    BadRequest(#[from] WebRouteError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Template(#[from] WebTemplateError),
    #[error("{0}")]
    Internal(String),
}

impl From<RateLimited> for WebError {
    fn from(limited: RateLimited) -> Self {
        Self::RateLimited(limited)
    }
}

impl WebError {
    /// The status, a heading and a sentence for the visitor, and `Retry-After` seconds.
    pub fn describe(&self) -> (StatusCode, &'static str, String, Option<u64>) {
        match self {
            Self::NotFound(text) => (StatusCode::NOT_FOUND, "Not found", text.clone(), None),
            Self::Gone(text) => (StatusCode::GONE, "Deleted", text.clone(), None),
            Self::RateLimited(limited) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                format!("Too many requests: wait {} seconds.", limited.wait_seconds),
                Some(limited.wait_seconds),
            ),
            Self::BadRequest(err) => (StatusCode::BAD_REQUEST, "Bad request", capital(err), None),
            Self::Store(StoreError::Busy) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "The wiki is busy; try again in a few seconds.".into(),
                Some(5),
            ),
            Self::Store(StoreError::DiskFull) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Out of space",
                "The server is out of disk space.".into(),
                None,
            ),
            Self::Store(_) | Self::Template(_) | Self::Internal(_) => {
                tracing::error!(error = %self, "web request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Server error",
                    "The server failed to answer; the operator can find why in its log.".into(),
                    None,
                )
            }
        }
    }
}

fn capital(err: &WebRouteError) -> String {
    let text = err.to_string();
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}
