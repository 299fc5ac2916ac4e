//! Markdown → gemtext for page bodies: one pass over the `pulldown_cmark` event stream that
//! writes gemtext lines. This module owns the rendering rules listed below, including the
//! escaping that keeps page text from turning into gemtext syntax. It does not validate page
//! names (that is `wiki::page_name`), touch the store, or fetch anything a page links to.
//!
//! # Rendering choices
//!
//! - **Links** keep their text inline; each resolved link becomes a `=> URL text` line right
//!   after the paragraph, heading or list-item line that holds it. Inside a block quote or a
//!   table the link lines wait until the outermost quote or the table ends, since neither can
//!   contain a link line. A block made only of links (and whitespace) is replaced by its link
//!   lines, so a lone link, a badge row or a `- [Name](url)` item is not shown twice.
//! - **Link targets**: a URL with a scheme (`https:`, `mailto:`, ...) or starting with `/` is
//!   kept (ASCII whitespace in it is percent-encoded so the line still parses). Anything else
//!   names a wiki page: the `#fragment` and a leading `./` are removed, the rest is
//!   percent-decoded, then encoded again (all but unreserved characters) under `/page/`, so
//!   `<Other Page>` and `Other%20Page` both give `/page/Other%20Page`. Fragment-only links are
//!   dropped (their text stays). Email autolinks get `mailto:`.
//! - **Images** become `=> URL 🖼 alt` lines, treated like links (the alt text stays inline).
//! - **Footnotes**: a reference becomes `[n]`, numbered by first appearance; definitions are
//!   listed at the end of the page, after a blank line, as `[n] text` lines (no heading).
//! - **Escaping**: a plain text line that would start with gemtext syntax (`=>`, `#`, `* `,
//!   `>` or three backticks) gets one leading ASCII space, which gemtext reads as text.
//!   Inside preformatted blocks nothing is escaped, except that a line starting with three
//!   backticks gets a leading space so it cannot close the block early.
//! - **Preformatted blocks** (code, tables) cannot live inside a quote or list line, so they
//!   break out of it; code keeps its inner blank lines, which is the one place where two
//!   blank lines may follow each other. Tables are aligned by `char` count (`|`-separated,
//!   alt text `table`); padding stops at [`MAX_PAD`] so huge cells cannot blow up the output.
//! - **HTML**: tags and comments are dropped and the text between them kept; `<br>` becomes
//!   a line break, because `a<br>b` read as `ab` would join words.
//! - A thematic break is a line of 20 `-`. Emphasis, strong and strikethrough markers go;
//!   inline code keeps its backticks.

use std::collections::{HashMap, HashSet};
use std::mem;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Everything but RFC 3986 unreserved characters is encoded in page names.
const PAGE_NAME: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Marks image link lines.
const IMAGE_MARKER: &str = "🖼";

/// What a thematic break (`---`) becomes.
const RULE: &str = "--------------------";

/// Widest a table column is padded to, in chars: pulldown-cmark pads short rows with empty
/// cells, so padding every cell to an unbounded width could make the output quadratic.
pub const MAX_PAD: usize = 40;

