//! The web view's routes: an HTTP path and query → [`WebRoute`], pure. The paths are the
//! Gemini ones (`/page/<name>`, `/history/<name>`, `/do/index`, …), so a page's relative
//! links work in both views; [`url`] builds them back (the router's inverse).

use percent_encoding::percent_decode_str;

use crate::wiki::{PageName, PageNameError};

/// What a web request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebRoute {
    Home,
    Style,
    Robots,
    Page {
        name: PageName,
        rev: Option<u32>,
    },
    Raw {
        name: PageName,
        rev: Option<u32>,
    },
    History {
        name: PageName,
        page: u32,
    },
    Diff {
        name: PageName,
        rev: u32,
    },
    Index {
        page: u32,
    },
    Changes {
        page: u32,
    },
    Atom,
    /// The search form, and its results when `words` is not empty.
    Search {
        words: String,
    },
    /// An uploaded file: the current version, or version `version`.
    File {
        name: PageName,
        version: Option<u32>,
    },
    /// Gemini-only routes (editing, accounts): the page says so and links the twin.
    GeminiOnly,
    NotFound,
}

/// Why a path is not a route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebRouteError {
    #[error("invalid page name: {0}")]
    BadName(#[from] PageNameError),
    #[error("a revision is a positive whole number, like /page/Welcome/2")]
    BadRevision,
    #[error("the path is not valid percent-encoded UTF-8")]
    BadEncoding,
}

/// Routes `path` (still percent-encoded) with its `query`.
///
/// # Errors
/// A segment that is not UTF-8, an invalid page name or revision number.
pub fn route(path: &str, query: Option<&str>) -> Result<WebRoute, WebRouteError> {
    let decoded = path
        .split('/')
        .skip(1)
        .map(|s| percent_decode_str(s).decode_utf8().map(|c| c.into_owned()))
        .collect::<Result<Vec<String>, _>>()
        .map_err(|_| WebRouteError::BadEncoding)?;
    let mut segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    if segments.last() == Some(&"") {
        segments.pop();
    }
    let page = list_page(query);
    let name = |s: &str| PageName::new(s);
    Ok(match segments.as_slice() {
        [] => WebRoute::Home,
        ["style.css"] => WebRoute::Style,
        ["robots.txt"] => WebRoute::Robots,
        ["page", n] => WebRoute::Page {
            name: name(n)?,
            rev: None,
        },
        ["page", n, r] => WebRoute::Page {
            name: name(n)?,
            rev: Some(revision(r)?),
        },
        ["raw", n] => WebRoute::Raw {
            name: name(n)?,
            rev: None,
        },
        ["raw", n, r] => WebRoute::Raw {
            name: name(n)?,
            rev: Some(revision(r)?),
        },
        ["history", n] => WebRoute::History {
            name: name(n)?,
            page,
        },
        ["diff", n, r] => WebRoute::Diff {
            name: name(n)?,
            rev: revision(r)?,
        },
        ["file", n] => WebRoute::File {
            name: name(n)?,
            version: None,
        },
        ["file", n, v] => WebRoute::File {
            name: name(n)?,
            version: Some(revision(v)?),
        },
        ["do", "index"] => WebRoute::Index { page },
        ["do", "changes"] => WebRoute::Changes { page },
        ["do", "atom"] => WebRoute::Atom,
        ["do", "search"] => WebRoute::Search {
            words: form_value(query, "q"),
        },
        ["do", ..] => WebRoute::GeminiOnly,
        _ => WebRoute::NotFound,
    })
}

fn revision(segment: &str) -> Result<u32, WebRouteError> {
    match segment.parse::<u32>() {
        Ok(n) if n > 0 && segment.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(WebRouteError::BadRevision),
    }
}

