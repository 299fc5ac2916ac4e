//! gemwiki: a Gemini wiki whose editing is gated by TLS client certificates.
//!
//! # Layout: the path of one request
//!
//! ```text
//! server      accept loop, connection cap, graceful shutdown
//!   → connection   TLS handshake (tls), capped + deadline-bound read, ClientCert, write, close_notify
//!   → app          rate limit, gemini::request parse, Titan checks before the body
//!   → router       path → Route (pure)
//!   → handlers::*  guard (60/61/62), then store::* / wiki::* / templates
//!   → gemini::response   Response value, serialised once by the connection
//! ```
//!
//! Only `store` speaks SQL; only `tls` and `connection` touch OpenSSL types; `gemini`, `wiki`,
//! `identity` and `router` do no I/O. Errors become Gemini statuses in one place,
//! [`error::AppError::to_response`].

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connection;
pub mod error;
pub mod gemini;
pub mod handlers;
pub mod identity;
pub mod moving;
pub mod router;
pub mod seed;
pub mod server;
pub mod store;
pub mod templates;
pub mod tls;
pub mod wiki;
