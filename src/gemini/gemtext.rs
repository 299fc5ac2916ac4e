//! A small gemtext writer: headings, link lines, list items, quotes and preformatted blocks,
//! with the escaping that keeps user text from turning into gemtext syntax by accident.

use std::fmt::Write;

/// Builds a gemtext document line by line; LF line endings only.
#[derive(Debug, Default, Clone)]
pub struct Gemtext {
    out: String,
}

impl Gemtext {
    pub fn new() -> Self {
        Self::default()
    }

    /// A heading of level 1–3 (clamped).
    pub fn heading(&mut self, level: u8, text: &str) -> &mut Self {
        let hashes = "###".get(..usize::from(level.clamp(1, 3))).unwrap_or("#");
        let _ = writeln!(self.out, "{hashes} {}", one_line(text));
        self
    }

    /// A paragraph of user text, escaped so no line starts gemtext syntax.
    pub fn text(&mut self, text: &str) -> &mut Self {
        for line in text.lines() {
            self.out.push_str(&escape_line(line));
            self.out.push('\n');
        }
        self
    }

    /// A line of trusted gemtext written as is.
    pub fn raw(&mut self, line: &str) -> &mut Self {
        self.out.push_str(line);
        self.out.push('\n');
        self
    }

    /// An empty line.
    pub fn blank(&mut self) -> &mut Self {
        self.out.push('\n');
        self
    }

    /// `=> url label`.
    pub fn link(&mut self, url: &str, label: &str) -> &mut Self {
        let url = url.replace(char::is_whitespace, "%20");
        let label = one_line(label);
        if label.is_empty() {
            let _ = writeln!(self.out, "=> {url}");
        } else {
            let _ = writeln!(self.out, "=> {url} {label}");
        }
        self
    }

    /// `* item`.
    pub fn item(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.out, "* {}", one_line(text));
        self
    }

    /// `> quote`.
    pub fn quote(&mut self, text: &str) -> &mut Self {
        for line in text.lines() {
            let _ = writeln!(self.out, "> {line}");
        }
        self
    }

    /// A preformatted block with alt text; inner lines that would close it are indented.
    pub fn preformatted(&mut self, alt: &str, body: &str) -> &mut Self {
        let _ = writeln!(self.out, "```{}", one_line(alt));
        for line in body.lines() {
            if line.starts_with("```") {
                self.out.push(' ');
            }
            self.out.push_str(line);
            self.out.push('\n');
        }
        self.out.push_str("```\n");
        self
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Joins a text onto one line (for headings, labels and list items).
pub fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prefixes a space to a line that would otherwise be read as gemtext syntax.
pub fn escape_line(line: &str) -> String {
    let special = line.starts_with("=>")
        || line.starts_with('#')
        || line.starts_with("* ")
        || line.starts_with('>')
        || line.starts_with("```");
    if special {
        format!(" {line}")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_lines_with_lf_only() {
        let mut doc = Gemtext::new();
        doc.heading(1, "Title")
            .link("/page/A%20B", "A B")
            .item("one")
            .quote("q");
        assert_eq!(doc.finish(), "# Title\n=> /page/A%20B A B\n* one\n> q\n");
    }

    #[test]
    fn heading_level_clamps_to_three() {
        let mut doc = Gemtext::new();
        doc.heading(6, "Deep");
        assert_eq!(doc.finish(), "### Deep\n");
    }

    #[test]
    fn user_text_cannot_start_gemtext_syntax() {
        let mut doc = Gemtext::new();
        doc.text("=> evil\n# not a heading\nplain");
        assert_eq!(doc.finish(), " => evil\n # not a heading\nplain\n");
    }

    #[test]
    fn preformatted_body_cannot_close_the_block() {
        let mut doc = Gemtext::new();
        doc.preformatted("diff", "a\n```\nb");
        assert_eq!(doc.finish(), "```diff\na\n ```\nb\n```\n");
    }

    #[test]
    fn labels_stay_on_one_line() {
        let mut doc = Gemtext::new();
        doc.link("/x", "two\nlines");
        assert_eq!(doc.finish(), "=> /x two lines\n");
    }
}
