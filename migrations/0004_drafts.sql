-- Drafts: Titan uploads that could not be saved because they overlap with an edit made
-- after the revision the uploader started from (SPEC §4). The upload is never thrown away;
-- it waits here, with the merged text showing the conflicts, until its author resolves it.
CREATE TABLE drafts (
    -- 32 hex digits from randomblob(16): the draft's URL, not guessable from another's.
    id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 32),
    page_id      INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    -- The revision the upload was made from, and the current one it conflicts with.
    base         INTEGER NOT NULL CHECK (base >= 1),
    against      INTEGER NOT NULL CHECK (against >= 1),
    -- The upload exactly as sent (CRLF normalised) and its MIME type.
    text         TEXT    NOT NULL,
    mime         TEXT    NOT NULL,
    -- The three-way merge with conflict markers.
    merged       TEXT    NOT NULL,
    author_id    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    author_label TEXT,
    created      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX drafts_by_page ON drafts (page_id);
