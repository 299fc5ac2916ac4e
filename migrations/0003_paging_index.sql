-- Covering indexes for the paged lists (/do/changes, /history, the size deltas they show),
-- so a deep page walks index entries only. Without them every skipped revision was read
-- from the table, whose rows keep `text` before the listed columns: a deep page read the
-- full text of every revision before it.

-- /do/changes: newest first (created, then id), with every column the list shows.
CREATE INDEX revisions_changes ON revisions
    (created, id, page_id, number, author_id, author_label, size, deleted, comment);

-- /history/<name> and the previous revision's size: by page, then number.
CREATE INDEX revisions_history ON revisions
    (page_id, number, created, author_id, author_label, size, deleted, comment);

-- Superseded by revisions_changes, which starts with the same column.
DROP INDEX revisions_by_created;
