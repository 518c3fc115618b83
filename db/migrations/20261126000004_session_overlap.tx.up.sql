-- No two live sessions of one course overlap at one venue.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE training_sessions ADD CONSTRAINT training_sessions_no_overlap
    EXCLUDE USING gist (course_id WITH =, venue_name WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status <> 'CANCELLED' AND venue_name IS NOT NULL);
