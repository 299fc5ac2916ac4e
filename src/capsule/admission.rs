//! Admission: the two async entry points the connection calls. [`admit`] decides what to do
//! with a request line — rate limit, parse, and for Titan every check before a body byte is
//! read — and [`respond`] runs the handler, off the reactor unless it is a quick read (a
//! quick read that finds slow work to do after all, such as rendering a page missing from the
//! render cache, is run again on the blocking pool).

use std::cell::Cell;
use std::net::IpAddr;
use std::sync::Arc;

use super::error::AppError;
use super::handlers;
use super::router::Route;
use super::Capsule;
use crate::gemini::{Authority, Request, RequestError, Response, Scheme};
use crate::identity::{ClientCert, Network};

thread_local! {
    /// Set while a quick read runs on a runtime thread (see [`on_reactor`]).
    static ON_REACTOR: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current handler runs on an async runtime thread, where it must not do slow
/// work (it returns [`AppError::OffReactor`] instead, and is run again on the blocking pool).
pub fn on_reactor() -> bool {
    ON_REACTOR.with(Cell::get)
}

/// Marks the current thread as a runtime thread running a quick read, until dropped.
struct ReactorMark;

impl ReactorMark {
    fn set() -> Self {
        ON_REACTOR.with(|on| on.set(true));
        Self
    }
}

impl Drop for ReactorMark {
    fn drop(&mut self) {
        ON_REACTOR.with(|on| on.set(false));
    }
}

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

/// Parses the request line and decides how to go on. Titan uploads are checked here,
/// before any body byte is read.
pub async fn admit(
    capsule: &Arc<Capsule>,
    line: Vec<u8>,
    client_cert: Option<ClientCert>,
    client: IpAddr,
    authority: &Authority,
) -> Admission {
    let network = Network::of(client);
    if let Err(limited) = capsule.site().check_request_rate(network) {
        return Admission::Respond {
            path: "-".into(),
            response: AppError::from(limited).to_response(),
        };
    }
    let mut request = match Request::parse(&line, authority) {
        Ok(request) => request,
        Err(err) => {
            if matches!(
                err,
                RequestError::ForeignHost(_) | RequestError::WrongPort(..)
            ) {
                // The host or port the client asked for (a misconfigured --hostname or
                // port shows here), never the client's own address.
                tracing::info!(refused = %err, "request for another host or port");
            }
            return Admission::Respond {
                path: "-".into(),
                response: AppError::from(err).to_response(),
            };
        }
    };
    request.client_cert = client_cert;
    request.network = Some(network);
    if request.scheme != Scheme::Titan {
        return Admission::Handle(Box::new(request));
    }
    let capsule = Arc::clone(capsule);
    let checked = tokio::task::spawn_blocking(move || {
        let verdict = handlers::upload::admit(&request, &capsule);
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
pub async fn respond(capsule: &Arc<Capsule>, request: Request) -> Response {
    let route = Route::from_request(&request);
    if route.as_ref().map_or(true, Route::is_quick_read) {
        let quick = {
            let _mark = ReactorMark::set();
            handlers::answer_quick(route.clone(), &request, capsule)
        };
        if let Some(response) = quick {
            return response;
        }
    }
    let capsule = Arc::clone(capsule);
    tokio::task::spawn_blocking(move || handlers::answer(route, &request, &capsule))
        .await
        .unwrap_or_else(|err| AppError::Internal(err.to_string()).to_response())
}
