package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"prakerja/db"
)

// The catalogue and purchase mutations: createProvider, createCourse, listCourse,
// scheduleTrainingSession, purchaseTraining, cancelTrainingSession and completeTraining. Each is
// driven through the real handler; the concurrent tests run goroutines against it and count
// what the database kept.

// catUserError is one entry of a payload's userErrors.
type catUserError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   []string `json:"field"`
}

type catRef struct {
	ID string `json:"id"`
}

type catVenue struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Regency  string `json:"regency"`
	Province struct {
		Code string `json:"code"`
	} `json:"province"`
}

// catPayload holds the fields of every catalogue payload; each mutation fills some.
type catPayload struct {
	UserErrors []catUserError `json:"userErrors"`
	Provider   *struct {
		ID       string  `json:"id"`
		Name     string  `json:"name"`
		Kind     string  `json:"kind"`
		NIB      *string `json:"nib"`
		Province struct {
			Code string `json:"code"`
		} `json:"province"`
	} `json:"provider"`
	Course *struct {
		ID              string `json:"id"`
		Title           string `json:"title"`
		Category        string `json:"category"`
		Mode            string `json:"mode"`
		DurationHours   int    `json:"durationHours"`
		MinPrice        int64  `json:"minPrice"`
		EnrollmentCount int    `json:"enrollmentCount"`
		Provider        catRef `json:"provider"`
	} `json:"course"`
	Listing *struct {
		ID     string `json:"id"`
		Price  int64  `json:"price"`
		Course struct {
			ID       string `json:"id"`
			MinPrice int64  `json:"minPrice"`
		} `json:"course"`
		Platform catRef `json:"platform"`
	} `json:"listing"`
	Session *struct {
		ID           string    `json:"id"`
		Status       string    `json:"status"`
		Capacity     int       `json:"capacity"`
		SeatsTaken   int       `json:"seatsTaken"`
		SeatsLeft    int       `json:"seatsLeft"`
		StartsAt     time.Time `json:"startsAt"`
		EndsAt       time.Time `json:"endsAt"`
		CancelledAt  *string   `json:"cancelledAt"`
		CancelReason *string   `json:"cancelReason"`
		Venue        *catVenue `json:"venue"`
		Course       catRef    `json:"course"`
	} `json:"session"`
	Enrollment *struct {
		ID          string  `json:"id"`
		Status      string  `json:"status"`
		Price       int64   `json:"price"`
		OrderID     string  `json:"orderId"`
		CompletedAt *string `json:"completedAt"`
		Session     *catRef `json:"session"`
		Participant catRef  `json:"participant"`
		Platform    catRef  `json:"platform"`
		Certificate *struct {
			Number string `json:"number"`
		} `json:"certificate"`
	} `json:"enrollment"`
	Participant *struct {
		ID      string `json:"id"`
		Balance int64  `json:"balance"`
		NIK     string `json:"nik"`
	} `json:"participant"`
	Certificate *struct {
		ID       string `json:"id"`
		Number   string `json:"number"`
		IssuedAt string `json:"issuedAt"`
	} `json:"certificate"`
	RefundedCount int `json:"refundedCount"`
}

// The payload selections of the mutations.
var catSelections = map[string]string{
	"createProvider":          `provider { id name kind nib province { code } }`,
	"createCourse":            `course { id title category mode durationHours minPrice enrollmentCount provider { id } }`,
	"listCourse":              `listing { id price course { id minPrice } platform { id } }`,
	"scheduleTrainingSession": `session { id status capacity seatsTaken seatsLeft startsAt endsAt venue { type name regency province { code } } course { id } }`,
	"purchaseTraining":        `enrollment { id status price orderId session { id } participant { id } platform { id } } participant { id balance nik }`,
	"cancelTrainingSession":   `session { id status seatsTaken seatsLeft cancelledAt cancelReason } refundedCount`,
	"completeTraining":        `enrollment { id status completedAt certificate { number } } certificate { id number issuedAt }`,
}

// catMutation is the text of mutation name selecting its payload.
func catMutation(name string) string {
	return fmt.Sprintf(`mutation($input: %s%sInput!) { %s(input: $input) { %s userErrors { code message field } } }`,
		strings.ToUpper(name[:1]), name[1:], name, catSelections[name])
}

// catPost sends a GraphQL request to h with a bearer token (none when empty). It uses no
// testing.T, so that goroutines may call it.
func catPost(h http.Handler, token, query string, vars map[string]any) (gqlResponse, error) {
	code, body := post(h, token, query, vars)
	var resp gqlResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return resp, fmt.Errorf("status %d, body not JSON: %v: %s", code, err, body)
	}
	resp.Status = code
	return resp, nil
}

// catDecode returns the payload of mutation name in resp, or an error for top-level errors.
func catDecode(resp gqlResponse, name string) (catPayload, error) {
	var p catPayload
	if len(resp.Errors) > 0 {
		return p, fmt.Errorf("%s: top-level errors %+v", name, resp.Errors)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		return p, fmt.Errorf("%s: decode %s: %v", name, resp.Data, err)
	}
	if err := json.Unmarshal(data[name], &p); err != nil {
		return p, fmt.Errorf("%s: decode %s: %v", name, data[name], err)
	}
	return p, nil
}

// catRun runs mutation name as caller c and returns its payload, failing on top-level errors.
func catRun(t testing.TB, c *api, name string, input map[string]any) catPayload {
	t.Helper()
	resp, err := catPost(c.h, c.token, catMutation(name), map[string]any{"input": input})
	if err != nil {
		t.Fatal(err)
	}
	p, err := catDecode(resp, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// catMustOK runs mutation name and fails unless it succeeded.
func catMustOK(t testing.TB, c *api, name string, input map[string]any) catPayload {
	t.Helper()
	p := catRun(t, c, name, input)
	if len(p.UserErrors) > 0 {
		t.Fatalf("%s(%v) refused: %+v", name, input, p.UserErrors)
	}
	return p
}

// catCase is a refused call: the caller (nil: ADMIN), the input, and the user error wanted.
type catCase struct {
	name      string
	caller    *api
	input     map[string]any
	wantCode  string
	wantField []string
}

// catMustRefuse runs each case and checks that it is refused with the user error wanted, with no
// result, and that nothing was written.
func catMustRefuse(t *testing.T, a *api, mutation string, cases []catCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.caller
			if c == nil {
				c = a
			}
			before := a.rowCounts()
			p := catRun(t, c, mutation, tc.input)
			if len(p.UserErrors) != 1 {
				t.Fatalf("%s userErrors = %+v, want one %s", mutation, p.UserErrors, tc.wantCode)
			}
			ue := p.UserErrors[0]
			if ue.Code != tc.wantCode || !slices.Equal(ue.Field, tc.wantField) {
				t.Errorf("%s userErrors[0] = %s %v (%q), want %s %v", mutation, ue.Code, ue.Field, ue.Message, tc.wantCode, tc.wantField)
			}
			if ue.Message == "" {
				t.Errorf("%s userErrors[0].message is empty", mutation)
			}
			if p.Provider != nil || p.Course != nil || p.Listing != nil || p.Session != nil || p.Enrollment != nil || p.Participant != nil || p.Certificate != nil {
				t.Errorf("%s refused but returned a result: %+v", mutation, p)
			}
			a.mustBeUnchanged(before)
		})
	}
}

// catDenial is a caller who may not make a change, and the top-level error code wanted.
type catDenial struct {
	name     string
	caller   *api
	wantCode string
}

// catMustDeny runs mutation name with input as each caller and checks the top-level error, with
// nothing written.
func catMustDeny(t *testing.T, a *api, mutation string, input map[string]any, denials []catDenial) {
	t.Helper()
	for _, d := range denials {
		t.Run(d.name, func(t *testing.T) {
			before := a.rowCounts()
			resp, err := catPost(d.caller.h, d.caller.token, catMutation(mutation), map[string]any{"input": input})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != d.wantCode {
				t.Errorf("%s as %s = %s %+v, want top-level %s", mutation, d.name, resp.Data, resp.Errors, d.wantCode)
			}
			a.mustBeUnchanged(before)
		})
	}
}

// catMustAudit checks that exactly one audit event records action on the entity, by subject.
func catMustAudit(t testing.TB, a *api, action, entityType string, id int64, subject string) {
	t.Helper()
	n := a.count(`SELECT count(*) FROM audit_events WHERE action = ? AND entity_type = ? AND entity_id = ?
		AND actor_subject = ? AND after IS NOT NULL`, action, entityType, id, subject)
	if n != 1 {
		t.Errorf("audit events %s %s %d by %s = %d, want 1", action, entityType, id, subject, n)
	}
}

