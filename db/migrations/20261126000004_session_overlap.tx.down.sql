ALTER TABLE training_sessions DROP CONSTRAINT IF EXISTS training_sessions_no_overlap;
