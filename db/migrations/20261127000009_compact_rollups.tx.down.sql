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
        '{n}'::text[], '{1}'::text[])
$$;
