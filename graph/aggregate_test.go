package graph_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"prakerja/db"
)

// TestAggregates checks totals and groupings of every aggregating connection against SQL over the
// same rows.
func TestAggregates(t *testing.T) {
	a := mustAPI(t)

	t.Run("incentives by month and province", func(t *testing.T) {
		var got struct {
			Incentives struct {
				TotalCount  int   `json:"totalCount"`
				TotalAmount int64 `json:"totalAmount"`
				Groups      []struct {
					Key struct {
						Month    string `json:"month"`
						Province struct {
							Code string `json:"code"`
							Name string `json:"name"`
						} `json:"province"`
					} `json:"key"`
					Count  int   `json:"count"`
					Amount int64 `json:"amount"`
				} `json:"groups"`
			} `json:"incentives"`
		}
		a.query(`{ incentives(filter: {status: [PAID], paidFrom: "2020-04-01"}) {
			totalCount totalAmount
			groups(by: [MONTH, PROVINCE], first: 1000) { key { month province { code name } } count amount }
		} }`, nil, &got)
		var want []struct {
			Month, Province string
			Count           int
			Amount          int64
		}
		if err := a.db.NewRaw(`SELECT to_char(paid_at, 'YYYY-MM') AS month, province_code AS province, count(*) AS count, sum(amount) AS amount
			FROM incentives WHERE status = 'PAID' AND paid_at >= '2020-04-01' GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1000`).Scan(t0, &want); err != nil {
			t.Fatal(err)
		}
		wantTotal := a.count(`SELECT count(*) FROM incentives WHERE status = 'PAID' AND paid_at >= '2020-04-01'`)
		var wantAmount int64
		_ = a.db.NewRaw(`SELECT coalesce(sum(amount), 0) FROM incentives WHERE status = 'PAID' AND paid_at >= '2020-04-01'`).Scan(t0, &wantAmount)
		if got.Incentives.TotalCount != wantTotal || got.Incentives.TotalAmount != wantAmount || wantTotal == 0 {
			t.Errorf("totals = %d, %d; want %d, %d", got.Incentives.TotalCount, got.Incentives.TotalAmount, wantTotal, wantAmount)
		}
		if len(got.Incentives.Groups) != len(want) {
			t.Fatalf("%d groups, want %d", len(got.Incentives.Groups), len(want))
		}
		for i, g := range got.Incentives.Groups {
			w := want[i]
			if g.Key.Month != w.Month || g.Key.Province.Code != w.Province || g.Count != w.Count || g.Amount != w.Amount || g.Key.Province.Name == "" {
				t.Fatalf("group %d = %+v, want %+v", i, g, w)
			}
		}
	})

	t.Run("enrollment completion by category", func(t *testing.T) {
		var got struct {
			Enrollments struct {
				TotalAmount int64 `json:"totalAmount"`
				Groups      []struct {
					Key struct {
						Category string `json:"category"`
					} `json:"key"`
					Count          int     `json:"count"`
					Amount         int64   `json:"amount"`
					CompletedCount int     `json:"completedCount"`
					CompletionRate float64 `json:"completionRate"`
				} `json:"groups"`
			} `json:"enrollments"`
		}
		a.query(`{ enrollments { totalAmount groups(by: [CATEGORY], orderBy: {field: COMPLETION_RATE, direction: DESC}) { key { category } count amount completedCount completionRate } } }`, nil, &got)
		var want []struct {
			Category       string
			Count          int
			Amount         int64
			CompletedCount int
			Rate           float64
		}
		if err := a.db.NewRaw(`SELECT c.category, count(*) AS count, sum(e.price) AS amount,
			count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed_count,
			coalesce(count(*) FILTER (WHERE e.status = 'COMPLETED')::float8 / nullif(count(*) FILTER (WHERE e.status <> 'REFUNDED'), 0), 0) AS rate
			FROM enrollments e JOIN courses c ON c.id = e.course_id GROUP BY 1 ORDER BY 5 DESC, 1`).Scan(t0, &want); err != nil {
			t.Fatal(err)
		}
		if len(got.Enrollments.Groups) != min(len(want), 100) || len(want) < 5 {
			t.Fatalf("%d groups, want %d", len(got.Enrollments.Groups), len(want))
		}
		for i, g := range got.Enrollments.Groups {
			w := want[i]
			if g.Key.Category != w.Category || g.Count != w.Count || g.Amount != w.Amount || g.CompletedCount != w.CompletedCount || math.Abs(g.CompletionRate-w.Rate) > 1e-9 {
				t.Fatalf("group %d = %+v, want %+v", i, g, w)
			}
		}
		var sum int64
		_ = a.db.NewRaw(`SELECT sum(price) FROM enrollments`).Scan(t0, &sum)
		if got.Enrollments.TotalAmount != sum {
			t.Errorf("totalAmount = %d, want %d", got.Enrollments.TotalAmount, sum)
		}
	})

	t.Run("participants by wave and status", func(t *testing.T) {
		var got struct {
			Participants struct {
				Groups []struct {
					Key struct {
						Wave *struct {
							Number int `json:"number"`
						} `json:"wave"`
						Status string `json:"status"`
					} `json:"key"`
					Count int `json:"count"`
				} `json:"groups"`
			} `json:"participants"`
		}
		a.query(`{ participants { groups(by: [WAVE, STATUS], first: 1000) { key { wave { number } status } count } } }`, nil, &got)
		gotKeys := map[string]int{}
		for _, g := range got.Participants.Groups {
			n := 0
			if g.Key.Wave != nil {
				n = g.Key.Wave.Number
			}
			gotKeys[fmt.Sprintf("%d/%s", n, g.Key.Status)] = g.Count
		}
		var want []struct {
			Number int
			Status string
			Count  int
		}
		if err := a.db.NewRaw(`SELECT coalesce(w.number, 0) AS number, p.status, count(*) FROM participants p LEFT JOIN waves w ON w.id = p.wave_id GROUP BY 1, 2`).Scan(t0, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(gotKeys) {
			t.Fatalf("%d groups, want %d", len(gotKeys), len(want))
		}
		for _, w := range want {
			if k := fmt.Sprintf("%d/%s", w.Number, w.Status); gotKeys[k] != w.Count {
				t.Errorf("group %s = %d, want %d", k, gotKeys[k], w.Count)
			}
		}
	})

	t.Run("participants by age band, gender and scheme", func(t *testing.T) {
		var got struct {
			Participants struct {
				TotalCount int `json:"totalCount"`
				Groups     []struct {
					Key struct {
						AgeBand string  `json:"ageBand"`
						Gender  string  `json:"gender"`
						Scheme  *string `json:"scheme"`
					} `json:"key"`
					Count int `json:"count"`
				} `json:"groups"`
			} `json:"participants"`
		}
		a.query(`{ participants(filter: {provinceCode: ["32", "35"]}) { totalCount groups(by: [AGE_BAND, GENDER, SCHEME], first: 1000, orderBy: {field: COUNT, direction: DESC}) { key { ageBand gender scheme } count } } }`, nil, &got)
		sum, last := 0, math.MaxInt
		for _, g := range got.Participants.Groups {
			sum += g.Count
			if g.Count > last {
				t.Fatalf("groups not in descending count: %d after %d", g.Count, last)
			}
			last = g.Count
			if !strings.HasPrefix(g.Key.AgeBand, "AGE_") || g.Key.Gender == "" {
				t.Fatalf("group key %+v lacks a dimension", g.Key)
			}
		}
		if sum != got.Participants.TotalCount || sum == 0 {
			t.Errorf("groups add up to %d, totalCount %d", sum, got.Participants.TotalCount)
		}
	})

	t.Run("courses by category and mode", func(t *testing.T) {
		var got struct {
			Courses struct {
				Groups []struct {
					Key struct {
						Category string `json:"category"`
						Mode     string `json:"mode"`
					} `json:"key"`
					Count         int      `json:"count"`
					AveragePrice  float64  `json:"averagePrice"`
					AverageRating *float64 `json:"averageRating"`
				} `json:"groups"`
			} `json:"courses"`
		}
		a.query(`{ courses { groups(by: [CATEGORY, MODE], first: 1000) { key { category mode } count averagePrice averageRating } } }`, nil, &got)
		var want []struct {
			Category, Mode string
			Count          int
			Avg            float64
		}
		if err := a.db.NewRaw(`SELECT category, mode, count(*) AS count, round(avg(min_price), 2) AS avg FROM courses GROUP BY 1, 2 ORDER BY 1, 2`).Scan(t0, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(got.Courses.Groups) {
			t.Fatalf("%d groups, want %d", len(got.Courses.Groups), len(want))
		}
		for i, g := range got.Courses.Groups {
			if w := want[i]; g.Key.Category != w.Category || g.Key.Mode != w.Mode || g.Count != w.Count || math.Abs(g.AveragePrice-w.Avg) > 0.005 {
				t.Fatalf("group %d = %+v, want %+v", i, g, w)
			}
		}
	})

	t.Run("nested: a provider's enrollments by status", func(t *testing.T) {
		provider := a.ids(`SELECT provider_id FROM enrollments GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)[0]
		var got struct {
			Provider struct {
				Enrollments struct {
					TotalAmount int64 `json:"totalAmount"`
					Groups      []struct {
						Key struct {
							Status string `json:"status"`
						} `json:"key"`
						Count int `json:"count"`
					} `json:"groups"`
				} `json:"enrollments"`
			} `json:"provider"`
		}
		a.query(`query($p: ID!) { provider(id: $p) { enrollments { totalAmount groups(by: [STATUS]) { key { status } count } } } }`, map[string]any{"p": gid("Provider", provider)}, &got)
		var want []struct {
			Status string
			Count  int
		}
		_ = a.db.NewRaw(`SELECT status, count(*) FROM enrollments WHERE provider_id = ? GROUP BY 1 ORDER BY 1`, provider).Scan(t0, &want)
		if len(got.Provider.Enrollments.Groups) != len(want) {
			t.Fatalf("groups %+v, want %+v", got.Provider.Enrollments.Groups, want)
		}
		for i, g := range got.Provider.Enrollments.Groups {
			if g.Key.Status != want[i].Status || g.Count != want[i].Count {
				t.Fatalf("group %d = %+v, want %+v", i, g, want[i])
			}
		}
	})

	t.Run("scoped: a participant aggregates only their own incentives", func(t *testing.T) {
		pid := a.ids(`SELECT participant_id FROM incentives GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)[0]
		var got struct {
			Incentives struct {
				TotalCount int `json:"totalCount"`
				Groups     []struct {
					Count int `json:"count"`
				} `json:"groups"`
			} `json:"incentives"`
		}
		a.as(db.RoleParticipant, gid("Participant", pid)).query(`{ incentives { totalCount groups(by: [KIND]) { count } } }`, nil, &got)
		want := a.count(`SELECT count(*) FROM incentives WHERE participant_id = ?`, pid)
		sum := 0
		for _, g := range got.Incentives.Groups {
			sum += g.Count
		}
		if got.Incentives.TotalCount != want || sum != want {
			t.Errorf("own incentives: totalCount %d, groups sum %d; want %d", got.Incentives.TotalCount, sum, want)
		}
	})

	t.Run("bad arguments", func(t *testing.T) {
		for _, q := range []string{
			`{ incentives { groups(by: []) { count } } }`,
			`{ incentives { groups(by: [KIND], first: 5000) { count } } }`,
			`{ incentives { groups(by: [KIND, KIND]) { count } } }`,
		} {
			resp := a.raw(q, nil)
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("%s = %+v, want BAD_USER_INPUT", q, resp.Errors)
			}
		}
	})
	_ = sort.Strings
}