/// Converts a Markdown document to gemtext (LF endings, no trailing spaces, one final `\n`;
/// empty input gives an empty string).
pub fn to_gemtext(markdown: &str) -> String {
    // Bare CR line endings would otherwise reach code blocks verbatim.
    let normalised;
    let markdown = if markdown.contains('\r') {
        normalised = markdown.replace("\r\n", "\n").replace('\r', "\n");
        &normalised
    } else {
        markdown
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut writer = Writer::default();
    for event in Parser::new_ext(markdown, options) {
        writer.event(event);
    }
    writer.finish()
}

/// One output stream: the page, or a footnote definition being rendered aside.
#[derive(Default)]
struct Flow {
    out: String,
    /// A blank line is owed before the next line written.
    blank: bool,
    /// Inline text of the current leaf block; `\n` marks a hard break.
    text: String,
    /// Link lines waiting for the end of their block.
    links: Vec<String>,
    /// Byte ranges of `text` covered by the current block's queued links.
    spans: Vec<(usize, usize)>,
    quote_depth: usize,
    /// Open lists, innermost last, with the next number of ordered ones.
    lists: Vec<Option<u64>>,
    /// Put before the next text line: a list bullet and number.
    prefix: Option<String>,
}

impl Flow {
    /// Writes one line, preceded by the owed blank line, without trailing whitespace.
    fn line(&mut self, parts: &[&str]) {
        if self.blank && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.blank = false;
        let start = self.out.len();
        for part in parts {
            self.out.push_str(part);
        }
        let keep = start + self.out[start..].trim_end().len();
        self.out.truncate(keep);
        self.out.push('\n');
    }

    fn at_top(&self) -> bool {
        self.quote_depth == 0 && self.lists.is_empty()
    }

    /// Ends the current leaf block: writes its text lines, then (outside quotes) its links.
    fn flush_text(&mut self) {
        let text = mem::take(&mut self.text);
        let spans = mem::take(&mut self.spans);
        let only_links = self.quote_depth == 0
            && matches!(self.prefix.as_deref(), None | Some("* "))
            && only_links(&text, spans);
        if only_links {
            self.prefix = None;
        } else {
            for raw in text.split('\n') {
                let line = raw.trim();
                if !line.is_empty() {
                    self.text_line(line);
                }
            }
        }
        if self.quote_depth == 0 {
            self.flush_links();
        }
    }

    fn text_line(&mut self, line: &str) {
        let prefix = self.prefix.take();
        let prefix = prefix.as_deref().unwrap_or("");
        if self.quote_depth > 0 {
            self.line(&["> ", prefix, line]);
        } else if !prefix.is_empty() {
            self.line(&[prefix, line]);
        } else if starts_with_syntax(line) {
            self.line(&[" ", line]);
        } else {
            self.line(&[line]);
        }
    }

    /// Writes a prefix no text claimed (an item that is empty or opens with code), so a later
    /// block does not inherit it; a bare bullet says nothing and is dropped.
    fn flush_prefix(&mut self) {
        if let Some(prefix) = self.prefix.take() {
            let prefix = prefix.trim_end();
            if prefix != "*" {
                self.text_line(prefix);
            }
        }
    }

    fn flush_links(&mut self) {
        for link in mem::take(&mut self.links) {
            self.line(&[&link]);
        }
    }

    /// Writes a preformatted block with blank lines around it.
    fn preformatted(&mut self, alt: &str, body: &str) {
        self.blank = true;
        self.line(&["```", alt]);
        for raw in body.trim_end_matches(['\n', ' ', '\t']).split('\n') {
            if raw.starts_with("```") {
                self.out.push(' ');
            }
            self.out.push_str(raw.trim_end());
            self.out.push('\n');
        }
        self.out.push_str("```\n");
        self.blank = true;
    }

    /// Flushes everything pending at the end of the flow.
    fn close(&mut self) {
        self.flush_text();
        self.flush_prefix();
        self.flush_links();
    }
}

/// True if `text` holds nothing but the queued links' text and whitespace.
fn only_links(text: &str, mut spans: Vec<(usize, usize)>) -> bool {
    if spans.is_empty() {
        return false;
    }
    spans.sort_unstable();
    let blank = |from: usize, to: usize| text.get(from..to).is_none_or(|t| t.trim().is_empty());
    let mut covered = 0;
    for (start, end) in spans {
        if start > covered && !blank(covered, start) {
            return false;
        }
        covered = covered.max(end);
    }
    blank(covered, text.len())
}

/// True if a text line would be read as gemtext syntax.
fn starts_with_syntax(line: &str) -> bool {
    line.starts_with("=>")
        || line.starts_with('#')
        || line.starts_with("* ")
        || line.starts_with('>')
        || line.starts_with("```")
}

struct OpenLink {
    /// `None` for links that are dropped (fragment-only, empty).
    url: Option<String>,
    image: bool,
    start: usize,
}

struct Code {
    lang: String,
    body: String,
}

struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<String>>,
}

#[derive(Default)]
struct Writer {
    flow: Flow,
    /// Flows suspended while a footnote definition renders, with that footnote's label.
    suspended: Vec<(Flow, String)>,
    open_links: Vec<OpenLink>,
    heading: Option<usize>,
    code: Option<Code>,
    html: Option<String>,
    table: Option<Table>,
    footnote_numbers: HashMap<String, usize>,
    /// Rendered footnote definitions by label, first definition of a label only.
    footnotes: Vec<(String, String)>,
    footnote_keys: HashSet<String>,
}

