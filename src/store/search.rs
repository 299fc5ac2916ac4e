//! Full-text search over the current text of live pages (`pages_fts`, kept in step by
//! `pages.rs`). This file owns the one rule that matters for safety: what a person types is
//! read as plain words and never reaches SQLite as FTS5 query syntax.

use rusqlite::params;

use super::{page_name, Result, Store};
use crate::wiki::model::SearchHit;

/// Search words beyond this many are ignored, to bound the cost of one query.
const MAX_SEARCH_WORDS: usize = 16;

/// Tokens around the best match in a search snippet.
const SNIPPET_TOKENS: u32 = 12;

/// Matches ranked per query. Ranking (bm25) costs a few microseconds per matching page, so
/// a word found on most of 100,000 pages would take a quarter of a second to rank in full;
/// past this many matches, the best of the first `RANKED_CANDIDATES` (in page-creation
/// order) are shown. Searches matching fewer pages are ranked exactly.
const RANKED_CANDIDATES: u32 = 2_000;

impl Store {
    /// Live pages containing every word of `words` in their name or text, those with every
    /// word in the name first, then by relevance. Any input is safe: it is read as plain
    /// words, never as FTS5 query syntax.
    pub fn search(&self, words: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(words) else {
            return Ok(Vec::new());
        };
        let in_name = format!("name : ({query})");
        self.read(|conn| {
            let titles = ranked(conn, &in_name, limit)?;
            let mut hits: Vec<(i64, bool)> = titles.iter().map(|id| (*id, true)).collect();
            for id in ranked(conn, &query, limit)? {
                if hits.len() >= limit as usize {
                    break;
                }
                if !titles.contains(&id) {
                    hits.push((id, false));
                }
            }
            // Snippets only for the pages shown: each is a lookup of one row.
            let mut stmt = conn.prepare_cached(
                "SELECT name, snippet(pages_fts, 1, '', '', '…', ?2) FROM pages_fts \
                 WHERE pages_fts MATCH ?1 AND rowid = ?3",
            )?;
            hits.into_iter()
                .map(|(id, title_match)| {
                    let hit = stmt.query_row(params![query, SNIPPET_TOKENS, id], |row| {
                        let snippet: String = row.get(1)?;
                        Ok(SearchHit {
                            name: page_name(row, 0)?,
                            snippet: snippet.split_whitespace().collect::<Vec<_>>().join(" "),
                            title_match,
                        })
                    })?;
                    Ok(hit)
                })
                .collect()
        })
    }
}

