//! gemtext → the blocks of an HTML page, with kineto's and Phoebe's conventions: `#`–`###`
//! headings (the first names the page), one paragraph per text line, runs of link lines as
//! one list, preformatted blocks (alt text kept for `aria-label`), quotes and lists. Pure and
//! text-only: the blocks hold plain text, and the auto-escaping `gemtext.html` template
//! writes the markup, so nothing here builds HTML out of user text.

use serde::Serialize;

use crate::gemini::Authority;

/// One block of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Consecutive link lines.
    Links {
        links: Vec<Link>,
    },
    /// A preformatted block, byte-exact, without its toggle lines.
    Pre {
        alt: String,
        text: String,
    },
    /// Consecutive quote lines, one paragraph each.
    Quote {
        lines: Vec<String>,
    },
    /// Consecutive `* ` lines.
    List {
        items: Vec<String>,
    },
}

/// A link line: where it goes on the web, and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// `None` when the URL's scheme is not one a page may link to; the label is then text.
    pub href: Option<String>,
    pub label: String,
}

/// A page's gemtext as blocks, and its title (the first heading).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

/// How link targets are rewritten for the web.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// This capsule's hosts and Gemini port: `gemini://` links to it become relative.
    pub own: &'a Authority,
    /// Prefix for relative paths (`Bar` → `/page/Bar` on the home page, shown at `/` but
    /// written as `/page/<main page>`); `None` leaves them to the browser.
    pub relative_base: Option<&'a str>,
}

/// Schemes a page may link to. Defends against script injection through links: an author's
/// `=> javascript:…` or `=> data:text/html,…` line must not become a clickable script.
const SAFE_SCHEMES: &[&str] = &[
    "gemini", "titan", "gopher", "finger", "spartan", "http", "https", "mailto", "xmpp", "irc",
];

/// Splits `gemtext` into blocks.
pub fn to_document(gemtext: &str, links: Links<'_>) -> Document {
    let mut doc = Document::default();
    let mut lines = gemtext.lines();
    while let Some(line) = lines.next() {
        if let Some(alt) = line.strip_prefix("```") {
            let mut body = Vec::new();
            for inner in lines.by_ref() {
                if inner.starts_with("```") {
                    break;
                }
                body.push(inner);
            }
            doc.blocks.push(Block::Pre {
                alt: alt.trim().to_string(),
                text: body.join("\n"),
            });
        } else {
            push_line(&mut doc, line, links);
        }
    }
    doc
}

/// Adds one non-preformatted line, joining it to the block before when it continues it.
fn push_line(doc: &mut Document, line: &str, links: Links<'_>) {
    if let Some(rest) = line.strip_prefix("=>") {
        let link = link_line(rest, links);
        match doc.blocks.last_mut() {
            Some(Block::Links { links }) => links.push(link),
            _ => doc.blocks.push(Block::Links { links: vec![link] }),
        }
    } else if let Some(item) = line.strip_prefix("* ") {
        match doc.blocks.last_mut() {
            Some(Block::List { items }) => items.push(item.to_string()),
            _ => doc.blocks.push(Block::List {
                items: vec![item.to_string()],
            }),
        }
    } else if let Some(quoted) = line.strip_prefix('>') {
        let quoted = quoted.trim_start().to_string();
        match doc.blocks.last_mut() {
            Some(Block::Quote { lines }) => lines.push(quoted),
            _ => doc.blocks.push(Block::Quote {
                lines: vec![quoted],
            }),
        }
    } else if line.starts_with('#') {
        let level = line.bytes().take_while(|&b| b == b'#').count().min(3);
        let text = line[level..].trim().to_string();
        if doc.title.is_none() && !text.is_empty() {
            doc.title = Some(text.clone());
        }
        doc.blocks.push(Block::Heading {
            level: u8::try_from(level).unwrap_or(3),
            text,
        });
    } else if !line.trim().is_empty() {
        doc.blocks.push(Block::Paragraph {
            text: line.to_string(),
        });
    }
}

/// `=>[ ]url[ label]` → a [`Link`] whose label is the URL when none is given.
fn link_line(rest: &str, links: Links<'_>) -> Link {
    let rest = rest.trim();
    let (url, label) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    Link {
        href: web_href(url, links),
        label: if label.is_empty() { url } else { label }.to_string(),
    }
}

/// Where a gemtext link goes on the web: links to this capsule become relative paths,
/// foreign `gemini://` links stay as they are (this is no proxy), unsafe schemes go nowhere.
pub fn web_href(url: &str, links: Links<'_>) -> Option<String> {
    if url.is_empty() {
        return None;
    }
    let Some(scheme) = scheme_of(url) else {
        return Some(match links.relative_base {
            Some(base) if !url.starts_with(['/', '?', '#']) => format!("{base}{url}"),
            _ => url.to_string(),
        });
    };
    let scheme = scheme.to_ascii_lowercase();
    if !SAFE_SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    if scheme == "gemini" {
        if let Some(path) = own_path(&url[scheme.len() + 1..], links.own) {
            return Some(path);
        }
    }
    Some(url.to_string())
}