// catParallel runs f(0..n-1) on workers goroutines.
func catParallel(n, workers int, f func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// Fixtures. Catalogue entries are made through the API as ADMIN; buyers with SQL, since the
// mutations that make participants belong to another area.

var catSerial atomic.Int64

// catDay returns a time days from today at hour:minute in Indonesia (WIB).
func catDay(days, hour, minute int) time.Time {
	y, m, d := time.Now().In(db.Jakarta).Date()
	return time.Date(y, m, d+days, hour, minute, 0, 0, db.Jakarta)
}

func catNewProvider(t testing.TB, a *api) int64 {
	t.Helper()
	p := catMustOK(t, a, "createProvider", map[string]any{
		"name": fmt.Sprintf("BLK Uji Katalog %d-%d", time.Now().UnixNano(), catSerial.Add(1)), "kind": "BLK", "provinceCode": "32"})
	return key(t, p.Provider.ID, db.TypeProvider)
}

func catNewCourse(t testing.TB, a *api, providerID int64, mode string) int64 {
	t.Helper()
	p := catMustOK(t, a, "createCourse", map[string]any{"providerId": gid(db.TypeProvider, providerID),
		"title": fmt.Sprintf("Pelatihan Uji %s %d", mode, catSerial.Add(1)), "category": "Teknologi Informasi", "mode": mode, "durationHours": 16})
	return key(t, p.Course.ID, db.TypeCourse)
}

func catNewListing(t testing.TB, a *api, courseID, platformID, price int64) int64 {
	t.Helper()
	p := catMustOK(t, a, "listCourse", map[string]any{"courseId": gid(db.TypeCourse, courseID),
		"platformId": gid(db.TypePlatform, platformID), "price": price})
	return key(t, p.Listing.ID, db.TypeListing)
}

// catVenueInput is a venue named name in Bandung.
func catVenueInput(name string) map[string]any {
	return map[string]any{"type": "CLASSROOM", "name": name, "provinceCode": "32", "regency": "Kota Bandung"}
}

// catSessionInput schedules a session of course from start to end; a venue when venue is not "".
func catSessionInput(courseID int64, start, end time.Time, capacity int, venue string) map[string]any {
	in := map[string]any{"courseId": gid(db.TypeCourse, courseID), "startsAt": start.Format(time.RFC3339),
		"endsAt": end.Format(time.RFC3339), "capacity": capacity}
	if venue != "" {
		in["venue"] = catVenueInput(venue)
	}
	return in
}

func catNewSession(t testing.TB, a *api, courseID int64, start, end time.Time, capacity int, venue string) int64 {
	t.Helper()
	p := catMustOK(t, a, "scheduleTrainingSession", catSessionInput(courseID, start, end, capacity, venue))
	return key(t, p.Session.ID, db.TypeTrainingSession)
}

// catNewBuyers inserts n ACTIVE participants with balance, each with its GRANT ledger entry, inside
// their first purchase window, and returns their IDs.
func catNewBuyers(t testing.TB, a *api, n int, balance int64) []int64 {
	t.Helper()
	var base int64
	if err := a.db.NewRaw("SELECT coalesce(max(id), 0) + 1 FROM participants").Scan(t0, &base); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	err := a.db.NewRaw(`WITH w AS (SELECT id FROM waves WHERE status IN ('DRAWN', 'ARCHIVED') ORDER BY number DESC LIMIT 1),
		s AS (SELECT k FROM generate_series(?::bigint, ?::bigint) k),
		hh AS (INSERT INTO households (kk_number, member_count) SELECT '3199' || lpad(k::text, 12, '0'), 1 FROM s),
		p AS (INSERT INTO participants (nik, kk_number, full_name, birth_date, gender, province_code, email, phone, education,
				employment_status, status, wave_id, card_number, balance, registered_at, selected_at, purchase_deadline)
			SELECT '319' || lpad(k::text, 9, '0') || '0001', '3199' || lpad(k::text, 12, '0'), 'Peserta Uji ' || k, '1990-01-01',
				'MALE', '31', 'uji' || k || '@example.id', '0812' || lpad(k::text, 8, '0'), 'SENIOR_SECONDARY', 'UNEMPLOYED',
				'ACTIVE', (SELECT id FROM w), '9999' || lpad(k::text, 12, '0'), ?, now() - interval '20 days',
				now() - interval '1 day', now() + interval '14 days'
			FROM s RETURNING id, balance, selected_at),
		l AS (INSERT INTO balance_ledger (participant_id, kind, amount, balance_after, created_at)
			SELECT id, 'GRANT', balance, balance, selected_at FROM p)
		SELECT id FROM p ORDER BY id`, base, base+int64(n)-1, balance).Scan(t0, &ids)
	if err != nil {
		t.Fatalf("insert buyers: %v", err)
	}
	if len(ids) != n {
		t.Fatalf("inserted %d buyers, want %d", len(ids), n)
	}
	return ids
}

// catMustKeepLedger checks that each participant's balance is the sum of their ledger, that no
// balance is negative, and that the ledger read in time order explains every balance_after.
func catMustKeepLedger(t testing.TB, a *api, participants []int64) {
	t.Helper()
	if n := a.count(`SELECT count(*) FROM participants p WHERE p.id IN (?) AND (p.balance < 0
		OR p.balance <> (SELECT coalesce(sum(amount), 0) FROM balance_ledger l WHERE l.participant_id = p.id))`, bun.In(participants)); n != 0 {
		t.Errorf("%d participants' balance differs from the sum of their ledger", n)
	}
	if n := a.count(`SELECT count(*) FROM (SELECT balance_after, sum(amount) OVER (PARTITION BY participant_id ORDER BY created_at, id) AS running
		FROM balance_ledger WHERE participant_id IN (?)) x WHERE balance_after <> running OR running < 0`, bun.In(participants)); n != 0 {
		t.Errorf("%d ledger entries' balance_after differs from the running sum", n)
	}
}

// catSeeded finds a fixture in the seeded data, failing when there is none.
func catSeeded(t testing.TB, a *api, what, query string, args ...any) int64 {
	t.Helper()
	ids := a.ids(query, args...)
	if len(ids) == 0 {
		t.Fatalf("the seeded data has no %s", what)
	}
	return ids[0]
}

func TestCreateProvider(t *testing.T) {
	a := mustAPI(t)
	var takenName, takenNIB string
	if err := a.db.NewRaw("SELECT name, nib FROM providers WHERE nib IS NOT NULL ORDER BY id LIMIT 1").Scan(t0, &takenName, &takenNIB); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		p := catMustOK(t, a, "createProvider", map[string]any{"name": "  PT Cakap Digital Nusantara ", "kind": "PRIVATE", "nib": "9120001234567", "provinceCode": "31"})
		if p.Provider == nil || p.Provider.Name != "PT Cakap Digital Nusantara" || p.Provider.Kind != "PRIVATE" ||
			p.Provider.NIB == nil || *p.Provider.NIB != "9120001234567" || p.Provider.Province.Code != "31" {
			t.Fatalf("createProvider = %+v, want the trimmed PRIVATE provider", p.Provider)
		}
		id := key(t, p.Provider.ID, db.TypeProvider)
		if n := a.count("SELECT count(*) FROM providers WHERE id = ? AND name = 'PT Cakap Digital Nusantara' AND nib = '9120001234567'", id); n != 1 {
			t.Errorf("providers row %d: %d, want 1", id, n)
		}
		catMustAudit(t, a, "createProvider", "Provider", id, "pmo-admin")

		// Government providers and BLKs need no NIB.
		p = catMustOK(t, a, "createProvider", map[string]any{"name": "UPTD BLK Kabupaten Garut", "kind": "BLK", "provinceCode": "32"})
		if p.Provider == nil || p.Provider.NIB != nil {
			t.Errorf("createProvider(BLK) = %+v, want no NIB", p.Provider)
		}
	})

	valid := func(change map[string]any) map[string]any {
		in := map[string]any{"name": "LPK Maju Bersama", "kind": "PRIVATE", "nib": "9129999999999", "provinceCode": "33"}
		for k, v := range change {
			if v == nil {
				delete(in, k)
			} else {
				in[k] = v
			}
		}
		return in
	}
	catMustRefuse(t, a, "createProvider", []catCase{
		{name: "EmptyName", input: valid(map[string]any{"name": "   "}), wantCode: "INVALID_INPUT", wantField: []string{"input", "name"}},
		{name: "LongName", input: valid(map[string]any{"name": strings.Repeat("x", 201)}), wantCode: "INVALID_INPUT", wantField: []string{"input", "name"}},
		{name: "PrivateWithoutNIB", input: valid(map[string]any{"nib": nil}), wantCode: "INVALID_NIB", wantField: []string{"input", "nib"}},
		{name: "ShortNIB", input: valid(map[string]any{"nib": "912345"}), wantCode: "INVALID_NIB", wantField: []string{"input", "nib"}},
		{name: "LettersInNIB", input: valid(map[string]any{"nib": "91200012345AB"}), wantCode: "INVALID_NIB", wantField: []string{"input", "nib"}},
		{name: "BadNIBOfGovernment", input: valid(map[string]any{"kind": "GOVERNMENT", "nib": "12"}), wantCode: "INVALID_NIB", wantField: []string{"input", "nib"}},
		{name: "UnknownProvince", input: valid(map[string]any{"provinceCode": "99"}), wantCode: "INVALID_INPUT", wantField: []string{"input", "provinceCode"}},
		{name: "DuplicateName", input: valid(map[string]any{"name": takenName}), wantCode: "DUPLICATE_PROVIDER", wantField: []string{"input", "name"}},
		{name: "DuplicateNameOtherCase", input: valid(map[string]any{"name": strings.ToUpper(takenName)}), wantCode: "DUPLICATE_PROVIDER", wantField: []string{"input", "name"}},
		{name: "DuplicateNIB", input: valid(map[string]any{"nib": takenNIB}), wantCode: "DUPLICATE_PROVIDER", wantField: []string{"input", "nib"}},
	})

	input := valid(nil)
	catMustDeny(t, a, "createProvider", input, []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PROVIDER", a.as(db.RoleProvider, gid(db.TypeProvider, 1)), "FORBIDDEN"},
		{"PLATFORM", a.as(db.RolePlatform, gid(db.TypePlatform, 1)), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
	})

	// Ten administrators create one name at once: the unique constraint lets exactly one through.
	t.Run("ConcurrentDuplicates", func(t *testing.T) {
		const n = 10
		codes := make([]string, n)
		errs := make([]error, n)
		catParallel(n, n, func(i int) {
			resp, err := catPost(a.h, a.token, catMutation("createProvider"), map[string]any{"input": map[string]any{
				"name": "LPK Serentak", "kind": "PRIVATE", "nib": fmt.Sprintf("91277777777%02d", i), "provinceCode": "35"}})
			if err == nil {
				var p catPayload
				if p, err = catDecode(resp, "createProvider"); err == nil {
					codes[i] = "OK"
					if len(p.UserErrors) > 0 {
						codes[i] = p.UserErrors[0].Code
					}
				}
			}
			errs[i] = err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := catTally(codes); got["OK"] != 1 || got["DUPLICATE_PROVIDER"] != n-1 {
			t.Errorf("outcomes = %v, want 1 OK and %d DUPLICATE_PROVIDER", got, n-1)
		}
		if got := a.count("SELECT count(*) FROM providers WHERE name = 'LPK Serentak'"); got != 1 {
			t.Errorf("providers named LPK Serentak = %d, want 1", got)
		}
	})
}

// catTally counts equal strings.
func catTally(codes []string) map[string]int {
	out := map[string]int{}
	for _, c := range codes {
		out[c]++
	}
	return out
}

func TestCreateCourse(t *testing.T) {
	a := mustAPI(t)
	providerID := catNewProvider(t, a)
	otherProvider := catNewProvider(t, a)
	asProvider := a.as(db.RoleProvider, gid(db.TypeProvider, providerID))

	t.Run("OK", func(t *testing.T) {
		for _, tc := range []struct {
			caller  *api
			subject string
			mode    string
		}{
			{a, "pmo-admin", "HYBRID"},
			{asProvider, gid(db.TypeProvider, providerID), "OFFLINE"},
			{asProvider, gid(db.TypeProvider, providerID), "SELF_PACED"},
		} {
			p := catMustOK(t, tc.caller, "createCourse", map[string]any{"providerId": gid(db.TypeProvider, providerID),
				"title": " Desain Grafis untuk UMKM ", "description": "Canva dan Figma.", "category": "Desain", "mode": tc.mode, "durationHours": 15})
			c := p.Course
			if c == nil || c.Title != "Desain Grafis untuk UMKM" || c.Mode != tc.mode || c.DurationHours != 15 || c.MinPrice != 0 ||
				c.EnrollmentCount != 0 || c.Provider.ID != gid(db.TypeProvider, providerID) || c.Category != "Desain" {
				t.Fatalf("createCourse(%s) = %+v", tc.mode, c)
			}
			catMustAudit(t, a, "createCourse", "Course", key(t, c.ID, db.TypeCourse), tc.subject)
		}
	})

	valid := func(change map[string]any) map[string]any {
		in := map[string]any{"providerId": gid(db.TypeProvider, providerID), "title": "Akuntansi Dasar", "category": "Keuangan",
			"mode": "WEBINAR", "durationHours": 20}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	catMustRefuse(t, a, "createCourse", []catCase{
		{name: "ProviderIDOfAnotherType", input: valid(map[string]any{"providerId": gid(db.TypeCourse, 1)}), wantCode: "INVALID_ID", wantField: []string{"input", "providerId"}},
		{name: "UnknownProvider", input: valid(map[string]any{"providerId": gid(db.TypeProvider, 987654)}), wantCode: "NOT_FOUND", wantField: []string{"input", "providerId"}},
		{name: "EmptyTitle", input: valid(map[string]any{"title": " "}), wantCode: "INVALID_INPUT", wantField: []string{"input", "title"}},
		{name: "LongTitle", input: valid(map[string]any{"title": strings.Repeat("a", 301)}), wantCode: "INVALID_INPUT", wantField: []string{"input", "title"}},
		{name: "EmptyCategory", input: valid(map[string]any{"category": ""}), wantCode: "INVALID_INPUT", wantField: []string{"input", "category"}},
		{name: "ZeroHours", input: valid(map[string]any{"durationHours": 0}), wantCode: "INVALID_INPUT", wantField: []string{"input", "durationHours"}},
		{name: "NegativeHours", input: valid(map[string]any{"durationHours": -3}), wantCode: "INVALID_INPUT", wantField: []string{"input", "durationHours"}},
		{name: "Under15Hours", input: valid(map[string]any{"durationHours": 14}), wantCode: "INVALID_INPUT", wantField: []string{"input", "durationHours"}},
		{name: "AbsurdHours", input: valid(map[string]any{"durationHours": 5000}), wantCode: "INVALID_INPUT", wantField: []string{"input", "durationHours"}},
	})

	catMustDeny(t, a, "createCourse", valid(nil), []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"OtherProvider", a.as(db.RoleProvider, gid(db.TypeProvider, otherProvider)), "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PLATFORM", a.as(db.RolePlatform, gid(db.TypePlatform, 1)), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
	})
}

func TestListCourse(t *testing.T) {
	a := mustAPI(t)
	providerID := catNewProvider(t, a)
	courseID := catNewCourse(t, a, providerID, "SELF_PACED")
	course := gid(db.TypeCourse, courseID)
	platform := func(id int64) string { return gid(db.TypePlatform, id) }

	t.Run("OK", func(t *testing.T) {
		for _, tc := range []struct {
			caller       *api
			subject      string
			platform     int64
			price        int64
			wantMinPrice int64
		}{
			{a, "pmo-admin", 1, 500000, 500000},
			{a.as(db.RolePlatform, platform(2)), platform(2), 2, 300000, 300000},
			{a.as(db.RoleProvider, gid(db.TypeProvider, providerID)), gid(db.TypeProvider, providerID), 3, 400000, 300000},
		} {
			p := catMustOK(t, tc.caller, "listCourse", map[string]any{"courseId": course, "platformId": platform(tc.platform), "price": tc.price})
			l := p.Listing
			if l == nil || l.Price != tc.price || l.Course.ID != course || l.Platform.ID != platform(tc.platform) || l.Course.MinPrice != tc.wantMinPrice {
				t.Fatalf("listCourse(platform %d, %d) = %+v, want minPrice %d", tc.platform, tc.price, l, tc.wantMinPrice)
			}
			catMustAudit(t, a, "listCourse", "CourseListing", key(t, l.ID, db.TypeListing), tc.subject)
		}
		if got := a.count("SELECT min_price FROM courses WHERE id = ?", courseID); got != 300000 {
			t.Errorf("courses.min_price = %d, want 300000", got)
		}
	})

	catMustRefuse(t, a, "listCourse", []catCase{
		{name: "ZeroPrice", input: map[string]any{"courseId": course, "platformId": platform(4), "price": 0}, wantCode: "INVALID_PRICE", wantField: []string{"input", "price"}},
		{name: "NegativePrice", input: map[string]any{"courseId": course, "platformId": platform(4), "price": -100}, wantCode: "INVALID_PRICE", wantField: []string{"input", "price"}},
		{name: "Duplicate", input: map[string]any{"courseId": course, "platformId": platform(1), "price": 450000}, wantCode: "DUPLICATE_LISTING", wantField: []string{"input", "platformId"}},
		{name: "UnknownCourse", input: map[string]any{"courseId": gid(db.TypeCourse, 987654), "platformId": platform(4), "price": 1000}, wantCode: "NOT_FOUND", wantField: []string{"input", "courseId"}},
		{name: "UnknownPlatform", input: map[string]any{"courseId": course, "platformId": platform(987), "price": 1000}, wantCode: "NOT_FOUND", wantField: []string{"input", "platformId"}},
		{name: "CourseIDOfAnotherType", input: map[string]any{"courseId": platform(1), "platformId": platform(4), "price": 1000}, wantCode: "INVALID_ID", wantField: []string{"input", "courseId"}},
		{name: "PlatformIDOfAnotherType", input: map[string]any{"courseId": course, "platformId": course, "price": 1000}, wantCode: "INVALID_ID", wantField: []string{"input", "platformId"}},
	})

	otherProvider := catNewProvider(t, a)
	catMustDeny(t, a, "listCourse", map[string]any{"courseId": course, "platformId": platform(5), "price": 250000}, []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"OtherProvider", a.as(db.RoleProvider, gid(db.TypeProvider, otherProvider)), "FORBIDDEN"},
		{"OtherPlatform", a.as(db.RolePlatform, platform(6)), "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
	})

	// One course listed on every other platform at once, and twice on one: minPrice is the lowest
	// price, and the second listing on a platform is refused.
	t.Run("Concurrent", func(t *testing.T) {
		course2 := catNewCourse(t, a, providerID, "SELF_PACED")
		var platforms []int64
		for id := int64(1); id <= 11; id++ {
			platforms = append(platforms, id, id)
		}
		codes := make([]string, len(platforms))
		errs := make([]error, len(platforms))
		catParallel(len(platforms), len(platforms), func(i int) {
			resp, err := catPost(a.h, a.token, catMutation("listCourse"), map[string]any{"input": map[string]any{
				"courseId": gid(db.TypeCourse, course2), "platformId": platform(platforms[i]), "price": 100000 + 10000*i}})
			if err == nil {
				var p catPayload
				if p, err = catDecode(resp, "listCourse"); err == nil {
					codes[i] = "OK"
					if len(p.UserErrors) > 0 {
						codes[i] = p.UserErrors[0].Code
					}
				}
			}
			errs[i] = err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := catTally(codes); got["OK"] != 11 || got["DUPLICATE_LISTING"] != 11 {
			t.Errorf("outcomes = %v, want 11 OK and 11 DUPLICATE_LISTING", got)
		}
		if got, want := a.count("SELECT min_price FROM courses WHERE id = ?", course2), a.count("SELECT min(price) FROM course_listings WHERE course_id = ?", course2); got != want {
			t.Errorf("min_price = %d, want the lowest listing %d", got, want)
		}
	})
}

func TestScheduleTrainingSession(t *testing.T) {
	a := mustAPI(t)
	providerID := catNewProvider(t, a)
	offline := catNewCourse(t, a, providerID, "OFFLINE")
	hybrid := catNewCourse(t, a, providerID, "HYBRID")
	webinar := catNewCourse(t, a, providerID, "WEBINAR")
	selfPaced := catNewCourse(t, a, providerID, "SELF_PACED")
	asProvider := a.as(db.RoleProvider, gid(db.TypeProvider, providerID))

	t.Run("OK", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			caller     *api
			subject    string
			in         map[string]any
			wantVenue  bool
			wantDetail string
		}{
			{"OfflineEightHours", a, "pmo-admin", catSessionInput(offline, catDay(7, 8, 0), catDay(7, 16, 0), 40, "Aula BLK Bandung"), true, ""},
			{"OfflineThreeDays", asProvider, gid(db.TypeProvider, providerID), catSessionInput(offline, catDay(10, 9, 0), catDay(12, 16, 0), 25, "Aula BLK Bandung"), true, ""},
			{"HybridAtAnotherVenueSameTime", a, "pmo-admin", catSessionInput(hybrid, catDay(7, 8, 0), catDay(7, 16, 0), 30, "Gedung Sate"), true, ""},
			{"WebinarThreeHours", asProvider, gid(db.TypeProvider, providerID), catSessionInput(webinar, catDay(3, 19, 0), catDay(3, 22, 0), 150, ""), false, ""},
			{"WebinarFiveEvenings", a, "pmo-admin", catSessionInput(webinar, catDay(4, 19, 0), catDay(8, 21, 30), 100, ""), false, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := catMustOK(t, tc.caller, "scheduleTrainingSession", tc.in)
				s := p.Session
				if s == nil || s.Status != "OPEN" || s.SeatsTaken != 0 || s.SeatsLeft != tc.in["capacity"] || s.Capacity != tc.in["capacity"] ||
					s.Course.ID != tc.in["courseId"] || !s.StartsAt.Equal(catMustTime(t, tc.in["startsAt"])) || !s.EndsAt.Equal(catMustTime(t, tc.in["endsAt"])) {
					t.Fatalf("scheduleTrainingSession = %+v, want an OPEN session as asked %v", s, tc.in)
				}
				if (s.Venue != nil) != tc.wantVenue {
					t.Errorf("venue = %+v, want present %v", s.Venue, tc.wantVenue)
				}
				if tc.wantVenue {
					v := tc.in["venue"].(map[string]any)
					if s.Venue.Name != v["name"] || s.Venue.Type != "CLASSROOM" || s.Venue.Regency != "Kota Bandung" || s.Venue.Province.Code != "32" {
						t.Errorf("venue = %+v, want %v", s.Venue, v)
					}
				}
				catMustAudit(t, a, "scheduleTrainingSession", "TrainingSession", key(t, s.ID, db.TypeTrainingSession), tc.subject)
			})
		}
	})

	venue := func(change map[string]any) map[string]any {
		v := catVenueInput("Aula BLK Bandung")
		for k, x := range change {
			v[k] = x
		}
		return v
	}
	with := func(in map[string]any, change map[string]any) map[string]any {
		for k, v := range change {
			if v == nil {
				delete(in, k)
			} else {
				in[k] = v
			}
		}
		return in
	}
	day := func(d, h, m int) time.Time { return catDay(d, h, m) }
	catMustRefuse(t, a, "scheduleTrainingSession", []catCase{
		{name: "SelfPacedCourse", input: catSessionInput(selfPaced, day(5, 9, 0), day(5, 12, 0), 10, ""), wantCode: "INVALID_INPUT", wantField: []string{"input", "courseId"}},
		{name: "OfflineWithoutVenue", input: catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 10, ""), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue"}},
		{name: "HybridWithoutVenue", input: catSessionInput(hybrid, day(5, 9, 0), day(5, 12, 0), 10, ""), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue"}},
		{name: "WebinarWithVenue", input: catSessionInput(webinar, day(5, 9, 0), day(5, 12, 0), 10, "Aula"), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue"}},
		{name: "VenueWithoutName", input: with(catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 10, ""), map[string]any{"venue": venue(map[string]any{"name": " "})}), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue", "name"}},
		{name: "VenueWithoutRegency", input: with(catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 10, ""), map[string]any{"venue": venue(map[string]any{"regency": ""})}), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue", "regency"}},
		{name: "VenueInUnknownProvince", input: with(catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 10, ""), map[string]any{"venue": venue(map[string]any{"provinceCode": "00"})}), wantCode: "INVALID_INPUT", wantField: []string{"input", "venue", "provinceCode"}},
		{name: "ZeroCapacity", input: catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 0, "Aula"), wantCode: "INVALID_INPUT", wantField: []string{"input", "capacity"}},
		{name: "OfflineOver40", input: catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 41, "Aula"), wantCode: "CAPACITY_EXCEEDED", wantField: []string{"input", "capacity"}},
		{name: "HybridOver40", input: catSessionInput(hybrid, day(5, 9, 0), day(5, 12, 0), 100, "Aula"), wantCode: "CAPACITY_EXCEEDED", wantField: []string{"input", "capacity"}},
		{name: "WebinarOver150", input: catSessionInput(webinar, day(5, 9, 0), day(5, 12, 0), 151, ""), wantCode: "CAPACITY_EXCEEDED", wantField: []string{"input", "capacity"}},
		{name: "EndsBeforeStart", input: catSessionInput(offline, day(5, 12, 0), day(5, 9, 0), 10, "Aula"), wantCode: "INVALID_SCHEDULE", wantField: []string{"input", "endsAt"}},
		{name: "EndsAtStart", input: catSessionInput(offline, day(5, 9, 0), day(5, 9, 0), 10, "Aula"), wantCode: "INVALID_SCHEDULE", wantField: []string{"input", "endsAt"}},
		{name: "StartsInThePast", input: catSessionInput(offline, day(-1, 9, 0), day(-1, 12, 0), 10, "Aula"), wantCode: "INVALID_SCHEDULE", wantField: []string{"input", "startsAt"}},
		{name: "OfflineNineHoursADay", input: catSessionInput(offline, day(5, 8, 0), day(5, 17, 0), 10, "Aula"), wantCode: "HOURS_EXCEEDED", wantField: []string{"input", "endsAt"}},
		{name: "OfflineNineHoursADayForThreeDays", input: catSessionInput(offline, day(5, 8, 0), day(7, 17, 0), 10, "Aula"), wantCode: "HOURS_EXCEEDED", wantField: []string{"input", "endsAt"}},
		{name: "OfflineRoundTheClock", input: catSessionInput(offline, day(5, 9, 0), day(6, 9, 0), 10, "Aula"), wantCode: "HOURS_EXCEEDED", wantField: []string{"input", "endsAt"}},
		{name: "WebinarFourHours", input: catSessionInput(webinar, day(5, 9, 0), day(5, 13, 0), 10, ""), wantCode: "HOURS_EXCEEDED", wantField: []string{"input", "endsAt"}},
		{name: "WebinarThreeAndAHalfHoursForTwoDays", input: catSessionInput(webinar, day(5, 18, 0), day(6, 21, 30), 10, ""), wantCode: "HOURS_EXCEEDED", wantField: []string{"input", "endsAt"}},
		{name: "OverlapAtVenue", input: catSessionInput(offline, day(7, 12, 0), day(7, 18, 0), 10, "aula blk bandung "), wantCode: "SESSION_OVERLAP", wantField: []string{"input", "startsAt"}},
		{name: "OverlapInsideMultiDay", input: catSessionInput(offline, day(11, 10, 0), day(11, 12, 0), 10, "Aula BLK Bandung"), wantCode: "SESSION_OVERLAP", wantField: []string{"input", "startsAt"}},
		{name: "UnknownCourse", input: catSessionInput(987654, day(5, 9, 0), day(5, 12, 0), 10, "Aula"), wantCode: "NOT_FOUND", wantField: []string{"input", "courseId"}},
		{name: "CourseIDOfAnotherType", input: with(catSessionInput(offline, day(5, 9, 0), day(5, 12, 0), 10, "Aula"), map[string]any{"courseId": gid(db.TypeProvider, providerID)}), wantCode: "INVALID_ID", wantField: []string{"input", "courseId"}},
	})

	// Back to back at one venue is no overlap, nor is another venue; a webinar crossing midnight
	// teaches 2 + 1 hours.
	catMustOK(t, a, "scheduleTrainingSession", catSessionInput(offline, catDay(7, 16, 0), catDay(7, 20, 0), 40, "Aula BLK Bandung"))
	catMustOK(t, a, "scheduleTrainingSession", catSessionInput(offline, catDay(7, 8, 0), catDay(7, 16, 0), 40, "Ruang Kelas 2"))
	catMustOK(t, a, "scheduleTrainingSession", catSessionInput(webinar, catDay(5, 22, 0), catDay(6, 1, 0), 150, ""))

	otherProvider := catNewProvider(t, a)
	catMustDeny(t, a, "scheduleTrainingSession", catSessionInput(offline, day(20, 9, 0), day(20, 12, 0), 10, "Aula"), []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"OtherProvider", a.as(db.RoleProvider, gid(db.TypeProvider, otherProvider)), "FORBIDDEN"},
		{"PLATFORM", a.as(db.RolePlatform, gid(db.TypePlatform, 1)), "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
	})

	// Ten schedulers book one venue at one time: the course lock lets exactly one through.
	t.Run("ConcurrentOverlap", func(t *testing.T) {
		const n = 10
		codes := make([]string, n)
		errs := make([]error, n)
		catParallel(n, n, func(i int) {
			in := catSessionInput(offline, catDay(30, 9+i%3, 0), catDay(30, 15, 0), 20, "Aula Serentak")
			resp, err := catPost(asProvider.h, asProvider.token, catMutation("scheduleTrainingSession"), map[string]any{"input": in})
			if err == nil {
				var p catPayload
				if p, err = catDecode(resp, "scheduleTrainingSession"); err == nil {
					codes[i] = "OK"
					if len(p.UserErrors) > 0 {
						codes[i] = p.UserErrors[0].Code
					}
				}
			}
			errs[i] = err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := catTally(codes); got["OK"] != 1 || got["SESSION_OVERLAP"] != n-1 {
			t.Errorf("outcomes = %v, want 1 OK and %d SESSION_OVERLAP", got, n-1)
		}
		if got := a.count("SELECT count(*) FROM training_sessions WHERE venue_name = 'Aula Serentak'"); got != 1 {
			t.Errorf("sessions at Aula Serentak = %d, want 1", got)
		}
	})
}

func catMustTime(t testing.TB, v any) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, v.(string))
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// catShop is a provider with an OFFLINE course (a 40-seat session a week ahead) and a SELF_PACED
// course, both listed on one platform.
type catShop struct {
	provider, platform               int64
	offline, selfPaced               int64 // courses
	offlineListing, selfPacedListing int64
	session                          int64
	offlinePrice, selfPacedPrice     int64
	asPlatform, asProvider           *api
}

