//! Helpers the store's unit tests share: an in-memory store, and saving a page revision by
//! an anonymous author in one call.

use super::Store;
use crate::wiki::model::{Author, NewRevision, SaveOutcome};
use crate::wiki::{PageFormat, PageName};

pub fn memory() -> Store {
    Store::open_in_memory().unwrap()
}

pub fn name(text: &str) -> PageName {
    PageName::new(text).unwrap()
}

/// Saves `text` in `format` as the next revision of `page`, anonymously, at `now`.
pub fn save_as(store: &Store, page: &str, text: &str, format: PageFormat, now: i64) -> SaveOutcome {
    let name = name(page);
    let rev = NewRevision {
        name: &name,
        text,
        format,
        author: Author::Anonymous,
        comment: None,
        now,
    };
    store.save_revision(rev).unwrap()
}

/// [`save_as`] for gemtext.
pub fn save(store: &Store, page: &str, text: &str, now: i64) -> SaveOutcome {
    save_as(store, page, text, PageFormat::Gemtext, now)
}