impl Writer {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(s) | Event::InlineMath(s) | Event::DisplayMath(s) => self.push_text(&s),
            Event::Code(s) => push_code_span(&mut self.flow.text, &s),
            Event::Html(s) => match &mut self.html {
                Some(html) => html.push_str(&s),
                None => self.flow.text.push_str(&strip_tags(&s)),
            },
            Event::InlineHtml(s) => self.flow.text.push_str(&strip_tags(&s)),
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(label.to_lowercase());
                self.flow.text.push_str(&format!("[{n}]"));
            }
            Event::SoftBreak => self.flow.text.push(' '),
            Event::HardBreak => self.flow.text.push('\n'),
            Event::Rule => {
                self.flow.flush_text();
                self.flow.flush_prefix();
                self.flow.blank = true;
                self.flow.line(&[RULE]);
                self.flow.blank = true;
            }
            Event::TaskListMarker(done) => {
                self.flow.text.push_str(if done { "[x] " } else { "[ ] " });
            }
        }
    }

    fn push_text(&mut self, s: &str) {
        match &mut self.code {
            Some(code) => code.body.push_str(s),
            None => self.flow.text.push_str(s),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flow.flush_text();
                self.heading = Some(level as usize);
            }
            Tag::BlockQuote(_) => {
                self.flow.flush_text();
                self.flow.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flow.flush_text();
                self.flow.flush_prefix();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    CodeBlockKind::Indented => None,
                };
                let lang = lang.unwrap_or_default();
                self.code = Some(Code {
                    lang,
                    body: String::new(),
                });
            }
            Tag::HtmlBlock => {
                self.flow.flush_text();
                self.html = Some(String::new());
            }
            Tag::List(first) => {
                self.flow.flush_text();
                self.flow.lists.push(first);
            }
            Tag::Item => self.start_item(),
            Tag::FootnoteDefinition(label) => self.start_footnote(&label),
            Tag::Table(aligns) => {
                self.flow.flush_text();
                self.flow.flush_prefix();
                self.table = Some(Table {
                    aligns,
                    rows: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                self.flow.text.clear();
                self.flow.spans.clear();
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.open_link(link_type, &dest_url, false),
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => self.open_link(link_type, &dest_url, true),
            Tag::Paragraph
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.flow.flush_text(),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn start_item(&mut self) {
        let flow = &mut self.flow;
        flow.flush_text();
        flow.flush_prefix();
        let prefix = match flow.lists.last_mut() {
            Some(Some(n)) => {
                let prefix = format!("* {n}. ");
                *n = n.saturating_add(1);
                prefix
            }
            _ => "* ".to_owned(),
        };
        flow.prefix = Some(prefix);
    }

    fn end(&mut self, tag: TagEnd) {
        let flow = &mut self.flow;
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::BlockQuote(_) => {
                flow.flush_text();
                flow.quote_depth = flow.quote_depth.saturating_sub(1);
                if flow.quote_depth == 0 {
                    flow.flush_links();
                    flow.blank |= flow.lists.is_empty();
                }
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    flow.preformatted(&code.lang, &code.body);
                }
            }
            TagEnd::HtmlBlock => {
                let html = self.html.take().unwrap_or_default();
                flow.text.push_str(&strip_tags(&html));
                flow.flush_text();
                flow.blank |= flow.at_top();
            }
            TagEnd::List(_) => {
                flow.flush_text();
                flow.lists.pop();
                flow.blank |= flow.at_top();
            }
            TagEnd::Item => {
                flow.flush_text();
                flow.flush_prefix();
            }
            TagEnd::FootnoteDefinition => self.end_footnote(),
            TagEnd::Table => self.end_table(),
            TagEnd::TableCell => {
                let cell = mem::take(&mut flow.text).replace('\n', " ");
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell.trim().to_owned());
                }
            }
            TagEnd::Link | TagEnd::Image => self.close_link(),
            TagEnd::Paragraph
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => {
                flow.flush_text();
                flow.blank |= flow.at_top();
            }
            TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }

    fn end_heading(&mut self) {
        let level = self.heading.take().unwrap_or(1).clamp(1, 3);
        let flow = &mut self.flow;
        let text = mem::take(&mut flow.text).replace('\n', " ");
        let text = text.trim();
        flow.spans.clear();
        if !text.is_empty() {
            if flow.quote_depth > 0 {
                flow.text_line(text);
            } else {
                flow.blank = true;
                flow.line(&[&"#".repeat(level), " ", text]);
            }
        }
        if flow.quote_depth == 0 {
            flow.flush_links();
            flow.blank = true;
        }
    }

    fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let flow = &mut self.flow;
        flow.text.clear();
        flow.spans.clear();
        if !table.rows.is_empty() {
            flow.preformatted("table", &table.render());
        }
        if flow.quote_depth == 0 {
            flow.blank = false;
            flow.flush_links();
            flow.blank = true;
        }
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, image: bool) {
        self.open_links.push(OpenLink {
            url: resolve_url(link_type, dest),
            image,
            start: self.flow.text.len(),
        });
    }

    fn close_link(&mut self) {
        let Some(OpenLink {
            url: Some(url),
            image,
            start,
        }) = self.open_links.pop()
        else {
            return;
        };
        let flow = &mut self.flow;
        let end = flow.text.len();
        let label = flow.text.get(start..).unwrap_or_default();
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        let line = if image {
            format!("=> {url} {IMAGE_MARKER} {label}")
        } else if label.is_empty() || label == url {
            format!("=> {url}")
        } else {
            format!("=> {url} {label}")
        };
        flow.links.push(line);
        flow.spans.push((start, end));
    }

    fn footnote_number(&mut self, key: String) -> usize {
        let next = self.footnote_numbers.len() + 1;
        *self.footnote_numbers.entry(key).or_insert(next)
    }

    fn start_footnote(&mut self, label: &str) {
        self.flow.flush_text();
        let page = mem::take(&mut self.flow);
        self.suspended.push((page, label.to_lowercase()));
    }

    fn end_footnote(&mut self) {
        let Some((page, key)) = self.suspended.pop() else {
            return;
        };
        let mut aside = mem::replace(&mut self.flow, page);
        aside.close();
        if self.footnote_keys.insert(key.clone()) {
            self.footnotes.push((key, aside.out));
        }
    }

    fn finish(mut self) -> String {
        if let Some(code) = self.code.take() {
            self.flow.preformatted(&code.lang, &code.body);
        }
        while !self.suspended.is_empty() {
            self.end_footnote();
        }
        self.flow.close();
        let mut out = mem::take(&mut self.flow.out);
        // Numbered only now, so that references number in reading order even when a
        // definition comes first; unreferenced definitions follow in source order.
        let mut footnotes: Vec<(usize, String)> = mem::take(&mut self.footnotes)
            .into_iter()
            .map(|(key, body)| (self.footnote_number(key), body))
            .collect();
        footnotes.sort_by_key(|(n, _)| *n);
        for (i, (n, body)) in footnotes.iter().enumerate() {
            if i == 0 && !out.is_empty() {
                out.push('\n');
            }
            push_footnote(&mut out, *n, body);
        }
        out.truncate(out.trim_end().len());
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// Appends a rendered footnote definition with its `[n]` marker on the first line, or on a
/// line of its own when the first line is a link line or a preformatted toggle.
fn push_footnote(out: &mut String, n: usize, body: &str) {
    let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
    out.push_str(&format!("[{n}]"));
    if first.starts_with("=>") || first.starts_with("```") {
        out.push('\n');
        out.push_str(body);
    } else {
        if !first.is_empty() {
            out.push(' ');
            // The escape space is not needed once the marker leads the line.
            out.push_str(first.strip_prefix(' ').unwrap_or(first));
        }
        out.push('\n');
        out.push_str(rest);
    }
}

impl Table {
    /// Renders the rows as `| a | b |` lines, with a rule under the header row.
    fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![3; columns];
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count().min(MAX_PAD));
            }
        }
        let mut out = String::new();
        for (i, row) in self.rows.iter().enumerate() {
            out.push('|');
            for (column, width) in widths.iter().enumerate() {
                let cell = row.get(column).map_or("", String::as_str);
                let pad = width.saturating_sub(cell.chars().count());
                let left = match self.aligns.get(column) {
                    Some(Alignment::Right) => pad,
                    Some(Alignment::Center) => pad / 2,
                    _ => 0,
                };
                out.extend([
                    " ".repeat(left + 1),
                    cell.to_owned(),
                    " ".repeat(pad - left),
                ]);
                out.push_str(" |");
            }
            out.push('\n');
            if i == 0 {
                out.push('|');
                for width in &widths {
                    out.push_str(&"-".repeat(width + 2));
                    out.push('|');
                }
                out.push('\n');
            }
        }
        out
    }
}