/// Row ids of the best `limit` matches of an FTS5 `query`, ranked among at most
/// [`RANKED_CANDIDATES`] matches.
fn ranked(conn: &rusqlite::Connection, query: &str, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM (SELECT rowid AS id, rank AS score FROM pages_fts \
         WHERE pages_fts MATCH ?1 LIMIT ?2) ORDER BY score, id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![query, RANKED_CANDIDATES, limit], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Turns free text into an FTS5 query matching pages that contain every word. Each word
/// becomes a quoted FTS5 string, so operators, column filters, prefixes and `NEAR` typed by
/// a person are only text. `None` if there are no words.
fn fts_query(words: &str) -> Option<String> {
    let tokens: Vec<String> = words
        .split(|c: char| c.is_whitespace() || c.is_control() || c.is_ascii_punctuation())
        .filter(|token| !token.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|token| format!("\"{}\"", token.replace('"', "\"\"")))
        .collect();
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::model::{Author, NewRevision};
    use crate::wiki::{PageFormat, PageName};

    fn save(store: &Store, page: &str, text: &str, now: i64) {
        let name = PageName::new(page).unwrap();
        let rev = NewRevision {
            name: &name,
            text,
            format: PageFormat::Gemtext,
            author: Author::Anonymous,
            comment: None,
            now,
        };
        store.save_revision(rev).unwrap();
    }

    fn found(store: &Store, words: &str) -> Vec<String> {
        let hits = store.search(words, 50).unwrap();
        hits.into_iter().map(|hit| hit.name.to_string()).collect()
    }

    fn memory() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn search_ranks_pages_named_by_the_words_first() {
        let store = memory();
        save(&store, "Notes", "gardening gardening gardening tips", 1);
        save(&store, "Gardening Tips", "about plants", 2);
        save(&store, "Gardening", "about soil and tips", 3);
        let hits = store.search("gardening tips", 10).unwrap();
        let names: Vec<_> = hits.iter().map(|hit| hit.name.as_str()).collect();
        assert_eq!(names[0], "Gardening Tips");
        assert!(hits[0].title_match);
        assert_eq!(names.len(), 3);
        assert!(!hits[1].title_match && !hits[2].title_match);
        assert_eq!(store.search("gardening", 1).unwrap().len(), 1);
    }

    #[test]
    fn search_words_are_never_fts_syntax() {
        let store = memory();
        save(&store, "Tricky", "axxb and NEAR things", 1);
        save(&store, "Plain", "a b c", 1);
        assert!(found(&store, "a.*b").iter().all(|name| name != "Tricky"));
        assert_eq!(found(&store, "a.*b"), ["Plain"]);
        let inputs = [
            "\"",
            "*",
            "NEAR(",
            "-foo",
            "a.*b",
            "AND OR",
            "NOT",
            "name:axxb",
            "{name}: x",
            "^axxb",
            "axxb*",
            "(",
            ")",
            "''",
            "\"unbalanced",
            "«»",
            "…",
            "a\"b",
            "\u{0}",
            "NEAR(axxb things, 2)",
            "+",
            "-",
            ":",
            "body : axxb",
        ];
        for input in inputs {
            assert!(store.search(input, 10).is_ok(), "{input:?}");
        }
        for c in (0u8..128)
            .map(char::from)
            .chain(['\u{301}', '\u{200b}', '\u{ffff}'])
        {
            let input = format!("{c} axxb{c}things {c}{c}");
            assert!(store.search(&input, 10).is_ok(), "{input:?}");
        }
        assert_eq!(found(&store, "NEAR(axxb"), ["Tricky"]);
        assert_eq!(found(&store, "-axxb"), ["Tricky"]);
        let many = "word ".repeat(1000);
        assert!(store.search(&many, 10).unwrap().is_empty());
    }

    #[test]
    fn empty_words_find_nothing() {
        let store = memory();
        save(&store, "Home", "anything", 1);
        for input in ["", "   ", "...", "\t\n"] {
            assert!(store.search(input, 10).unwrap().is_empty(), "{input:?}");
        }
    }

    #[test]
    fn search_folds_case_and_diacritics() {
        let store = memory();
        save(&store, "Café", "Crème brûlée", 1);
        assert_eq!(found(&store, "CREME"), ["Café"]);
        assert_eq!(found(&store, "cafe brulee"), ["Café"]);
    }

    #[test]
    fn snippet_is_one_plain_line() {
        let store = memory();
        let mut body = String::from("# Heading\n\n=> link somewhere\n");
        body.push_str(&"filler words here\n".repeat(30));
        body.push_str("the needle sits here\n");
        body.push_str(&"more filler words\n".repeat(30));
        save(&store, "Haystack", &body, 1);
        let hits = store.search("needle", 10).unwrap();
        let snippet = &hits[0].snippet;
        assert!(snippet.contains("needle"), "{snippet}");
        assert!(snippet.contains('…'), "{snippet}");
        assert!(
            !snippet.contains('\n') && !snippet.contains("  "),
            "{snippet}"
        );
        assert!(snippet.split(' ').count() <= 16, "{snippet}");
    }

    #[test]
    fn each_word_becomes_one_quoted_string() {
        assert_eq!(fts_query("a.*b"), Some("\"a\" \"b\"".to_owned()));
        assert_eq!(fts_query("NEAR(x"), Some("\"NEAR\" \"x\"".to_owned()));
        assert_eq!(fts_query(" -- "), None);
        let many = "w ".repeat(100);
        assert_eq!(
            fts_query(&many).unwrap().matches('"').count(),
            2 * MAX_SEARCH_WORDS
        );
    }
}
