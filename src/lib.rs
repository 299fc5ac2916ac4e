//! gemwiki: a Gemini wiki whose editing is gated by TLS client certificates.
//!
//! # Layout: one wiki core, front-ends beside it
//!
//! ```text
//! identity     Fingerprint, ClientCert (pure)
//! gemini/      the protocol and its text format, pure: request, response, titan, gemtext,
//!              markdown (Markdown → gemtext)
//! wiki/        the wiki's rules, protocol-neutral, no I/O: page and user names, the model
//!              types (pages, revisions, accounts, outcomes), the access decision
//! store/       the only SQL: one SQLite database, returning wiki model types
//! site         one wiki being served: its settings, store, rate limiters, rendered pages,
//!              clock and token key
//! render_cache rendered page bodies by revision, bounded in bytes (used by `site`)
//! secret       the action-token key file in the data directory (0600)
//! tls          the OpenSSL acceptor, certificate files, and OpenSSL's heap on mimalloc
//! capsule/     the Gemini front-end: server → connection → admission → router → handlers,
//!              with templates, the URL builder (the router's inverse), the mapping of
//!              errors and access denials to Gemini statuses, and the page-answer cache
//!              (valid while the store's change stamp stands)
//! web/         the read-only HTML front-end: serve (HTTPS, plain HTTP, the Gemini-port
//!              hand-off; hyper) → http → router → handlers/lists/feed → html blocks →
//!              templates
//! handoff      the neutral seam through which the Gemini port hands HTTP to the web view
//! log_sink     standard error in batches (one write per 100 ms, not per request)
//! config, cli, commands, seed, main   settings, the command line and what it runs
//! ```
//!
//! The path of one Gemini request: `capsule::server` accepts (connection cap, graceful
//! shutdown) → `capsule::connection` (TLS handshake through `tls`, a capped, deadline-bound
//! read, the `ClientCert`, the one write, close_notify) → `capsule::admission` (rate limit,
//! `gemini::Request::parse`, Titan checks before the body) → `capsule::router` (path →
//! `Route`, pure) → `capsule::handlers::*` (the access decision of `wiki::access`, then the
//! store, the templates) → a `gemini::Response` value, serialised once by the connection.
//!
//! # Dependency rules (check with `grep -rn '^use crate::' src`)
//! - `identity`, `gemini/` and `wiki/` import nothing above themselves (`gemini/` and `wiki/`
//!   may use `identity`; `wiki/` does not use `gemini/` and the reverse).
//! - `store/` imports only `wiki/` and `identity`; it is the only module that uses
//!   `rusqlite`.
//! - `site` imports `config`, `store`, `wiki/`, `identity`, `render_cache`; never a front-end.
//!   `render_cache` imports only `wiki/`.
//! - Only `tls`, `capsule::connection` and `web::serve` touch OpenSSL types (`capsule::server`
//!   passes the acceptor through as `tls::Acceptor`).
//! - A front-end (`capsule/`, `web/`) imports `handoff` and the core (`site`, `wiki/`,
//!   `gemini/`, `store/` handles, `identity`, `tls`), never another front-end; only `main.rs`
//!   wires front-ends.
//! - Errors become Gemini statuses in one place, [`capsule::error::AppError::to_response`].

pub mod capsule;
pub mod cli;
pub mod commands;
pub mod config;
pub mod gemini;
pub mod handoff;
pub mod identity;
pub mod log_sink;
pub mod moving;
pub mod render_cache;
pub mod secret;
pub mod seed;
pub mod site;
pub mod store;
pub mod tls;
pub mod web;
pub mod wiki;
