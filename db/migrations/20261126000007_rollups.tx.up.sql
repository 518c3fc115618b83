-- Rollups: small summary tables of participants, enrollments and incentives that dashboard totals
-- and groups read instead of scanning millions of rows. Each rollup row counts (n) and sums
-- (amount) the source rows that share its key. Statement-level triggers on the source table apply
-- the net change of every INSERT, UPDATE, DELETE and TRUNCATE in the same transaction, so a rollup
-- is never stale: it commits or rolls back with the write.
--
-- A rollup names its key columns as its source table does (a rollup of incentives has kind,
-- status, province_code …), so that the API's filter and group SQL runs on it unchanged; dates are
-- kept as months (due_month, paid_month …, Asia/Jakarta), and the API uses a rollup for a date
-- filter only when the filter is whole months. db/rollup.go routes queries to them.
--
-- rollup_defs() is the one description of every rollup: rollup_install() generates each trigger
-- function from it, rollup_rebuild() recomputes a rollup from its source, and rollup_drift() lists
-- where a rollup differs from a recomputation (empty when exact).

CREATE FUNCTION rollup_defs() RETURNS TABLE (
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

-- The key columns have their source column's type; n and amount are bigint sums. A key may be
-- NULL (an unpaid incentive has no channel and no paid_month): the unique keys treat NULLs as equal.
CREATE TABLE incentive_rollup (
    kind text NOT NULL,
    status text NOT NULL,
    channel text,
    province_code text NOT NULL,
    wave_id bigint NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (kind, status, channel, province_code, wave_id)
);

CREATE TABLE incentive_month_rollup (
    kind text NOT NULL,
    status text NOT NULL,
    province_code text NOT NULL,
    due_month date NOT NULL,
    paid_month date,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (kind, status, province_code, due_month, paid_month)
);

CREATE TABLE enrollment_rollup (
    course_id bigint NOT NULL,
    provider_id bigint NOT NULL,
    platform_id bigint NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (course_id, provider_id, platform_id, status)
);

CREATE TABLE enrollment_month_rollup (
    province_code text NOT NULL,
    status text NOT NULL,
    purchased_month date NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (province_code, status, purchased_month)
);

CREATE TABLE participant_rollup (
    wave_id bigint,
    status text NOT NULL,
    province_code text NOT NULL,
    gender text NOT NULL,
    n bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (wave_id, status, province_code, gender)
);

CREATE TABLE participant_profile_rollup (
    education text NOT NULL,
    employment_status text NOT NULL,
    gender text NOT NULL,
    status text NOT NULL,
    registered_month date NOT NULL,
    n bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (education, employment_status, gender, status, registered_month)
);

-- Rows whose count fell to zero are deleted by the same trigger; this index finds them at once.
CREATE INDEX incentive_rollup_empty_idx ON incentive_rollup (n) WHERE n = 0;
CREATE INDEX incentive_month_rollup_empty_idx ON incentive_month_rollup (n) WHERE n = 0;
CREATE INDEX enrollment_rollup_empty_idx ON enrollment_rollup (n) WHERE n = 0;
CREATE INDEX enrollment_month_rollup_empty_idx ON enrollment_month_rollup (n) WHERE n = 0;
CREATE INDEX participant_rollup_empty_idx ON participant_rollup (n) WHERE n = 0;
CREATE INDEX participant_profile_rollup_empty_idx ON participant_profile_rollup (n) WHERE n = 0;

-- rollup_keys returns a rollup's key columns, quoted and comma-separated.
CREATE FUNCTION rollup_keys(rollup text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%I', k), ', ' ORDER BY i) FROM rollup_defs() AS d, unnest(d.key_cols) WITH ORDINALITY AS u(k, i)
    WHERE d.name = rollup
$$;

-- rollup_select returns the SELECT of a rollup's keys and its measures times sign over rel (a
-- source table or a transition table), aliased r.
CREATE FUNCTION rollup_select(rollup text, rel text, sign int) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('SELECT %s, %s FROM %s AS r',
        (SELECT string_agg(format('%s AS %I', d.key_exprs[i], d.key_cols[i]), ', ' ORDER BY i)
            FROM generate_subscripts(d.key_cols, 1) AS i),
        (SELECT string_agg(format('(%s) * %s AS %I', d.measure_exprs[i], sign, d.measure_cols[i]), ', ' ORDER BY i)
            FROM generate_subscripts(d.measure_cols, 1) AS i),
        rel)
    FROM rollup_defs() AS d WHERE d.name = rollup
$$;

-- rollup_sums returns a rollup's key columns and its measures summed, for a GROUP BY of the keys.
CREATE FUNCTION rollup_sums(rollup text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT rollup_keys(rollup) || ', ' ||
        (SELECT string_agg(format('sum(%1$I)::bigint AS %1$I', m), ', ' ORDER BY i) FROM unnest(d.measure_cols) WITH ORDINALITY AS u(m, i))
    FROM rollup_defs() AS d WHERE d.name = rollup
$$;

-- rollup_columns returns every column of a rollup, keys then measures, quoted and comma-separated.
CREATE FUNCTION rollup_columns(rollup text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%I', c), ', ' ORDER BY i) FROM rollup_defs() AS d,
        unnest(d.key_cols || d.measure_cols) WITH ORDINALITY AS u(c, i)
    WHERE d.name = rollup
$$;

-- rollup_install creates the trigger function of one rollup from its definition, with static
-- SQL (planned once per session), and its four statement-level triggers on the source table.
-- The function upserts the net change per key (keys whose change nets to zero are left alone, so
-- a balance update locks no rollup row), in key order, which keeps concurrent writers from
-- deadlocking on one statement's rows; then it deletes the rows that fell to zero.
CREATE FUNCTION rollup_install(rollup text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    source text;
    measures text[];
    upsert text;
BEGIN
    SELECT d.source, d.measure_cols INTO STRICT source, measures FROM rollup_defs() AS d WHERE d.name = rollup;
    -- %%1$s is left for the rows of the change: a SELECT of keys and signed measures.
    upsert := format('INSERT INTO %1$I AS t (%2$s) SELECT %3$s FROM (%%1$s) AS c GROUP BY %4$s HAVING %5$s ORDER BY %4$s '
        'ON CONFLICT (%4$s) DO UPDATE SET %6$s',
        rollup, rollup_columns(rollup), rollup_sums(rollup), rollup_keys(rollup),
        (SELECT string_agg(format('sum(%I) <> 0', m), ' OR ') FROM unnest(measures) m),
        (SELECT string_agg(format('%1$I = t.%1$I + excluded.%1$I', m), ', ') FROM unnest(measures) m));
    EXECUTE format('CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L', rollup || '_apply', format(
'BEGIN
    IF TG_OP = ''INSERT'' THEN
        %1$s;
    ELSIF TG_OP = ''UPDATE'' THEN
        %2$s;
    ELSIF TG_OP = ''DELETE'' THEN
        %3$s;
    ELSE -- TRUNCATE empties the source
        DELETE FROM %4$I;
        RETURN NULL;
    END IF;
    DELETE FROM %4$I WHERE n = 0;
    RETURN NULL;
END',
        format(upsert, rollup_select(rollup, 'new_rows', 1)),
        format(upsert, rollup_select(rollup, 'new_rows', 1) || ' UNION ALL ' || rollup_select(rollup, 'old_rows', -1)),
        format(upsert, rollup_select(rollup, 'old_rows', -1)),
        rollup));
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
        rollup || '_insert', source, rollup || '_apply');
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
        rollup || '_update', source, rollup || '_apply');
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()',
        rollup || '_delete', source, rollup || '_apply');
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %I()',
        rollup || '_truncate', source, rollup || '_apply');
