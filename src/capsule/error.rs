//! `AppError`: everything a handler can fail with, and [`AppError::to_response`], the only
//! place an error becomes a Gemini status. Failures with a known cause (a busy database, a
//! full disk) say so; other internal failures get a generic sentence for the person and the
//! details go to the log.

use crate::capsule::router::RouteError;
use crate::capsule::templates::TemplateError;
use crate::gemini::{RequestError, Response, Status};
use crate::site::RateLimited;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request line itself is malformed or not for us (59 / 53).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The path names an invalid page or revision (59).
    #[error(transparent)]
    Route(#[from] RouteError),
    /// Input the person typed is unusable (59), with the reason.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing here (51), with what to do instead.
    #[error("{0}")]
    NotFound(String),
    /// No client certificate (60).
    #[error("{0}")]
    CertRequired(String),
    /// The certificate may not do this (61).
    #[error("{0}")]
    CertNotAuthorised(String),
    /// The certificate is outside its validity dates (62).
    #[error("{0}")]
    CertNotValid(String),
    /// Too many requests or edits; retry after this many seconds (44).
    #[error("slow down for {0} s")]
    SlowDown(u64),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Template(#[from] TemplateError),
    /// Too many new accounts from this network or in all; retry after this many seconds (44).
    #[error("too many registrations; wait {0} s")]
    TooManyRegistrations(u64),
    #[error("internal: {0}")]
    Internal(String),
    /// A quick read found slow work to do (a page render missing from the cache); the
    /// admission runs the request again on the blocking pool. Never reaches a client there.
    #[error("slow work on the reactor")]
    OffReactor,
}

impl From<RateLimited> for AppError {
    fn from(limited: RateLimited) -> Self {
        Self::SlowDown(limited.wait_seconds)
    }
}

impl AppError {
    /// The Gemini answer for this error.
    pub fn to_response(&self) -> Response {
        match self {
            Self::Request(err) => Response::with_status(err.status(), err.to_string()),
            Self::Route(err) => Response::bad_request(err.to_string()),
            Self::BadRequest(message) => Response::bad_request(message.as_str()),
            Self::NotFound(message) => Response::not_found(message.as_str()),
            Self::CertRequired(message) => Response::cert_required(message.as_str()),
            Self::CertNotAuthorised(message) => Response::cert_not_authorised(message.as_str()),
            Self::CertNotValid(message) => Response::cert_not_valid(message.as_str()),
            Self::SlowDown(seconds) => Response::slow_down(*seconds),
            Self::TooManyRegistrations(seconds) => Response::with_status(
                Status::SlowDown,
                format!("Too many new accounts: wait {seconds} seconds"),
            ),
            Self::Store(StoreError::Busy) => {
                tracing::warn!("database locked by another connection");
                Response::temporary_failure("The wiki is busy, try again in a few seconds")
            }
            Self::Store(StoreError::DiskFull) => {
                tracing::error!("database write failed: the disk is full");
                Response::temporary_failure("The server is out of disk space")
            }
            Self::Store(_) | Self::Template(_) | Self::Internal(_) | Self::OffReactor => {
                tracing::error!(error = %self, "request failed");
                Response::temporary_failure(
                    "Something went wrong on the server; please try again in a moment",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_or_full_store_names_its_cause() {
        let busy = AppError::Store(StoreError::Busy).to_response();
        assert_eq!(
            (busy.status.code(), busy.meta.as_str()),
            (40, "The wiki is busy, try again in a few seconds")
        );
        let full = AppError::Store(StoreError::DiskFull).to_response();
        assert_eq!(
            (full.status.code(), full.meta.as_str()),
            (40, "The server is out of disk space")
        );
    }
}
