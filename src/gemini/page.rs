//! A page's source as the gemtext a reader gets: Markdown converted, a title added when the
//! text has none, and a preformatted block left open by the author closed.

use super::markdown;

/// A page's source as the gemtext a reader gets: Markdown converted, a `# <name>` title
/// added when the text does not open with a level-1 heading, and a preformatted block left
/// open by the author closed, so the page chrome after it renders as text.
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
    let toggles = out.lines().filter(|line| line.starts_with("```")).count();
    if toggles % 2 == 1 {
        out.push_str("```\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
