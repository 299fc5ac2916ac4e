//! The wiki's rules, protocol-neutral and with no I/O: page and user names, page formats,
//! the model types the store hands out ([`model`]), the access decision ([`access`]), action
//! tokens ([`token`], pure HMAC over a key handed in), the bounded revision diff ([`diff`])
//! the link-code format ([`link_code`]) and typed points in time ([`since`]). Nothing here touches sockets, SQL or a protocol;
//! only the diff reads the monotonic clock, for its deadline.

pub mod access;
pub mod diff;
pub mod link_code;
pub mod merge;
pub mod model;
pub mod page_name;
pub mod since;
pub mod token;
pub mod user_name;

pub use page_name::{PageName, PageNameError};

/// How a page's stored source is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageFormat {
    /// `text/gemini`, served as written.
    Gemtext,
    /// `text/markdown`, converted to gemtext when shown.
    Markdown,
}

impl PageFormat {
    /// The MIME type the source is served with on `/raw/`.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Gemtext => "text/gemini",
            Self::Markdown => "text/markdown",
        }
    }

    /// The format stored for an uploaded text MIME type, or `None` if it is not page text.
    pub fn from_mime(mime: &str) -> Option<Self> {
        match mime.trim().to_ascii_lowercase().as_str() {
            "text/gemini" | "text/plain" => Some(Self::Gemtext),
            "text/markdown" | "text/x-markdown" => Some(Self::Markdown),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_round_trip() {
        assert_eq!(
            PageFormat::from_mime("Text/Markdown"),
            Some(PageFormat::Markdown)
        );
        assert_eq!(
            PageFormat::from_mime("text/plain"),
            Some(PageFormat::Gemtext)
        );
        assert_eq!(PageFormat::from_mime("image/png"), None);
        assert_eq!(PageFormat::Markdown.mime(), "text/markdown");
    }
}