func catNewShop(t testing.TB, a *api, platform int64) *catShop {
	t.Helper()
	s := &catShop{platform: platform, offlinePrice: 450000, selfPacedPrice: 250000}
	s.provider = catNewProvider(t, a)
	s.offline = catNewCourse(t, a, s.provider, "OFFLINE")
	s.selfPaced = catNewCourse(t, a, s.provider, "SELF_PACED")
	s.offlineListing = catNewListing(t, a, s.offline, platform, s.offlinePrice)
	s.selfPacedListing = catNewListing(t, a, s.selfPaced, platform, s.selfPacedPrice)
	s.session = catNewSession(t, a, s.offline, catDay(7, 9, 0), catDay(7, 16, 0), 40, fmt.Sprintf("Aula %d", catSerial.Add(1)))
	s.asPlatform = a.as(db.RolePlatform, gid(db.TypePlatform, platform))
	s.asProvider = a.as(db.RoleProvider, gid(db.TypeProvider, s.provider))
	return s
}

// catPurchaseInput is a purchase input; sessionID 0 names no session.
func catPurchaseInput(participantID, listingID, sessionID int64, orderID string) map[string]any {
	in := map[string]any{"participantId": gid(db.TypeParticipant, participantID), "listingId": gid(db.TypeListing, listingID), "orderId": orderID}
	if sessionID != 0 {
		in["sessionId"] = gid(db.TypeTrainingSession, sessionID)
	}
	return in
}

