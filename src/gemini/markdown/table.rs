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
