//! A page's source as the gemtext a reader gets: Markdown converted, a title added when the
//! text has none, and a preformatted block left open by the author closed.

use super::markdown;

/// Smallest output bound: every page may render this much.
const MIN_RENDER_BOUND: usize = 256 * 1024;

/// Ends a rendered page cut at [`render_bound`].
pub const RENDER_CUT: &str = "[The rest of this page is not shown: it renders to more than \
     four times its source. Its source is complete on the raw page.]";

/// Most bytes a page of `source_len` bytes renders to: max(4 × source, 256 KiB). Defends
/// against Markdown that expands (a 98 KB page once rendered to 47 MB) making every view
/// cost memory and bandwidth out of proportion to what its author stored.
pub fn render_bound(source_len: usize) -> usize {
    source_len.saturating_mul(4).max(MIN_RENDER_BOUND)
}

/// A page's source as the gemtext a reader gets: Markdown converted, a `# <title>` added
/// when the text does not open with a level-1 heading, a preformatted block left open by the
/// author closed, so the page chrome after it renders as text, and at most
/// [`render_bound`] bytes (past it, whole lines up to the bound and the [`RENDER_CUT`] note).
pub fn render(title: &str, text: &str, is_markdown: bool) -> String {
    let body = if is_markdown {
        markdown::to_gemtext(text)
    } else {
        text.replace("\r\n", "\n")
    };
    let first = body.lines().find(|line| !line.trim().is_empty());
    let titled = first.is_some_and(|line| line.starts_with("# ") || line == "#");
    let mut out = String::with_capacity(body.len() + title.len() + 4);
    if !titled {
        out.push_str("# ");
        out.push_str(title);
        out.push_str("\n\n");
    }
    out.push_str(body.trim_end_matches('\n'));
    out.push('\n');
    let bound = render_bound(text.len());
    let cut = out.len() > bound;
    if cut {
        let end = out[..bound].rfind('\n').map_or(0, |at| at + 1);
        out.truncate(end);
    }
    let toggles = out.lines().filter(|line| line.starts_with("```")).count();
    if toggles % 2 == 1 {
        out.push_str("```\n");
    }
    if cut {
        out.extend(["\n", RENDER_CUT, "\n"]);
    }
    out
}

/// `text` (rendered gemtext) with every relative link target resolved against `base`, the
/// path the page lives at (e.g. `/page/Welcome`), so the page can be shown elsewhere — the
/// main page at `/` — and its links still lead where they do on its own URL (RFC 3986 §5.2:
/// merge with the base's directory, then remove dot segments). Absolute URLs, root-relative
/// paths and preformatted text are left as they are.
pub fn resolve_links(text: &str, base: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut preformatted = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") {
            preformatted = !preformatted;
        }
        match line.strip_prefix("=>").filter(|_| !preformatted) {
            Some(rest) => {
                let target_at = rest.len() - rest.trim_start().len();
                let target_len = rest[target_at..]
                    .find(char::is_whitespace)
                    .unwrap_or(rest.len() - target_at);
                let target = &rest[target_at..target_at + target_len];
                out.push_str("=>");
                out.push_str(&rest[..target_at]);
                out.push_str(&resolve(target, base));
                out.push_str(&rest[target_at + target_len..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// One reference resolved against `base` (an absolute path).
fn resolve(target: &str, base: &str) -> String {
    let scheme = target.split_once(':').map_or("", |(scheme, _)| scheme);
    let has_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if target.is_empty() || has_scheme || target.starts_with('/') {
        return target.to_string();
    }
    if target.starts_with('?') || target.starts_with('#') {
        return format!("{base}{target}");
    }
    let split = target.find(['?', '#']).unwrap_or(target.len());
    let dir = &base[..base.rfind('/').map_or(0, |at| at + 1)];
    let merged = format!("{dir}{}", &target[..split]);
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = merged.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *part {
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            "." if last => segments.push(""),
            "." => {}
            part => segments.push(part),
        }
    }
    format!("/{}{}", segments.join("/"), &target[split..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_as_on_the_page_own_url() {
        let text = "=> Other Page one\n=>\t../raw/Welcome  src\n=> ./Café\n\
                    => /do/index i\n=> gemini://x.org/a x\n=> ?q\n```\n=> Pre\n```\ntext\n";
        let expected = "=> /page/Other Page one\n=>\t/raw/Welcome  src\n=> /page/Café\n\
                        => /do/index i\n=> gemini://x.org/a x\n=> /page/Welcome?q\n\
                        ```\n=> Pre\n```\ntext\n";
        assert_eq!(resolve_links(text, "/page/Welcome"), expected);
        assert_eq!(resolve("../../..", "/page/W"), "/");
        assert_eq!(resolve("a/./b/../c#f", "/page/W"), "/page/a/c#f");
    }

    #[test]
    fn adds_a_title_only_when_the_page_has_none() {
        assert_eq!(render("A", "text\n", false), "# A\n\ntext\n");
        assert_eq!(render("A", "\n# Own\nx", false), "\n# Own\nx\n");
        assert_eq!(render("A", "## Sub\n", false), "# A\n\n## Sub\n");
    }

    #[test]
    fn closes_a_preformatted_block_left_open() {
        assert_eq!(
            render("A", "# A\n```\ncode", false),
            "# A\n```\ncode\n```\n"
        );
    }

    #[test]
    fn output_past_the_bound_is_cut_at_a_line_with_a_note() {
        // Within the padded-cell cap, yet ~430 KB from ~2 KB: 25 columns padded to 40 chars.
        let header = format!("| {} |", vec!["h".repeat(40); 25].join(" | "));
        let md = format!("{header}\n|{}\n{}", "-|".repeat(25), "x\n".repeat(400));
        let out = render("A", &md, true);
        assert!(
            out.len() <= MIN_RENDER_BOUND + RENDER_CUT.len() + 8,
            "{}",
            out.len()
        );
        let tail: Vec<&str> = out.lines().rev().take(4).collect();
        assert_eq!(tail[..3], [RENDER_CUT, "", "```"]);
        assert!(tail[3].starts_with("| x "), "{}", tail[3]);
    }

    /// Issue 11's padded-tables page: 34 tables whose header is wide and whose rows hold
    /// one cell each, ~98 KB in all; it rendered to 47 MB.
    fn padded_tables() -> String {
        let columns = 380;
        let table = format!(
            "| {} |\n|{}\n{}\n",
            "h | ".repeat(columns - 1) + "h",
            "-|".repeat(columns),
            "x\n".repeat(300)
        );
        let mut page = String::from("# Tables\n\nIntro text.\n\n");
        for _ in 0..34 {
            page.push_str(&table);
        }
        page
    }

    #[test]
    fn padded_tables_are_cut_with_a_note() {
        let page = padded_tables();
        assert!((95_000..=100_000).contains(&page.len()), "{}", page.len());
        let out = render("T", &page, true);
        assert!(out.len() <= 1 << 20, "{} bytes", out.len());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            ["# Tables", "", "Intro text.", "", markdown::TABLES_CUT]
        );
    }
}
