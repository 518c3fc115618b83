package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/db/seed"
)

// bigTables are the tables that grow with the number of participants: a selective query must never
// scan one of them whole.
var bigTables = map[string]bool{"participants": true, "enrollments": true, "incentives": true, "payments": true,
	"balance_ledger": true, "wave_applications": true, "certificates": true, "reviews": true}

// seededDB returns a copy of a migrated database seeded with 30,000 participants, built once per
// test process (the "plans" template).
func seededDB(t *testing.T) *bun.DB {
	t.Helper()
	return dbtest.MustClone(t, "plans", func(ctx context.Context, bdb *bun.DB) error {
		if _, err := db.Migrate(ctx, bdb); err != nil {
			return err
		}
		_, err := seed.Run(ctx, bdb, seed.Options{Participants: 30000, Seed: 3, Now: time.Now().Truncate(time.Minute)})
		return err
	})
}

// TestQueryPlans runs the key queries of the API through the db package over a realistic data set,
// captures their SQL, and checks each EXPLAIN plan: an index serves it, and no big table is read
// whole when the filter is selective.
func TestQueryPlans(t *testing.T) {
	bdb := seededDB(t)
	ctx := context.Background()
	var pid, courseID int64
	if err := bdb.NewRaw(`SELECT participant_id FROM incentives GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(ctx, &pid); err != nil {
		t.Fatal(err)
	}
	if err := bdb.NewRaw(`SELECT id FROM courses ORDER BY enrollment_count DESC, id LIMIT 1`).Scan(ctx, &courseID); err != nil {
		t.Fatal(err)
	}
	first := 20
	scope := db.Unrestricted
	participant := db.IntNodeID(db.TypeParticipant, pid)
	day := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	cursorPage, err := db.FindParticipants(ctx, bdb, scope, nil, nil, db.PageArgs{First: &first})
	if err != nil {
		t.Fatal(err)
	}
	after := *cursorPage.EndCursor()
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"one participant's incentives", func() error {
			_, err := db.FindIncentives(ctx, bdb, scope, &db.IncentiveFilter{ParticipantID: &participant}, nil, db.PageArgs{First: &first})
			return err
		}},
		{"one participant's enrollments, nested", func() error {
			_, err := db.FindEnrollmentsByParents(ctx, bdb, scope, db.ByParticipant, []int64{pid, pid + 1, pid + 2}, nil, nil, db.PageArgs{First: &first})
			return err
		}},
		{"count of one participant's enrollments, nested", func() error {
			_, err := db.CountEnrollmentsByParents(ctx, bdb, scope, db.ByParticipant, []int64{pid, pid + 1}, nil)
			return err
		}},
		{"total amount of one participant's incentives, nested", func() error {
			_, err := db.SumIncentivesByParents(ctx, bdb, scope, db.ByParticipant, []int64{pid, pid + 1}, nil)
			return err
		}},
		{"groups of one participant's incentives, nested", func() error {
			_, err := db.GroupIncentivesByParents(ctx, bdb, scope, db.ByParticipant, []int64{pid, pid + 1}, nil, db.GroupArgs{By: []string{"KIND", "STATUS"}})
			return err
		}},
		{"a course's enrollments in a month", func() error {
			course := db.IntNodeID(db.TypeCourse, courseID)
			_, err := db.FindEnrollments(ctx, bdb, scope, &db.EnrollmentFilter{CourseID: &course, PurchasedFrom: day("2021-03-01"), PurchasedTo: day("2021-03-31")}, nil, db.PageArgs{First: &first})
			return err
		}},
		{"keyset page after a cursor", func() error {
			_, err := db.FindParticipants(ctx, bdb, scope, nil, nil, db.PageArgs{First: &first, After: &after})
			return err
		}},
		{"participants by NIK prefix", func() error {
			s := "3201"
			_, err := db.FindParticipants(ctx, bdb, scope, &db.ParticipantFilter{Search: &s}, nil, db.PageArgs{First: &first})
			return err
		}},
		{"paid installments of one province in one month, counted", func() error {
			_, err := db.CountIncentives(ctx, bdb, scope, &db.IncentiveFilter{ProvinceCode: []string{"65"}, Status: []db.IncentiveStatus{db.IncentiveStatusPaid},
				DueFrom: day("2021-03-01"), DueTo: day("2021-03-31")})
			return err
		}},
		{"a participant by ids", func() error {
			_, err := db.FindParticipantsByIDs(ctx, bdb, scope, []int64{pid, 5, 7})
			return err
		}},
		{"payments of incentives", func() error {
			_, err := db.FindPaymentsByIncentives(ctx, bdb, scope, []int64{1, 2, 3, 4})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, e := range explainOne(t, bdb, tc.run) {
				var seq []string
				indexed := false
				e.plan.walk(func(n planNode) {
					if n.NodeType == "Seq Scan" && bigTables[n.Relation] {
						seq = append(seq, n.Relation)
					}
					if strings.Contains(n.NodeType, "Index") {
						indexed = true
					}
				})
				if len(seq) > 0 || !indexed {
					t.Errorf("%s: plan reads %v whole (index used: %v):\n%s", e.how, seq, indexed, e.shown)
				}
			}
		})
	}
}

// TestDashboardPlans checks that the dashboard's totals and groups over everything read rollups,
// never participants, enrollments or incentives themselves.
func TestDashboardPlans(t *testing.T) {
	bdb := seededDB(t)
	ctx := context.Background()
	scope := db.Unrestricted
	day := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	all := 1000
	paid := []db.IncentiveStatus{db.IncentiveStatusPaid}
	for _, tc := range []struct {
		name   string
		run    func() error
		rollup string // the rollup the plan must read, when it matters which
	}{
		{"d. participants totalCount", func() error { _, err := db.TotalParticipants(ctx, bdb, scope, nil); return err }, "participant_wave_rollup"},
		{"d. enrollments totals", func() error { _, _, err := db.TotalEnrollments(ctx, bdb, scope, nil); return err }, "enrollment_status_rollup"},
		{"d. incentives totals", func() error { _, _, err := db.TotalIncentives(ctx, bdb, scope, nil); return err }, "incentive_status_rollup"},
		{"d. paid incentives totals", func() error {
			_, _, err := db.TotalIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid})
			return err
		}, "incentive_status_rollup"},
		{"e. paid by month and province", func() error {
			_, err := db.GroupIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid, PaidFrom: day("2021-01-01"), PaidTo: day("2021-12-31")},
				db.GroupArgs{By: []string{"MONTH", "PROVINCE"}, First: &all})
			return err
		}, "incentive_month_rollup"},
		{"f. completion by category", func() error {
			_, err := db.GroupEnrollments(ctx, bdb, scope, nil, db.GroupArgs{By: []string{"CATEGORY"}, First: &all})
			return err
		}, "enrollment_rollup"},
		{"g. participants by wave and status", func() error {
			_, err := db.GroupParticipants(ctx, bdb, scope, nil, db.GroupArgs{By: []string{"WAVE", "STATUS"}, First: &all})
			return err
		}, "participant_wave_rollup"},
		{"i. paid training installments of a province", func() error {
			_, _, err := db.TotalIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid, Kind: []db.IncentiveKind{db.IncentiveKindTraining}, ProvinceCode: []string{"32"}})
			return err
		}, "incentive_month_rollup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, e := range explainOne(t, bdb, tc.run) {
				var big, rollups []string
				e.plan.walk(func(n planNode) {
					if bigTables[n.Relation] {
						big = append(big, n.Relation)
					}
					if strings.HasSuffix(n.Relation, "_rollup") {
						rollups = append(rollups, n.Relation)
					}
				})
				if len(big) > 0 || len(rollups) == 0 {
					t.Errorf("%s: plan reads %v (rollups: %v); a dashboard aggregate over everything must read only a rollup (see db/rollup.go):\n%s",
						e.how, big, rollups, e.shown)
				}
				if tc.rollup != "" && (len(rollups) != 1 || rollups[0] != tc.rollup) {
					t.Errorf("%s: plan reads the rollups %v, want only %s, the smallest that answers it (db/rollup.go lists them smallest first):\n%s",
						e.how, rollups, tc.rollup, e.shown)
				}
			}
		})
	}
}

// explained is one plan of a statement: how it was planned, its plan, and the statement with the
// plan as text for a failure message.
type explained struct {
	how   string
	plan  planNode
	shown string
}

// explainOne runs run, which must send exactly one statement, and returns that statement's plans.
// A statement that takes its keys as a bind parameter (keysOf) is explained twice: planned for the
// keys it was sent with, and as the generic plan that PostgreSQL's plan cache may choose for it
// after five executions; both must hold.
func explainOne(t *testing.T, bdb *bun.DB, run func() error) []explained {
	t.Helper()
	counter := &captured{}
	db.AddQueryHook(bdb, counter)
	err := run()
	db.ResetQueryHooks(bdb)
	if err != nil {
		t.Fatal(err)
	}
	if len(counter.queries) != 1 {
		t.Fatalf("ran %d statements, want 1", len(counter.queries))
	}
	q, args := counter.queries[0], counter.args[0]
	var out []explained
	ctx := context.Background()
	err = db.RawConn(ctx, bdb, func(conn *pgx.Conn) error {
		var raws [][2]string
		var raw string
		if err := conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+q, args...).Scan(&raw); err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		raws = append(raws, [2]string{"planned for its arguments", raw})
		if len(args) > 0 {
			literals := make([]string, len(args))
			for i, a := range args {
				keys, ok := a.([]int64)
				if !ok {
					return fmt.Errorf("explain: argument %d is a %T; only key lists ([]int64) are expected", i+1, a)
				}
				literals[i] = "'{" + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(keys)), ","), "[]") + "}'"
			}
			tx, err := conn.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx) //nolint:errcheck // read only
			for _, s := range []string{"SET LOCAL plan_cache_mode = force_generic_plan", "PREPARE plan_check AS " + q} {
				if _, err := tx.Exec(ctx, s); err != nil {
					return fmt.Errorf("explain: %s: %w", s, err)
				}
			}
			if err := tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) EXECUTE plan_check("+strings.Join(literals, ", ")+")").Scan(&raw); err != nil {
				return fmt.Errorf("explain the generic plan: %w", err)
			}
			if _, err := tx.Exec(ctx, "DEALLOCATE plan_check"); err != nil {
				return err
			}
			raws = append(raws, [2]string{"generic plan", raw})
		}
		for _, r := range raws {
			var plan []struct {
				Plan planNode `json:"Plan"`
			}
			if err := json.Unmarshal([]byte(r[1]), &plan); err != nil {
				return err
			}
			out = append(out, explained{how: r[0], plan: plan[0].Plan, shown: fmt.Sprintf("%s\nargs %v\n%s: %s", q, args, r[0], r[1])})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(f func(planNode)) {
	f(n)
	for _, c := range n.Plans {
		c.walk(f)
	}
}

type captured struct {
	queries []string
	args    [][]any
}

func (c *captured) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (c *captured) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.queries = append(c.queries, e.Query)
	c.args = append(c.args, e.QueryArgs)
}
