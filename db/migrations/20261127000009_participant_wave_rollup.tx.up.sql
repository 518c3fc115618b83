-- participant_wave_rollup: participants by wave and status, the grouping every wave's dashboard
-- reads (how many registered, selected, active … per wave). participant_rollup answers it too, but
-- it also keys province and gender, so a grouping by wave and status sums some 14,000 rows at a
-- million participants (2 ms of PostgreSQL per request); this rollup has some 3,400.
--
-- Its key has a third column, shard (the participant's id modulo 16), which no query reads: it
-- spreads each wave and status over up to 16 rows, so that concurrent registrations, which all
-- add to the same wave and status, do not queue on one row's lock until their transactions end.
-- Reads sum the shards as they sum any other key they do not group by.
--
-- rollup_defs() gains the rollup; the trigger and the rebuild come from the functions of
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
    ('participant_wave_rollup', 'participants',
        '{wave_id,status,shard}'::text[],
        ARRAY['r.wave_id', 'r.status', '(r.id % 16)::smallint'],
        '{n}'::text[], '{1}'::text[])
$$;

CREATE TABLE participant_wave_rollup (
    wave_id bigint,
    status text NOT NULL,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (wave_id, status, shard)
);
CREATE INDEX participant_wave_rollup_empty_idx ON participant_wave_rollup (n) WHERE n = 0;

SELECT rollup_install('participant_wave_rollup');
SELECT rollup_rebuild('participant_wave_rollup');