func TestPurchaseTraining(t *testing.T) {
	a := mustAPI(t)
	shop := catNewShop(t, a, 2)
	buyers := catNewBuyers(t, a, 3, 1000000)

	t.Run("OK", func(t *testing.T) {
		before := a.rowCounts()
		enrollmentCount := a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline)
		p := catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(buyers[0], shop.offlineListing, shop.session, "SKILL-0001"))
		e := p.Enrollment
		if e == nil || e.Status != "PAID" || e.Price != shop.offlinePrice || e.OrderID != "SKILL-0001" || e.Session == nil ||
			e.Session.ID != gid(db.TypeTrainingSession, shop.session) || e.Participant.ID != gid(db.TypeParticipant, buyers[0]) ||
			e.Platform.ID != gid(db.TypePlatform, 2) {
			t.Fatalf("enrollment = %+v", e)
		}
		if p.Participant == nil || p.Participant.Balance != 1000000-shop.offlinePrice {
			t.Fatalf("participant = %+v, want balance %d", p.Participant, 1000000-shop.offlinePrice)
		}
		if !strings.Contains(p.Participant.NIK, "*") {
			t.Errorf("the platform sees NIK %q, want it masked", p.Participant.NIK)
		}
		id := key(t, e.ID, db.TypeEnrollment)
		if n := a.count(`SELECT count(*) FROM enrollments e JOIN participants p ON p.id = e.participant_id WHERE e.id = ?
			AND e.provider_id = ? AND e.course_id = ? AND e.province_code = p.province_code AND e.redeem_code <> ''`, id, shop.provider, shop.offline); n != 1 {
			t.Errorf("enrollment row %d does not copy the provider, course and province", id)
		}
		if n := a.count(`SELECT count(*) FROM balance_ledger l JOIN enrollments e ON e.id = l.enrollment_id WHERE l.enrollment_id = ?
			AND l.kind = 'PURCHASE' AND l.amount = ? AND l.balance_after = ? AND l.created_at = e.purchased_at`, id, -shop.offlinePrice, 1000000-shop.offlinePrice); n != 1 {
			t.Errorf("PURCHASE ledger entries of enrollment %d = %d, want 1", id, n)
		}
		if got := a.count("SELECT seats_taken FROM training_sessions WHERE id = ?", shop.session); got != 1 {
			t.Errorf("seats_taken = %d, want 1", got)
		}
		if got := a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline); got != enrollmentCount+1 {
			t.Errorf("enrollment_count = %d, want %d", got, enrollmentCount+1)
		}
		catMustAudit(t, a, "purchaseTraining", "Enrollment", id, gid(db.TypePlatform, 2))
		after := a.rowCounts()
		for table, want := range map[string]int{"enrollments": 1, "balance_ledger": 1, "audit_events": 1} {
			if after[table]-before[table] != want {
				t.Errorf("%s grew by %d, want %d", table, after[table]-before[table], want)
			}
		}

		// The participant buys a self-paced course themself, and sees their own data in clear.
		me := a.as(db.RoleParticipant, gid(db.TypeParticipant, buyers[1]))
		p = catMustOK(t, me, "purchaseTraining", catPurchaseInput(buyers[1], shop.selfPacedListing, 0, "SKILL-0002"))
		if p.Enrollment == nil || p.Enrollment.Session != nil || p.Participant.Balance != 1000000-shop.selfPacedPrice || strings.Contains(p.Participant.NIK, "*") {
			t.Errorf("self-paced purchase = %+v %+v", p.Enrollment, p.Participant)
		}

		// A seeded participant inside the purchase window, bought for by ADMIN.
		seeded := catSeeded(t, a, "ACTIVE participant with a balance inside the purchase window", `SELECT p.id FROM participants p
			WHERE p.status = 'ACTIVE' AND p.balance >= ? AND (p.balance_expires_at IS NULL OR p.balance_expires_at > now())
			AND (p.purchase_deadline > now() OR EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)) ORDER BY p.id`, shop.selfPacedPrice)
		balance := int64(a.count("SELECT balance FROM participants WHERE id = ?", seeded))
		p = catMustOK(t, a, "purchaseTraining", catPurchaseInput(seeded, shop.selfPacedListing, 0, "SKILL-0003"))
		if p.Participant.Balance != balance-shop.selfPacedPrice {
			t.Errorf("seeded participant's balance = %d, want %d", p.Participant.Balance, balance-shop.selfPacedPrice)
		}
		catMustKeepLedger(t, a, []int64{buyers[0], buyers[1], seeded})
	})

	t.Run("Replay", func(t *testing.T) {
		first := catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(buyers[2], shop.offlineListing, shop.session, "SKILL-0100"))
		before := a.rowCounts()
		seats := a.count("SELECT seats_taken FROM training_sessions WHERE id = ?", shop.session)
		again := catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(buyers[2], shop.offlineListing, shop.session, " SKILL-0100 "))
		if again.Enrollment == nil || again.Enrollment.ID != first.Enrollment.ID || again.Participant.Balance != first.Participant.Balance {
			t.Errorf("replay = %+v %+v, want enrollment %s and balance %d", again.Enrollment, again.Participant, first.Enrollment.ID, first.Participant.Balance)
		}
		a.mustBeUnchanged(before)
		if got := a.count("SELECT seats_taken FROM training_sessions WHERE id = ?", shop.session); got != seats {
			t.Errorf("seats_taken = %d after a replay, want %d", got, seats)
		}
	})

	// Fixtures of refusals.
	poor := catNewBuyers(t, a, 1, 100000)[0]
	late := catNewBuyers(t, a, 1, 1000000)[0]
	expired := catNewBuyers(t, a, 1, 1000000)[0]
	if _, err := a.db.ExecContext(t0, `UPDATE participants SET purchase_deadline = now() - interval '1 day' WHERE id = ?`, late); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.ExecContext(t0, `UPDATE participants SET balance_expires_at = now() - interval '1 hour' WHERE id = ?`, expired); err != nil {
		t.Fatal(err)
	}
	registered := catSeeded(t, a, "REGISTERED participant", `SELECT id FROM participants WHERE status = 'REGISTERED' ORDER BY id`)
	revoked := catSeeded(t, a, "REVOKED participant", `SELECT id FROM participants WHERE status = 'REVOKED' ORDER BY id`)
	tiny := catNewSession(t, a, shop.offline, catDay(9, 9, 0), catDay(9, 12, 0), 1, "Ruang Kecil")
	catMustOK(t, a, "purchaseTraining", catPurchaseInput(buyers[0], shop.offlineListing, tiny, "SKILL-0200"))
	otherCourse := catNewCourse(t, a, shop.provider, "OFFLINE")
	otherSession := catNewSession(t, a, otherCourse, catDay(8, 9, 0), catDay(8, 12, 0), 10, "Ruang Lain")
	started := catSeeded(t, a, "started session of a listed course", `SELECT s.id FROM training_sessions s
		WHERE s.status = 'IN_PROGRESS' AND EXISTS (SELECT 1 FROM course_listings l WHERE l.course_id = s.course_id) ORDER BY s.id`)
	startedListing := catSeeded(t, a, "listing", `SELECT l.id FROM course_listings l JOIN training_sessions s ON s.course_id = l.course_id
		WHERE s.id = ? ORDER BY l.id`, started)
	cancelled := catNewSession(t, a, shop.offline, catDay(12, 9, 0), catDay(12, 12, 0), 10, "Ruang Batal")
	catMustOK(t, a, "cancelTrainingSession", map[string]any{"sessionId": gid(db.TypeTrainingSession, cancelled), "reason": "Libur Lebaran"})

	b := buyers[1]
	catMustRefuse(t, a, "purchaseTraining", []catCase{
		{name: "OrderConflict", input: catPurchaseInput(b, shop.offlineListing, shop.session, "SKILL-0001"), wantCode: "ORDER_CONFLICT", wantField: []string{"input", "orderId"}},
		{name: "OrderConflictOtherSession", input: catPurchaseInput(buyers[0], shop.offlineListing, tiny, "SKILL-0001"), wantCode: "ORDER_CONFLICT", wantField: []string{"input", "orderId"}},
		{name: "EmptyOrderID", input: catPurchaseInput(b, shop.offlineListing, shop.session, "  "), wantCode: "INVALID_INPUT", wantField: []string{"input", "orderId"}},
		{name: "LongOrderID", input: catPurchaseInput(b, shop.offlineListing, shop.session, strings.Repeat("9", 101)), wantCode: "INVALID_INPUT", wantField: []string{"input", "orderId"}},
		{name: "ParticipantIDOfAnotherType", input: catWith(catPurchaseInput(b, shop.offlineListing, shop.session, "X-1"), "participantId", gid(db.TypeCourse, 1)), wantCode: "INVALID_ID", wantField: []string{"input", "participantId"}},
		{name: "ListingIDOfAnotherType", input: catWith(catPurchaseInput(b, shop.offlineListing, shop.session, "X-1"), "listingId", gid(db.TypeCourse, shop.offline)), wantCode: "INVALID_ID", wantField: []string{"input", "listingId"}},
		{name: "SessionIDOfAnotherType", input: catWith(catPurchaseInput(b, shop.offlineListing, shop.session, "X-1"), "sessionId", gid(db.TypeCourse, shop.offline)), wantCode: "INVALID_ID", wantField: []string{"input", "sessionId"}},
		{name: "UnknownParticipant", input: catPurchaseInput(987654, shop.offlineListing, shop.session, "X-1"), wantCode: "NOT_FOUND", wantField: []string{"input", "participantId"}},
		{name: "UnknownListing", input: catPurchaseInput(b, 987654, shop.session, "X-1"), wantCode: "NOT_FOUND", wantField: []string{"input", "listingId"}},
		{name: "UnknownSession", input: catPurchaseInput(b, shop.offlineListing, 987654, "X-1"), wantCode: "NOT_FOUND", wantField: []string{"input", "sessionId"}},
		{name: "Registered", input: catPurchaseInput(registered, shop.selfPacedListing, 0, "X-1"), wantCode: "NOT_ACTIVE", wantField: []string{"input", "participantId"}},
		{name: "Revoked", input: catPurchaseInput(revoked, shop.selfPacedListing, 0, "X-1"), wantCode: "NOT_ACTIVE", wantField: []string{"input", "participantId"}},
		{name: "FirstPurchaseDeadlinePassed", input: catPurchaseInput(late, shop.selfPacedListing, 0, "X-1"), wantCode: "PURCHASE_WINDOW_CLOSED", wantField: []string{"input", "participantId"}},
		{name: "LeftoverBalanceExpired", input: catPurchaseInput(expired, shop.selfPacedListing, 0, "X-1"), wantCode: "PURCHASE_WINDOW_CLOSED", wantField: []string{"input", "participantId"}},
		{name: "SessionRequired", input: catPurchaseInput(b, shop.offlineListing, 0, "X-1"), wantCode: "SESSION_REQUIRED", wantField: []string{"input", "sessionId"}},
		{name: "SessionOfAnotherCourse", input: catPurchaseInput(b, shop.offlineListing, otherSession, "X-1"), wantCode: "SESSION_MISMATCH", wantField: []string{"input", "sessionId"}},
		{name: "SessionForSelfPaced", input: catPurchaseInput(b, shop.selfPacedListing, shop.session, "X-1"), wantCode: "SESSION_MISMATCH", wantField: []string{"input", "sessionId"}},
		{name: "SessionStarted", input: catPurchaseInput(b, startedListing, started, "X-1"), wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
		{name: "SessionCancelled", input: catPurchaseInput(b, shop.offlineListing, cancelled, "X-1"), wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
		{name: "SessionFull", input: catPurchaseInput(b, shop.offlineListing, tiny, "X-1"), wantCode: "SESSION_FULL", wantField: []string{"input", "sessionId"}},
		{name: "InsufficientBalance", input: catPurchaseInput(poor, shop.selfPacedListing, 0, "X-1"), wantCode: "INSUFFICIENT_BALANCE", wantField: []string{"input", "listingId"}},
	})

	otherPlatform := a.as(db.RolePlatform, gid(db.TypePlatform, 3))
	catMustDeny(t, a, "purchaseTraining", catPurchaseInput(b, shop.offlineListing, shop.session, "X-2"), []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"PROVIDER", shop.asProvider, "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"OtherPlatform", otherPlatform, "FORBIDDEN"},
		{"OtherParticipant", a.as(db.RoleParticipant, gid(db.TypeParticipant, buyers[0])), "FORBIDDEN"},
	})
}

