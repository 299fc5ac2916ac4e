-- gemwiki schema, version 5 (issue 16): uploaded files appear in recent changes. Append-only
-- once released. Like 0003 for revisions: covering indexes, so /do/changes merges file
-- versions into its list by walking index entries only. A `files` row keeps `data` before
-- the listed columns, so without them every skipped version read the whole upload.

-- /do/changes: newest first (created, then id), with every column the list shows.
CREATE INDEX files_changes ON files
    (created, id, name, number, author_id, author_label, size, mime);

-- The previous version's size, for the size delta: by name, then number.
CREATE INDEX files_versions ON files (name, number, size);
