//! Titan uploads made from an older revision (SPEC §4): saved as sent when the page is still
//! at that base, merged three-way ([`crate::wiki::merge`]) when it moved on, and kept as a
//! draft when the edits overlap — inside one write transaction, so a concurrent edit cannot
//! slip in between the check and the save. The store records; who may upload or read a
//! draft is the handlers' decision.

use rusqlite::{params, Connection, OptionalExtension};

use super::pages::{append_revision, load_revision, page_state, Entry};
use super::{author_columns, page_name, parse_column, Result, Store};
use crate::wiki::merge::{three_way, Draft, Merge, Upload, UploadOutcome};
use crate::wiki::model::Revision;
use crate::wiki::PageFormat;

impl Store {
    /// Saves an upload: as sent if the page is still at `upload.base` (or no base is given,
    /// or the page is deleted or new: the upload brings it back), merged with the newer text
    /// if that merges cleanly, otherwise kept as a draft and nothing saved.
    pub fn save_upload(&self, upload: Upload<'_>) -> Result<UploadOutcome> {
        self.write(|conn| {
            let current = match page_state(conn, upload.name)? {
                Some(state) if !state.deleted => load_revision(conn, upload.name, state.current)?,
                _ => None,
            };
            let format = upload
                .format
                .unwrap_or_else(|| current.as_ref().map_or(PageFormat::Gemtext, |c| c.format));
            let save = |text: &str, comment: Option<&str>| {
                let entry = Entry {
                    text,
                    mime: format.mime(),
                    deleted: false,
                    author: author_columns(upload.author),
                    comment,
                    now: upload.now,
                };
                append_revision(conn, upload.name, &entry)
            };
            let (Some((base, base_text)), Some(current)) = (upload.base, current.as_ref()) else {
                return save(upload.text, None).map(UploadOutcome::Saved);
            };
            if current.number == base {
                return save(upload.text, None).map(UploadOutcome::Saved);
            }
            match three_way(base_text, &current.text, upload.text) {
                Merge::Clean(text) => {
                    let comment = format!("merged with revision {}", current.number);
                    let outcome = save(&text, Some(&comment))?;
                    Ok(UploadOutcome::Merged {
                        outcome,
                        with: current.number,
                    })
                }
                Merge::Conflict(merged) => {
                    let id = insert_draft(conn, &upload, base, current, format, &merged)?;
                    Ok(UploadOutcome::Conflict {
                        id,
                        against: current.number,
                    })
                }
            }
        })
    }

    /// The draft with this id, if there is one.
    pub fn draft(&self, id: &str) -> Result<Option<Draft>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT d.id, p.name, d.base, d.against, d.text, d.mime, d.merged, \
                 d.author_id, d.created FROM drafts d JOIN pages p ON p.id = d.page_id \
                 WHERE d.id = ?1",
            )?;
            let draft = stmt
                .query_row([id], |row| {
                    Ok(Draft {
                        id: row.get(0)?,
                        name: page_name(row, 1)?,
                        base: row.get(2)?,
                        against: row.get(3)?,
                        text: row.get(4)?,
                        format: parse_column(row, 5, |mime| {
                            PageFormat::from_mime(mime)
                                .ok_or_else(|| format!("unknown page MIME type {mime:?}"))
                        })?,
                        merged: row.get(6)?,
                        author_id: row.get(7)?,
                        created: row.get(8)?,
                    })
                })
                .optional()?;
            Ok(draft)
        })
    }
}

fn insert_draft(
    conn: &Connection,
    upload: &Upload<'_>,
    base: u32,
    current: &Revision,
    format: PageFormat,
    merged: &str,
) -> Result<String> {
    let page_id = page_state(conn, upload.name)?
        .map(|state| state.id)
        .ok_or_else(|| rusqlite::Error::QueryReturnedNoRows)?;
    let (author_id, author_label) = author_columns(upload.author);
    let id: String = conn
        .prepare_cached(
            "INSERT INTO drafts (id, page_id, base, against, text, mime, merged, author_id, \
             author_label, created) \
             VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        )?
        .query_row(
            params![
                page_id,
                base,
                current.number,
                upload.text,
                format.mime(),
                merged,
                author_id,
                author_label,
                upload.now
            ],
            |row| row.get(0),
        )?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::model::{Author, NewRevision, SaveOutcome};
    use crate::wiki::PageName;

    fn setup(texts: &[&str]) -> (Store, PageName) {
        let store = Store::open_in_memory().unwrap();
        let name = PageName::new("P").unwrap();
        for (i, text) in texts.iter().enumerate() {
            store
                .save_revision(NewRevision {
                    name: &name,
                    text,
                    format: PageFormat::Markdown,
                    author: Author::System,
                    comment: None,
                    now: i as i64,
                })
                .unwrap();
        }
        (store, name)
    }

    fn upload<'a>(name: &'a PageName, base: Option<(u32, &'a str)>, text: &'a str) -> Upload<'a> {
        Upload {
            name,
            base,
            text,
            format: None,
            author: Author::Anonymous,
            now: 9,
        }
    }

    #[test]
    fn an_upload_at_its_base_is_saved_in_the_page_format() {
        let (store, name) = setup(&["a\n"]);
        let out = store.save_upload(upload(&name, Some((1, "a\n")), "b\n"));
        assert_eq!(out.unwrap(), UploadOutcome::Saved(SaveOutcome::Created(2)));
        let page = store.page(&name).unwrap().unwrap();
        assert_eq!(page.current.format, PageFormat::Markdown);
    }

    #[test]
    fn a_clean_merge_is_saved_with_a_comment() {
        let (store, name) = setup(&["a\nb\nc\n", "A\nb\nc\n"]);
        let out = store.save_upload(upload(&name, Some((1, "a\nb\nc\n")), "a\nb\nC\n"));
        assert_eq!(
            out.unwrap(),
            UploadOutcome::Merged {
                outcome: SaveOutcome::Created(3),
                with: 2
            }
        );
        let page = store.page(&name).unwrap().unwrap();
        assert_eq!(page.current.text, "A\nb\nC\n");
        assert_eq!(
            page.current.comment.as_deref(),
            Some("merged with revision 2")
        );
    }

    #[test]
    fn a_conflict_keeps_the_upload_as_a_draft_and_saves_nothing() {
        let (store, name) = setup(&["a\nb\n", "a\nX\n"]);
        let out = store
            .save_upload(upload(&name, Some((1, "a\nb\n")), "a\nY\n"))
            .unwrap();
        let UploadOutcome::Conflict { id, against: 2 } = out else {
            panic!("{out:?}");
        };
        assert_eq!(id.len(), 32);
        assert_eq!(store.page(&name).unwrap().unwrap().current.text, "a\nX\n");
        let draft = store.draft(&id).unwrap().unwrap();
        assert_eq!((draft.base, draft.against), (1, 2));
        assert_eq!(draft.text, "a\nY\n");
        assert!(draft.merged.contains("<<<<<<<"), "{}", draft.merged);
        assert_eq!(store.draft("0".repeat(32).as_str()).unwrap(), None);
    }
}
