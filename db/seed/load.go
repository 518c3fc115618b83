package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"prakerja/db"
)

// loadedTables are the tables Run fills, in dependency order.
var loadedTables = []string{"waves", "wave_province_quotas", "households", "participants", "blacklist",
	"wave_applications", "platforms", "providers", "courses", "course_listings", "training_sessions",
	"enrollments", "balance_ledger", "certificates", "reviews", "payout_accounts", "incentive_schedules",
	"incentives", "payments", "placements"}

// keptTables are never emptied by Reset: reference data and settings.
var keptTables = []string{"provinces", "benefit_schemes", "app_settings"}

// bulkThreshold is the number of participants from which Run drops secondary indexes, unique
// constraints and foreign keys before copying and rebuilds them afterwards: sorting once beats
// maintaining 89 indexes row by row and checking 40 foreign keys per row, from a few hundred
// participants on (5,000: 1.1 s instead of 2.4 s).
var bulkThreshold = 500

// IsEmpty reports whether the database holds none of the data Run writes (participants, waves,
// applications, catalogue, purchases, incentives …). Reference data and settings don't count.
// It returns a wrapped database error when a table is missing (an unmigrated database).
func IsEmpty(ctx context.Context, bdb *bun.DB) (bool, error) {
	var empty bool
	if err := bdb.QueryRowContext(ctx, emptyQuery()).Scan(&empty); err != nil {
		return false, fmt.Errorf("seed: check whether the database is empty: %w", err)
	}
	return empty, nil
}

func emptyQuery() string {
	parts := make([]string, len(loadedTables))
	for i, t := range loadedTables {
		parts[i] = "EXISTS (SELECT 1 FROM " + pgx.Identifier{t}.Sanitize() + ")"
	}
	return "SELECT NOT (" + strings.Join(parts, " OR ") + ")"
}

// Reset empties every data table of the current schema with TRUNCATE … RESTART IDENTITY CASCADE,
// keeping provinces, benefit schemes, settings and the migration bookkeeping. It returns a wrapped
// database error when the statement fails.
func Reset(ctx context.Context, bdb *bun.DB) error {
	rows, err := bdb.QueryContext(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
	if err != nil {
		return fmt.Errorf("seed: list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("seed: list tables: %w", err)
		}
		if !slices.Contains(keptTables, t) && !strings.HasPrefix(t, "bun_migration") {
			names = append(names, pgx.Identifier{t}.Sanitize())
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("seed: list tables: %w", err)
	}
	if len(names) == 0 {
		return nil
	}
	if _, err := bdb.ExecContext(ctx, "TRUNCATE TABLE "+strings.Join(names, ", ")+" RESTART IDENTITY CASCADE"); err != nil {
		return fmt.Errorf("seed: reset: %w", err)
	}
	return nil
}

// pgArray formats a text array literal for a query argument.
func pgArray(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), `"`, `\"`) + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// load runs the whole seed inside one transaction on one connection.
func load(ctx context.Context, bdb *bun.DB, opts Options, prog *progress, stats *Stats) error {
	return db.RawConn(ctx, bdb, func(conn *pgx.Conn) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return fmt.Errorf("seed: begin: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after Commit
		if err := loadTx(ctx, tx, opts, prog, stats); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("seed: commit: %w", err)
		}
		return nil
	})
}

func exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		short := sql
		if len(short) > 120 {
			short = short[:120] + "…"
		}
		return fmt.Errorf("seed: %s: %w", short, err)
	}
	return nil
}

