//! One output stream of the Markdown converter — the page, or a footnote definition
//! rendered aside — with the line, blank-line, quote, list and link-line bookkeeping.

use std::mem;

/// One output stream: the page, or a footnote definition rendered aside.
#[derive(Default)]
pub(super) struct Flow {
    pub(super) out: String,
    /// A blank line is owed before the next line.
    pub(super) blank: bool,
    /// Inline text of the current block; `\n` marks a hard break.
    pub(super) text: String,
    /// Link lines waiting for their block to end, and the byte ranges of `text` they cover.
    pub(super) links: Vec<String>,
    pub(super) spans: Vec<(usize, usize)>,
    pub(super) quote_depth: usize,
    /// Open lists, innermost last, with the next number of ordered ones.
    pub(super) lists: Vec<Option<u64>>,
    /// The bullet (and number) for the first line of the current list item.
    pub(super) bullet: Option<String>,
    /// This flow renders a footnote definition.
    pub(super) aside: bool,
}

impl Flow {
    /// Writes one line, after the owed blank line, without trailing whitespace.
    pub(super) fn line(&mut self, parts: &[&str]) {
        if mem::take(&mut self.blank) && !self.out.is_empty() {
            self.out.push('\n');
        }
        let start = self.out.len();
        self.out.extend(parts.iter().copied());
        let end = start + self.out[start..].trim_end().len();
        self.out.truncate(end);
        self.out.push('\n');
    }

    /// Ends the current block: writes its text lines and, outside quotes, its link lines.
    pub(super) fn flush_text(&mut self) {
        let text = mem::take(&mut self.text);
        let spans = mem::take(&mut self.spans);
        let plain = matches!(self.bullet.as_deref(), None | Some("* "));
        if self.quote_depth == 0 && plain && only_links(&text, spans) {
            self.bullet = None;
        } else {
            let lines = text
                .split('\n')
                .map(str::trim)
                .filter(|line| !line.is_empty());
            lines.for_each(|line| self.text_line(line));
        }
        if self.quote_depth == 0 {
            self.flush_links();
        }
    }

    /// Ends a paragraph-like block; a blank line follows unless it sits in a list, a quote
    /// or a footnote.
    pub(super) fn end_block(&mut self) {
        self.flush_text();
        self.blank |= self.at_top();
    }

    pub(super) fn at_top(&self) -> bool {
        !self.aside && self.quote_depth == 0 && self.lists.is_empty()
    }

    pub(super) fn text_line(&mut self, line: &str) {
        let bullet = self.bullet.take().unwrap_or_default();
        if self.quote_depth > 0 {
            self.line(&["> ", &bullet, line]);
        } else if bullet.is_empty() && starts_with_syntax(line) {
            self.line(&[" ", line]);
        } else {
            self.line(&[&bullet, line]);
        }
    }

    /// Writes a numbered bullet that no text claimed, so that no later line inherits it.
    pub(super) fn flush_bullet(&mut self) {
        if let Some(bullet) = self.bullet.take().filter(|bullet| bullet != "* ") {
            let quote = if self.quote_depth > 0 { "> " } else { "" };
            self.line(&[quote, &bullet]);
        }
    }

    pub(super) fn flush_links(&mut self) {
        for link in mem::take(&mut self.links) {
            self.line(&[&link]);
        }
    }

    /// Writes a preformatted block with blank lines around it.
    pub(super) fn preformatted(&mut self, alt: &str, body: &str) {
        self.blank = true;
        self.line(&["```", alt]);
        for line in body.trim_end().lines() {
            let escape = if line.starts_with("```") { " " } else { "" };
            self.out.extend([escape, line.trim_end(), "\n"]);
        }
        self.out.push_str("```\n");
        self.blank = true;
    }

    /// Writes everything still pending, at the end of the page or of a footnote.
    pub(super) fn close(&mut self) {
        self.flush_text();
        self.flush_bullet();
        self.flush_links();
    }
}

/// True if `text` holds nothing but the text of the given links, and whitespace.
pub(super) fn only_links(text: &str, mut spans: Vec<(usize, usize)>) -> bool {
    spans.sort_unstable();
    let blank = |from: usize, to: usize| text.get(from..to).is_none_or(|t| t.trim().is_empty());
    let mut covered = 0;
    for &(start, end) in &spans {
        if start > covered && !blank(covered, start) {
            return false;
        }
        covered = covered.max(end);
    }
    !spans.is_empty() && blank(covered, text.len())
}

/// True if a text line would be read as gemtext syntax.
pub(super) fn starts_with_syntax(line: &str) -> bool {
    ["=>", "#", "* ", ">", "```"]
        .iter()
        .any(|syntax| line.starts_with(syntax))
}
