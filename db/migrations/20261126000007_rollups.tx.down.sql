DO $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT name, source FROM rollup_defs() LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_insert', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_update', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_delete', d.source);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', d.name || '_truncate', d.source);
        EXECUTE format('DROP FUNCTION IF EXISTS %I()', d.name || '_apply');
        EXECUTE format('DROP TABLE IF EXISTS %I', d.name);
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS rollup_drift(text);
DROP FUNCTION IF EXISTS rollup_rebuild(text);
DROP FUNCTION IF EXISTS rollup_install(text);
DROP FUNCTION IF EXISTS rollup_columns(text);
DROP FUNCTION IF EXISTS rollup_sums(text);
DROP FUNCTION IF EXISTS rollup_select(text, text, int);
DROP FUNCTION IF EXISTS rollup_keys(text);
DROP FUNCTION IF EXISTS rollup_defs();
