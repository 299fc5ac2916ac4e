//! Three-way line merge of concurrent edits: the revision an editor started from (the base),
//! what the page became meanwhile (current) and what the editor uploads. The merge itself is
//! `diffy`'s; this module only names the outcome. Pure: no I/O, no clock.

use crate::wiki::model::{Author, SaveOutcome};
use crate::wiki::{PageFormat, PageName};

/// A text upload to be saved, merged, or kept as a draft.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub name: &'a PageName,
    /// The revision the uploader started from and its text; `None` replaces whatever is
    /// current (scripts).
    pub base: Option<(u32, &'a str)>,
    pub text: &'a str,
    /// `None` (a `text/plain` upload) keeps the page's current format, gemtext for a new page.
    pub format: Option<PageFormat>,
    pub author: Author,
    /// Unix seconds, UTC.
    pub now: i64,
}

/// What saving an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// The page was still at the base (or no base was given): saved as sent.
    Saved(SaveOutcome),
    /// The page had moved on to revision `with`; the clean merge was saved.
    Merged { outcome: SaveOutcome, with: u32 },
    /// The edits overlap with revision `against`: nothing was saved; the upload is kept as
    /// draft `id`.
    Conflict { id: String, against: u32 },
}

/// An upload kept because it conflicted, as `/do/draft/<id>` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub name: PageName,
    pub base: u32,
    pub against: u32,
    /// The upload as sent.
    pub text: String,
    pub format: PageFormat,
    /// The three-way merge, conflicts marked.
    pub merged: String,
    /// The uploader's account id, if it was an account.
    pub author_id: Option<i64>,
    pub created: i64,
}

/// The result of merging an upload into a page that moved on since its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// The two edits touch different lines: the text holding both.
    Clean(String),
    /// The edits overlap: the merged text with diff3 markers around each overlap: `<<<<<<<
    /// ours` the current text, `||||||| original` the base, `=======` the upload, `>>>>>>>
    /// theirs`.
    Conflict(String),
}

/// Merges `upload` (made from `base`) with `current` (also made from `base`), line by line.
pub fn three_way(base: &str, current: &str, upload: &str) -> Merge {
    match diffy::merge(base, current, upload) {
        Ok(text) => Merge::Clean(text),
        Err(marked) => Merge::Conflict(marked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_of_different_lines_merge_cleanly() {
        let base = "one\ntwo\nthree\n";
        let current = "ONE\ntwo\nthree\n";
        let upload = "one\ntwo\nTHREE\n";
        assert_eq!(
            three_way(base, current, upload),
            Merge::Clean("ONE\ntwo\nTHREE\n".into())
        );
    }

    #[test]
    fn overlapping_edits_conflict_with_both_sides_marked() {
        let Merge::Conflict(text) = three_way("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n") else {
            panic!("expected a conflict");
        };
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "a",
                "<<<<<<< ours",
                "X",
                "||||||| original",
                "b",
                "=======",
                "Y",
                ">>>>>>> theirs",
                "c"
            ]
        );
    }
}
