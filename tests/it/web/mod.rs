//! The web view (SPEC §8, issue 13): every route over HTTPS, plain HTTP and the Gemini port,
//! its headers and escaped HTML; and the same pages in a real headless Chromium.

/// A headless Chromium loads pages from the plain-HTTP listener.
mod browser;
/// A hand-written HTTP/1.1 client over OpenSSL or plain TCP.
pub mod client;
/// Every route's status, headers and content.
mod routes;
