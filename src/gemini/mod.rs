//! The Gemini protocol and its text format as pure code: request parsing (with Titan
//! parameters), responses, gemtext building, and the conversion of a page's source (gemtext
//! or Markdown) into the gemtext a reader gets. No sockets, no database, no clock.

pub mod authority;
pub mod gemtext;
pub mod input;
pub mod markdown;
pub mod page;
pub mod request;
pub mod response;
pub mod titan;

pub use authority::Authority;
pub use page::render as render_page;
pub use request::{Request, RequestError, Scheme};
pub use response::{Response, Status};
pub use titan::TitanParams;
