//! Markdown tables as gemtext: a preformatted block of `|`-separated, aligned columns.

use pulldown_cmark::Alignment;

/// Widest a table column is padded to, in chars: pulldown-cmark fills short rows with empty
/// cells, so unbounded padding could make the output quadratic in the input.
pub const MAX_PAD: usize = 40;

/// A table being collected: column alignments and rows of rendered cell text.
pub(super) struct Table {
    pub(super) aligns: Vec<Alignment>,
    pub(super) rows: Vec<Vec<String>>,
}

impl Table {
    /// Renders the rows as `| a | b |` lines, with a rule under the header row.
    pub(super) fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![3; columns];
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count().min(MAX_PAD));
            }
        }
        let rule: String = widths.iter().map(|w| "-".repeat(w + 2) + "|").collect();
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
                let (left, right) = (" ".repeat(left + 1), " ".repeat(pad - left));
                out.extend([&left, cell, &right, " |"]);
            }
            out.push('\n');
            if i == 0 {
                out.extend(["|", &rule, "\n"]);
            }
        }
        out
    }
}

/// Most empty cells pulldown-cmark may add to a page's short table rows. Defends against
/// the padded-tables attack: each short row is filled with empty cells up to the header's
/// width (2^18 per table), so 34 tables in 98 KB of source cost ~470 MB and gave a 47 MB
/// page. The cap is per page, not per table.
pub const MAX_PADDED_CELLS: usize = 10_000;

/// Where to cut `markdown` so that its tables add at most `budget` empty cells: the start
/// of the line holding the header of the first table past the budget, or `None` if all of
/// it fits.
///
/// A cheap over-estimate of pulldown-cmark's table parsing, run before it: a delimiter row
/// (`|---|:-:|`, after quote and list markers) starts a table with that many columns, and
/// every following line up to a blank one is a row that adds the columns it lacks. Lines
/// in code blocks are counted too, so a cut may come early but never late, give or take
/// two cells a row (the row's edge pipes), which the source's own size bounds.
pub(super) fn padded_cells_cut(markdown: &str, budget: usize) -> Option<usize> {
    let mut spent = 0usize;
    let mut columns = 0usize;
    let mut table_start = 0;
    let (mut line_start, mut previous_start) = (0, 0);
    for line in markdown.split_inclusive('\n') {
        let content = strip_containers(line);
        if content.is_empty() {
            columns = 0;
        } else if let Some(width) = delimiter_columns(content) {
            columns = width;
            table_start = previous_start;
        } else if columns > 0 {
            spent += columns.saturating_sub(unescaped_pipes(content) + 1);
            if spent > budget {
                return Some(table_start);
            }
        }
        previous_start = line_start;
        line_start += line.len();
    }
    None
}

/// The line without its indentation and leading block-quote and list markers.
fn strip_containers(line: &str) -> &str {
    let mut rest = line.trim();
    loop {
        let next = if let Some(quoted) = rest.strip_prefix('>') {
            quoted
        } else if let Some(item) = ["- ", "* ", "+ "].iter().find_map(|m| rest.strip_prefix(m)) {
            item
        } else {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            match rest[digits..]
                .strip_prefix(". ")
                .or(rest[digits..].strip_prefix(") "))
            {
                Some(item) if digits > 0 => item,
                _ => return rest,
            }
        };
        rest = next.trim_start();
    }
}

/// The number of columns if `line` is a table's delimiter row (`| --- | :-: |`).
fn delimiter_columns(line: &str) -> Option<usize> {
    let shaped = line.contains('|')
        && line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'));
    shaped.then(|| {
        line.split('|')
            .filter(|cell| !cell.trim().is_empty())
            .count()
    })
}

/// `|` characters not escaped by a backslash: an upper bound on a row's cell separators.
fn unescaped_pipes(line: &str) -> usize {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_tables_are_not_cut() {
        let md = "text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n3\n";
        assert_eq!(padded_cells_cut(md, 1), None);
        assert_eq!(padded_cells_cut(md, 0), Some("text\n\n".len()));
    }

    #[test]
    fn the_cut_comes_before_the_header_of_the_table_past_the_budget() {
        let small = "| a | b |\n|---|---|\n1\n\n";
        let wide = format!(
            "> | {} |\n> |{}\n> x\n> y\n",
            "h | ".repeat(99),
            "-|".repeat(100)
        );
        let md = format!("{small}{wide}");
        // The first table adds one cell, the second 99 per row.
        assert_eq!(padded_cells_cut(&md, 150), Some(small.len()));
        assert_eq!(padded_cells_cut(&md, 300), None);
    }

    #[test]
    fn escaped_pipes_do_not_count_as_cells() {
        let md = format!(
            "| {} |\n|{}\n{}\n",
            "h | ".repeat(9),
            "-|".repeat(10),
            "\\|".repeat(9)
        );
        assert_eq!(padded_cells_cut(&md, 8), Some(0));
        assert_eq!(strip_containers("  > > 12. - |-|"), "|-|");
    }
}
