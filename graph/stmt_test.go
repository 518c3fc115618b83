package graph_test

import (
	"strings"
	"testing"
	"time"

	"prakerja/db"
	"prakerja/graph"
)

// TestStatementCount checks that a deep page runs a fixed number of SQL statements, whatever the
// page size: every relation goes through a per-request loader.
func TestStatementCount(t *testing.T) {
	a := mustAPI(t)
	t.Run("full executor", func(t *testing.T) { statementCounts(t, a.with(graph.Options{NoFastPath: true})) })
	// The page's payments and schemes are not the fast path's: it covers the rest of this test.
	t.Run("fast path", func(t *testing.T) { statementCounts(t, a) })
}

func statementCounts(t *testing.T, a *api) {
	a.t = t
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
	// A root connection's count and money total come from one statement.
	a.queries.Reset()
	var totals struct {
		Enrollments struct {
			TotalCount  int   `json:"totalCount"`
			TotalAmount int64 `json:"totalAmount"`
		} `json:"enrollments"`
	}
	a.query(`{ enrollments(filter: {status: COMPLETED}) { totalCount totalAmount } incentives { totalCount totalAmount } }`, nil, &totals)
	if got := a.queries.Count(); got != 2 {
		t.Errorf("two connections' totals ran %d statements, want 2:\n%s", got, strings.Join(a.queries.Queries(), "\n"))
	}
	var wantAmount int64
	_ = a.db.NewRaw(`SELECT coalesce(sum(price), 0) FROM enrollments WHERE status = 'COMPLETED'`).Scan(t0, &wantAmount)
	if want := a.count(`SELECT count(*) FROM enrollments WHERE status = 'COMPLETED'`); totals.Enrollments.TotalCount != want || totals.Enrollments.TotalAmount != wantAmount {
		t.Errorf("enrollments totals = %+v, want %d and %d", totals.Enrollments, want, wantAmount)
	}

	// Totals on nested connections batch too, and asking only for totals reads no rows: the page,
	// its count, and one count per nested connection.
	a.queries.Reset()
	a.query(`{ participants(first: 50) { totalCount nodes { enrollments { totalCount } incentives { totalCount } } } }`, nil, nil)
	if got := a.queries.Count(); got != 4 {
		t.Errorf("nested totalCount ran %d statements, want 4 (page, count, two nested counts):\n%s", got, strings.Join(a.queries.Queries(), "\n"))
	}
}

// TestNestedAggregateStatementCount checks that groups and totals of a nested connection batch
// across the parents of a page: one statement for all of them, whatever the page size, and each
// parent's groups are its own.
func TestNestedAggregateStatementCount(t *testing.T) {
	a := mustAPI(t)
	a.query(`{ __typename }`, nil, nil)
	const q = `query($n: Int!) { providers(first: $n) { nodes { id enrollments(filter: {status: [COMPLETED, PAID]}) {
		totalAmount groups(by: [STATUS], first: 5) { key { status } count amount } } } } }`
	for _, n := range []int{5, 40} {
		a.queries.Reset()
		var got struct {
			Providers struct {
				Nodes []struct {
					ID          string `json:"id"`
					Enrollments struct {
						TotalAmount int64 `json:"totalAmount"`
						Groups      []struct {
							Key struct {
								Status string `json:"status"`
							} `json:"key"`
							Count  int   `json:"count"`
							Amount int64 `json:"amount"`
						} `json:"groups"`
					} `json:"enrollments"`
				} `json:"nodes"`
			} `json:"providers"`
		}
		a.query(q, map[string]any{"n": n}, &got)
		// Two statements, not three: each provider has at most two groups here (first is 5), so
		// totalAmount is its groups' amounts added up.
		if c := a.queries.Count(); c != 2 {
			t.Errorf("first: %d ran %d statements, want 2 (page, groups, with the totals added up from them):\n%s", n, c, strings.Join(a.queries.Queries(), "\n"))
		}
		for _, p := range got.Providers.Nodes {
			id := key(t, p.ID, "Provider")
			var sum int64
			for _, g := range p.Enrollments.Groups {
				want := a.count(`SELECT count(*) FROM enrollments WHERE provider_id = ? AND status = ?`, id, g.Key.Status)
				if g.Count != want {
					t.Fatalf("provider %d, %s: count %d, want %d", id, g.Key.Status, g.Count, want)
				}
				sum += g.Amount
			}
			if sum != p.Enrollments.TotalAmount {
				t.Fatalf("provider %d: groups add up to %d, totalAmount %d", id, sum, p.Enrollments.TotalAmount)
			}
			if want := a.count(`SELECT coalesce(sum(price), 0) FROM enrollments WHERE provider_id = ? AND status IN ('COMPLETED', 'PAID')`, id); int64(want) != sum {
				t.Fatalf("provider %d: totalAmount %d, want %d", id, sum, want)
			}
		}
	}
}