func loadTx(ctx context.Context, tx pgx.Tx, opts Options, prog *progress, stats *Stats) error {
	// The connection's statement_timeout guards API requests; a bulk load needs longer.
	for _, s := range []string{"SET LOCAL statement_timeout = 0", "SET LOCAL lock_timeout = '30s'",
		"SET LOCAL synchronous_commit = off", "SET LOCAL maintenance_work_mem = '1GB'", "SET LOCAL work_mem = '128MB'"} {
		if err := exec(ctx, tx, s); err != nil {
			return err
		}
	}
	quoted := make([]string, len(loadedTables))
	for i, t := range loadedTables {
		quoted[i] = pgx.Identifier{t}.Sanitize()
	}
	list := strings.Join(quoted, ", ")
	// Lock first, then check: no concurrent writer can slip rows in between the check and the
	// TRUNCATE below (which makes COPY … FREEZE possible).
	if err := exec(ctx, tx, "LOCK TABLE "+list+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		return err
	}
	var empty bool
	if err := tx.QueryRow(ctx, emptyQuery()).Scan(&empty); err != nil {
		return fmt.Errorf("seed: check whether the database is empty: %w", err)
	}
	if !empty {
		return ErrNotEmpty
	}
	schemes, err := readSchemes(ctx, tx)
	if err != nil {
		return err
	}
	provinces, err := readProvinces(ctx, tx)
	if err != nil {
		return err
	}
	g := newGen(opts, schemes, provinces)
	// Use the REPLACED payout account status only where a migration allows it.
	if err := tx.QueryRow(ctx, `SELECT coalesce(bool_or(pg_get_constraintdef(oid) LIKE '%''REPLACED''%'), false)
		FROM pg_constraint WHERE conrelid = 'payout_accounts'::regclass AND contype = 'c'`).Scan(&g.canReplace); err != nil {
		return fmt.Errorf("seed: read payout account statuses: %w", err)
	}
	if err := g.generate(prog); err != nil {
		return err
	}
	if err := exec(ctx, tx, "TRUNCATE TABLE "+list+" RESTART IDENTITY CASCADE"); err != nil {
		return err
	}
	// The rollups' triggers would add every copied row to a rollup one statement at a time, through
	// transition tables as big as the tables; the rollups are rebuilt set-based at the end instead.
	rollupTriggers, err := rollupTriggers(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range rollupTriggers {
		if err := exec(ctx, tx, "ALTER TABLE "+t[0]+" DISABLE TRIGGER "+t[1]); err != nil {
			return err
		}
	}
	bulk := opts.Participants >= bulkThreshold
	var saved *savedDDL
	if bulk {
		if saved, err = dropDDL(ctx, tx, prog); err != nil {
			return err
		}
	}
	tables := g.tables()
	if !prog.perStep() {
		total := 0
		for _, t := range tables {
			total += t.n
		}
		prog.begin("copy", int64(total))
	}
	for _, t := range tables {
		n, err := copyTable(ctx, tx, t, prog)
		if err != nil {
			return err
		}
		stats.set(t.name, n)
	}
	if !prog.perStep() {
		prog.describe("copy")
		prog.end("")
	}
	if bulk {
		if err := saved.restoreIndexes(ctx, tx, prog); err != nil {
			return err
		}
	}
	prog.begin("analyze", int64(len(loadedTables)))
	for _, t := range quoted {
		if err := exec(ctx, tx, "ANALYZE "+t); err != nil {
			return err
		}
		prog.add(1)
	}
	prog.end(fmt.Sprintf("%d tables", len(quoted)))
	if bulk {
		if err := saved.restoreForeignKeys(ctx, tx, prog); err != nil {
			return err
		}
	}
	if len(rollupTriggers) > 0 {
		prog.begin("rebuild rollups", 1)
		if err := exec(ctx, tx, "SELECT rollup_rebuild()"); err != nil {
			return err
		}
		for _, t := range rollupTriggers {
			if err := exec(ctx, tx, "ALTER TABLE "+t[0]+" ENABLE TRIGGER "+t[1]); err != nil {
				return err
			}
		}
		prog.add(1)
		prog.end(fmt.Sprintf("%d triggers", len(rollupTriggers)))
	}
	for _, t := range g.tables() {
		if !t.id {
			continue
		}
		name := pgx.Identifier{t.name}.Sanitize()
		if err := exec(ctx, tx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce(max(id), 0) + 1, false) FROM %s", t.name, name)); err != nil {
			return err
		}
	}
	summary := map[string]any{"participants": opts.Participants, "seed": opts.Seed, "now": opts.Now.UTC().Format(time.RFC3339)}
	rows := map[string]int64{}
	for _, tc := range stats.Tables() {
		if tc.Table != "audit_events" {
			rows[tc.Table] = tc.Rows
		}
	}
	summary["rows"] = rows
	after, _ := json.Marshal(summary)
	if err := exec(ctx, tx, `INSERT INTO audit_events (occurred_at, actor_subject, actor_role, action, entity_type, after)
		VALUES ($1, 'seed', 'SYSTEM', 'seed', 'Database', $2::jsonb)`, opts.Now, string(after)); err != nil {
		return err
	}
	stats.AuditEvents = 1
	return nil
}