// catWith returns in with field set to v.
func catWith(in map[string]any, field string, v any) map[string]any {
	in[field] = v
	return in
}

// TestPurchaseThousandBuyersOneSession: 1,000 distinct buyers rush one 40-seat class at once,
// through the real handler, 50 at a time. Exactly 40 get a seat and pay; everyone else is told
// SESSION_FULL and keeps their balance.
func TestPurchaseThousandBuyersOneSession(t *testing.T) {
	a := mustAPI(t)
	const buyers, seats, workers = 1000, 40, 50
	shop := catNewShop(t, a, 2)
	ids := catNewBuyers(t, a, buyers, 1000000)
	tokens := []string{shop.asPlatform.token, a.token} // the selling platform and ADMIN take turns
	enrollmentCount := a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline)

	type outcome struct {
		code       string
		enrollment string
		balance    int64
		err        error
	}
	outcomes := make([]outcome, buyers)
	query := catMutation("purchaseTraining")
	start := time.Now()
	catParallel(buyers, workers, func(i int) {
		resp, err := catPost(a.h, tokens[i%2], query, map[string]any{
			"input": catPurchaseInput(ids[i], shop.offlineListing, shop.session, fmt.Sprintf("RUSH-%04d", i))})
		if err != nil {
			outcomes[i].err = err
			return
		}
		p, err := catDecode(resp, "purchaseTraining")
		switch {
		case err != nil:
			outcomes[i].err = err
		case len(p.UserErrors) > 0:
			outcomes[i].code = p.UserErrors[0].Code
		case p.Enrollment == nil || p.Participant == nil:
			outcomes[i].err = fmt.Errorf("no enrollment nor user errors: %+v", p)
		default:
			outcomes[i].code, outcomes[i].enrollment, outcomes[i].balance = "OK", p.Enrollment.ID, p.Participant.Balance
		}
	})
	elapsed := time.Since(start)
	t.Logf("%d purchases of one %d-seat session by %d workers took %v (%.0f requests/s)",
		buyers, seats, workers, elapsed, float64(buyers)/elapsed.Seconds())

	codes := make([]string, buyers)
	var winners []int64
	for i, o := range outcomes {
		if o.err != nil {
			t.Fatalf("buyer %d: %v", i, o.err)
		}
		codes[i] = o.code
		if o.code == "OK" {
			winners = append(winners, ids[i])
			if o.balance != 1000000-shop.offlinePrice {
				t.Errorf("buyer %d's balance after buying = %d, want %d", i, o.balance, 1000000-shop.offlinePrice)
			}
		}
	}
	if got := catTally(codes); got["OK"] != seats || got["SESSION_FULL"] != buyers-seats {
		t.Errorf("outcomes = %v, want %d OK and %d SESSION_FULL", got, seats, buyers-seats)
	}
	var seatsTaken int
	var status string
	if err := a.db.NewRaw("SELECT seats_taken, status FROM training_sessions WHERE id = ?", shop.session).Scan(t0, &seatsTaken, &status); err != nil {
		t.Fatal(err)
	}
	if seatsTaken != seats || status != "FULL" {
		t.Errorf("session = %d seats taken, %s; want %d, FULL", seatsTaken, status, seats)
	}
	for what, got := range map[string]int{
		"enrollments of the session":    a.count("SELECT count(*) FROM enrollments WHERE session_id = ?", shop.session),
		"PURCHASE ledger entries":       a.count("SELECT count(*) FROM balance_ledger WHERE kind = 'PURCHASE' AND participant_id IN (?)", bun.In(ids)),
		"buyers who paid":               a.count("SELECT count(*) FROM participants WHERE id IN (?) AND balance = ?", bun.In(ids), 1000000-shop.offlinePrice),
		"purchaseTraining audit events": a.count("SELECT count(*) FROM audit_events WHERE action = 'purchaseTraining' AND entity_id IN (SELECT id FROM enrollments WHERE session_id = ?)", shop.session),
		"enrollments of the winners":    a.count("SELECT count(*) FROM enrollments WHERE session_id = ? AND participant_id IN (?)", shop.session, bun.In(winners)),
		"new course enrollments":        a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline) - enrollmentCount,
	} {
		if got != seats {
			t.Errorf("%s = %d, want %d", what, got, seats)
		}
	}
	if got := a.count("SELECT count(*) FROM participants WHERE id IN (?) AND balance = 1000000", bun.In(ids)); got != buyers-seats {
		t.Errorf("buyers who kept their balance = %d, want %d", got, buyers-seats)
	}
	catMustKeepLedger(t, a, ids)
}

