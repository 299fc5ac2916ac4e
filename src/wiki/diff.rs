//! The line diff between two revisions, bounded in time and in size: a unified diff when it
//! is cheap to compute and to read, otherwise a one-line summary. Pure: no I/O; the caller
//! gives the text of both revisions and chooses where this runs.

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, TextDiff};

/// Longest the diff algorithm may search for a minimal diff. Defends against a slow-diff
/// attack: two 100 KiB revisions with no line in common made Myers' O(ND) search run 23 s.
pub const DIFF_TIME: Duration = Duration::from_millis(300);

/// Largest unified diff shown, in bytes; bigger diffs become a summary, so that a
/// rewritten page does not become a response several times its size.
pub const MAX_DIFF_BYTES: usize = 256 * 1024;

/// What a revision changed, as it can be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineDiff {
    /// The texts are equal.
    Unchanged,
    /// A unified diff (three lines of context), lines starting with three backticks
    /// indented by one space so the diff cannot close the preformatted block around it.
    Hunks(String),
    /// The diff was too slow or too large to show line by line.
    Summary(DiffSummary),
}

/// Line counts of a diff too large (or too slow) to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffSummary {
    /// Lines of the old text removed or replaced.
    pub removed: usize,
    /// Lines of the new text added or replacing.
    pub added: usize,
    /// The deadline ran out, so the counts come from an approximate (non-minimal) diff.
    pub approximate: bool,
}

impl DiffSummary {
    /// A one-line description for revision `rev`, e.g. "Revision 7 replaced 51,000 lines
    /// with 49,000 lines; the change is too large to show line by line."
    pub fn describe(&self, rev: u32) -> String {
        let about = if self.approximate { "about " } else { "" };
        let count = |n| format!("{about}{}", lines(n));
        let what = match (self.removed, self.added) {
            (0, added) => format!("added {}", count(added)),
            (removed, 0) => format!("removed {}", count(removed)),
            (removed, added) => format!("replaced {} with {}", count(removed), count(added)),
        };
        format!("Revision {rev} {what}; the change is too large to show line by line.")
    }
}

/// Diffs `old` against `new` line by line within [`DIFF_TIME`] and [`MAX_DIFF_BYTES`].
pub fn line_diff(old: &str, new: &str) -> LineDiff {
    line_diff_within(old, new, DIFF_TIME, MAX_DIFF_BYTES)
}

/// [`line_diff`] with explicit bounds.
pub fn line_diff_within(old: &str, new: &str, time: Duration, max_bytes: usize) -> LineDiff {
    if old == new {
        return LineDiff::Unchanged;
    }
    let deadline = Instant::now() + time;
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(deadline)
        .diff_lines(old, new);
    let approximate = Instant::now() >= deadline;
    let (removed, added) = counts(&diff);
    let summary = LineDiff::Summary(DiffSummary {
        removed,
        added,
        approximate,
    });
    // The changed lines alone bound the diff's size from below: checked before building it.
    if approximate || changed_bytes(&diff) > max_bytes {
        return summary;
    }
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(false)
        .to_string();
    if unified.len() > max_bytes {
        return summary;
    }
    if unified.is_empty() {
        return LineDiff::Unchanged;
    }
    LineDiff::Hunks(fence_safe(&unified))
}

/// Lines removed and added by the diff's operations.
fn counts(diff: &TextDiff<'_, '_, '_, str>) -> (usize, usize) {
    diff.ops().iter().fold((0, 0), |(removed, added), op| {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => (removed, added),
            DiffTag::Delete => (removed + old.len(), added),
            DiffTag::Insert => (removed, added + new.len()),
            DiffTag::Replace => (removed + old.len(), added + new.len()),
        }
    })
}

/// Bytes of the changed lines alone: a lower bound on the unified diff's size.
fn changed_bytes(diff: &TextDiff<'_, '_, '_, str>) -> usize {
    let (old, new) = (diff.old_slices(), diff.new_slices());
    diff.ops()
        .iter()
        .map(|op| {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                return 0;
            }
            let removed: usize = old[old_range].iter().map(|line| line.len() + 1).sum();
            let added: usize = new[new_range].iter().map(|line| line.len() + 1).sum();
            removed + added
        })
        .sum()
}

/// Indents lines starting with three backticks, which would end the block early.
fn fence_safe(unified: &str) -> String {
    let mut out = String::with_capacity(unified.len() + 16);
    for line in unified.lines() {
        if line.starts_with("```") {
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

/// "1 line", "51,000 lines".
fn lines(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let unit = if n == 1 { "line" } else { "lines" };
    format!("{grouped} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` distinct lines with `tag` in each, so two calls with different tags share none.
    fn distinct_lines(tag: &str, n: usize) -> String {
        (0..n).map(|i| format!("{tag}{i}\n")).collect()
    }

    #[test]
    fn small_changes_are_a_unified_diff() {
        let diff = line_diff("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            diff,
            LineDiff::Hunks("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c".to_owned())
        );
    }

    #[test]
    fn equal_texts_are_unchanged() {
        assert_eq!(line_diff("same\n", "same\n"), LineDiff::Unchanged);
        assert_eq!(line_diff("", ""), LineDiff::Unchanged);
    }

    #[test]
    fn a_fence_line_in_the_diff_is_indented() {
        let LineDiff::Hunks(text) = line_diff("", "```\ncode\n```\n") else {
            panic!("expected hunks");
        };
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, ["@@ -0,0 +1,3 @@", "+```", "+code", "+```"]);
    }

    #[test]
    fn disjoint_100_kib_revisions_become_a_summary_in_time() {
        // The issue 11 attack: ~100 KiB each, not one line in common.
        let old = distinct_lines("o", 16_000);
        let new = distinct_lines("n", 16_000);
        assert!(old.len() > 100_000 && new.len() > 100_000);
        let started = Instant::now();
        let diff = line_diff(&old, &new);
        // Generous: the bound is DIFF_TIME, this only shows the cost is not unbounded.
        assert!(started.elapsed() < Duration::from_secs(3));
        let LineDiff::Summary(summary) = diff else {
            panic!("expected a summary, got {diff:?}");
        };
        assert_eq!((summary.removed, summary.added), (16_000, 16_000));
    }

    #[test]
    fn a_diff_over_the_size_bound_becomes_a_summary() {
        let old = distinct_lines("old line ", 100);
        let new = distinct_lines("new line ", 100);
        let diff = line_diff_within(&old, &new, Duration::from_secs(10), 1024);
        let summary = DiffSummary {
            removed: 100,
            added: 100,
            approximate: false,
        };
        assert_eq!(diff, LineDiff::Summary(summary));
        assert!(matches!(
            line_diff_within(&old, &new, Duration::from_secs(10), 1 << 20),
            LineDiff::Hunks(_)
        ));
    }

    #[test]
    fn summaries_read_as_one_sentence() {
        let replaced = DiffSummary {
            removed: 51_000,
            added: 1,
            approximate: false,
        };
        assert_eq!(
            replaced.describe(7),
            "Revision 7 replaced 51,000 lines with 1 line; \
             the change is too large to show line by line."
        );
        let added = DiffSummary {
            removed: 0,
            added: 1_234_567,
            approximate: true,
        };
        assert_eq!(
            added.describe(2),
            "Revision 2 added about 1,234,567 lines; \
             the change is too large to show line by line."
        );
    }
}
