-- The person of a record, read for every candidate of every match and registration
-- (`store::links::persons_of`), from this index alone: a link row carries its
-- explanation (about a kilobyte), so looking each candidate's row up in the table read
-- a page per candidate from a table of gigabytes at a million records.
-- `superseded_at` is in the index only so that SQLite's planner sees it covers the
-- query. `links_current` stays: it is what keeps one current link per record.

CREATE INDEX links_current_person ON links (record_id, person_id, how, superseded_at)
    WHERE superseded_at IS NULL;