/// `?page=N` of a list (1 when absent or invalid).
fn list_page(query: Option<&str>) -> u32 {
    form_value(query, "page")
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// The value of `key` in an `application/x-www-form-urlencoded` query, as one line.
fn form_value(query: Option<&str>, key: &str) -> String {
    let Some(query) = query else {
        return String::new();
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| {
            let spaced = v.replace('+', " ");
            let text = percent_decode_str(&spaced).decode_utf8_lossy();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .unwrap_or_default()
}

/// Builds the web view's URLs, the inverse of [`route`].
pub mod url {
    use crate::wiki::PageName;

    pub fn page(name: &PageName) -> String {
        format!("/page/{}", name.encoded())
    }

    pub fn revision(name: &PageName, rev: u32) -> String {
        format!("/page/{}/{rev}", name.encoded())
    }

    pub fn raw(name: &PageName, rev: Option<u32>) -> String {
        match rev {
            Some(rev) => format!("/raw/{}/{rev}", name.encoded()),
            None => format!("/raw/{}", name.encoded()),
        }
    }

    pub fn history(name: &PageName) -> String {
        format!("/history/{}", name.encoded())
    }

    pub fn diff(name: &PageName, rev: u32) -> String {
        format!("/diff/{}/{rev}", name.encoded())
    }

    /// An uploaded file (its current version).
    pub fn file(name: &PageName) -> String {
        format!("/file/{}", name.encoded())
    }

    /// One uploaded version of a file.
    pub fn file_version(name: &PageName, version: u32) -> String {
        format!("/file/{}/{version}", name.encoded())
    }

    /// `base` for page 1, `base?page=N` after.
    pub fn list_page(base: &str, page: u32) -> String {
        if page <= 1 {
            base.to_string()
        } else {
            format!("{base}?page={page}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str) -> PageName {
        PageName::new(name).unwrap()
    }

    #[test]
    fn paths_map_to_routes() {
        let table = [
            ("/", None, WebRoute::Home),
            ("/style.css", None, WebRoute::Style),
            ("/robots.txt", None, WebRoute::Robots),
            (
                "/page/Caf%C3%A9",
                None,
                WebRoute::Page {
                    name: n("Café"),
                    rev: None,
                },
            ),
            (
                "/page/A/2",
                None,
                WebRoute::Page {
                    name: n("A"),
                    rev: Some(2),
                },
            ),
            (
                "/raw/A/3",
                None,
                WebRoute::Raw {
                    name: n("A"),
                    rev: Some(3),
                },
            ),
            (
                "/history/A",
                Some("page=2"),
                WebRoute::History {
                    name: n("A"),
                    page: 2,
                },
            ),
            (
                "/diff/A/1",
                None,
                WebRoute::Diff {
                    name: n("A"),
                    rev: 1,
                },
            ),
            (
                "/file/logo.png",
                None,
                WebRoute::File {
                    name: n("logo.png"),
                    version: None,
                },
            ),
            (
                "/file/logo.png/2",
                None,
                WebRoute::File {
                    name: n("logo.png"),
                    version: Some(2),
                },
            ),
            ("/do/index", Some("page=x"), WebRoute::Index { page: 1 }),
            ("/do/changes/", None, WebRoute::Changes { page: 1 }),
            ("/do/atom", None, WebRoute::Atom),
            ("/do/edit/A", None, WebRoute::GeminiOnly),
            ("/nothing", None, WebRoute::NotFound),
        ];
        for (path, query, expected) in table {
            assert_eq!(route(path, query), Ok(expected), "{path}");
        }
    }

    #[test]
    fn search_words_come_from_the_form_field() {
        let words = |q| match route("/do/search", q) {
            Ok(WebRoute::Search { words }) => words,
            other => panic!("{other:?}"),
        };
        assert_eq!(words(None), "");
        assert_eq!(words(Some("q=caf%C3%A9+au++lait")), "café au lait");
        assert_eq!(words(Some("x=1&q=a%0Ab")), "a b");
    }

    #[test]
    fn bad_revisions_and_encodings_are_errors() {
        assert_eq!(route("/page/A/0", None), Err(WebRouteError::BadRevision));
        assert_eq!(route("/page/A/+1", None), Err(WebRouteError::BadRevision));
        assert_eq!(route("/page/%FF", None), Err(WebRouteError::BadEncoding));
    }

    #[test]
    fn urls_invert_the_router() {
        let name = n("Alex’s Notes");
        assert_eq!(
            route(&url::revision(&name, 4), None),
            Ok(WebRoute::Page {
                name: name.clone(),
                rev: Some(4)
            })
        );
        let file = n("a map.pdf");
        assert_eq!(
            route(&url::file(&file), None),
            Ok(WebRoute::File {
                name: file.clone(),
                version: None
            })
        );
        assert_eq!(
            route(&url::file_version(&file, 2), None),
            Ok(WebRoute::File {
                name: file,
                version: Some(2)
            })
        );
        assert_eq!(url::list_page("/do/index", 1), "/do/index");
        assert_eq!(url::list_page("/do/index", 3), "/do/index?page=3");
    }
}