END $$;

-- rollup_rebuild recomputes rollups from their sources, set-based: every rollup when rollup is
-- NULL, and analyzes them. It holds a SHARE lock on each source until the transaction ends, so that no write slips
-- in between the recomputation and the commit.
CREATE FUNCTION rollup_rebuild(rollup text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT x.name, x.source FROM rollup_defs() AS x WHERE rollup IS NULL OR x.name = rollup ORDER BY x.name LOOP
        EXECUTE format('LOCK TABLE %I IN SHARE MODE', d.source);
        EXECUTE format('DELETE FROM %I', d.name);
        EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM (%s) AS c GROUP BY %s', d.name, rollup_columns(d.name),
            rollup_sums(d.name), rollup_select(d.name, quote_ident(d.source), 1), rollup_keys(d.name));
        EXECUTE format('ANALYZE %I', d.name);
    END LOOP;
END $$;

-- rollup_drift compares rollups with a recomputation from their sources, in one snapshot: every
-- rollup when rollup is NULL. It returns one row per difference: the rollup, which side the row is
-- on ('stored' in the rollup, or 'actual' in the recomputation), and the row. An exact rollup
-- returns nothing.
CREATE FUNCTION rollup_drift(rollup text DEFAULT NULL) RETURNS TABLE (name text, side text, row_data jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT x.name, x.source FROM rollup_defs() AS x WHERE rollup IS NULL OR x.name = rollup ORDER BY x.name LOOP
        RETURN QUERY EXECUTE format(
            'WITH s AS (SELECT %1$s FROM %2$I), a AS (SELECT %3$s FROM (%4$s) AS c GROUP BY %5$s) '
            'SELECT %2$L, ''stored'', to_jsonb(x) FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM a) x '
            'UNION ALL SELECT %2$L, ''actual'', to_jsonb(y) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM s) y',
            rollup_columns(d.name), d.name, rollup_sums(d.name), rollup_select(d.name, quote_ident(d.source), 1),
            rollup_keys(d.name));
    END LOOP;
END $$;

SELECT rollup_install(name) FROM rollup_defs();
SELECT rollup_rebuild();
