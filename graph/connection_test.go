package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"prakerja/db"
)

type connNode struct {
	ID string `json:"id"`
}

type connResult struct {
	TotalCount int        `json:"totalCount"`
	Nodes      []connNode `json:"nodes"`
	Edges      []struct {
		Cursor string   `json:"cursor"`
		Node   connNode `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// rootConns describes each root connection: its field, filter and order input types and node type.
var rootConns = map[string]struct{ filter, order, typ, table string }{
	"waves":            {"WaveFilter", "WaveOrder", "Wave", "waves"},
	"participants":     {"ParticipantFilter", "ParticipantOrder", "Participant", "participants"},
	"providers":        {"ProviderFilter", "ProviderOrder", "Provider", "providers"},
	"courses":          {"CourseFilter", "CourseOrder", "Course", "courses"},
	"trainingSessions": {"TrainingSessionFilter", "TrainingSessionOrder", "TrainingSession", "training_sessions"},
	"enrollments":      {"EnrollmentFilter", "EnrollmentOrder", "Enrollment", "enrollments"},
	"incentives":       {"IncentiveFilter", "IncentiveOrder", "Incentive", "incentives"},
}

func (a *api) page(field string, args map[string]any) connResult {
	a.t.Helper()
	c := rootConns[field]
	q := fmt.Sprintf(`query($first: Int, $after: String, $last: Int, $before: String, $filter: %s, $orderBy: %s) {
		c: %s(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
			totalCount nodes { id } edges { cursor node { id } }
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		}
	}`, c.filter, c.order, field)
	var out struct {
		C connResult `json:"c"`
	}
	a.query(q, args, &out)
	return out.C
}

func (a *api) keys(r connResult, typ string) []int64 {
	a.t.Helper()
	out := make([]int64, len(r.Nodes))
	for i, n := range r.Nodes {
		out[i] = key(a.t, n.ID, typ)
	}
	return out
}

// TestFilters checks every filter of every root connection: totalCount equals an SQL count of the
// same rule over the seeded data, and the page holds the first rows of that set.
func TestFilters(t *testing.T) {
	a := mustAPI(t)
	today := time.Now().Format(time.DateOnly)
	in60 := time.Now().AddDate(0, 0, 60).Format(time.DateOnly)
	// Entities to filter by, chosen from the data so that each filter selects something.
	busyParticipant := a.ids(`SELECT participant_id FROM enrollments GROUP BY participant_id ORDER BY count(*) DESC, participant_id LIMIT 1`)[0]
	paidParticipant := a.ids(`SELECT participant_id FROM incentives GROUP BY participant_id ORDER BY count(*) DESC, participant_id LIMIT 1`)[0]
	busyCourse := a.ids(`SELECT course_id FROM enrollments GROUP BY course_id ORDER BY count(*) DESC, course_id LIMIT 1`)[0]
	busySession := a.ids(`SELECT session_id FROM enrollments WHERE session_id IS NOT NULL GROUP BY session_id ORDER BY count(*) DESC, session_id LIMIT 1`)[0]
	busyProvider := a.ids(`SELECT provider_id FROM courses GROUP BY provider_id ORDER BY count(*) DESC, provider_id LIMIT 1`)[0]
	platform := a.ids(`SELECT platform_id FROM enrollments GROUP BY platform_id ORDER BY count(*) DESC, platform_id LIMIT 1`)[0]
	var namePrefix, titleWord, category string
	if err := a.db.NewRaw(`SELECT left(full_name, 3) FROM participants ORDER BY id LIMIT 1`).Scan(t0, &namePrefix); err != nil {
		t.Fatal(err)
	}
	if err := a.db.NewRaw(`SELECT split_part(title, ' ', 1) FROM courses ORDER BY id LIMIT 1`).Scan(t0, &titleWord); err != nil {
		t.Fatal(err)
	}
	if err := a.db.NewRaw(`SELECT category FROM courses GROUP BY category ORDER BY count(*) DESC, category LIMIT 1`).Scan(t0, &category); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		field  string
		filter map[string]any
		sql    string
		args   []any
	}{
		{"waves", nil, `SELECT count(*) FROM waves`, nil},
		{"waves", map[string]any{"status": []string{"OPEN"}}, `SELECT count(*) FROM waves WHERE status = 'OPEN'`, nil},
		{"waves", map[string]any{"scheme": "NORMAL"}, `SELECT count(*) FROM waves WHERE scheme_code = 'NORMAL'`, nil},
		{"waves", map[string]any{"opensFrom": "2021-01-01", "opensTo": "2022-12-31"}, `SELECT count(*) FROM waves WHERE opens_at >= '2021-01-01' AND opens_at < '2023-01-01'`, nil},

		{"participants", nil, `SELECT count(*) FROM participants`, nil},
		{"participants", map[string]any{"status": []string{"ACTIVE"}}, `SELECT count(*) FROM participants WHERE status = 'ACTIVE'`, nil},
		{"participants", map[string]any{"status": "REVOKED"}, `SELECT count(*) FROM participants WHERE status = 'REVOKED'`, nil},
		{"participants", map[string]any{"status": []string{"ACTIVE", "COMPLETED"}}, `SELECT count(*) FROM participants WHERE status IN ('ACTIVE', 'COMPLETED')`, nil},
		{"participants", map[string]any{"status": []string{}}, `SELECT 0`, nil},
		{"participants", map[string]any{"waveNumber": []int{1, 2, 3}}, `SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id WHERE w.number IN (1, 2, 3)`, nil},
		{"participants", map[string]any{"scheme": []string{"NORMAL"}}, `SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id WHERE w.scheme_code = 'NORMAL'`, nil},
		{"participants", map[string]any{"provinceCode": []string{"32"}}, `SELECT count(*) FROM participants WHERE province_code = '32'`, nil},
		{"participants", map[string]any{"gender": "FEMALE"}, `SELECT count(*) FROM participants WHERE gender = 'FEMALE'`, nil},
		{"participants", map[string]any{"education": []string{"BACHELOR", "DIPLOMA"}}, `SELECT count(*) FROM participants WHERE education IN ('BACHELOR', 'DIPLOMA')`, nil},
		{"participants", map[string]any{"employmentStatus": []string{"LAID_OFF"}}, `SELECT count(*) FROM participants WHERE employment_status = 'LAID_OFF'`, nil},
		{"participants", map[string]any{"search": "3201"}, `SELECT count(*) FROM participants WHERE nik LIKE '3201%'`, nil},
		{"participants", map[string]any{"search": strings.ToUpper(namePrefix)}, `SELECT count(*) FROM participants WHERE lower(full_name) LIKE lower(?) || '%'`, []any{namePrefix}},
		{"participants", map[string]any{"search": "%"}, `SELECT count(*) FROM participants WHERE full_name LIKE '\%%'`, nil},
		{"participants", map[string]any{"registeredFrom": "2021-01-01", "registeredTo": "2021-12-31"}, `SELECT count(*) FROM participants WHERE registered_at >= '2021-01-01' AND registered_at < '2022-01-01'`, nil},
		{"participants", map[string]any{"status": "ACTIVE", "provinceCode": []string{"32", "33", "35"}, "gender": "FEMALE"},
			`SELECT count(*) FROM participants WHERE status = 'ACTIVE' AND province_code IN ('32', '33', '35') AND gender = 'FEMALE'`, nil},

		{"providers", nil, `SELECT count(*) FROM providers`, nil},
		{"providers", map[string]any{"kind": []string{"BLK", "GOVERNMENT"}}, `SELECT count(*) FROM providers WHERE kind IN ('BLK', 'GOVERNMENT')`, nil},
		{"providers", map[string]any{"provinceCode": []string{"31"}}, `SELECT count(*) FROM providers WHERE province_code = '31'`, nil},
		{"providers", map[string]any{"search": "an"}, `SELECT count(*) FROM providers WHERE name ILIKE '%an%'`, nil},

		{"courses", nil, `SELECT count(*) FROM courses`, nil},
		{"courses", map[string]any{"search": strings.ToLower(titleWord)}, `SELECT count(*) FROM courses WHERE title ILIKE '%' || ? || '%'`, []any{titleWord}},
		{"courses", map[string]any{"category": []string{category}}, `SELECT count(*) FROM courses WHERE category = ?`, []any{category}},
		{"courses", map[string]any{"mode": []string{"OFFLINE", "HYBRID"}}, `SELECT count(*) FROM courses WHERE mode IN ('OFFLINE', 'HYBRID')`, nil},
		{"courses", map[string]any{"providerId": gid("Provider", busyProvider)}, `SELECT count(*) FROM courses WHERE provider_id = ?`, []any{busyProvider}},
		{"courses", map[string]any{"platformId": gid("Platform", platform)}, `SELECT count(*) FROM courses c WHERE EXISTS (SELECT 1 FROM course_listings l WHERE l.course_id = c.id AND l.platform_id = ?)`, []any{platform}},
		{"courses", map[string]any{"minPrice": 500000}, `SELECT count(*) FROM courses c WHERE EXISTS (SELECT 1 FROM course_listings l WHERE l.course_id = c.id AND l.price >= 500000)`, nil},
		{"courses", map[string]any{"maxPrice": 300000}, `SELECT count(*) FROM courses c WHERE EXISTS (SELECT 1 FROM course_listings l WHERE l.course_id = c.id AND l.price <= 300000)`, nil},
		{"courses", map[string]any{"platformId": gid("Platform", platform), "minPrice": 200000, "maxPrice": 600000},
			`SELECT count(*) FROM courses c WHERE EXISTS (SELECT 1 FROM course_listings l WHERE l.course_id = c.id AND l.platform_id = ? AND l.price BETWEEN 200000 AND 600000)`, []any{platform}},
		{"courses", map[string]any{"minRating": 4.5}, `SELECT count(*) FROM courses WHERE review_count > 0 AND round(rating_sum::numeric / review_count, 2) >= 4.5`, nil},

		{"trainingSessions", nil, `SELECT count(*) FROM training_sessions`, nil},
		{"trainingSessions", map[string]any{"courseId": gid("Course", busyCourse)}, `SELECT count(*) FROM training_sessions WHERE course_id = ?`, []any{busyCourse}},
		{"trainingSessions", map[string]any{"providerId": gid("Provider", busyProvider)}, `SELECT count(*) FROM training_sessions s JOIN courses c ON c.id = s.course_id WHERE c.provider_id = ?`, []any{busyProvider}},
		{"trainingSessions", map[string]any{"mode": "WEBINAR"}, `SELECT count(*) FROM training_sessions s JOIN courses c ON c.id = s.course_id WHERE c.mode = 'WEBINAR'`, nil},
		{"trainingSessions", map[string]any{"venueType": []string{"BALAI_LATIHAN_KERJA"}}, `SELECT count(*) FROM training_sessions WHERE venue_type = 'BALAI_LATIHAN_KERJA'`, nil},
		{"trainingSessions", map[string]any{"provinceCode": []string{"32", "35"}}, `SELECT count(*) FROM training_sessions WHERE venue_province_code IN ('32', '35')`, nil},
		{"trainingSessions", map[string]any{"status": []string{"OPEN", "FULL"}}, `SELECT count(*) FROM training_sessions WHERE status IN ('OPEN', 'FULL')`, nil},
		{"trainingSessions", map[string]any{"startsFrom": today, "startsTo": in60}, `SELECT count(*) FROM training_sessions WHERE starts_at >= ?::date AND starts_at < ?::date + 1`, []any{today, in60}},
		{"trainingSessions", map[string]any{"hasSeatsLeft": true}, `SELECT count(*) FROM training_sessions WHERE seats_taken < capacity`, nil},
		{"trainingSessions", map[string]any{"hasSeatsLeft": false}, `SELECT count(*) FROM training_sessions WHERE seats_taken >= capacity`, nil},

		{"enrollments", nil, `SELECT count(*) FROM enrollments`, nil},
		{"enrollments", map[string]any{"participantId": gid("Participant", busyParticipant)}, `SELECT count(*) FROM enrollments WHERE participant_id = ?`, []any{busyParticipant}},
		{"enrollments", map[string]any{"courseId": gid("Course", busyCourse)}, `SELECT count(*) FROM enrollments WHERE course_id = ?`, []any{busyCourse}},
		{"enrollments", map[string]any{"sessionId": gid("TrainingSession", busySession)}, `SELECT count(*) FROM enrollments WHERE session_id = ?`, []any{busySession}},
		{"enrollments", map[string]any{"platformId": gid("Platform", platform)}, `SELECT count(*) FROM enrollments WHERE platform_id = ?`, []any{platform}},
		{"enrollments", map[string]any{"providerId": gid("Provider", busyProvider)}, `SELECT count(*) FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE c.provider_id = ?`, []any{busyProvider}},
		{"enrollments", map[string]any{"status": []string{"COMPLETED", "REFUNDED"}}, `SELECT count(*) FROM enrollments WHERE status IN ('COMPLETED', 'REFUNDED')`, nil},
		{"enrollments", map[string]any{"provinceCode": []string{"33"}}, `SELECT count(*) FROM enrollments e JOIN participants p ON p.id = e.participant_id WHERE p.province_code = '33'`, nil},
		{"enrollments", map[string]any{"category": []string{category}}, `SELECT count(*) FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE c.category = ?`, []any{category}},
		{"enrollments", map[string]any{"mode": []string{"SELF_PACED"}}, `SELECT count(*) FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE c.mode = 'SELF_PACED'`, nil},
		{"enrollments", map[string]any{"purchasedFrom": "2020-04-01", "purchasedTo": "2020-12-31"}, `SELECT count(*) FROM enrollments WHERE purchased_at >= '2020-04-01' AND purchased_at < '2021-01-01'`, nil},

		{"incentives", nil, `SELECT count(*) FROM incentives`, nil},
		{"incentives", map[string]any{"participantId": gid("Participant", paidParticipant)}, `SELECT count(*) FROM incentives WHERE participant_id = ?`, []any{paidParticipant}},
		{"incentives", map[string]any{"waveNumber": []int{1, 2, 3, 4, 5}}, `SELECT count(*) FROM incentives i JOIN participants p ON p.id = i.participant_id JOIN waves w ON w.id = p.wave_id WHERE w.number BETWEEN 1 AND 5`, nil},
		{"incentives", map[string]any{"scheme": "SEMI_BANSOS"}, `SELECT count(*) FROM incentives i JOIN participants p ON p.id = i.participant_id JOIN waves w ON w.id = p.wave_id WHERE w.scheme_code = 'SEMI_BANSOS'`, nil},
		{"incentives", map[string]any{"provinceCode": []string{"35"}}, `SELECT count(*) FROM incentives i JOIN participants p ON p.id = i.participant_id WHERE p.province_code = '35'`, nil},
		{"incentives", map[string]any{"kind": "SURVEY"}, `SELECT count(*) FROM incentives WHERE kind = 'SURVEY'`, nil},
		{"incentives", map[string]any{"status": []string{"PAID", "FAILED"}}, `SELECT count(*) FROM incentives WHERE status IN ('PAID', 'FAILED')`, nil},
		{"incentives", map[string]any{"channel": []string{"OVO", "BNI"}}, `SELECT count(*) FROM incentives WHERE channel IN ('OVO', 'BNI')`, nil},
		{"incentives", map[string]any{"dueFrom": "2021-01-01", "dueTo": "2021-06-30"}, `SELECT count(*) FROM incentives WHERE due_on BETWEEN '2021-01-01' AND '2021-06-30'`, nil},
		{"incentives", map[string]any{"status": "PAID", "paidFrom": "2020-04-01", "paidTo": "2021-03-31"}, `SELECT count(*) FROM incentives WHERE status = 'PAID' AND paid_at >= '2020-04-01' AND paid_at < '2021-04-01'`, nil},
	} {
		name := fmt.Sprintf("%s/%v", tc.field, tc.filter)
		t.Run(name, func(t *testing.T) {
			want := a.count(tc.sql, tc.args...)
			got := a.page(tc.field, map[string]any{"first": 100, "filter": tc.filter})
			if got.TotalCount != want {
				t.Errorf("%s(filter: %v) totalCount = %d, want %d", tc.field, tc.filter, got.TotalCount, want)
			}
			if wantLen := min(want, 100); len(got.Nodes) != wantLen {
				t.Errorf("%s(filter: %v, first: 100) returned %d nodes, want %d", tc.field, tc.filter, len(got.Nodes), wantLen)
			}
			if got.PageInfo.HasNextPage != (want > 100) {
				t.Errorf("%s(filter: %v) hasNextPage = %v, want %v", tc.field, tc.filter, got.PageInfo.HasNextPage, want > 100)
			}
		})
	}
}

// TestOrderings checks every ordering of every root connection, in both directions, against SQL.
func TestOrderings(t *testing.T) {
	a := mustAPI(t)
	for _, tc := range []struct {
		field, order, expr string
	}{
		{"waves", "NUMBER", "number"},
		{"waves", "OPENS_AT", "opens_at"},
		{"participants", "ID", "id"},
		{"participants", "REGISTERED_AT", "registered_at"},
		{"participants", "FULL_NAME", "full_name"},
		{"participants", "BIRTH_DATE", "birth_date"},
		{"participants", "BALANCE", "balance"},
		{"providers", "ID", "id"},
		{"providers", "NAME", "name"},
		{"providers", "CREATED_AT", "created_at"},
		{"courses", "ID", "id"},
		{"courses", "TITLE", "title"},
		{"courses", "PRICE", "min_price"},
		{"courses", "RATING", "coalesce(rating, 0)"},
		{"courses", "ENROLLMENT_COUNT", "enrollment_count"},
		{"courses", "CREATED_AT", "created_at"},
		{"trainingSessions", "ID", "id"},
		{"trainingSessions", "STARTS_AT", "starts_at"},
		{"enrollments", "ID", "id"},
		{"enrollments", "PURCHASED_AT", "purchased_at"},
		{"enrollments", "PRICE", "price"},
		{"incentives", "ID", "id"},
		{"incentives", "DUE_ON", "due_on"},
		{"incentives", "AMOUNT", "amount"},
	} {
		for _, dir := range []string{"ASC", "DESC"} {
			t.Run(tc.field+"/"+tc.order+"/"+dir, func(t *testing.T) {
				c := rootConns[tc.field]
				want := a.ids(fmt.Sprintf("SELECT id FROM %s ORDER BY %s %s, id %s LIMIT 40", c.table, tc.expr, dir, dir))
				got := a.keys(a.page(tc.field, map[string]any{"first": 40, "orderBy": map[string]any{"field": tc.order, "direction": dir}}), c.typ)
				if !slices.Equal(got, want) {
					t.Errorf("%s(orderBy: %s %s) = %v, want %v", tc.field, tc.order, dir, got, want)
				}
			})
		}
	}
}

// TestPagination walks connections forward and backward across page boundaries, ordered by a key
// with many ties, and checks that the pages join into exactly the SQL order: no duplicate, no gap.
func TestPagination(t *testing.T) {
	a := mustAPI(t)
	for _, tc := range []struct {
		field  string
		filter map[string]any
		order  map[string]any
		sql    string
	}{
		// Balances tie a lot: every unspent balance is the same grant.
		{"participants", map[string]any{"provinceCode": []string{"32"}}, map[string]any{"field": "BALANCE", "direction": "DESC"},
			`SELECT id FROM participants WHERE province_code = '32' ORDER BY balance DESC, id DESC`},
		{"incentives", map[string]any{"kind": "TRAINING", "provinceCode": []string{"33"}}, map[string]any{"field": "AMOUNT"},
			`SELECT id FROM incentives WHERE kind = 'TRAINING' AND province_code = '33' ORDER BY amount, id`},
		{"courses", map[string]any{"mode": "OFFLINE"}, map[string]any{"field": "RATING", "direction": "DESC"},
			`SELECT id FROM courses WHERE mode = 'OFFLINE' ORDER BY coalesce(rating, 0) DESC, id DESC`},
		{"enrollments", map[string]any{"status": "COMPLETED", "provinceCode": []string{"31"}}, map[string]any{"field": "PURCHASED_AT"},
			`SELECT id FROM enrollments WHERE status = 'COMPLETED' AND province_code = '31' ORDER BY purchased_at, id`},
	} {
		t.Run(tc.field, func(t *testing.T) {
			c := rootConns[tc.field]
			want := a.ids(tc.sql)
			if len(want) < 20 {
				t.Fatalf("the seeded data has %d rows for %s, too few to page through", len(want), tc.sql)
			}
			const size = 7
			// Forward.
			var got []int64
			var after any
			for pages := 0; ; pages++ {
				p := a.page(tc.field, map[string]any{"first": size, "after": after, "filter": tc.filter, "orderBy": tc.order})
				got = append(got, a.keys(p, c.typ)...)
				if p.TotalCount != len(want) {
					t.Fatalf("page %d totalCount = %d, want %d", pages, p.TotalCount, len(want))
				}
				if p.PageInfo.HasPreviousPage != (after != nil) {
					t.Fatalf("page %d hasPreviousPage = %v, want %v", pages, p.PageInfo.HasPreviousPage, after != nil)
				}
				checkEdges(t, p)
				if !p.PageInfo.HasNextPage {
					break
				}
				after = *p.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("forward pages = %v,\nwant %v", got, want)
			}
			// Backward from the end.
			got = nil
			var before any
			for pages := 0; ; pages++ {
				p := a.page(tc.field, map[string]any{"last": size, "before": before, "filter": tc.filter, "orderBy": tc.order})
				got = append(a.keys(p, c.typ), got...)
				if p.PageInfo.HasNextPage != (before != nil) {
					t.Fatalf("backward page %d hasNextPage = %v, want %v", pages, p.PageInfo.HasNextPage, before != nil)
				}
				checkEdges(t, p)
				if !p.PageInfo.HasPreviousPage {
					break
				}
				before = *p.PageInfo.StartCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("backward pages = %v,\nwant %v", got, want)
			}
			// A window between two cursors.
			first := a.page(tc.field, map[string]any{"first": 15, "filter": tc.filter, "orderBy": tc.order})
			mid := a.page(tc.field, map[string]any{"after": first.Edges[2].Cursor, "before": first.Edges[12].Cursor, "filter": tc.filter, "orderBy": tc.order})
			if got, want := a.keys(mid, c.typ), want[3:12]; !slices.Equal(got, want) {
				t.Fatalf("after edge 2 and before edge 12 = %v, want %v", got, want)
			}
		})
	}
}

// checkEdges checks that edges and nodes agree and the page's cursors are its edges' cursors.
func checkEdges(t *testing.T, p connResult) {
	t.Helper()
	if len(p.Edges) != len(p.Nodes) {
		t.Fatalf("%d edges, %d nodes; want the same", len(p.Edges), len(p.Nodes))
	}
	for i := range p.Edges {
		if p.Edges[i].Node.ID != p.Nodes[i].ID {
			t.Fatalf("edge %d node %s, nodes[%d] %s; want the same", i, p.Edges[i].Node.ID, i, p.Nodes[i].ID)
		}
	}
	if len(p.Edges) > 0 && (*p.PageInfo.StartCursor != p.Edges[0].Cursor || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor) {
		t.Fatalf("pageInfo cursors %s..%s do not match the edges' %s..%s", *p.PageInfo.StartCursor, *p.PageInfo.EndCursor, p.Edges[0].Cursor, p.Edges[len(p.Edges)-1].Cursor)
	}
}

// TestNestedConnections checks that nested connections page each parent separately (the first N
// rows of every parent, not of all parents together) and count each parent's rows.
func TestNestedConnections(t *testing.T) {
	a := mustAPI(t)
	type nested struct {
		TotalCount int        `json:"totalCount"`
		Nodes      []connNode `json:"nodes"`
		PageInfo   struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
	}
	for _, tc := range []struct {
		name, query, parentTyp, childTyp, pageSQL, countSQL string
	}{
		{"provider.courses",
			`query($after: String) { list: providers(first: 30) { nodes { id conn: courses(first: 3, after: $after, orderBy: {field: TITLE}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Provider", "Course",
			`SELECT id FROM courses WHERE provider_id = ? ORDER BY title, id`, `SELECT count(*) FROM courses WHERE provider_id = ?`},
		{"participant.enrollments",
			`query($after: String) { list: participants(first: 40, filter: {status: [ACTIVE, COMPLETED]}) { nodes { id conn: enrollments(first: 2, after: $after, orderBy: {field: PURCHASED_AT, direction: DESC}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Participant", "Enrollment",
			`SELECT id FROM enrollments WHERE participant_id = ? ORDER BY purchased_at DESC, id DESC`, `SELECT count(*) FROM enrollments WHERE participant_id = ?`},
		{"participant.incentives",
			`query($after: String) { list: participants(first: 40, filter: {status: [COMPLETED]}) { nodes { id conn: incentives(first: 2, after: $after, orderBy: {field: DUE_ON}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Participant", "Incentive",
			`SELECT id FROM incentives WHERE participant_id = ? ORDER BY due_on, id`, `SELECT count(*) FROM incentives WHERE participant_id = ?`},
		{"course.sessions",
			`query($after: String) { list: courses(first: 30, filter: {mode: [OFFLINE, WEBINAR]}) { nodes { id conn: sessions(first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Course", "TrainingSession",
			`SELECT id FROM training_sessions WHERE course_id = ? ORDER BY starts_at, id`, `SELECT count(*) FROM training_sessions WHERE course_id = ?`},
		{"course.enrollments",
			`query($after: String) { list: courses(first: 30, orderBy: {field: ENROLLMENT_COUNT, direction: DESC}) { nodes { id conn: enrollments(first: 3, after: $after, filter: {status: [COMPLETED]}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Course", "Enrollment",
			`SELECT id FROM enrollments WHERE course_id = ? AND status = 'COMPLETED' ORDER BY id`, `SELECT count(*) FROM enrollments WHERE course_id = ? AND status = 'COMPLETED'`},
		{"trainingSession.enrollments",
			`query($after: String) { list: trainingSessions(first: 30, filter: {status: [COMPLETED, FULL, OPEN]}) { nodes { id conn: enrollments(first: 1, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"TrainingSession", "Enrollment",
			`SELECT id FROM enrollments WHERE session_id = ? ORDER BY id`, `SELECT count(*) FROM enrollments WHERE session_id = ?`},
		{"provider.enrollments",
			`query($after: String) { list: providers(first: 20) { nodes { id conn: enrollments(first: 3, after: $after, orderBy: {field: PRICE}) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
			"Provider", "Enrollment",
			`SELECT id FROM enrollments WHERE provider_id = ? ORDER BY price, id`, `SELECT count(*) FROM enrollments WHERE provider_id = ?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				List struct {
					Nodes []struct {
						ID   string `json:"id"`
						Conn nested `json:"conn"`
					} `json:"nodes"`
				} `json:"list"`
			}
			a.query(tc.query, nil, &got)
			var withChildren, withMore int
			for _, p := range got.List.Nodes {
				parent := key(t, p.ID, tc.parentTyp)
				all := a.ids(tc.pageSQL, parent)
				n := len(p.Conn.Nodes)
				if n > 0 {
					withChildren++
				}
				var ids []int64
				for _, c := range p.Conn.Nodes {
					ids = append(ids, key(t, c.ID, tc.childTyp))
				}
				if !slices.Equal(ids, all[:min(len(all), n)]) || (n < len(all) && !p.Conn.PageInfo.HasNextPage) || (n == len(all) && p.Conn.PageInfo.HasNextPage) {
					t.Fatalf("%s of %d = %v (hasNextPage %v), want the first of %v", tc.name, parent, ids, p.Conn.PageInfo.HasNextPage, all)
				}
				if p.Conn.TotalCount != a.count(tc.countSQL, parent) {
					t.Fatalf("%s of %d totalCount = %d, want %d", tc.name, parent, p.Conn.TotalCount, a.count(tc.countSQL, parent))
				}
				if p.Conn.PageInfo.HasNextPage {
					withMore++
				}
			}
			if withChildren == 0 || withMore == 0 {
				t.Fatalf("%s: %d parents with rows, %d with more than a page; the test needs some of each", tc.name, withChildren, withMore)
			}
		})
	}
}

// TestNestedOrders pages every nested connection in every order and direction, forward and
// backward, and requires the same rows as the root connection filtered by the parent: a nested
// page is the root page of its parent's rows.
func TestNestedOrders(t *testing.T) {
	a := mustAPI(t)
	var participant, provider, course int64
	if err := a.db.NewRaw(`SELECT e.participant_id, e.provider_id, e.course_id FROM enrollments e
		WHERE e.participant_id IN (SELECT participant_id FROM enrollments GROUP BY 1 HAVING count(*) >= 3)
		  AND e.participant_id IN (SELECT participant_id FROM incentives GROUP BY 1 HAVING count(*) >= 3)
		ORDER BY e.id LIMIT 1`).Scan(t0, &participant, &provider, &course); err != nil {
		t.Fatalf("the seeded data needs a participant with three enrollments and three incentives: %v", err)
	}
	cases := []struct {
		parent, parentID, field, root, filter string
		orders                                []string
	}{
		{"provider", gid(db.TypeProvider, provider), "courses", "courses", "providerId", []string{"ID", "TITLE", "PRICE", "RATING", "ENROLLMENT_COUNT", "CREATED_AT"}},
		{"participant", gid(db.TypeParticipant, participant), "enrollments", "enrollments", "participantId", []string{"ID", "PURCHASED_AT", "PRICE"}},
		{"course", gid(db.TypeCourse, course), "enrollments", "enrollments", "courseId", []string{"ID", "PURCHASED_AT", "PRICE"}},
		{"participant", gid(db.TypeParticipant, participant), "incentives", "incentives", "participantId", []string{"ID", "DUE_ON", "AMOUNT"}},
	}
	type page struct {
		Nodes []struct {
			ID string `json:"id"`
		} `json:"nodes"`
	}
	for _, c := range cases {
		for _, order := range c.orders {
			for _, dir := range []string{"ASC", "DESC"} {
				for _, window := range []string{"first: 2", "last: 2"} {
					args := fmt.Sprintf(`%s, orderBy: {field: %s, direction: %s}`, window, order, dir)
					q := fmt.Sprintf(`query($id: ID!) { nested: %s(id: $id) { %s(%s) { nodes { id } } }
						root: %s(%s, filter: {%s: $id}) { nodes { id } } }`, c.parent, c.field, args, c.root, args, c.filter)
					var got map[string]json.RawMessage
					a.query(q, map[string]any{"id": c.parentID}, &got)
					var nested map[string]page
					var root page
					if err := json.Unmarshal(got["nested"], &nested); err != nil {
						t.Fatal(err)
					}
					if err := json.Unmarshal(got["root"], &root); err != nil {
						t.Fatal(err)
					}
					if len(root.Nodes) == 0 || fmt.Sprint(nested[c.field].Nodes) != fmt.Sprint(root.Nodes) {
						t.Errorf("%s.%s(%s) = %v, want the root's %v", c.parent, c.field, args, nested[c.field].Nodes, root.Nodes)
					}
				}
			}
		}
	}
}
