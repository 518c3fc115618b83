package db_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

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
			plan, shown := explainOne(t, bdb, tc.run)
			var seq []string
			indexed := false
			plan.walk(func(n planNode) {
				if n.NodeType == "Seq Scan" && bigTables[n.Relation] {
					seq = append(seq, n.Relation)
				}
				if strings.Contains(n.NodeType, "Index") {
					indexed = true
				}
			})
			if len(seq) > 0 || !indexed {
				t.Errorf("plan reads %v whole (index used: %v):\n%s", seq, indexed, shown)
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
		name string
		run  func() error
	}{
		{"d. participants totalCount", func() error { _, err := db.TotalParticipants(ctx, bdb, scope, nil); return err }},
		{"d. enrollments totals", func() error { _, _, err := db.TotalEnrollments(ctx, bdb, scope, nil); return err }},
		{"d. incentives totals", func() error { _, _, err := db.TotalIncentives(ctx, bdb, scope, nil); return err }},
		{"d. paid incentives totals", func() error {
			_, _, err := db.TotalIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid})
			return err
		}},
		{"e. paid by month and province", func() error {
			_, err := db.GroupIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid, PaidFrom: day("2021-01-01"), PaidTo: day("2021-12-31")},
				db.GroupArgs{By: []string{"MONTH", "PROVINCE"}, First: &all})
			return err
		}},
		{"f. completion by category", func() error {
			_, err := db.GroupEnrollments(ctx, bdb, scope, nil, db.GroupArgs{By: []string{"CATEGORY"}, First: &all})
			return err
		}},
		{"g. participants by wave and status", func() error {
			_, err := db.GroupParticipants(ctx, bdb, scope, nil, db.GroupArgs{By: []string{"WAVE", "STATUS"}, First: &all})
			return err
		}},
		{"i. paid training installments of a province", func() error {
			_, _, err := db.TotalIncentives(ctx, bdb, scope, &db.IncentiveFilter{Status: paid, Kind: []db.IncentiveKind{db.IncentiveKindTraining}, ProvinceCode: []string{"32"}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, shown := explainOne(t, bdb, tc.run)
			var big []string
			rollup := false
			plan.walk(func(n planNode) {
				if bigTables[n.Relation] {
					big = append(big, n.Relation)
				}
				rollup = rollup || strings.HasSuffix(n.Relation, "_rollup")
			})
			if len(big) > 0 || !rollup {
				t.Errorf("plan reads %v (a rollup: %v); a dashboard aggregate over everything must read only a rollup (see db/rollup.go):\n%s",
					big, rollup, shown)
			}
		})
	}
}

// explainOne runs run, which must send exactly one statement, and returns that statement's plan,
// and the statement with its plan as text for a failure message.
func explainOne(t *testing.T, bdb *bun.DB, run func() error) (planNode, string) {
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
	var raw string
	if err := bdb.NewRaw("EXPLAIN (FORMAT JSON) "+counter.queries[0]).Scan(context.Background(), &raw); err != nil {
		t.Fatalf("explain: %v", err)
	}
	var plan []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		t.Fatal(err)
	}
	return plan[0].Plan, counter.queries[0] + "\n" + raw
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

type captured struct{ queries []string }

func (c *captured) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (c *captured) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.queries = append(c.queries, e.Query)
}
