package db_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// TestDirectScanMatchesBun reads every table of a seeded database both ways, through bun's Scan
// and through direct scanning, and requires the same rows field by field: every column type, NULLs
// included (a seeded data set has NULL in every nullable column somewhere).
func TestDirectScanMatchesBun(t *testing.T) {
	bdb := seededDB(t)
	// Audit events have jsonb columns, which pgx scans on its own (into maps): make two, one with
	// NULLs.
	if _, err := bdb.ExecContext(context.Background(), `INSERT INTO audit_events (actor_subject, actor_role, action, entity_type, entity_id, before, after, request_id)
		VALUES ('admin', 'ADMIN', 'test.direct_scan', 'Participant', 1, '{"a": [1, "x"], "b": null}', '{"n": 2.5}', 'r1'),
		       ('admin', 'ADMIN', 'test.direct_scan', 'Participant', NULL, NULL, '{}', NULL)`); err != nil {
		t.Fatalf("insert an audit event: %v", err)
	}
	compareScans[db.Province](t, bdb)
	compareScans[db.BenefitScheme](t, bdb)
	compareScans[db.Wave](t, bdb)
	compareScans[db.ProvinceQuota](t, bdb)
	compareScans[db.Household](t, bdb)
	compareScans[db.Participant](t, bdb)
	compareScans[db.WaveApplication](t, bdb)
	compareScans[db.Platform](t, bdb)
	compareScans[db.Provider](t, bdb)
	compareScans[db.Course](t, bdb)
	compareScans[db.Listing](t, bdb)
	compareScans[db.TrainingSession](t, bdb)
	compareScans[db.Enrollment](t, bdb)
	compareScans[db.LedgerEntry](t, bdb)
	compareScans[db.Certificate](t, bdb)
	compareScans[db.Review](t, bdb)
	compareScans[db.PayoutAccount](t, bdb)
	compareScans[db.IncentiveSchedule](t, bdb)
	compareScans[db.Incentive](t, bdb)
	compareScans[db.Payment](t, bdb)
	compareScans[db.Placement](t, bdb)
	compareScans[db.AuditEvent](t, bdb)
}

// compareScans reads T's table both ways: rows with NULLs first, so that every nullable column
// shows up with and without a value.
func compareScans[T any](t *testing.T, bdb *bun.DB) {
	t.Helper()
	ctx := context.Background()
	table := bdb.Dialect().Tables().Get(reflect.TypeFor[T]())
	var nulls []string
	for _, f := range table.Fields {
		nulls = append(nulls, "(CASE WHEN "+string(table.SQLAlias)+"."+string(f.SQLName)+" IS NULL THEN 0 ELSE 1 END)")
	}
	order := strings.Join(nulls, " + ")
	for _, pk := range table.PKs {
		order += ", " + string(table.SQLAlias) + "." + string(pk.SQLName)
	}
	query := func() *bun.SelectQuery {
		return bdb.NewSelect().Model((*T)(nil)).OrderExpr(order).Limit(3000)
	}
	var viaBun, direct []*T
	if err := query().Model(&viaBun).Scan(ctx); err != nil {
		t.Fatalf("%s through bun: %v", table.TypeName, err)
	}
	counter := dbtest.CountQueries(bdb)
	if err := db.ScanModels(ctx, bdb, query().Model(&direct), &direct); err != nil {
		t.Fatalf("%s scanned directly: %v", table.TypeName, err)
	}
	if counter.Count() != 1 {
		t.Errorf("%s: the query hooks saw %d statements of the direct scan, want 1", table.TypeName, counter.Count())
	}
	db.ResetQueryHooks(bdb)
	if len(viaBun) == 0 {
		t.Fatalf("%s: the seeded table is empty; the comparison would prove nothing", table.TypeName)
	}
	if len(viaBun) != len(direct) {
		t.Fatalf("%s: bun read %d rows, direct scanning %d", table.TypeName, len(viaBun), len(direct))
	}
	for i := range viaBun {
		if !reflect.DeepEqual(viaBun[i], direct[i]) {
			t.Fatalf("%s row %d differs:\nbun:    %+v\ndirect: %+v", table.TypeName, i, *viaBun[i], *direct[i])
		}
	}
}

// TestHooksGoThroughTheHub fails when code adds or resets bun query hooks itself: such a hook would
// miss the statements of direct scanning. db.AddQueryHook and db.ResetQueryHooks are the way.
func TestHooksGoThroughTheHub(t *testing.T) {
	root := filepath.Join("..")
	var bad []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, filepath.Join("db", "hooks.go")) {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, isIdent := sel.X.(*ast.Ident); (sel.Sel.Name == "AddQueryHook" || sel.Sel.Name == "ResetQueryHooks") && !(isIdent && x.Name == "db") {
				bad = append(bad, path)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("these files call bun's AddQueryHook or ResetQueryHooks; call db.AddQueryHook / db.ResetQueryHooks instead, so that hooks also see directly scanned statements: %v", bad)
	}
}

