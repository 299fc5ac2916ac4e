//! One HTTP request, start to finish above the connection: the method (GET and HEAD only:
//! the view is read-only), the per-network rate limit shared with Gemini, routing, the
//! handler on the blocking pool, errors as pages, and the one log line (status, path,
//! duration; never the client's address).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

use super::error::WebError;
use super::handlers::{self, chrome};
use super::reply::{Reply, CACHE_NONE, HTML, TEXT};
use super::router::route;
use super::{Chrome, Visit, Web};
use crate::identity::Network;

/// Answers `request` from `client` (its network is what the rate limit counts), arriving
/// over `scheme` (`https` or `http`).
pub async fn handle<B>(
    web: Arc<Web>,
    request: Request<B>,
    client: IpAddr,
    scheme: &'static str,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let path = request.uri().path().to_string();
    let response = if matches!(*request.method(), Method::GET | Method::HEAD) {
        let reply = answer(Arc::clone(&web), &request, client, scheme).await;
        reply.into_response(request.headers())
    } else {
        // Read-only: nothing here accepts a body (no web editing, no forms that post).
        let mut response = Reply::ok(
            TEXT,
            "Only GET and HEAD: this view is read-only.\n",
            CACHE_NONE,
        )
        .status(StatusCode::METHOD_NOT_ALLOWED)
        .into_response(request.headers());
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        response
    };
    tracing::info!(
        status = response.status().as_u16(),
        method = request.method().as_str(),
        path,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "web request"
    );
    response
}

async fn answer<B>(
    web: Arc<Web>,
    request: &Request<B>,
    client: IpAddr,
    scheme: &'static str,
) -> Reply {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let visit = Visit::new(host, scheme, web.own());
    let path = request.uri().path().to_string();
    if let Err(limited) = web.site().check_request_rate(Network::of(client)) {
        return error_page(&web, &visit, &WebError::from(limited), &path);
    }
    let routed = route(request.uri().path(), request.uri().query());
    // Store reads, diffs, search and rendering never run on the reactor threads.
    let joined = tokio::task::spawn_blocking(move || {
        let result = routed
            .map_err(WebError::from)
            .and_then(|route| handlers::answer(&web, &visit, route));
        result.unwrap_or_else(|err| error_page(&web, &visit, &err, &path))
    })
    .await;
    joined.unwrap_or_else(|err| {
        tracing::error!(error = %err, "web handler panicked");
        Reply::ok(TEXT, "Server error\n", CACHE_NONE).status(StatusCode::INTERNAL_SERVER_ERROR)
    })
}

#[derive(Serialize)]
struct MessageView {
    chrome: Chrome,
    heading: &'static str,
    message: String,
}

/// The page for a failed request to `path`, with its status (and `Retry-After`); its
/// Gemini link is the same path there (where editing happens).
fn error_page(web: &Web, visit: &Visit, err: &WebError, path: &str) -> Reply {
    let (status, heading, message, retry_after) = err.describe();
    let view = MessageView {
        chrome: chrome(web, visit, heading, path),
        heading,
        message,
    };
    let mut reply = match web.templates().render("message.html", view) {
        Ok(page) => Reply::ok(HTML, page, CACHE_NONE),
        Err(err) => {
            tracing::error!(error = %err, "web error page failed to render");
            Reply::ok(TEXT, format!("{heading}\n"), CACHE_NONE)
        }
    }
    .status(status);
    reply.retry_after = retry_after;
    reply
}

/// The address the rate limit counts. A plain-HTTP listener's loopback peer is the reverse
/// proxy, so the last `X-Forwarded-For` entry (the one the proxy added) is the client;
/// anywhere else the header is ignored. Defends against rate-limit evasion by a forged
/// header, and against every proxied visitor sharing the proxy's one limit.
pub fn client_address(peer: IpAddr, plain: bool, headers: &hyper::HeaderMap) -> IpAddr {
    if !(plain && peer.is_loopback()) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_from_a_loopback_proxy_on_a_plain_listener() {
        let mut headers = hyper::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.9.9.9, 192.0.2.7"),
        );
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let remote: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(
            client_address(loopback, true, &headers),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_address(loopback, false, &headers), loopback);
        assert_eq!(client_address(remote, true, &headers), remote);
        assert_eq!(
            client_address(loopback, true, &hyper::HeaderMap::new()),
            loopback
        );
    }
}