/// Maps a Markdown link destination to the URL of its link line; `None` drops the link.
fn resolve_url(link_type: LinkType, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if link_type == LinkType::Email && !dest.starts_with("mailto:") {
        return Some(format!("mailto:{dest}"));
    }
    if has_scheme(dest) || dest.starts_with('/') {
        return Some(dest.replace(' ', "%20").replace(['\t', '\n'], ""));
    }
    let path = dest.split('#').next().unwrap_or_default();
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    if path.is_empty() {
        return None;
    }
    let name = percent_decode_str(path).decode_utf8_lossy();
    Some(format!("/page/{}", utf8_percent_encode(&name, PAGE_NAME)))
}

/// True if `url` starts with an RFC 3986 scheme followed by `:`.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Appends `code` wrapped in enough backticks that none inside can end it.
fn push_code_span(text: &mut String, code: &str) {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    text.extend([fence.as_str(), pad, code, pad, fence.as_str()]);
}

/// Removes HTML tags and comments, keeping the text between them; `<br>` becomes `\n`.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Once a search for a closer fails, later ones would too: remembering that keeps
    // input like `<a<a<a…` linear.
    let (mut gt_left, mut comment_end_left) = (true, true);
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        let end = if tail.starts_with("<!--") && comment_end_left {
            let end = tail.find("-->").map(|i| i + 3);
            comment_end_left = end.is_some();
            end
        } else if looks_like_tag(tail) && gt_left {
            let end = tail.find('>').map(|i| i + 1);
            gt_left = end.is_some();
            end
        } else {
            None
        };
        match end {
            Some(end) => {
                if is_br(&tail[..end]) {
                    out.push('\n');
                }
                rest = &tail[end..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn looks_like_tag(tail: &str) -> bool {
    tail.chars()
        .nth(1)
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
}

fn is_br(tag: &str) -> bool {
    let name = tag.trim_start_matches('<').trim_end_matches('>');
    let name = name.trim_end_matches('/').trim_end();
    name.eq_ignore_ascii_case("br")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gmi(markdown: &str) -> String {
        let out = to_gemtext(markdown);
        assert_well_formed(&out);
        out
    }

    /// LF only, no trailing spaces, one final newline, no two blank lines in a row outside
    /// preformatted blocks.
    fn assert_well_formed(out: &str) {
        assert!(!out.contains('\r'), "CR in {out:?}");
        if out.is_empty() {
            return;
        }
        assert!(
            out.ends_with('\n') && !out.ends_with("\n\n"),
            "ending of {out:?}"
        );
        let (mut pre, mut blank) = (false, false);
        for line in out.lines() {
            assert_eq!(line, line.trim_end(), "trailing space in {out:?}");
            if line.starts_with("```") {
                pre = !pre;
            }
            assert!(
                pre || !(blank && line.is_empty()),
                "double blank in {out:?}"
            );
            blank = line.is_empty();
        }
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(gmi(""), "");
        assert_eq!(gmi(" \n\n\t\n"), "");
    }

    #[test]
    fn headings_keep_levels_one_to_three() {
        assert_eq!(gmi("# A\n## B\n### C"), "# A\n\n## B\n\n### C\n");
    }

    #[test]
    fn deeper_headings_clamp_to_level_three() {
        assert_eq!(gmi("#### D\n\n###### F"), "### D\n\n### F\n");
    }

    #[test]
    fn soft_breaks_join_a_paragraph_into_one_line() {
        assert_eq!(gmi("one\ntwo\nthree\n\nnext"), "one two three\n\nnext\n");
    }

    #[test]
    fn hard_breaks_start_a_new_line() {
        assert_eq!(gmi("one  \ntwo\\\nthree"), "one\ntwo\nthree\n");
    }

    #[test]
    fn links_keep_their_text_and_follow_the_paragraph_as_link_lines() {
        let out = gmi("See [the site](https://example.org) now.\n\nNext.");
        assert_eq!(
            out,
            "See the site now.\n=> https://example.org the site\n\nNext.\n"
        );
    }

    #[test]
    fn relative_links_resolve_to_encoded_page_urls_whether_encoded_or_not() {
        let out = gmi("[a](<Other Page>) [b](Other%20Page) [c](./Café#top) x");
        let expected = "a b c x\n=> /page/Other%20Page a\n=> /page/Other%20Page b\n\
                        => /page/Caf%C3%A9 c\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn absolute_and_root_relative_links_pass_unchanged() {
        let out = gmi("[a](gemini://x.org/p?q) [b](/history/Home) x");
        assert_eq!(out, "a b x\n=> gemini://x.org/p?q a\n=> /history/Home b\n");
    }

    #[test]
    fn fragment_only_links_are_dropped_but_their_text_kept() {
        assert_eq!(gmi("Go [up](#top)."), "Go up.\n");
    }

    #[test]
    fn autolinks_become_link_lines_and_emails_get_mailto() {
        let out = gmi("Mail <me@x.org> or see <https://x.org>.");
        let expected = "Mail me@x.org or see https://x.org.\n\
                        => mailto:me@x.org me@x.org\n=> https://x.org\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn a_block_made_only_of_links_becomes_just_its_link_lines() {
        assert_eq!(gmi("[Home](/)"), "=> / Home\n");
        assert_eq!(gmi("- [A](a)\n- [B](b)"), "=> /page/a A\n=> /page/b B\n");
    }

    #[test]
    fn links_inside_a_block_quote_follow_the_whole_quote() {
        let out = gmi("> one [a](/a)\n>\n> two [b](/b)");
        assert_eq!(out, "> one a\n> two b\n=> /a a\n=> /b b\n");
    }

    #[test]
    fn images_become_marked_link_lines() {
        assert_eq!(gmi("![A cat](/cat.png)"), "=> /cat.png 🖼 A cat\n");
        assert_eq!(gmi("x ![](/c.png)"), "x\n=> /c.png 🖼\n");
    }

    #[test]
    fn unordered_lists_become_star_lines() {
        assert_eq!(gmi("- a\n- b\n\n* c"), "* a\n* b\n\n* c\n");
    }

    #[test]
    fn ordered_lists_keep_their_numbers_in_the_text() {
        assert_eq!(gmi("3. three\n4. four"), "* 3. three\n* 4. four\n");
    }

    #[test]
    fn nested_lists_flatten_to_star_lines() {
        assert_eq!(gmi("- a\n  - b\n    1. c\n- d"), "* a\n* b\n* 1. c\n* d\n");
    }

    #[test]
    fn task_items_show_their_checkbox() {
        assert_eq!(gmi("- [x] done\n- [ ] todo"), "* [x] done\n* [ ] todo\n");
    }

    #[test]
    fn code_blocks_become_preformatted_with_the_language_as_alt_text() {
        let out = gmi("```rust ignore\nfn main() {}\n```\n\n    indented");
        assert_eq!(out, "```rust\nfn main() {}\n```\n\n```\nindented\n```\n");
    }

    #[test]
    fn a_fence_line_inside_code_gets_a_space_so_it_cannot_close_the_block() {
        assert_eq!(gmi("~~~\n```\n~~~"), "```\n ```\n```\n");
    }

    #[test]
    fn code_keeps_its_inner_blank_lines_and_is_not_escaped() {
        let out = gmi("```\n# a\n\n\n=> b\n```");
        assert_eq!(out, "```\n# a\n\n\n=> b\n```\n");
    }

    #[test]
    fn inline_code_keeps_its_backticks() {
        assert_eq!(gmi("Run `make` or ``a`b``."), "Run `make` or ``a`b``.\n");
    }

    #[test]
    fn block_quotes_become_quote_lines_even_when_nested() {
        assert_eq!(gmi("> a\n> > b\n\nc"), "> a\n> b\n\nc\n");
    }

    #[test]
    fn thematic_breaks_become_a_line_of_dashes() {
        assert_eq!(gmi("a\n\n---\n\nb"), format!("a\n\n{RULE}\n\nb\n"));
    }

    #[test]
    fn tables_become_aligned_preformatted_blocks() {
        let out = gmi("| a | bb |\n|---|:--:|\n| ccccc | d |\n| é | |");
        let expected = "```table\n| a     | bb  |\n|-------|-----|\n| ccccc |  d  |\n\
                        | é     |     |\n```\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn table_links_follow_the_table() {
        let out = gmi("| x |\n|--:|\n| [a](/a) |");
        assert_eq!(out, "```table\n|   x |\n|-----|\n|   a |\n```\n=> /a a\n");
    }

    #[test]
    fn footnotes_become_numbered_markers_listed_at_the_end() {
        let out = gmi("[^n]: Late note.\n\nA[^z] and B[^n].\n\n[^z]: First.\n\nEnd.");
        assert_eq!(
            out,
            "A[1] and B[2].\n\nEnd.\n\n[1] First.\n[2] Late note.\n"
        );
    }

    #[test]
    fn emphasis_strong_and_strikethrough_markers_are_removed() {
        assert_eq!(gmi("*a* **b** ~~c~~ _d_"), "a b c d\n");
    }

    #[test]
    fn html_tags_and_comments_are_dropped_and_their_text_kept() {
        let out = gmi("<div align=\"center\">\n<!-- hidden\nnote -->\nKept <b>bold</b>\n</div>\n\nx <span>y</span> 1 < 2");
        assert_eq!(out, "Kept bold\n\nx y 1 < 2\n");
    }

    #[test]
    fn a_br_tag_becomes_a_line_break() {
        assert_eq!(gmi("one<br>two<BR />three"), "one\ntwo\nthree\n");
    }

    #[test]
    fn text_lines_that_look_like_gemtext_get_a_leading_space() {
        let md = "\\=> not a link\n\n\\# not a heading\n\n\\* not an item\n\n\\> not a quote\n\n\\`\\`\\` not a fence\n\n*not* emphasis";
        let out = gmi(md);
        let expected = " => not a link\n\n # not a heading\n\n * not an item\n\n \
                        > not a quote\n\n ``` not a fence\n\nnot emphasis\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn list_and_quote_lines_need_no_escape() {
        assert_eq!(gmi("- \\# a\n\n> \\=> b"), "* # a\n\n> => b\n");
    }

    #[test]
    fn crlf_and_cr_line_endings_become_lf() {
        assert_eq!(gmi("a\r\nb\r\n\r\n```\rc\r```"), "a b\n\n```\nc\n```\n");
    }

    #[test]
    fn deeply_nested_quotes_and_lists_do_not_panic() {
        assert_eq!(gmi(&format!("{}x", "> ".repeat(10_000))), "> x\n");
        assert_eq!(gmi(&format!("{}x", "- ".repeat(10_000))), "* x\n");
        let out = gmi(&format!("{}x [l](y)", "> 1. ".repeat(5_000)));
        assert!(out.ends_with("> * 1. x l\n=> /page/y l\n"), "{out}");
    }

    #[test]
    fn ten_thousand_items_give_ten_thousand_lines() {
        let out = gmi(&"- item\n".repeat(10_000));
        assert_eq!(out.lines().count(), 10_000);
    }

    #[test]
    fn unclosed_constructs_do_not_panic() {
        for md in [
            "```rust\ncode",
            "> [x](",
            "| a |\n|--|\n| b",
            "<div",
            "[^1]: ```\nx",
            "<!--",
        ] {
            gmi(md);
        }
        assert_eq!(gmi("```\ncode"), "```\ncode\n```\n");
    }

    #[test]
    fn huge_tables_pad_at_most_max_pad_chars() {
        let wide = format!("| a | b |\n|---|---|\n| {} | x |\n", "w".repeat(10_000));
        let out = gmi(&(wide + &"| c | d |\n".repeat(1_000)));
        let short_row = format!("| c{} | d   |", " ".repeat(MAX_PAD - 1));
        assert!(out.contains(&short_row), "{out}");
    }

    #[test]
    fn unterminated_tags_are_kept_as_text() {
        assert_eq!(strip_tags("a <b c"), "a <b c");
        assert_eq!(strip_tags(&"<a".repeat(3)), "<a<a<a");
    }

    #[test]
    fn golden_fixtures_match() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/markdown");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("fixture directory") {
            let path = entry.expect("fixture entry").path();
            if path.extension().is_none_or(|e| e != "md") || path.ends_with("README.md") {
                continue;
            }
            let markdown = std::fs::read_to_string(&path).expect("fixture markdown");
            let expected = std::fs::read_to_string(path.with_extension("gmi"))
                .unwrap_or_else(|e| panic!("{}: no .gmi pair: {e}", path.display()));
            assert_eq!(gmi(&markdown), expected, "{}", path.display());
            checked += 1;
        }
        assert!(checked >= 4, "only {checked} fixture pairs in {dir}");
    }
}