// TestKeySetStatementsAreStable checks that a lookup of a set of keys sends the same statement
// text whatever the keys, in any order: the keys are its argument (keysOf). Each new text is
// prepared anew by pgx (a round trip, and a parse and plan in PostgreSQL) and takes a place in its
// statement cache, so keys written into the text cost that on every page of a nested connection.
func TestKeySetStatementsAreStable(t *testing.T) {
	bdb := dbtest.MustDB(t)
	ctx := context.Background()
	counter := dbtest.CountQueries(bdb)
	defer db.ResetQueryHooks(bdb)
	for _, ids := range [][]int64{{3, 1, 2}, {2, 3, 1}, {1, 2, 3}, {7, 9}, {1000001}} {
		if _, err := db.FindWavesByIDs(ctx, bdb, db.Unrestricted, ids); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindEnrollmentsByParents(ctx, bdb, db.Unrestricted, db.ByParticipant, ids, nil, nil, db.PageArgs{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindPaymentsByIncentives(ctx, bdb, db.Unrestricted, ids); err != nil {
			t.Fatal(err)
		}
		// A nested connection's totalCount, totalAmount and groups.
		if _, err := db.CountEnrollmentsByParents(ctx, bdb, db.Unrestricted, db.ByParticipant, ids, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SumIncentivesByParents(ctx, bdb, db.Unrestricted, db.ByParticipant, ids, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GroupIncentivesByParents(ctx, bdb, db.Unrestricted, db.ByParticipant, ids, nil, db.GroupArgs{By: []string{"KIND", "STATUS"}}); err != nil {
			t.Fatal(err)
		}
	}
	const each = 6
	q := counter.Queries()
	if len(q) != 5*each {
		t.Fatalf("ran %d statements, want %d: %q", len(q), 5*each, q)
	}
	for i := each; i < len(q); i++ {
		if q[i] != q[i%each] {
			t.Errorf("other keys gave another statement:\n%s\n%s", q[i%each], q[i])
		}
		if strings.Contains(q[i], "1000001") {
			t.Errorf("a key is written into the statement's text: %s", q[i])
		}
	}
}

// TestDirectScanAllocations checks that scanning allocates rows in slabs, and texts and nullable
// times in shared blocks: nothing per integer or time column, one string per value of a text
// column whose values repeat, and far less than one allocation per row for distinct texts (NIKs)
// and for nullable times.
func TestDirectScanAllocations(t *testing.T) {
	bdb := seededDB(t)
	ctx := context.Background()
	allocs := func(n int, cols ...string) float64 {
		return testing.AllocsPerRun(5, func() {
			var rows []*db.Participant
			q := bdb.NewSelect().Model(&rows).Column(cols...).OrderExpr("p.id").Limit(int64(n))
			if err := db.ScanModels(ctx, bdb, q, &rows); err != nil || len(rows) != n {
				t.Fatalf("scanned %d rows, want %d: %v", len(rows), n, err)
			}
		})
	}
	small, large := allocs(1000, "id", "balance", "registered_at", "birth_date"), allocs(3000, "id", "balance", "registered_at", "birth_date")
	if perRow := (large - small) / 2000; perRow > 0.5 {
		t.Errorf("scanning allocates %.2f times per row of integers and times, want under 0.5 (rows come in slabs)", perRow)
	}
	// A text column whose values repeat (a status, a gender) shares one string per value; one whose
	// values do not (a NIK) takes its strings from shared blocks.
	small, large = allocs(1000, "id", "status", "gender"), allocs(3000, "id", "status", "gender")
	if perRow := (large - small) / 2000; perRow > 0.5 {
		t.Errorf("scanning allocates %.2f times per row of repeating statuses and genders, want under 0.5 (one string per value)", perRow)
	}
	small, large = allocs(1000, "id", "nik"), allocs(3000, "id", "nik")
	if perRow := (large - small) / 2000; perRow > 0.5 {
		t.Errorf("scanning allocates %.2f times per row of distinct NIKs, want under 0.5 (texts in shared blocks)", perRow)
	}
	small, large = allocs(1000, "id", "selected_at", "purchase_deadline"), allocs(3000, "id", "selected_at", "purchase_deadline")
	if perRow := (large - small) / 2000; perRow > 0.5 {
		t.Errorf("scanning allocates %.2f times per row of nullable times, want under 0.5 (times in shared blocks)", perRow)
	}
}
