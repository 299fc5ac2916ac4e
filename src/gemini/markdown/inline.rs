//! Inline pieces of the Markdown conversion: where a link points, and HTML reduced to its
//! text.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use pulldown_cmark::LinkType;

/// Page names keep RFC 3986 unreserved characters and encode everything else.
const PAGE_NAME: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URL for a link line, or `None` for a link that is dropped. A `[[wiki link]]` always
/// names a page, even one whose name looks like a URL scheme (`[[Talk:Gardening]]`).
pub(super) fn resolve_url(kind: LinkType, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if kind == LinkType::Email && !dest.starts_with("mailto:") {
        return Some(format!("mailto:{dest}"));
    }
    let wiki_link = matches!(kind, LinkType::WikiLink { .. });
    if !wiki_link && (has_scheme(dest) || dest.starts_with('/')) {
        return Some(dest.replace(|c: char| c.is_ascii_whitespace(), "%20"));
    }
    let mut path = dest.split_once('#').map_or(dest, |(path, _)| path);
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let name = percent_decode_str(path).decode_utf8_lossy();
    let url = format!("/page/{}", utf8_percent_encode(&name, PAGE_NAME));
    (!name.is_empty()).then_some(url)
}

/// True if `url` starts with an RFC 3986 scheme and a colon.
fn has_scheme(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Drops HTML tags and comments, keeping the text between them; `<br>` becomes `\n`.
pub(super) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Once a search for a closer fails, every later one would too: not searching again keeps
    // input like `<a<a<a…` linear.
    let (mut gt_left, mut comment_end_left) = (true, true);
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        let tag_like =
            tail[1..].starts_with(|c: char| c.is_ascii_alphabetic() || "/!?".contains(c));
        let end = if tail.starts_with("<!--") && comment_end_left {
            let end = tail.find("-->").map(|i| i + 3);
            comment_end_left = end.is_some();
            end
        } else if tag_like && gt_left {
            let end = tail.find('>').map(|i| i + 1);
            gt_left = end.is_some();
            end
        } else {
            None
        };
        let Some(end) = end else {
            out.push('<');
            rest = &tail[1..];
            continue;
        };
        let name = tail[1..end].trim_end_matches(['>', '/', ' ']);
        if name.eq_ignore_ascii_case("br") {
            out.push('\n');
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