// TestLookaheadBatching checks that the relations under a list are fetched for the whole list at
// once, whatever the loaders' time window: with loaders that do not wait at all, which alone would
// split every level into many statements, a deep page still runs one statement per relation, in
// nodes and in edges, and each parent gets its own rows.
func TestLookaheadBatching(t *testing.T) {
	// Loaders that wait a nanosecond, and gqlgen's executor for every query (the fast path batches
	// by construction; TestFastPathStatements counts its statements).
	a := mustAPI(t).with(graph.Options{LoaderWait: time.Nanosecond, NoFastPath: true})
	a.query(`{ __typename }`, nil, nil)
	for name, q := range map[string]string{
		"nodes": `{ participants(first: 40, filter: {status: [COMPLETED, ACTIVE]}) { nodes { ...P } } }
			fragment P on Participant { id wave { number }
				enrollments(first: 5, filter: {status: [COMPLETED, PAID]}) { nodes { id participant { id } course { title provider { name } } } }
				incentives(first: 5, orderBy: {field: DUE_ON, direction: DESC}) { nodes { id participant { id } payments { status } } } }`,
		"edges": `{ participants(first: 40, filter: {status: [COMPLETED, ACTIVE]}) { edges { node { ...P } } } }
			fragment P on Participant { id wave { number }
				enrollments(first: 5, filter: {status: [COMPLETED, PAID]}) { edges { node { id participant { id } course { title provider { name } } } } }
				incentives(first: 5, orderBy: {field: DUE_ON, direction: DESC}) { edges { node { id participant { id } payments { status } } } } }`,
	} {
		a.queries.Reset()
		var got map[string]map[string][]map[string]any
		a.query(q, nil, &got)
		// The page, waves, enrollment pages, their participants, courses, providers, incentive
		// pages, their participants, payments.
		if c := a.queries.Count(); c != 9 {
			t.Errorf("%s: ran %d statements, want 9:\n%s", name, c, strings.Join(a.queries.Queries(), "\n"))
		}
		var list []map[string]any
		for _, v := range got["participants"] {
			list = v
		}
		if len(list) != 40 {
			t.Fatalf("%s: %d participants, want 40", name, len(list))
		}
		rows := 0
		for _, item := range list {
			p := item
			if n, ok := item["node"].(map[string]any); ok {
				p = n
			}
			for _, conn := range []string{"enrollments", "incentives"} {
				c := p[conn].(map[string]any)
				var children []any
				if ns, ok := c["nodes"].([]any); ok {
					children = ns
				} else {
					for _, e := range c["edges"].([]any) {
						children = append(children, e.(map[string]any)["node"])
					}
				}
				for _, ch := range children {
					rows++
					if owner := ch.(map[string]any)["participant"].(map[string]any)["id"]; owner != p["id"] {
						t.Fatalf("%s: %s of %v belongs to %v", name, conn, p["id"], owner)
					}
				}
			}
		}
		if rows == 0 {
			t.Fatalf("%s: the page has no enrollments or incentives; the test needs some", name)
		}
	}

	// A root lookup fetches at once and its relations batch under it; so do the entities that
	// group keys name.
	var one struct {
		Participants struct{ Nodes []struct{ ID string } } `json:"participants"`
	}
	a.query(`{ participants(first: 1, filter: {status: [COMPLETED]}) { nodes { id } } }`, nil, &one)
	for name, c := range map[string]struct {
		q    string
		want int
	}{
		"lookup": {`query($id: ID!) { participant(id: $id) { wave { number } enrollments { nodes { course { provider { name } } } } } }`, 5},
		"groups": {`{ enrollments { groups(by: [PROVIDER, PLATFORM], first: 200) { key { provider { name } platform { name } } count } } }`, 3},
	} {
		a.queries.Reset()
		a.query(c.q, map[string]any{"id": one.Participants.Nodes[0].ID}, nil)
		if got := a.queries.Count(); got != c.want {
			t.Errorf("%s: ran %d statements, want %d:\n%s", name, got, c.want, strings.Join(a.queries.Queries(), "\n"))
		}
	}
}

// TestLookaheadMixedTypes checks that objects of different types at one position (a list of
// nodes) each get their own field's arguments: a participant's first enrollment and a course's
// first three.
func TestLookaheadMixedTypes(t *testing.T) {
	a := mustAPI(t).with(graph.Options{LoaderWait: time.Nanosecond, NoFastPath: true})
	var participant, course int64
	if err := a.db.NewRaw(`SELECT participant_id FROM enrollments GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1 LIMIT 1`).Scan(t0, &participant); err != nil {
		t.Fatalf("the seeded data needs a participant with two enrollments: %v", err)
	}
	if err := a.db.NewRaw(`SELECT course_id FROM enrollments GROUP BY 1 HAVING count(*) >= 3 ORDER BY 1 LIMIT 1`).Scan(t0, &course); err != nil {
		t.Fatalf("the seeded data needs a course with three enrollments: %v", err)
	}
	var got struct {
		Nodes []struct {
			Enrollments struct{ Nodes []struct{ ID string } } `json:"enrollments"`
		} `json:"nodes"`
	}
	a.query(`query($ids: [ID!]!) { nodes(ids: $ids) {
		... on Participant { enrollments(first: 1) { nodes { id } } }
		... on Course { enrollments(first: 3) { nodes { id } } } } }`,
		map[string]any{"ids": []string{gid(db.TypeParticipant, participant), gid(db.TypeCourse, course)}}, &got)
	if len(got.Nodes) != 2 || len(got.Nodes[0].Enrollments.Nodes) != 1 || len(got.Nodes[1].Enrollments.Nodes) != 3 {
		t.Fatalf("got %+v, want the participant's first enrollment and the course's first three", got.Nodes)
	}
}
