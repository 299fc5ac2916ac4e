//! The Gemini protocol as types: request parsing (with Titan parameters), responses and
//! gemtext building. No sockets, no database, no clock.

pub mod gemtext;
pub mod request;
pub mod response;
pub mod titan;

pub use request::{Authority, Request, RequestError, Scheme};
pub use response::{Response, Status};
pub use titan::TitanParams;
