//! Markdown → gemtext for page bodies, in one pass over the `pulldown_cmark` event stream.
//! This module owns the rendering rules below, including the escaping that keeps page text
//! from turning into gemtext syntax. It does not validate page names (`wiki::page_name`
//! does), touch the store, or fetch anything a page links to.
//!
//! # Rendering choices
//!
//! - **Links** keep their text inline, and each also becomes a `=> URL text` line right after
//!   the paragraph, heading or list item that holds it; inside a block quote or a table,
//!   after the outermost quote or the table. A block made only of links loses its text line,
//!   so a lone link, a row of badges or a `- [Name](url)` item is not shown twice.
//! - **Link targets** with a scheme or starting with `/` are kept (spaces become `%20`). Any
//!   other target names a wiki page: its `#fragment` and leading `./` go, the rest is
//!   percent-decoded, then encoded (all but unreserved characters) under `/page/`, so
//!   `<Other Page>` and `Other%20Page` agree. `[[Other Page]]` and `[[Other Page|text]]`
//!   wiki links always name a page. Fragment-only links are dropped (text kept); email
//!   autolinks get `mailto:`.
//! - **Images** are links (same target rules) shown as `=> URL 🖼 alt`.
//! - **Footnotes**: references become `[n]`, numbered in reading order; the definitions end
//!   the page, after a blank line, as `[n] text` lines under no heading, with no blank line
//!   inside a definition (it would seem to end it).
//! - **Escaping**: a text line that would start with gemtext syntax (`=>`, `#`, `* `, `>`,
//!   three backticks) gets one leading space. Preformatted text is not escaped, except that a
//!   line starting with three backticks gets a leading space so it cannot end the block.
//! - **Preformatted blocks** (code, tables) break out of quotes and lists. Code keeps its
//!   blank lines, the only place where two may follow each other. Tables are `|`-separated,
//!   aligned by `char` count, with alt text `table`; padding stops at [`MAX_PAD`]. A page
//!   whose short table rows would need more than [`MAX_PADDED_CELLS`] empty cells in all
//!   is cut before the table that passes the cap, and ends with the [`TABLES_CUT`] note.
//! - **HTML** tags and comments go and their text stays; `<br>` is a line break, since
//!   `a<br>b` read as `ab` would join words. A thematic break is a line of 20 `-`. Emphasis
//!   markers go; inline code keeps its backticks.

use std::collections::{HashMap, HashSet};
use std::mem;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

mod flow;
mod inline;
mod table;

use flow::Flow;
use inline::{resolve_url, strip_tags};
use table::Table;
pub use table::{MAX_PAD, MAX_PADDED_CELLS};

const IMAGE_MARKER: &str = "🖼";
const RULE: &str = "--------------------";
/// Ends a page cut before a table that would exceed [`MAX_PADDED_CELLS`].
pub const TABLES_CUT: &str =
    "[The rest of this page is not shown: its tables have too many empty cells to display. \
     Its source is complete on the raw page.]";
/// Converts Markdown to gemtext: LF endings, no trailing spaces, one final `\n` (an empty
/// string when there is nothing to show).
#[must_use]
pub fn to_gemtext(markdown: &str) -> String {
    // A bare CR would otherwise reach code blocks verbatim.
    let markdown = markdown.replace("\r\n", "\n").replace('\r', "\n");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS;
    let cut = table::padded_cells_cut(&markdown, MAX_PADDED_CELLS);
    let source = cut.map_or(markdown.as_str(), |at| &markdown[..at]);
    let mut writer = Writer::default();
    for event in Parser::new_ext(source, options) {
        writer.event(event);
    }
    if cut.is_some() {
        writer.note(TABLES_CUT);
    }
    writer.finish()
}

struct OpenLink {
    /// `None` for a link that is dropped.
    url: Option<String>,
    image: bool,
    start: usize,
}

#[derive(Default)]
struct Writer {
    flow: Flow,
    /// Flows suspended while a footnote definition renders, with its label.
    suspended: Vec<(Flow, String)>,
    links: Vec<OpenLink>,
    /// The open code block's language and text.
    code: Option<(String, String)>,
    html: Option<String>,
    table: Option<Table>,
    numbers: HashMap<String, usize>,
    /// Rendered footnote definitions by label; a label's first definition wins.
    footnotes: Vec<(String, String)>,
    defined: HashSet<String>,
}

