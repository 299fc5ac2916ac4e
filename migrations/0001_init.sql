-- gemwiki schema, version 1. Append-only once released: later changes go in 0002_*.sql.
-- Times are Unix seconds (UTC). Booleans are 0/1. Pragmas live in Store::open, not here.

CREATE TABLE accounts (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL,
    -- Lower-cased name: user names are unique and compared case-insensitively.
    name_key TEXT    NOT NULL UNIQUE,
    role     TEXT    NOT NULL CHECK (role IN ('editor', 'admin')),
    state    TEXT    NOT NULL CHECK (state IN ('active', 'pending', 'suspended')),
    created  INTEGER NOT NULL
) STRICT;

CREATE TABLE certificates (
    -- SHA-256 of the certificate's DER bytes: the whole identity.
    fingerprint BLOB    NOT NULL PRIMARY KEY CHECK (length(fingerprint) = 32),
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    common_name TEXT,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    last_used   INTEGER
) STRICT, WITHOUT ROWID;

CREATE INDEX certificates_by_account ON certificates (account_id);

CREATE TABLE link_codes (
    -- SHA-256 of the one-time code; the code itself is never stored.
    code_hash  BLOB    NOT NULL PRIMARY KEY CHECK (length(code_hash) = 32),
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires    INTEGER NOT NULL,
    -- When the code was claimed; NULL while unused.
    used       INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE pages (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL UNIQUE,
    -- PageName::sort_key(): the case-folded name the index is ordered by.
    sort_key TEXT    NOT NULL,
    -- Number of the latest revision (revisions are numbered 1, 2, 3, … per page).
    current  INTEGER NOT NULL DEFAULT 0 CHECK (current >= 0),
    -- Mirrors revisions.deleted of the latest revision.
    deleted  INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    locked   INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
) STRICT;

CREATE INDEX pages_live_by_sort_key ON pages (sort_key, name) WHERE deleted = 0;

CREATE TABLE revisions (
    id           INTEGER PRIMARY KEY,
    page_id      INTEGER NOT NULL REFERENCES pages (id),
    number       INTEGER NOT NULL CHECK (number >= 1),
    -- The full text of this revision; empty for a deletion.
    text         TEXT    NOT NULL,
    mime         TEXT    NOT NULL,
    -- NULL author_id means no account: author_label then says 'system' or 'anonymous'.
    author_id    INTEGER REFERENCES accounts (id),
    author_label TEXT CHECK ((author_id IS NULL) = (author_label IS NOT NULL)),
    created      INTEGER NOT NULL,
    -- Size of text in bytes.
    size         INTEGER NOT NULL CHECK (size >= 0),
    deleted      INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    comment      TEXT,
    UNIQUE (page_id, number)
) STRICT;

CREATE INDEX revisions_by_created ON revisions (created);
CREATE INDEX revisions_by_author ON revisions (author_id, created) WHERE author_id IS NOT NULL;

-- Uploaded non-text files, versioned like pages: the highest number is the current one.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    mime         TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    author_id    INTEGER REFERENCES accounts (id),
    author_label TEXT CHECK ((author_id IS NULL) = (author_label IS NOT NULL)),
    created      INTEGER NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    UNIQUE (name, number)
) STRICT;

-- Full-text index of the current text of live pages; rowid = pages.id. The store keeps it in
-- step inside the same transaction as each save, deletion and restore.
CREATE VIRTUAL TABLE pages_fts USING fts5 (
    name,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
