//! The integration test binary: every module starts a real server on 127.0.0.1:0 and talks
//! real TLS to it.

mod protocol;
mod reading;
mod support;