impl Writer {
    fn event(&mut self, event: Event) {
        let text = &mut self.flow.text;
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(s) => match &mut self.code {
                Some((_, body)) => body.push_str(&s),
                None => text.push_str(&s),
            },
            Event::Code(s) => {
                let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest + 1);
                text.extend([fence.as_str(), &s, &fence]);
            }
            Event::InlineMath(s) | Event::DisplayMath(s) => text.push_str(&s),
            Event::Html(s) | Event::InlineHtml(s) => match &mut self.html {
                Some(html) => html.push_str(&s),
                None => text.push_str(&strip_tags(&s)),
            },
            Event::FootnoteReference(label) => {
                let n = number(&mut self.numbers, label.to_lowercase());
                text.extend(["[", &n.to_string(), "]"]);
            }
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::TaskListMarker(done) => text.push_str(if done { "[x] " } else { "[ ] " }),
            Event::Rule => {
                self.flow.flush_text();
                self.flow.flush_bullet();
                self.flow.blank = true;
                self.flow.line(&[RULE]);
                self.flow.blank = true;
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        let flow = &mut self.flow;
        if starts_block(&tag) {
            flow.flush_text();
        }
        match tag {
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
            Tag::BlockQuote(_) => flow.quote_depth += 1,
            Tag::CodeBlock(kind) => {
                flow.flush_bullet();
                self.code = Some((code_language(kind), String::new()));
            }
            Tag::HtmlBlock => self.html = Some(String::new()),
            Tag::List(first) => flow.lists.push(first),
            Tag::Item => {
                flow.flush_bullet();
                flow.bullet = Some(next_bullet(&mut flow.lists));
            }
            Tag::FootnoteDefinition(label) => {
                let aside = Flow {
                    aside: true,
                    ..Flow::default()
                };
                let page = mem::replace(flow, aside);
                self.suspended.push((page, label.to_lowercase()));
            }
            Tag::Table(aligns) => {
                flow.flush_bullet();
                let rows = Vec::new();
                self.table = Some(Table { aligns, rows });
            }
            Tag::TableHead | Tag::TableRow => {
                self.table.iter_mut().for_each(|t| t.rows.push(Vec::new()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let flow = &mut self.flow;
        match tag {
            TagEnd::Paragraph => flow.end_block(),
            TagEnd::Heading(level) => self.end_heading(level as usize),
            TagEnd::BlockQuote(_) => {
                flow.flush_text();
                flow.quote_depth = flow.quote_depth.saturating_sub(1);
                if flow.quote_depth == 0 {
                    flow.flush_links();
                    flow.blank |= flow.at_top();
                }
            }
            TagEnd::CodeBlock => {
                let (lang, body) = self.code.take().unwrap_or_default();
                flow.preformatted(&lang, &body);
            }
            TagEnd::HtmlBlock => {
                flow.text = strip_tags(&self.html.take().unwrap_or_default());
                flow.end_block();
            }
            TagEnd::List(_) => {
                flow.lists.pop();
                flow.end_block();
            }
            TagEnd::Item => {
                flow.flush_text();
                flow.flush_bullet();
            }
            TagEnd::FootnoteDefinition => self.end_footnote(),
            TagEnd::Table => self.end_table(),
            TagEnd::TableCell => {
                flow.spans.clear();
                let cell = mem::take(&mut flow.text).replace('\n', " ");
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell.trim().to_owned());
                }
            }
            TagEnd::Link | TagEnd::Image => self.close_link(),
            _ => {}
        }
    }

    fn end_heading(&mut self, level: usize) {
        let flow = &mut self.flow;
        if flow.quote_depth > 0 {
            return flow.flush_text();
        }
        let text = mem::take(&mut flow.text).replace('\n', " ");
        flow.spans.clear();
        flow.blank = true;
        if !text.trim().is_empty() {
            flow.line(&[&"###"[..level.clamp(1, 3)], " ", text.trim()]);
        }
        flow.flush_links();
        flow.blank = true;
    }

    fn end_table(&mut self) {
        let flow = &mut self.flow;
        if let Some(table) = self.table.take().filter(|table| !table.rows.is_empty()) {
            flow.preformatted("table", &table.render());
        }
        if flow.quote_depth == 0 {
            flow.blank = false;
            flow.flush_links();
            flow.blank = true;
        }
    }

    fn open_link(&mut self, kind: LinkType, dest: &str, image: bool) {
        let url = resolve_url(kind, dest);
        let start = self.flow.text.len();
        self.links.push(OpenLink { url, image, start });
    }

    fn close_link(&mut self) {
        let Some(OpenLink {
            url: Some(url),
            image,
            start,
        }) = self.links.pop()
        else {
            return;
        };
        let flow = &mut self.flow;
        let label = flow.text.get(start..).unwrap_or_default();
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = match (image, label == url) {
            (true, _) => format!("{IMAGE_MARKER} {label}"),
            (false, true) => String::new(),
            (false, false) => label,
        };
        let line = format!("=> {url} {shown}");
        // `[the spec] … [the spec]` would otherwise give the same line twice in a row.
        if flow.links.last() != Some(&line) {
            flow.links.push(line);
        }
        flow.spans.push((start, flow.text.len()));
    }

    fn end_footnote(&mut self) {
        let Some((page, key)) = self.suspended.pop() else {
            return;
        };
        let mut aside = mem::replace(&mut self.flow, page);
        aside.close();
        if self.defined.insert(key.clone()) {
            self.footnotes.push((key, aside.out));
        }
    }

    /// Ends the page text so far and adds `text` as a line of its own after a blank line.
    fn note(&mut self, text: &str) {
        while !self.suspended.is_empty() {
            self.end_footnote();
        }
        self.flow.close();
        self.flow.blank = true;
        self.flow.line(&[text]);
    }

    fn finish(mut self) -> String {
        while !self.suspended.is_empty() {
            self.end_footnote();
        }
        self.flow.close();
        let mut out = mem::take(&mut self.flow.out);
        // Numbered only now, so that references number in reading order even where a
        // definition comes first; unreferenced definitions follow in source order.
        let mut notes: Vec<_> = mem::take(&mut self.footnotes)
            .into_iter()
            .map(|(key, body)| (number(&mut self.numbers, key), body))
            .collect();
        notes.sort_by_key(|(n, _)| *n);
        if !notes.is_empty() && !out.is_empty() {
            out.push('\n');
        }
        for (n, body) in notes {
            push_footnote(&mut out, n, &body);
        }
        out.truncate(out.trim_end().len());
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// False for inline tags and table parts, which do not end the text block they sit in.
fn starts_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
    )
}

/// The bullet for a new item of the innermost list: `* ` or `* n. `.
fn next_bullet(lists: &mut [Option<u64>]) -> String {
    match lists.last_mut() {
        Some(Some(n)) => {
            let bullet = format!("* {n}. ");
            *n = n.saturating_add(1);
            bullet
        }
        _ => "* ".to_owned(),
    }
}

/// The first word of a fenced block's info string, used as the preformatted alt text.
fn code_language(kind: CodeBlockKind) -> String {
    match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default().into(),
        CodeBlockKind::Indented => String::new(),
    }
}

/// The footnote number for `key`, handing out the next one on first sight.
fn number(numbers: &mut HashMap<String, usize>, key: String) -> usize {
    let next = numbers.len() + 1;
    *numbers.entry(key).or_insert(next)
}

/// Appends a footnote definition with `[n]` starting its first line, or on a line of its own
/// when the first line is a link line or a preformatted toggle.
fn push_footnote(out: &mut String, n: usize, body: &str) {
    let marker = format!("[{n}]");
    let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
    if first.starts_with("=>") || first.starts_with("```") {
        out.extend([&marker, "\n", body]);
    } else {
        // The escape space is not needed once the marker starts the line.
        let first = first.strip_prefix(' ').unwrap_or(first);
        let gap = if first.is_empty() { "" } else { " " };
        out.extend([&marker, gap, first, "\n", rest]);
    }
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
    fn wiki_links_name_pages_with_or_without_shown_text() {
        assert_eq!(
            gmi("See [[Other Page]] and [[Talk:Soil|the talk]].\n"),
            "See Other Page and the talk.\n=> /page/Other%20Page Other Page\n=> /page/Talk%3ASoil the talk\n"
        );
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
    fn random_markdown_never_panics_and_stays_well_formed() {
        const PIECES: &[&str] = &[
            "# ",
            "#### ",
            "* ",
            "- ",
            "1. ",
            "> ",
            "```",
            "`",
            "[",
            "]",
            "(",
            ")",
            "[^1]",
            "[^1]: ",
            "**",
            "_",
            "~~",
            "|",
            "|---|",
            "<br>",
            "<div>",
            "<!--",
            "-->",
            "\n",
            "\n\n",
            "  ",
            "=>",
            "text",
            "é",
            "https://x.example/",
            "[[Page]]",
            "![i](p.png)",
            "\r",
            "- [x] ",
        ];
        let mut state: u64 = 0x6d61726b;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3_000 {
            let len = next() % 40;
            let md: String = (0..len)
                .map(|_| PIECES[(next() as usize) % PIECES.len()])
                .collect();
            let out = gmi(&md);
            assert!(!out.contains('\r'), "{md:?}");
        }
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
