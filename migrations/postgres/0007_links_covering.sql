-- The person of a record, read for every candidate of every match and registration
-- (`store::links::persons_of`), from the index alone (an index-only scan): a link row
-- carries its explanation (about a kilobyte). `links_current` stays: it is what keeps
-- one current link per record.

CREATE INDEX links_current_person ON links (record_id) INCLUDE (person_id, how)
    WHERE superseded_at IS NULL;