// TestPurchaseConcurrentOverspend: one participant buys 20 different trainings at once, together
// worth more than the balance. The balance allows 6; the other 14 are refused and the balance
// never goes below zero.
func TestPurchaseConcurrentOverspend(t *testing.T) {
	a := mustAPI(t)
	const n, price, balance = 20, 150000, 1000000
	buyer := catNewBuyers(t, a, 1, balance)[0]
	provider := catNewProvider(t, a)
	type item struct{ listing, session int64 }
	items := make([]item, n)
	for i := range items {
		platform := int64(1 + i%11)
		if i%2 == 0 {
			c := catNewCourse(t, a, provider, "SELF_PACED")
			items[i] = item{listing: catNewListing(t, a, c, platform, price)}
		} else {
			c := catNewCourse(t, a, provider, "WEBINAR")
			items[i] = item{listing: catNewListing(t, a, c, platform, price), session: catNewSession(t, a, c, catDay(6, 19, 0), catDay(6, 21, 0), 150, "")}
		}
	}
	me := a.as(db.RoleParticipant, gid(db.TypeParticipant, buyer))
	codes := make([]string, n)
	errs := make([]error, n)
	query := catMutation("purchaseTraining")
	catParallel(n, n, func(i int) {
		resp, err := catPost(me.h, me.token, query, map[string]any{"input": catPurchaseInput(buyer, items[i].listing, items[i].session, fmt.Sprintf("OVER-%02d", i))})
		if err == nil {
			var p catPayload
			if p, err = catDecode(resp, "purchaseTraining"); err == nil {
				codes[i] = "OK"
				if len(p.UserErrors) > 0 {
					codes[i] = p.UserErrors[0].Code
				} else if p.Participant.Balance < 0 {
					err = fmt.Errorf("balance %d after a purchase", p.Participant.Balance)
				}
			}
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	const want = balance / price
	if got := catTally(codes); got["OK"] != want || got["INSUFFICIENT_BALANCE"] != n-want {
		t.Errorf("outcomes = %v, want %d OK and %d INSUFFICIENT_BALANCE", got, want, n-want)
	}
	if got := a.count("SELECT balance FROM participants WHERE id = ?", buyer); got != balance-want*price {
		t.Errorf("balance = %d, want %d", got, balance-want*price)
	}
	if got := a.count("SELECT count(*) FROM enrollments WHERE participant_id = ?", buyer); got != want {
		t.Errorf("enrollments = %d, want %d", got, want)
	}
	if got, want := a.count("SELECT coalesce(sum(seats_taken), 0) FROM training_sessions WHERE course_id IN (SELECT id FROM courses WHERE provider_id = ?)", provider),
		a.count("SELECT count(*) FROM enrollments WHERE participant_id = ? AND session_id IS NOT NULL", buyer); got != want {
		t.Errorf("seats taken = %d, want %d (the session purchases)", got, want)
	}
	catMustKeepLedger(t, a, []int64{buyer})
}

// TestPurchaseConcurrentOrderRetries: a platform retries one order ten times at once. One
// enrollment, one debit, and every reply names that enrollment.
func TestPurchaseConcurrentOrderRetries(t *testing.T) {
	a := mustAPI(t)
	shop := catNewShop(t, a, 4)
	buyer := catNewBuyers(t, a, 1, 1000000)[0]
	const n = 10
	input := catPurchaseInput(buyer, shop.offlineListing, shop.session, "BL261126RETRY")
	replies := make([]string, n)
	errs := make([]error, n)
	catParallel(n, n, func(i int) {
		resp, err := catPost(shop.asPlatform.h, shop.asPlatform.token, catMutation("purchaseTraining"), map[string]any{"input": input})
		if err == nil {
			var p catPayload
			if p, err = catDecode(resp, "purchaseTraining"); err == nil {
				switch {
				case len(p.UserErrors) > 0:
					err = fmt.Errorf("retry %d refused: %+v", i, p.UserErrors)
				case p.Participant.Balance != 1000000-shop.offlinePrice:
					err = fmt.Errorf("retry %d: balance %d, want %d", i, p.Participant.Balance, 1000000-shop.offlinePrice)
				default:
					replies[i] = p.Enrollment.ID
				}
			}
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	enrollments := a.ids("SELECT id FROM enrollments WHERE platform_id = 4 AND order_id = 'BL261126RETRY'")
	if len(enrollments) != 1 {
		t.Fatalf("enrollments of the order = %v, want one", enrollments)
	}
	for i, id := range replies {
		if id != gid(db.TypeEnrollment, enrollments[0]) {
			t.Errorf("reply %d names enrollment %s, want %s", i, id, gid(db.TypeEnrollment, enrollments[0]))
		}
	}
	for what, got := range map[string]int{
		"PURCHASE ledger entries":       a.count("SELECT count(*) FROM balance_ledger WHERE participant_id = ? AND kind = 'PURCHASE'", buyer),
		"seats taken":                   a.count("SELECT seats_taken FROM training_sessions WHERE id = ?", shop.session),
		"purchaseTraining audit events": a.count("SELECT count(*) FROM audit_events WHERE action = 'purchaseTraining' AND entity_id = ?", enrollments[0]),
	} {
		if got != 1 {
			t.Errorf("%s = %d, want 1", what, got)
		}
	}
	catMustKeepLedger(t, a, []int64{buyer})

	// The same order ID for another buyer is a conflict, and writes nothing.
	other := catNewBuyers(t, a, 1, 1000000)[0]
	catMustRefuse(t, a, "purchaseTraining", []catCase{
		{name: "OtherBuyer", caller: shop.asPlatform, input: catPurchaseInput(other, shop.offlineListing, shop.session, "BL261126RETRY"),
			wantCode: "ORDER_CONFLICT", wantField: []string{"input", "orderId"}},
	})
}

func TestCancelTrainingSession(t *testing.T) {
	a := mustAPI(t)
	shop := catNewShop(t, a, 5)
	buyers := catNewBuyers(t, a, 6, 1000000)
	// Five buyers of the session; the sixth bought the self-paced course (no refund); the first
	// also bought another session of the course.
	for i, b := range buyers[:5] {
		catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(b, shop.offlineListing, shop.session, fmt.Sprintf("CXL-%d", i)))
	}
	catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(buyers[5], shop.selfPacedListing, 0, "CXL-SP"))
	second := catNewSession(t, a, shop.offline, catDay(14, 9, 0), catDay(14, 16, 0), 40, "Aula Kedua")
	catMustOK(t, shop.asPlatform, "purchaseTraining", catPurchaseInput(buyers[0], shop.offlineListing, second, "CXL-2ND"))
	enrollmentCount := a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline)

	t.Run("OK", func(t *testing.T) {
		p := catMustOK(t, shop.asProvider, "cancelTrainingSession", map[string]any{"sessionId": gid(db.TypeTrainingSession, shop.session), "reason": " Libur Lebaran "})
		s := p.Session
		if s == nil || s.Status != "CANCELLED" || s.SeatsTaken != 0 || s.SeatsLeft != 40 || s.CancelledAt == nil || s.CancelReason == nil ||
			*s.CancelReason != "Libur Lebaran" || p.RefundedCount != 5 {
			t.Fatalf("cancelTrainingSession = %+v, refunded %d; want CANCELLED with 5 refunds", s, p.RefundedCount)
		}
		catMustAudit(t, a, "cancelTrainingSession", "TrainingSession", shop.session, gid(db.TypeProvider, shop.provider))
		for what, tc := range map[string]struct{ got, want int }{
			"refunded enrollments":          {a.count("SELECT count(*) FROM enrollments e JOIN training_sessions s ON s.id = e.session_id WHERE e.session_id = ? AND e.status = 'REFUNDED' AND e.refunded_at = s.cancelled_at", shop.session), 5},
			"REFUND entries":                {a.count("SELECT count(*) FROM balance_ledger l JOIN enrollments e ON e.id = l.enrollment_id WHERE e.session_id = ? AND l.kind = 'REFUND' AND l.amount = e.price AND l.created_at = e.refunded_at", shop.session), 5},
			"buyers refunded in full":       {a.count("SELECT count(*) FROM participants WHERE id IN (?) AND balance = 1000000", bun.In(buyers[1:5])), 4},
			"first buyer's balance":         {a.count("SELECT balance FROM participants WHERE id = ?", buyers[0]), 1000000 - int(shop.offlinePrice)},
			"self-paced buyer's balance":    {a.count("SELECT balance FROM participants WHERE id = ?", buyers[5]), 1000000 - int(shop.selfPacedPrice)},
			"other session's seats":         {a.count("SELECT seats_taken FROM training_sessions WHERE id = ?", second), 1},
			"course enrollment count":       {a.count("SELECT enrollment_count FROM courses WHERE id = ?", shop.offline), enrollmentCount - 5},
			"other session's live buyers":   {a.count("SELECT count(*) FROM enrollments WHERE session_id = ? AND status = 'PAID'", second), 1},
			"cancelled session's PAID ones": {a.count("SELECT count(*) FROM enrollments WHERE session_id = ? AND status = 'PAID'", shop.session), 0},
		} {
			if tc.got != tc.want {
				t.Errorf("%s = %d, want %d", what, tc.got, tc.want)
			}
		}
		catMustKeepLedger(t, a, buyers)

		// The venue is free again for a new session at the same time.
		catMustOK(t, a, "scheduleTrainingSession", catSessionInput(shop.offline, catDay(7, 9, 0), catDay(7, 16, 0), 40, "Aula Kedua"))
	})

	started := catSeeded(t, a, "IN_PROGRESS session", "SELECT id FROM training_sessions WHERE status = 'IN_PROGRESS' ORDER BY id")
	completed := catSeeded(t, a, "COMPLETED session", "SELECT id FROM training_sessions WHERE status = 'COMPLETED' ORDER BY id")
	sid := func(id int64) string { return gid(db.TypeTrainingSession, id) }
	catMustRefuse(t, a, "cancelTrainingSession", []catCase{
		{name: "AlreadyCancelled", input: map[string]any{"sessionId": sid(shop.session), "reason": "lagi"}, wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
		{name: "Started", input: map[string]any{"sessionId": sid(started), "reason": "banjir"}, wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
		{name: "Completed", input: map[string]any{"sessionId": sid(completed), "reason": "banjir"}, wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
		{name: "EmptyReason", input: map[string]any{"sessionId": sid(second), "reason": "  "}, wantCode: "INVALID_INPUT", wantField: []string{"input", "reason"}},
		{name: "UnknownSession", input: map[string]any{"sessionId": sid(987654), "reason": "banjir"}, wantCode: "NOT_FOUND", wantField: []string{"input", "sessionId"}},
		{name: "SessionIDOfAnotherType", input: map[string]any{"sessionId": gid(db.TypeCourse, shop.offline), "reason": "banjir"}, wantCode: "INVALID_ID", wantField: []string{"input", "sessionId"}},
	})

	// A purchase of a cancelled session is refused.
	catMustRefuse(t, a, "purchaseTraining", []catCase{
		{name: "PurchaseAfterCancel", input: catPurchaseInput(buyers[1], shop.offlineListing, shop.session, "CXL-LATE"), wantCode: "SESSION_CLOSED", wantField: []string{"input", "sessionId"}},
	})

	otherProvider := catNewProvider(t, a)
	catMustDeny(t, a, "cancelTrainingSession", map[string]any{"sessionId": sid(second), "reason": "banjir"}, []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"OtherProvider", a.as(db.RoleProvider, gid(db.TypeProvider, otherProvider)), "FORBIDDEN"},
		{"PLATFORM", shop.asPlatform, "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, buyers[0])), "FORBIDDEN"},
	})

	// Cancellations racing each other and purchases: one cancellation wins, every purchase that
	// committed is refunded exactly once, and the rest are refused.
	t.Run("Concurrent", func(t *testing.T) {
		session := catNewSession(t, a, shop.offline, catDay(20, 9, 0), catDay(20, 16, 0), 40, "Aula Ketiga")
		racers := catNewBuyers(t, a, 30, 1000000)
		for i, b := range racers[:10] {
			catMustOK(t, a, "purchaseTraining", catPurchaseInput(b, shop.offlineListing, session, fmt.Sprintf("RACE-PRE-%d", i)))
		}
		const cancels = 5
		codes := make([]string, cancels+20)
		errs := make([]error, len(codes))
		catParallel(len(codes), len(codes), func(i int) {
			name, input := "cancelTrainingSession", map[string]any{"sessionId": sid(session), "reason": fmt.Sprintf("cancel %d", i)}
			if i >= cancels {
				name, input = "purchaseTraining", catPurchaseInput(racers[10+i-cancels], shop.offlineListing, session, fmt.Sprintf("RACE-%d", i))
			}
			resp, err := catPost(a.h, a.token, catMutation(name), map[string]any{"input": input})
			if err == nil {
				var p catPayload
				if p, err = catDecode(resp, name); err == nil {
					codes[i] = name + ":OK"
					if len(p.UserErrors) > 0 {
						codes[i] = name + ":" + p.UserErrors[0].Code
					}
				}
			}
			errs[i] = err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := catTally(codes)
		if got["cancelTrainingSession:OK"] != 1 || got["cancelTrainingSession:SESSION_CLOSED"] != cancels-1 {
			t.Errorf("cancellations = %v, want 1 OK and %d SESSION_CLOSED", got, cancels-1)
		}
		if got["purchaseTraining:OK"]+got["purchaseTraining:SESSION_CLOSED"] != 20 {
			t.Errorf("purchases = %v, want each OK or SESSION_CLOSED", got)
		}
		all := a.count("SELECT count(*) FROM enrollments WHERE session_id = ?", session)
		if want := 10 + got["purchaseTraining:OK"]; all != want {
			t.Errorf("enrollments of the session = %d, want %d", all, want)
		}
		if n := a.count("SELECT count(*) FROM enrollments WHERE session_id = ? AND status <> 'REFUNDED'", session); n != 0 {
			t.Errorf("%d enrollments of the cancelled session are not refunded", n)
		}
		if n := a.count(`SELECT count(*) FROM enrollments e WHERE e.session_id = ? AND (SELECT count(*) FROM balance_ledger l
			WHERE l.enrollment_id = e.id AND l.kind = 'REFUND') <> 1`, session); n != 0 {
			t.Errorf("%d enrollments are not refunded exactly once", n)
		}
		if n := a.count("SELECT count(*) FROM participants WHERE id IN (?) AND balance <> 1000000", bun.In(racers)); n != 0 {
			t.Errorf("%d racers did not get their money back", n)
		}
		if n := a.count("SELECT seats_taken FROM training_sessions WHERE id = ? AND status = 'CANCELLED'", session); n != 0 {
			t.Errorf("seats taken of the cancelled session = %d, want 0", n)
		}
		catMustKeepLedger(t, a, racers)
	})
}

func TestCompleteTraining(t *testing.T) {
	a := mustAPI(t)
	// Seeded enrollments of a session that has started, still open for an outcome.
	var started []struct {
		ID         int64 `bun:"id"`
		ProviderID int64 `bun:"provider_id"`
		PlatformID int64 `bun:"platform_id"`
	}
	if err := a.db.NewRaw(`SELECT e.id, e.provider_id, e.platform_id FROM enrollments e JOIN training_sessions s ON s.id = e.session_id
		WHERE e.status IN ('PAID', 'IN_PROGRESS') AND s.starts_at <= now() ORDER BY e.id LIMIT 4`).Scan(t0, &started); err != nil {
		t.Fatal(err)
	}
	if len(started) < 4 {
		t.Fatalf("the seeded data has %d enrollments of started sessions awaiting an outcome, want 4", len(started))
	}
	eid := func(id int64) string { return gid(db.TypeEnrollment, id) }

	t.Run("OK", func(t *testing.T) {
		// The provider passes one.
		asProvider := a.as(db.RoleProvider, gid(db.TypeProvider, started[0].ProviderID))
		p := catMustOK(t, asProvider, "completeTraining", map[string]any{"enrollmentId": eid(started[0].ID)})
		if p.Enrollment == nil || p.Enrollment.Status != "COMPLETED" || p.Enrollment.CompletedAt == nil || p.Certificate == nil ||
			p.Enrollment.Certificate == nil || p.Enrollment.Certificate.Number != p.Certificate.Number {
			t.Fatalf("completeTraining = %+v %+v, want COMPLETED with a certificate", p.Enrollment, p.Certificate)
		}
		year := time.Now().In(db.Jakarta).Year()
		if prefix := fmt.Sprintf("PKJ-%d-", year); !strings.HasPrefix(p.Certificate.Number, prefix) || len(p.Certificate.Number) != len(prefix)+8 {
			t.Errorf("certificate number %q, want %s and 8 characters", p.Certificate.Number, prefix)
		}
		catMustAudit(t, a, "completeTraining", "Enrollment", started[0].ID, gid(db.TypeProvider, started[0].ProviderID))
		// Anyone can verify it.
		var verified struct {
			Certificate *struct {
				Enrollment *catRef `json:"enrollment"`
			} `json:"certificate"`
		}
		a.as("", "").query(`query($n: String!) { certificate(number: $n) { enrollment { id } } }`, map[string]any{"n": p.Certificate.Number}, &verified)
		if verified.Certificate == nil {
			t.Errorf("certificate(number: %q) = null, want it verified", p.Certificate.Number)
		}

		// The selling platform reports one not passed: no certificate.
		asPlatform := a.as(db.RolePlatform, gid(db.TypePlatform, started[1].PlatformID))
		before := a.count("SELECT count(*) FROM certificates")
		p = catMustOK(t, asPlatform, "completeTraining", map[string]any{"enrollmentId": eid(started[1].ID), "passed": false})
		if p.Enrollment == nil || p.Enrollment.Status != "NOT_COMPLETED" || p.Enrollment.CompletedAt != nil || p.Certificate != nil {
			t.Errorf("completeTraining(passed: false) = %+v %+v, want NOT_COMPLETED without a certificate", p.Enrollment, p.Certificate)
		}
		if got := a.count("SELECT count(*) FROM certificates"); got != before {
			t.Errorf("certificates = %d, want %d", got, before)
		}
		catMustAudit(t, a, "completeTraining", "Enrollment", started[1].ID, gid(db.TypePlatform, started[1].PlatformID))

		// A self-paced purchase can be completed at once, by ADMIN.
		shop := catNewShop(t, a, 6)
		buyer := catNewBuyers(t, a, 1, 1000000)[0]
		bought := catMustOK(t, a, "purchaseTraining", catPurchaseInput(buyer, shop.selfPacedListing, 0, "DONE-1"))
		p = catMustOK(t, a, "completeTraining", map[string]any{"enrollmentId": bought.Enrollment.ID, "passed": true})
		if p.Enrollment.Status != "COMPLETED" || p.Certificate == nil {
			t.Errorf("completeTraining(self-paced) = %+v %+v", p.Enrollment, p.Certificate)
		}
	})

	shop := catNewShop(t, a, 7)
	buyer := catNewBuyers(t, a, 1, 1000000)[0]
	future := catMustOK(t, a, "purchaseTraining", catPurchaseInput(buyer, shop.offlineListing, shop.session, "LATER-1"))
	refunded := catSeeded(t, a, "REFUNDED enrollment", "SELECT id FROM enrollments WHERE status = 'REFUNDED' ORDER BY id")
	catMustRefuse(t, a, "completeTraining", []catCase{
		{name: "AlreadyCompleted", input: map[string]any{"enrollmentId": eid(started[0].ID)}, wantCode: "ENROLLMENT_STATE", wantField: []string{"input", "enrollmentId"}},
		{name: "AlreadyNotCompleted", input: map[string]any{"enrollmentId": eid(started[1].ID), "passed": true}, wantCode: "ENROLLMENT_STATE", wantField: []string{"input", "enrollmentId"}},
		{name: "Refunded", input: map[string]any{"enrollmentId": eid(refunded)}, wantCode: "ENROLLMENT_STATE", wantField: []string{"input", "enrollmentId"}},
		{name: "SessionNotStarted", input: map[string]any{"enrollmentId": future.Enrollment.ID}, wantCode: "ENROLLMENT_STATE", wantField: []string{"input", "enrollmentId"}},
		{name: "UnknownEnrollment", input: map[string]any{"enrollmentId": eid(98765432)}, wantCode: "NOT_FOUND", wantField: []string{"input", "enrollmentId"}},
		{name: "EnrollmentIDOfAnotherType", input: map[string]any{"enrollmentId": gid(db.TypeCourse, 1)}, wantCode: "INVALID_ID", wantField: []string{"input", "enrollmentId"}},
	})

	target := started[2]
	var otherProvider, otherPlatform int64 = target.ProviderID%50 + 1, target.PlatformID%11 + 1
	catMustDeny(t, a, "completeTraining", map[string]any{"enrollmentId": eid(target.ID)}, []catDenial{
		{"ANONYMOUS", a.as("", ""), "UNAUTHENTICATED"},
		{"OtherProvider", a.as(db.RoleProvider, gid(db.TypeProvider, otherProvider)), "FORBIDDEN"},
		{"OtherPlatform", a.as(db.RolePlatform, gid(db.TypePlatform, otherPlatform)), "FORBIDDEN"},
		{"ANALYST", a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
		{"PARTICIPANT", a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
	})

	// Two outcomes of one enrollment at once: the lock makes one win, one certificate.
	t.Run("Concurrent", func(t *testing.T) {
		const n = 8
		target := started[3]
		codes := make([]string, n)
		errs := make([]error, n)
		catParallel(n, n, func(i int) {
			resp, err := catPost(a.h, a.token, catMutation("completeTraining"), map[string]any{"input": map[string]any{"enrollmentId": eid(target.ID)}})
			if err == nil {
				var p catPayload
				if p, err = catDecode(resp, "completeTraining"); err == nil {
					codes[i] = "OK"
					if len(p.UserErrors) > 0 {
						codes[i] = p.UserErrors[0].Code
					}
				}
			}
			errs[i] = err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := catTally(codes); got["OK"] != 1 || got["ENROLLMENT_STATE"] != n-1 {
			t.Errorf("outcomes = %v, want 1 OK and %d ENROLLMENT_STATE", got, n-1)
		}
		if got := a.count("SELECT count(*) FROM certificates WHERE enrollment_id = ?", target.ID); got != 1 {
			t.Errorf("certificates = %d, want 1", got)
		}
	})
}
