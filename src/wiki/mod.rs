//! Wiki domain rules with no I/O: page names, page formats, and the Markdown → gemtext
//! conversion. Nothing here touches sockets, SQL or the clock.

pub mod markdown;
pub mod page_name;
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

/// A page's source as the gemtext a reader gets: Markdown converted, a `# <name>` title
/// added when the text does not open with a level-1 heading, and a preformatted block left
/// open by the author closed, so the page chrome after it renders as text.
pub fn render(name: &PageName, text: &str, format: PageFormat) -> String {
    let body = match format {
        PageFormat::Gemtext => text.replace("\r\n", "\n"),
        PageFormat::Markdown => markdown::to_gemtext(text),
    };
    let first = body.lines().find(|line| !line.trim().is_empty());
    let titled = first.is_some_and(|line| line.starts_with("# ") || line == "#");
    let mut out = String::with_capacity(body.len() + name.as_str().len() + 4);
    if !titled {
        out.push_str("# ");
        out.push_str(name.as_str());
        out.push_str("\n\n");
    }
    out.push_str(body.trim_end_matches('\n'));
    out.push('\n');
    let toggles = out.lines().filter(|line| line.starts_with("```")).count();
    if toggles % 2 == 1 {
        out.push_str("```\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> PageName {
        PageName::new(s).unwrap()
    }

    #[test]
    fn adds_a_title_only_when_the_page_has_none() {
        assert_eq!(
            render(&name("A"), "text\n", PageFormat::Gemtext),
            "# A\n\ntext\n"
        );
        assert_eq!(
            render(&name("A"), "\n# Own\nx", PageFormat::Gemtext),
            "\n# Own\nx\n"
        );
        assert_eq!(
            render(&name("A"), "## Sub\n", PageFormat::Gemtext),
            "# A\n\n## Sub\n"
        );
    }

    #[test]
    fn closes_a_preformatted_block_left_open() {
        assert_eq!(
            render(&name("A"), "# A\n```\ncode", PageFormat::Gemtext),
            "# A\n```\ncode\n```\n"
        );
    }

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
