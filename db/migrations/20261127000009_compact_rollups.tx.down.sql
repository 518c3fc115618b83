DO $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT name, source FROM rollup_defs()
        WHERE name IN ('incentive_status_rollup', 'enrollment_status_rollup', 'participant_wave_rollup') LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_insert', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_update', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_delete', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_truncate', d.source);
        EXECUTE format('DROP FUNCTION IF EXISTS %I()', d.name || '_apply');
        EXECUTE format('DROP TABLE IF EXISTS %I', d.name);
    END LOOP;
END $$;

-- rollup_defs() as migration 7 defined it.
DROP FUNCTION rollup_defs();
ALTER FUNCTION rollup_defs_v7() RENAME TO rollup_defs;
