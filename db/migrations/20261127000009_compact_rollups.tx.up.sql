-- Compact rollups: three small rollups for the coarsest and most read dashboard figures, read
-- before the rollups of migration 7 whenever they answer (db/rollup.go lists each table's rollups
-- smallest first).
--
-- - incentive_status_rollup (kind, status): national incentive totals, and PAID or SCHEDULED ones;
--   some 200 rows at a million participants, where incentive_month_rollup has some 14,000.
-- - enrollment_status_rollup (status): national enrollment totals and per status; some 80 rows,
--   against enrollment_month_rollup's 5,000.
-- - participant_wave_rollup (wave, status): participants per wave and status, the grouping every
--   wave's dashboard reads, and the national count; some 3,400 rows, against participant_rollup's
--   14,000 (which also keys province and gender).
--
-- Summing the larger rollups took PostgreSQL 1 to 2 ms per statement at a million participants.
--
-- Each key has a last column, shard (the row's id modulo 16), which no query reads: it spreads a
-- key over up to 16 rows, so that concurrent writes that all add to one key (registrations to a
-- wave, purchases, payments) do not queue on one row's lock until their transactions end. Reads
-- sum the shards as they sum any key column they do not group by.
--
-- rollup_defs() gains the three: migration 7's definitions stay, renamed rollup_defs_v7(), and
-- rollup_defs() returns them and these. Their triggers and their rebuild come from the functions
-- of migration 7, unchanged.

ALTER FUNCTION rollup_defs() RENAME TO rollup_defs_v7;

CREATE FUNCTION rollup_defs() RETURNS TABLE (
    name text, source text, key_cols text[], key_exprs text[], measure_cols text[], measure_exprs text[]
) LANGUAGE sql IMMUTABLE AS $$
SELECT * FROM rollup_defs_v7()
UNION ALL
VALUES
    ('incentive_status_rollup', 'incentives',
        '{kind,status,shard}'::text[],
        ARRAY['r.kind', 'r.status', '(r.id % 16)::smallint'],
        '{n,amount}'::text[], '{1,r.amount}'::text[]),
    ('enrollment_status_rollup', 'enrollments',
        '{status,shard}'::text[],
        ARRAY['r.status', '(r.id % 16)::smallint'],
        '{n,amount}'::text[], '{1,r.price}'::text[]),
    ('participant_wave_rollup', 'participants',
        '{wave_id,status,shard}'::text[],
        ARRAY['r.wave_id', 'r.status', '(r.id % 16)::smallint'],
        '{n}'::text[], '{1}'::text[])
$$;

CREATE TABLE incentive_status_rollup (
    kind text NOT NULL,
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (kind, status, shard)
);

CREATE TABLE enrollment_status_rollup (
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (status, shard)
);

CREATE TABLE participant_wave_rollup (
    wave_id bigint,
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (wave_id, status, shard)
);

CREATE INDEX incentive_status_rollup_empty_idx ON incentive_status_rollup (n) WHERE n = 0;
CREATE INDEX enrollment_status_rollup_empty_idx ON enrollment_status_rollup (n) WHERE n = 0;
CREATE INDEX participant_wave_rollup_empty_idx ON participant_wave_rollup (n) WHERE n = 0;

SELECT rollup_install(name), rollup_rebuild(name) FROM rollup_defs()
WHERE name IN ('incentive_status_rollup', 'enrollment_status_rollup', 'participant_wave_rollup');
