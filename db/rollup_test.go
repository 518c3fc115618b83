package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// mustNoDrift fails the test when a rollup differs from a recomputation from its table.
func mustNoDrift(t *testing.T, bdb bun.IDB, after string) {
	t.Helper()
	drift, err := db.RollupDrift(context.Background(), bdb)
	if err != nil {
		t.Fatalf("RollupDrift after %s: %v", after, err)
	}
	if len(drift) > 0 {
		if len(drift) > 10 {
			drift = drift[:10]
		}
		t.Fatalf("after %s the rollups differ from their tables (fix the rollup triggers of migrations 7 and 9, or rebuild them in the seed): %+v", after, drift)
	}
}

// TestRollupsExactAfterSeed checks that the seed leaves every rollup equal to its table.
func TestRollupsExactAfterSeed(t *testing.T) {
	mustNoDrift(t, dbtest.MustSeededDB(t), "the seed")
}

// TestRollupsExactAfterWrites applies every kind of statement to the rollups' tables (inserts,
// updates that move rows between keys or within one, deletes, rollbacks, truncation) and checks
// the rollups after each.
func TestRollupsExactAfterWrites(t *testing.T) {
	bdb := dbtest.MustSeededDB(t)
	ctx := context.Background()
	for _, step := range []struct{ name, sql string }{
		{"an update within a key (balances)", `UPDATE participants SET balance = balance + 1 WHERE id % 3 = 0`},
		{"an update that moves participants between keys", `UPDATE participants SET gender = CASE gender WHEN 'MALE' THEN 'FEMALE' ELSE 'MALE' END,
			education = 'DIPLOMA', registered_at = registered_at - interval '40 days' WHERE id % 7 = 1`},
		{"an update of incentive status, channel and paid time", `UPDATE incentives SET status = 'PAID', channel = 'OVO',
			paid_at = due_on::timestamptz + interval '23 hours 30 minutes' WHERE status <> 'PAID' AND id % 5 = 0`},
		{"an update of money only", `UPDATE incentives SET amount = amount + 7 WHERE id % 11 = 0`},
		{"an update moving incentives across a month end in Jakarta", `UPDATE incentives SET paid_at = date_trunc('month', paid_at) - interval '1 minute'
			WHERE paid_at IS NOT NULL AND id % 13 = 0`},
		{"an update of enrollment status and price", `UPDATE enrollments SET status = 'REFUNDED', refunded_at = purchased_at, completed_at = NULL,
			price = price - 1 WHERE id % 9 = 0 AND price > 0`},
		{"a copy of incentives", `INSERT INTO incentives (schedule_id, participant_id, wave_id, province_code, kind, sequence, amount, due_on, status, created_at)
			SELECT schedule_id, participant_id, wave_id, province_code, kind, sequence + 100, amount, due_on + 400, 'SCHEDULED', created_at
			FROM incentives WHERE id % 4 = 0`},
		{"a delete of incentives", `DELETE FROM payments WHERE incentive_id IN (SELECT id FROM incentives WHERE sequence > 100 AND id % 2 = 0);
			DELETE FROM incentives WHERE sequence > 100 AND id % 2 = 0`},
		{"a statement that changes nothing", `UPDATE enrollments SET price = price WHERE false`},
	} {
		if _, err := bdb.ExecContext(ctx, step.sql); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		mustNoDrift(t, bdb, step.name)
	}

	t.Run("rollback", func(t *testing.T) {
		var before int64
		if err := bdb.NewRaw("SELECT sum(n) FROM incentive_rollup WHERE status = 'PAID'").Scan(ctx, &before); err != nil {
			t.Fatal(err)
		}
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE incentives SET status = 'CANCELLED', paid_at = NULL WHERE status = 'PAID'"); err != nil {
				return err
			}
			return fmt.Errorf("roll back")
		})
		if err == nil {
			t.Fatal("the transaction committed")
		}
		var after int64
		if err := bdb.NewRaw("SELECT sum(n) FROM incentive_rollup WHERE status = 'PAID'").Scan(ctx, &after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("PAID incentives in the rollup after a rollback = %d, want %d", after, before)
		}
		mustNoDrift(t, bdb, "a rollback")
	})

	t.Run("concurrent writers", func(t *testing.T) {
		// Writers move overlapping rows between the same keys, each statement in the order mutations
		// write tables; a quarter roll back.
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := 0; w < 12; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rng := rand.New(rand.NewSource(int64(w)))
				for i := 0; i < 6; i++ {
					m := 2 + rng.Intn(5)
					err := db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
						stmts := []string{
							fmt.Sprintf(`UPDATE incentives SET status = CASE status WHEN 'PAID' THEN 'PAID' WHEN 'SCHEDULED' THEN 'FAILED' ELSE 'SCHEDULED' END
								WHERE id %% %d = %d`, 40+m, rng.Intn(40)),
							fmt.Sprintf(`UPDATE participants SET gender = CASE gender WHEN 'MALE' THEN 'FEMALE' ELSE 'MALE' END WHERE id %% %d = %d`, 30+m, rng.Intn(30)),
							fmt.Sprintf(`UPDATE enrollments SET price = price + 1, status = CASE status WHEN 'PAID' THEN 'IN_PROGRESS'
								WHEN 'IN_PROGRESS' THEN 'NOT_COMPLETED' WHEN 'NOT_COMPLETED' THEN 'PAID' ELSE status END
								WHERE id %% %d = %d`, 50+m, rng.Intn(50)),
						}
						for _, s := range stmts {
							if _, err := tx.ExecContext(ctx, s); err != nil {
								return err
							}
						}
						if rng.Intn(4) == 0 {
							return errRollback
						}
						return nil
					})
					if err != nil && err != errRollback {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent writer: %v", err)
		}
		mustNoDrift(t, bdb, "concurrent writers")
	})

	t.Run("truncate", func(t *testing.T) {
		if _, err := bdb.ExecContext(ctx, "TRUNCATE participants, enrollments, incentives CASCADE"); err != nil {
			t.Fatal(err)
		}
		mustNoDrift(t, bdb, "TRUNCATE")
		var rows int
		if err := bdb.NewRaw("SELECT (SELECT count(*) FROM participant_rollup) + (SELECT count(*) FROM participant_wave_rollup) + (SELECT count(*) FROM enrollment_rollup) + (SELECT count(*) FROM enrollment_status_rollup) + (SELECT count(*) FROM incentive_status_rollup) + (SELECT count(*) FROM incentive_month_rollup)").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		if rows != 0 {
			t.Errorf("rollup rows after TRUNCATE = %d, want 0", rows)
		}
	})
}