/// The scheme of an absolute URL: letters, digits, `+-.` before the first `:` that comes
/// before any `/`, `?` or `#`.
fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    let scheme = &url[..end];
    let valid = url[end..].starts_with(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(scheme)
}

/// For `//host[:port]/path?query` naming this capsule, the relative `/path?query`.
fn own_path(after_scheme: &str, own: &Authority) -> Option<String> {
    let rest = after_scheme.strip_prefix("//")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let ours = own.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
        && port.is_none_or(|p| p.is_empty() || p.parse() == Ok(own.port));
    ours.then(|| match path {
        "" => "/".to_string(),
        p if p.starts_with('/') => p.to_string(),
        p => format!("/{p}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Authority {
        Authority {
            hosts: vec!["wiki.example".into(), "localhost".into()],
            port: 1965,
        }
    }

    fn doc(text: &str) -> Document {
        to_document(
            text,
            Links {
                own: &own(),
                relative_base: None,
            },
        )
    }

    fn href(url: &str) -> Option<String> {
        web_href(
            url,
            Links {
                own: &own(),
                relative_base: None,
            },
        )
    }

    fn link(href: &str, label: &str) -> Link {
        Link {
            href: Some(href.into()),
            label: label.into(),
        }
    }

    #[test]
    fn headings_up_to_three_levels_and_the_first_is_the_title() {
        let d = doc("## Sub\n# Top\n#### Deep\n#NoSpace\n");
        assert_eq!(d.title.as_deref(), Some("Sub"));
        let heading = |level, text: &str| Block::Heading {
            level,
            text: text.into(),
        };
        assert_eq!(
            d.blocks,
            [
                heading(2, "Sub"),
                heading(1, "Top"),
                heading(3, "# Deep"),
                heading(1, "NoSpace")
            ]
        );
    }

    #[test]
    fn one_paragraph_per_text_line_and_blank_lines_vanish() {
        let d = doc("one\n\ntwo\nthree\n");
        let p = |t: &str| Block::Paragraph { text: t.into() };
        assert_eq!(d.blocks, [p("one"), p("two"), p("three")]);
        assert_eq!(d.title, None);
    }

    #[test]
    fn consecutive_link_lines_are_one_list_and_a_missing_label_is_the_url() {
        let d = doc("=> /a A\n=>/b\n=> c\tSee c\ntext\n=> /d D\n");
        assert_eq!(
            d.blocks,
            [
                Block::Links {
                    links: vec![link("/a", "A"), link("/b", "/b"), link("c", "See c")]
                },
                Block::Paragraph {
                    text: "text".into()
                },
                Block::Links {
                    links: vec![link("/d", "D")]
                },
            ]
        );
    }

    #[test]
    fn preformatted_text_is_byte_exact_with_its_alt_text() {
        let d = doc("```rust code\n  let x = 1;\n\n# not a heading\n=> not a link\n```\nafter\n");
        assert_eq!(
            d.blocks[0],
            Block::Pre {
                alt: "rust code".into(),
                text: "  let x = 1;\n\n# not a heading\n=> not a link".into()
            }
        );
        assert_eq!(d.title, None);
        assert_eq!(d.blocks.len(), 2);
    }

    #[test]
    fn quotes_and_list_items_group() {
        let d = doc("> a\n>b\n* x\n* y\n");
        assert_eq!(
            d.blocks,
            [
                Block::Quote {
                    lines: vec!["a".into(), "b".into()]
                },
                Block::List {
                    items: vec!["x".into(), "y".into()]
                }
            ]
        );
    }

    #[test]
    fn own_host_links_become_relative_and_foreign_ones_stay() {
        assert_eq!(
            href("gemini://wiki.example/page/A").as_deref(),
            Some("/page/A")
        );
        assert_eq!(href("gemini://LOCALHOST:1965/x?q").as_deref(), Some("/x?q"));
        assert_eq!(href("gemini://wiki.example").as_deref(), Some("/"));
        // Another port on the same host is another server.
        assert_eq!(
            href("gemini://wiki.example:1966/a").as_deref(),
            Some("gemini://wiki.example:1966/a")
        );
        assert_eq!(
            href("gemini://other.example/a").as_deref(),
            Some("gemini://other.example/a")
        );
        assert_eq!(
            href("https://example.org/").as_deref(),
            Some("https://example.org/")
        );
        assert_eq!(href("Other%20Page").as_deref(), Some("Other%20Page"));
    }

    #[test]
    fn script_schemes_are_not_links() {
        assert_eq!(href("javascript:alert(1)"), None);
        assert_eq!(href("JavaScript:alert(1)"), None);
        assert_eq!(href("data:text/html,<script>x</script>"), None);
        assert_eq!(href("vbscript:x"), None);
        let d = doc("=> javascript:alert(1) Click me\n");
        assert_eq!(
            d.blocks,
            [Block::Links {
                links: vec![Link {
                    href: None,
                    label: "Click me".into()
                }]
            }]
        );
    }

    #[test]
    fn relative_links_can_be_given_a_base() {
        let links = Links {
            own: &own(),
            relative_base: Some("/page/"),
        };
        assert_eq!(web_href("Other", links).as_deref(), Some("/page/Other"));
        assert_eq!(web_href("/do/index", links).as_deref(), Some("/do/index"));
    }
}
