//! Moving in and out (SPEC §9): importing a Phoebe wiki (`phoebe.rs` reconstructs, this file
//! writes the plan), exporting to plain files and importing such an export (`export.rs`),
//! and the [`Report`] every import prints. SQL stays in `store/import.rs`; the CLI wiring is
//! in `commands.rs`. Nothing here runs while a request waits: these are operator commands.

pub mod export;
pub mod phoebe;

use std::fmt;
use std::path::Path;

use indicatif::ProgressBar;

use crate::store::{Store, StoreError};
use crate::wiki::model::{ImportedRevision, PageImport};
use crate::wiki::PageName;

/// Why an import or export could not run at all. Problems with single items are not errors:
/// they are listed in the [`Report`].
#[derive(Debug, thiserror::Error)]
pub enum MovingError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
}

impl MovingError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MovingError + '_ {
        move |source| MovingError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub dry_run: bool,
    /// Pages that received at least one revision.
    pub pages: usize,
    /// Revisions added, deletions included.
    pub revisions: usize,
    /// Deletion revisions among `revisions`.
    pub deletions: usize,
    pub files: usize,
    /// Pages and files that were already fully imported.
    pub unchanged: usize,
    /// Items not imported, with the reason.
    pub skipped: Vec<String>,
    /// What the source could not say exactly, and what was imported instead.
    pub notes: Vec<String>,
    /// Phoebe spaces found beside the one imported.
    pub other_spaces: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "would import"
        } else {
            "imported"
        };
        writeln!(
            f,
            "{verb}: {} pages, {} revisions ({} deletions), {} files; {} already up to date",
            self.pages, self.revisions, self.deletions, self.files, self.unchanged
        )?;
        for item in &self.skipped {
            writeln!(f, "skipped: {item}")?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        for space in &self.other_spaces {
            writeln!(
                f,
                "space not imported: {space} (import it with --space {space} into its own data directory)"
            )?;
        }
        Ok(())
    }
}

impl Report {
    /// Imports one page's revisions and counts the outcome.
    fn page(
        &mut self,
        store: &Store,
        name: &PageName,
        revisions: &[ImportedRevision],
    ) -> Result<(), StoreError> {
        match store.import_page(name, revisions, self.dry_run)? {
            PageImport::Added { first, last } => {
                let added = &revisions[first as usize - 1..last as usize];
                self.pages += 1;
                self.revisions += added.len();
                self.deletions += added.iter().filter(|r| r.text.is_none()).count();
            }
            PageImport::UpToDate => self.unchanged += 1,
            PageImport::Conflict { number } => self.skipped.push(format!(
                "page {:?}: this wiki's page has a history of its own (its revision {number} \
                 differs); import into a new data directory to bring this one in",
                name.as_str()
            )),
        }
        Ok(())
    }
}

/// `gemwiki import phoebe DIR [--space NAME]`: imports the main space of the Phoebe wiki in
/// `dir` (or the space `space`), one transaction per page, and reports the other spaces.
///
/// # Errors
/// The directory (or space) does not exist or cannot be read, or the store fails.
pub fn import_phoebe(
    store: &Store,
    dir: &Path,
    space: Option<&str>,
    dry_run: bool,
    bar: &ProgressBar,
) -> Result<Report, MovingError> {
    if !dir.is_dir() {
        return Err(MovingError::Invalid(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let spaces = phoebe::spaces(dir).map_err(MovingError::io(dir))?;
    let source = match space {
        Some(name) if spaces.iter().any(|s| s == name) => dir.join(name),
        Some(name) => {
            return Err(MovingError::Invalid(format!(
                "{} has no space {name:?}; it has: {}",
                dir.display(),
                if spaces.is_empty() {
                    "none".to_owned()
                } else {
                    spaces.join(", ")
                }
            )))
        }
        None => dir.to_owned(),
    };
    let plan = phoebe::plan(&phoebe::Space::read(&source).map_err(MovingError::io(&source))?);
    let mut report = Report {
        dry_run,
        skipped: plan.skipped,
        notes: plan.notes,
        other_spaces: if space.is_none() { spaces } else { Vec::new() },
        ..Report::default()
    };
    bar.set_length((plan.pages.len() + plan.files.len()) as u64);
    for (name, revisions) in &plan.pages {
        report.page(store, name, revisions)?;
        bar.inc(1);
    }
    for file in &plan.files {
        let added = store.import_file(
            &file.name,
            &file.mime,
            &file.data,
            file.created,
            &file.author,
            dry_run,
        )?;
        if added {
            report.files += 1;
        } else {
            report.unchanged += 1;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}