// rollupTriggers returns the triggers that keep the rollups exact, as (table, trigger) pairs quoted
// for SQL; none on a schema before the rollups' migration.
func rollupTriggers(ctx context.Context, tx pgx.Tx) ([][2]string, error) {
	rows, err := tx.Query(ctx, `SELECT quote_ident(c.relname), quote_ident(t.tgname) FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc f ON f.oid = t.tgfoid
		WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal AND f.proname LIKE '%\_rollup\_apply'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("seed: list rollup triggers: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var t [2]string
		if err := rows.Scan(&t[0], &t[1]); err != nil {
			return nil, fmt.Errorf("seed: list rollup triggers: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func readSchemes(ctx context.Context, tx pgx.Tx) ([]*scheme, error) {
	rows, err := tx.Query(ctx, `SELECT code, first_wave, coalesce(last_wave, 0), training_balance, incentive_amount,
		incentive_installments, survey_amount, survey_count, purchase_deadline_days, coalesce(remaining_balance_days, 0)
		FROM benefit_schemes ORDER BY first_wave`)
	if err != nil {
		return nil, fmt.Errorf("seed: read benefit schemes: %w", err)
	}
	defer rows.Close()
	var out []*scheme
	for rows.Next() {
		s := &scheme{}
		if err := rows.Scan(&s.code, &s.firstWave, &s.lastWave, &s.balance, &s.incentive, &s.installments,
			&s.survey, &s.surveys, &s.deadlineDays, &s.remainingDays); err != nil {
			return nil, fmt.Errorf("seed: read benefit schemes: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seed: read benefit schemes: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("seed: benefit_schemes is empty; apply the migrations first")
	}
	return out, nil
}

func readProvinces(ctx context.Context, tx pgx.Tx) ([]province, error) {
	rows, err := tx.Query(ctx, `SELECT code, name, island FROM provinces ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("seed: read provinces: %w", err)
	}
	defer rows.Close()
	var out []province
	for rows.Next() {
		var p province
		var island string
		if err := rows.Scan(&p.code, &p.name, &island); err != nil {
			return nil, fmt.Errorf("seed: read provinces: %w", err)
		}
		p.java = island == "JAWA"
		p.regencies = provinceData[p.code].regencies
		if len(p.regencies) == 0 {
			p.regencies = []regency{{code: 1, name: "Kota " + p.name}}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seed: read provinces: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("seed: provinces is empty; apply the migrations first")
	}
	return out, nil
}

// copyTable streams one table with binary COPY … FREEZE (the table was truncated in this
// transaction, so its rows can be written frozen and need no later vacuum). Optional columns the
// table lacks are left out; a missing required column is an error.
func copyTable(ctx context.Context, tx pgx.Tx, t table, prog *progress) (int64, error) {
	present := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, t.name)
	if err != nil {
		return 0, fmt.Errorf("seed: columns of %s: %w", t.name, err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, fmt.Errorf("seed: columns of %s: %w", t.name, err)
		}
		present[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("seed: columns of %s: %w", t.name, err)
	}
	var cols []string
	var skip []bool
	for i, c := range t.cols {
		if !present[c] {
			if !slices.Contains(t.optional, c) {
				return 0, fmt.Errorf("seed: table %s has no column %s; apply the migrations first", t.name, c)
			}
			if skip == nil {
				skip = make([]bool, len(t.cols))
			}
			skip[i] = true
			continue
		}
		cols = append(cols, pgx.Identifier{c}.Sanitize())
	}
	sql := fmt.Sprintf("COPY %s (%s) FROM STDIN WITH (FORMAT binary, FREEZE)", pgx.Identifier{t.name}.Sanitize(), strings.Join(cols, ", "))
	if prog.perStep() {
		prog.begin("copy "+t.name, int64(t.n))
	} else {
		prog.describe("copy " + t.name)
	}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, newRowReader(t.n, t.emit, skip, prog.add), sql)
	if err != nil {
		return 0, fmt.Errorf("seed: copy %s: %w", t.name, err)
	}
	if prog.perStep() {
		prog.end(thousands(tag.RowsAffected()) + " rows")
	}
	return tag.RowsAffected(), nil
}

