package graph_test

import (
	"strings"
	"testing"
)

// TestStatementCount checks that a deep page runs a fixed number of SQL statements, whatever the
// page size: every relation goes through a per-request loader.
func TestStatementCount(t *testing.T) {
	a := mustAPI(t)
	const q = `query($n: Int!) {
		participants(first: $n, filter: {status: [COMPLETED, ACTIVE]}) {
			nodes {
				fullName
				wave { number scheme { code trainingBalance } }
				enrollments(first: 5) { nodes { price course { title provider { name } } } }
				incentives(first: 5) { nodes { amount payments { status } } }
			}
		}
	}`
	// One statement each: the participants page, their waves, the enrollment pages, their courses,
	// the providers, the incentive pages, their payments. Schemes are reference data, cached.
	const want = 7
	a.query(`{ __typename }`, nil, nil) // the first operation loads the reference data into the process cache
	for _, n := range []int{10, 100} {
		a.queries.Reset()
		var got struct {
			Participants struct {
				Nodes []struct {
					Enrollments struct{ Nodes []any } `json:"enrollments"`
					Incentives  struct{ Nodes []any } `json:"incentives"`
				} `json:"nodes"`
			} `json:"participants"`
		}
		a.query(q, map[string]any{"n": n}, &got)
		if len(got.Participants.Nodes) != n {
			t.Fatalf("first: %d returned %d participants", n, len(got.Participants.Nodes))
		}
		var enrolled, paid bool
		for _, p := range got.Participants.Nodes {
			enrolled = enrolled || len(p.Enrollments.Nodes) > 0
			paid = paid || len(p.Incentives.Nodes) > 0
		}
		if !enrolled || !paid {
			t.Fatalf("first: %d: the page has enrollments %v and incentives %v; the test needs both", n, enrolled, paid)
		}
		if got := a.queries.Count(); got != want {
			t.Errorf("first: %d ran %d statements, want %d:\n%s", n, got, want, strings.Join(a.queries.Queries(), "\n"))
		}
	}
	// Totals on nested connections batch too, and asking only for totals reads no rows: the page,
	// its count, and one count per nested connection.
	a.queries.Reset()
	a.query(`{ participants(first: 50) { totalCount nodes { enrollments { totalCount } incentives { totalCount } } } }`, nil, nil)
	if got := a.queries.Count(); got != 4 {
		t.Errorf("nested totalCount ran %d statements, want 4 (page, count, two nested counts):\n%s", got, strings.Join(a.queries.Queries(), "\n"))
	}
}
