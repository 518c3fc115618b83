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
-- rollup_defs() gains the three; their triggers and their rebuild come from the functions of
-- migration 7, unchanged.

CREATE OR REPLACE FUNCTION rollup_defs() RETURNS TABLE (
    name text,          -- the rollup table
    source text,        -- the table it sums
    key_cols text[],    -- the rollup's key columns …
    key_exprs text[],   -- … and their values over a source row r
    measure_cols text[],
    measure_exprs text[] -- per source row; the rollup holds their sums
) LANGUAGE sql IMMUTABLE AS $$
VALUES
    ('incentive_rollup', 'incentives',
        '{kind,status,channel,province_code,wave_id}'::text[],
        '{r.kind,r.status,r.channel,r.province_code,r.wave_id}'::text[],
        '{n,amount}'::text[], '{1,r.amount}'::text[]),
    ('incentive_month_rollup', 'incentives',
        '{kind,status,province_code,due_month,paid_month}'::text[],
        ARRAY['r.kind', 'r.status', 'r.province_code', 'date_trunc(''month'', r.due_on::timestamp)::date',
            'date_trunc(''month'', r.paid_at AT TIME ZONE ''Asia/Jakarta'')::date'],
        '{n,amount}'::text[], '{1,r.amount}'::text[]),
    ('enrollment_rollup', 'enrollments',
        '{course_id,provider_id,platform_id,status}'::text[],
        '{r.course_id,r.provider_id,r.platform_id,r.status}'::text[],
        '{n,amount}'::text[], '{1,r.price}'::text[]),
    ('enrollment_month_rollup', 'enrollments',
        '{province_code,status,purchased_month}'::text[],
        ARRAY['r.province_code', 'r.status', 'date_trunc(''month'', r.purchased_at AT TIME ZONE ''Asia/Jakarta'')::date'],
        '{n,amount}'::text[], '{1,r.price}'::text[]),
    ('participant_rollup', 'participants',
        '{wave_id,status,province_code,gender}'::text[],
        '{r.wave_id,r.status,r.province_code,r.gender}'::text[],
        '{n}'::text[], '{1}'::text[]),
    ('participant_profile_rollup', 'participants',
        '{education,employment_status,gender,status,registered_month}'::text[],
        ARRAY['r.education', 'r.employment_status', 'r.gender', 'r.status',
            'date_trunc(''month'', r.registered_at AT TIME ZONE ''Asia/Jakarta'')::date'],
        '{n}'::text[], '{1}'::text[]),
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