// savedDDL holds the secondary indexes, unique constraints and foreign keys dropped for a bulk
// load, as the statements that recreate them.
type savedDDL struct {
	uniques, indexes, fks []string
}

func queryPairs(ctx context.Context, tx pgx.Tx, sql string) (drops, creates []string, err error) {
	rows, err := tx.Query(ctx, sql, pgArray(loadedTables))
	if err != nil {
		return nil, nil, fmt.Errorf("seed: read schema: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, c string
		if err := rows.Scan(&d, &c); err != nil {
			return nil, nil, fmt.Errorf("seed: read schema: %w", err)
		}
		drops, creates = append(drops, d), append(creates, c)
	}
	return drops, creates, rows.Err()
}

// dropDDL drops the foreign keys, the unique constraints nothing references and the secondary
// indexes of the loaded tables, remembering their definitions. Primary keys stay.
func dropDDL(ctx context.Context, tx pgx.Tx, prog *progress) (*savedDDL, error) {
	fkDrop, fkCreate, err := queryPairs(ctx, tx, `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
			format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
		FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY ($1::text[]::regclass[])
		ORDER BY conrelid::regclass::text, conname`)
	if err != nil {
		return nil, err
	}
	uqDrop, uqCreate, err := queryPairs(ctx, tx, `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
			format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid = ANY ($1::text[]::regclass[])
			AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
				AND NOT (f.conrelid = ANY ($1::text[]::regclass[])))
		ORDER BY c.conrelid::regclass::text, c.conname`)
	if err != nil {
		return nil, err
	}
	ixDrop, ixCreate, err := queryPairs(ctx, tx, `SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
		FROM pg_index i WHERE i.indrelid = ANY ($1::text[]::regclass[])
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
		ORDER BY i.indrelid::regclass::text, i.indexrelid::regclass::text`)
	if err != nil {
		return nil, err
	}
	all := append(append(append([]string{}, fkDrop...), uqDrop...), ixDrop...)
	prog.begin("drop indexes and keys", int64(len(all)))
	for _, s := range all {
		if err := exec(ctx, tx, s); err != nil {
			return nil, err
		}
		prog.add(1)
	}
	prog.end(fmt.Sprintf("%d dropped", len(all)))
	return &savedDDL{uniques: uqCreate, indexes: ixCreate, fks: fkCreate}, nil
}

func (s *savedDDL) restoreIndexes(ctx context.Context, tx pgx.Tx, prog *progress) error {
	all := append(append([]string{}, s.uniques...), s.indexes...)
	prog.begin("build indexes", int64(len(all)))
	for _, q := range all {
		if err := exec(ctx, tx, q); err != nil {
			return err
		}
		prog.add(1)
	}
	prog.end(fmt.Sprintf("%d built", len(all)))
	return nil
}

func (s *savedDDL) restoreForeignKeys(ctx context.Context, tx pgx.Tx, prog *progress) error {
	prog.begin("validate foreign keys", int64(len(s.fks)))
	for _, q := range s.fks {
		if err := exec(ctx, tx, q); err != nil {
			return err
		}
		prog.add(1)
	}
	prog.end(fmt.Sprintf("%d validated", len(s.fks)))
	return nil
}