var errRollback = fmt.Errorf("roll back on purpose")

// TestRollupsAnswerAsTables runs totals and groups through a rollup and through the tables
// (WithoutRollups) and wants the same answers, and checks which of them read a rollup at all.
func TestRollupsAnswerAsTables(t *testing.T) {
	bdb := dbtest.MustSeededDB(t)
	ctx := context.Background()
	day := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	first := func(n int) *int { return &n }
	var providerID, courseID int64
	if err := bdb.NewRaw("SELECT provider_id, course_id FROM enrollments GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1").Scan(ctx, &providerID, &courseID); err != nil {
		t.Fatal(err)
	}
	provider := db.IntNodeID(db.TypeProvider, providerID)
	course := db.IntNodeID(db.TypeCourse, courseID)
	participant := db.IntNodeID(db.TypeParticipant, 5)
	analyst := db.Scope{Role: db.RoleAnalyst}
	scoped := db.Scope{Role: db.RoleProvider, ProviderID: providerID}
	admin := db.Unrestricted
	search := "A"
	blank := "  "
	paid := []db.IncentiveStatus{db.IncentiveStatusPaid}

	for _, tc := range []struct {
		name   string
		rollup bool // whether the answer should come from a rollup
		run    func(ctx context.Context) (any, error)
	}{
		// Incentives.
		{"national incentive totals", true, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, admin, nil)
			return []any{n, sum}, err
		}},
		{"paid incentive totals", true, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, analyst, &db.IncentiveFilter{Status: paid})
			return []any{n, sum}, err
		}},
		{"paid training incentives in West Java", true, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, admin, &db.IncentiveFilter{Status: paid, Kind: []db.IncentiveKind{db.IncentiveKindTraining}, ProvinceCode: []string{"32"}})
			return []any{n, sum}, err
		}},
		{"paid by month and province in 2021", true, func(ctx context.Context) (any, error) {
			return db.GroupIncentives(ctx, bdb, admin, &db.IncentiveFilter{Status: paid, PaidFrom: day("2021-01-01"), PaidTo: day("2021-12-31")},
				db.GroupArgs{By: []string{"MONTH", "PROVINCE"}, First: first(1000)})
		}},
		{"due by year, kind and status, ordered by amount", true, func(ctx context.Context) (any, error) {
			return db.GroupIncentives(ctx, bdb, admin, &db.IncentiveFilter{DueFrom: day("2020-04-01"), DueTo: day("2023-06-30")},
				db.GroupArgs{By: []string{"YEAR", "KIND", "STATUS"}, First: first(7), OrderBy: db.GroupOrderField("amount"), Direction: db.OrderDirectionDesc})
		}},
		{"by scheme, wave and channel of some waves", true, func(ctx context.Context) (any, error) {
			return db.GroupIncentives(ctx, bdb, admin, &db.IncentiveFilter{WaveNumber: []int{3, 12, 40}, Channel: []db.PayoutChannel{db.PayoutChannelOvo, db.PayoutChannelBni}},
				db.GroupArgs{By: []string{"SCHEME", "WAVE", "CHANNEL"}, First: first(1000), OrderBy: db.GroupOrderCount})
		}},
		{"sum of incentives of a scheme", true, func(ctx context.Context) (any, error) {
			return db.SumIncentives(ctx, bdb, admin, &db.IncentiveFilter{Scheme: []db.SchemeCode{db.SchemeCodeSemiBansos}})
		}},
		{"an empty list filter", true, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, admin, &db.IncentiveFilter{Kind: []db.IncentiveKind{}})
			return []any{n, sum}, err
		}},
		{"paid in part of a month", false, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, admin, &db.IncentiveFilter{PaidFrom: day("2021-03-02"), PaidTo: day("2021-03-31")})
			return []any{n, sum}, err
		}},
		{"paid by month and channel (no rollup has both)", false, func(ctx context.Context) (any, error) {
			return db.GroupIncentives(ctx, bdb, admin, nil, db.GroupArgs{By: []string{"MONTH", "CHANNEL"}, First: first(1000)})
		}},
		{"one participant's incentives", false, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalIncentives(ctx, bdb, admin, &db.IncentiveFilter{ParticipantID: &participant})
			return []any{n, sum}, err
		}},

		// Enrollments.
		{"national enrollment totals", true, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalEnrollments(ctx, bdb, admin, nil)
			return []any{n, sum}, err
		}},
		{"completion by category", true, func(ctx context.Context) (any, error) {
			return db.GroupEnrollments(ctx, bdb, admin, nil, db.GroupArgs{By: []string{"CATEGORY"}, First: first(1000)})
		}},
		{"completion by mode, provider and platform of a category", true, func(ctx context.Context) (any, error) {
			return db.GroupEnrollments(ctx, bdb, analyst, &db.EnrollmentFilter{Category: []string{"Teknologi Informasi", "Kewirausahaan"}, ProviderID: &provider},
				db.GroupArgs{By: []string{"MODE", "PROVIDER", "PLATFORM"}, First: first(50), OrderBy: db.GroupOrderField("completion_rate"), Direction: db.OrderDirectionDesc})
		}},
		{"purchases by month, province and status in 2022", true, func(ctx context.Context) (any, error) {
			return db.GroupEnrollments(ctx, bdb, admin, &db.EnrollmentFilter{PurchasedFrom: day("2022-01-01"), PurchasedTo: day("2022-12-31")},
				db.GroupArgs{By: []string{"MONTH", "PROVINCE", "STATUS"}, First: first(1000)})
		}},
		{"sum of a course's enrollments", true, func(ctx context.Context) (any, error) {
			return db.SumEnrollments(ctx, bdb, admin, &db.EnrollmentFilter{CourseID: &course})
		}},
		{"a provider's own enrollments (scoped)", false, func(ctx context.Context) (any, error) {
			n, sum, err := db.TotalEnrollments(ctx, bdb, scoped, nil)
			return []any{n, sum}, err
		}},
		{"enrollments by category and month (no rollup has both)", false, func(ctx context.Context) (any, error) {
			return db.GroupEnrollments(ctx, bdb, admin, nil, db.GroupArgs{By: []string{"CATEGORY", "MONTH"}, First: first(1000)})
		}},

		// Participants.
		{"national participant count", true, func(ctx context.Context) (any, error) {
			return db.TotalParticipants(ctx, bdb, admin, nil)
		}},
		{"participants by wave and status", true, func(ctx context.Context) (any, error) {
			return db.GroupParticipants(ctx, bdb, admin, nil, db.GroupArgs{By: []string{"WAVE", "STATUS"}, First: first(1000)})
		}},
		{"participants by scheme, province and gender, by count", true, func(ctx context.Context) (any, error) {
			return db.GroupParticipants(ctx, bdb, analyst, &db.ParticipantFilter{Status: []db.ParticipantStatus{db.ParticipantStatusActive, db.ParticipantStatusCompleted}},
				db.GroupArgs{By: []string{"SCHEME", "PROVINCE", "GENDER"}, First: first(20), OrderBy: db.GroupOrderCount, Direction: db.OrderDirectionDesc})
		}},
		{"participants by education and month registered in 2021", true, func(ctx context.Context) (any, error) {
			return db.GroupParticipants(ctx, bdb, admin, &db.ParticipantFilter{RegisteredFrom: day("2021-01-01"), RegisteredTo: day("2021-06-30"), Search: &blank},
				db.GroupArgs{By: []string{"EDUCATION", "EMPLOYMENT_STATUS", "REGISTERED_MONTH"}, First: first(1000)})
		}},
		{"participants by age band", false, func(ctx context.Context) (any, error) {
			return db.GroupParticipants(ctx, bdb, admin, nil, db.GroupArgs{By: []string{"AGE_BAND"}})
		}},
		{"participants found by name", false, func(ctx context.Context) (any, error) {
			return db.TotalParticipants(ctx, bdb, admin, &db.ParticipantFilter{Search: &search})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter := dbtest.CountQueries(bdb)
			got, err := tc.run(ctx)
			db.ResetQueryHooks(bdb)
			if err != nil {
				t.Fatal(err)
			}
			read := strings.Contains(strings.Join(counter.Queries(), "\n"), "_rollup")
			if read != tc.rollup {
				t.Errorf("read a rollup = %v, want %v: %s", read, tc.rollup, counter.Queries())
			}
			want, err := tc.run(db.WithoutRollups(ctx))
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) || string(g) == "null" {
				t.Errorf("from a rollup = %s\nfrom the table = %s", g, w)
			}
			// Read from the wire into cells (cells.go), or scanned by database/sql: the same.
			viaSQL, err := tc.run(db.WithoutDirectScan(ctx))
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(viaSQL); string(b) != string(g) {
				t.Errorf("read directly = %s\nscanned by database/sql = %s", g, b)
			}
		})
	}
}
