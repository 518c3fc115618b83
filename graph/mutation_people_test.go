package graph_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"prakerja/db"
)

// Tests of the people mutations: registerParticipant, createWave/openWave/closeWave, joinWave,
// drawWave and revokeLapsedParticipants. Test data is built through the API itself; SQL is used
// only to read, and to set up what no mutation can (a blacklisted NIK, a family card change).

// pplUserError is a userErrors entry.
type pplUserError struct {
	Code    string   `json:"code"`
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

// pplNIK builds a valid NIK (PPRRDD DDMMYY SSSS) for province, birth date and gender, with the
// given serial. Regency and district 99 99 exist in no seeded NIK, so it never collides with one.
func pplNIK(province string, birth time.Time, gender db.Gender, serial int) string {
	day := birth.Day()
	if gender == db.GenderFemale {
		day += 40
	}
	return fmt.Sprintf("%s9999%02d%02d%02d%04d", province, day, int(birth.Month()), birth.Year()%100, serial)
}

// pplKK builds a family card number no seeded card uses.
func pplKK(province string, n int) string { return fmt.Sprintf("%s9999%010d", province, n) }

// pplPeople hands out registration inputs with distinct NIKs, deterministically: two fixtures
// that make the same calls build the same people.
type pplPeople struct{ next int }

// person returns a valid registration input for a person of province on family card kk (a card of
// their own when kk is empty).
func (f *pplPeople) person(province, kk string) map[string]any {
	f.next++
	n := f.next
	gender := db.GenderMale
	if n%2 == 0 {
		gender = db.GenderFemale
	}
	birth := time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n*37%7000) // 22 to 41 years old
	if kk == "" {
		kk = pplKK(province, n)
	}
	return map[string]any{
		"nik": pplNIK(province, birth, gender, n), "kkNumber": kk, "fullName": fmt.Sprintf("Peserta Uji %d", n),
		"birthDate": birth.Format(time.DateOnly), "gender": string(gender), "email": fmt.Sprintf("peserta%d@example.id", n),
		"phone": fmt.Sprintf("0812%08d", n), "education": "SENIOR_SECONDARY", "employmentStatus": "UNEMPLOYED",
	}
}

const (
	pplRegisterQ = `mutation($in: RegisterParticipantInput!) { registerParticipant(input: $in) {
		participant { id nik kkNumber fullName birthDate gender phone status balance cardNumber province { code } }
		userErrors { code field message } } }`
	pplCreateWaveQ = `mutation($in: CreateWaveInput!) { createWave(input: $in) {
		wave { id number status quota provinceQuotas { province { code } quota } } userErrors { code field message } } }`
	pplOpenWaveQ  = `mutation($n: Int!) { openWave(input: {waveNumber: $n}) { wave { id number status } userErrors { code field message } } }`
	pplCloseWaveQ = `mutation($n: Int!) { closeWave(input: {waveNumber: $n}) { wave { id number status } userErrors { code field message } } }`
	pplJoinWaveQ  = `mutation($p: ID!, $n: Int!) { joinWave(input: {participantId: $p, waveNumber: $n}) {
		participant { id status } wave { number applicantCount } userErrors { code field message } } }`
	pplDrawWaveQ = `mutation($n: Int!, $seed: String!) { drawWave(input: {waveNumber: $n, seed: $seed}) {
		wave { id number status selectedCount drawSeed drawnAt } selectedCount notSelectedCount ineligibleCount
		userErrors { code field message } } }`
	pplRevokeQ = `mutation($asOf: Time) { revokeLapsedParticipants(input: {asOf: $asOf}) { revokedCount userErrors { code field message } } }`
)

// pplPayload is the union of the payload fields these tests read.
type pplPayload struct {
	Participant *struct {
		ID         string  `json:"id"`
		NIK        string  `json:"nik"`
		KKNumber   string  `json:"kkNumber"`
		FullName   string  `json:"fullName"`
		BirthDate  string  `json:"birthDate"`
		Gender     string  `json:"gender"`
		Phone      string  `json:"phone"`
		Status     string  `json:"status"`
		Balance    int64   `json:"balance"`
		CardNumber *string `json:"cardNumber"`
		Province   struct{ Code string }
	} `json:"participant"`
	Wave *struct {
		ID             string  `json:"id"`
		Number         int     `json:"number"`
		Status         string  `json:"status"`
		Quota          int     `json:"quota"`
		ApplicantCount int     `json:"applicantCount"`
		SelectedCount  int     `json:"selectedCount"`
		DrawSeed       *string `json:"drawSeed"`
		DrawnAt        *string `json:"drawnAt"`
		ProvinceQuotas []struct {
			Province struct{ Code string }
			Quota    int
		} `json:"provinceQuotas"`
	} `json:"wave"`
	SelectedCount    int            `json:"selectedCount"`
	NotSelectedCount int            `json:"notSelectedCount"`
	IneligibleCount  int            `json:"ineligibleCount"`
	RevokedCount     int            `json:"revokedCount"`
	UserErrors       []pplUserError `json:"userErrors"`
}

// pplMutate runs mutation q as c and returns its payload, failing the test on a top-level error.
func pplMutate(t testing.TB, c *api, q string, vars map[string]any) pplPayload {
	t.Helper()
	resp := c.raw(q, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("mutation returned errors %+v\n%s\nvariables: %v", resp.Errors, q, vars)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &data); err != nil || len(data) != 1 {
		t.Fatalf("mutation data = %s (%v), want one payload", resp.Data, err)
	}
	var p pplPayload
	for _, raw := range data {
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("decode payload %s: %v", raw, err)
		}
	}
	return p
}

// pplMustOK runs a mutation that must succeed.
func pplMustOK(t testing.TB, c *api, q string, vars map[string]any) pplPayload {
	t.Helper()
	p := pplMutate(t, c, q, vars)
	if len(p.UserErrors) > 0 {
		t.Fatalf("mutation refused: %+v\n%s\nvariables: %v", p.UserErrors, q, vars)
	}
	return p
}

// pplMustRefuse checks that a mutation is refused with exactly one user error of code about field
// (nil: about the whole input), and that it wrote nothing.
func pplMustRefuse(t testing.TB, a, c *api, q string, vars map[string]any, code string, field ...string) {
	t.Helper()
	before := a.rowCounts()
	p := pplMutate(t, c, q, vars)
	want := []string(nil)
	if len(field) > 0 {
		want = append([]string{"input"}, field...)
	}
	if len(p.UserErrors) != 1 || p.UserErrors[0].Code != code || !slices.Equal(p.UserErrors[0].Field, want) {
		t.Errorf("userErrors = %+v, want one %s about %v", p.UserErrors, code, want)
	}
	if len(p.UserErrors) > 0 && p.UserErrors[0].Message == "" {
		t.Errorf("user error %s has no message", p.UserErrors[0].Code)
	}
	if p.Participant != nil || p.Wave != nil {
		t.Errorf("refused payload carries a result: %+v", p)
	}
	a.mustBeUnchanged(before)
}

// pplMustDeny checks that c gets a top-level error with extensions.code and that nothing is written.
func pplMustDeny(t testing.TB, a, c *api, q string, vars map[string]any, code string) {
	t.Helper()
	before := a.rowCounts()
	resp := c.raw(q, vars)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != code {
		t.Errorf("errors = %+v (data %s), want top-level %s", resp.Errors, resp.Data, code)
	}
	a.mustBeUnchanged(before)
}

// pplRegister registers a person as ADMIN and returns their global ID.
func pplRegister(t testing.TB, a *api, in map[string]any) string {
	t.Helper()
	return pplMustOK(t, a, pplRegisterQ, map[string]any{"in": in}).Participant.ID
}

// pplWaveInput is a createWave input opening now and closing in a day.
func pplWaveInput(number, quota int, provinceQuotas map[string]int) map[string]any {
	now := time.Now().In(db.Jakarta)
	in := map[string]any{"number": number, "scheme": "NORMAL", "opensAt": now.Add(-time.Hour).Format(time.RFC3339),
		"closesAt": now.Add(24 * time.Hour).Format(time.RFC3339), "quota": quota}
	if provinceQuotas != nil {
		var pq []map[string]any
		for _, code := range slices.Sorted(maps.Keys(provinceQuotas)) {
			pq = append(pq, map[string]any{"provinceCode": code, "quota": provinceQuotas[code]})
		}
		in["provinceQuotas"] = pq
	}
	return in
}

// pplOpenWave creates wave number and opens it.
func pplOpenWave(t testing.TB, a *api, number, quota int, provinceQuotas map[string]int) {
	t.Helper()
	pplMustOK(t, a, pplCreateWaveQ, map[string]any{"in": pplWaveInput(number, quota, provinceQuotas)})
	pplMustOK(t, a, pplOpenWaveQ, map[string]any{"n": number})
}

// pplJoin applies participant id to wave number, as ADMIN.
func pplJoin(t testing.TB, a *api, id string, number int) {
	t.Helper()
	pplMustOK(t, a, pplJoinWaveQ, map[string]any{"p": id, "n": number})
}

// pplDraw closes wave number and draws it with seed.
func pplDraw(t testing.TB, a *api, number int, seed string) pplPayload {
	t.Helper()
	pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": number})
	return pplMustOK(t, a, pplDrawWaveQ, map[string]any{"n": number, "seed": seed})
}

// pplAudit is an audit event as the API shows it.
type pplAudit struct {
	Action     string         `json:"action"`
	EntityType string         `json:"entityType"`
	EntityID   *string        `json:"entityId"`
	ActorRole  string         `json:"actorRole"`
	Before     map[string]any `json:"before"`
	After      map[string]any `json:"after"`
}

// pplLastAudit returns the latest audit event of action, read through auditEvents as ADMIN.
func pplLastAudit(t testing.TB, a *api, action string) pplAudit {
	t.Helper()
	var got struct {
		AuditEvents struct {
			Nodes []pplAudit `json:"nodes"`
		} `json:"auditEvents"`
	}
	a.as(db.RoleAdmin, "auditor").query(`query($a: [String!]) { auditEvents(last: 1, filter: {action: $a}) {
		nodes { action entityType entityId actorRole before after } } }`, map[string]any{"a": []string{action}}, &got)
	if len(got.AuditEvents.Nodes) != 1 {
		t.Fatalf("no audit event of %s", action)
	}
	return got.AuditEvents.Nodes[0]
}

// pplCheckAudit checks the latest audit event of action: its entity and actor.
func pplCheckAudit(t testing.TB, a *api, action, entityType, entityID, actorRole string) pplAudit {
	t.Helper()
	ev := pplLastAudit(t, a, action)
	if ev.EntityType != entityType || ev.ActorRole != actorRole || (entityID != "" && (ev.EntityID == nil || *ev.EntityID != entityID)) {
		t.Errorf("audit of %s = %s %v by %s, want %s %s by %s", action, ev.EntityType, ev.EntityID, ev.ActorRole, entityType, entityID, actorRole)
	}
	if ev.After == nil {
		t.Errorf("audit of %s has no after", action)
	}
	return ev
}

func pplWith(in map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestRegisterParticipant(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople

	t.Run("OK", func(t *testing.T) {
		in := f.person("32", "")
		in["phone"] = "+62 812-3456-7890"
		before := a.rowCounts()
		p := pplMustOK(t, a.as("", ""), pplRegisterQ, map[string]any{"in": in})
		got := p.Participant
		if got == nil || got.Status != "REGISTERED" || got.NIK != in["nik"] || got.Province.Code != "32" || got.Balance != 0 ||
			got.CardNumber != nil || got.BirthDate != in["birthDate"] || got.Gender != in["gender"] || got.Phone != "+6281234567890" {
			t.Fatalf("registerParticipant = %+v, want a REGISTERED person of %v", got, in)
		}
		after := a.rowCounts()
		if after["participants"] != before["participants"]+1 || after["households"] != before["households"]+1 {
			t.Errorf("participants %d→%d, households %d→%d; want one more of each", before["participants"], after["participants"], before["households"], after["households"])
		}
		if n := a.count(`SELECT member_count FROM households WHERE kk_number = ?`, in["kkNumber"]); n != 1 {
			t.Errorf("household member_count = %d, want 1", n)
		}
		pplCheckAudit(t, a, "registerParticipant", "Participant", got.ID, "ANONYMOUS")

		// A second person of the card, registered by an administrator.
		second := pplMustOK(t, a, pplRegisterQ, map[string]any{"in": f.person("32", in["kkNumber"].(string))})
		if n := a.count(`SELECT member_count FROM households WHERE kk_number = ?`, in["kkNumber"]); n != 2 {
			t.Errorf("household member_count = %d, want 2", n)
		}
		pplCheckAudit(t, a, "registerParticipant", "Participant", second.Participant.ID, "ADMIN")
	})

	t.Run("Refused", func(t *testing.T) {
		base := f.person("33", "")
		birth, _ := time.Parse(time.DateOnly, base["birthDate"].(string))
		gender := db.Gender(base["gender"].(string))
		nik := base["nik"].(string)
		today := time.Now().In(db.Jakarta)
		young := time.Date(today.Year()-17, today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
		old := time.Date(today.Year()-65, today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)

		// Identities that exist: a seeded registered person, a full family card.
		var seededNIK, seededGender, fullKK string
		var seededBirth time.Time
		if err := a.db.NewRaw(`SELECT nik, birth_date, gender FROM participants WHERE status = 'REGISTERED'
			AND birth_date BETWEEN now() - interval '60 years' AND now() - interval '20 years' ORDER BY id LIMIT 1`).Scan(t0, &seededNIK, &seededBirth, &seededGender); err != nil {
			t.Fatal(err)
		}
		if err := a.db.NewRaw(`SELECT kk_number FROM households WHERE member_count = 2 ORDER BY kk_number LIMIT 1`).Scan(t0, &fullKK); err != nil {
			t.Fatal(err)
		}
		blacklisted := f.person("34", "")
		if _, err := a.db.NewRaw(`INSERT INTO blacklist (nik, reason) VALUES (?, 'FRAUD')`, blacklisted["nik"]).Exec(t0); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name  string
			in    map[string]any
			code  string
			field string
		}{
			{"NIKNotDigits", pplWith(base, "nik", nik[:15]+"x"), "INVALID_NIK", "nik"},
			{"NIKTooShort", pplWith(base, "nik", nik[:15]), "INVALID_NIK", "nik"},
			{"NIKUnknownProvince", pplWith(base, "nik", "20"+nik[2:]), "INVALID_NIK", "nik"},
			{"NIKImpossibleDate", pplWith(base, "nik", nik[:6]+"3102"+nik[10:]), "INVALID_NIK", "nik"},
			{"NIKDayOver71", pplWith(base, "nik", nik[:6]+"72"+nik[8:]), "INVALID_NIK", "nik"},
			{"NIKDay35", pplWith(base, "nik", nik[:6]+"35"+nik[8:]), "INVALID_NIK", "nik"},
			{"NIKMonth13", pplWith(base, "nik", nik[:8]+"13"+nik[10:]), "INVALID_NIK", "nik"},
			{"NIKSerial0000", pplWith(base, "nik", nik[:12]+"0000"), "INVALID_NIK", "nik"},
			{"NIKGenderMismatch", pplWith(base, "gender", map[db.Gender]string{db.GenderMale: "FEMALE", db.GenderFemale: "MALE"}[gender]), "NIK_MISMATCH", "nik"},
			{"NIKDayMismatch", pplWith(base, "birthDate", birth.AddDate(0, 0, 1).Format(time.DateOnly)), "NIK_MISMATCH", "nik"},
			{"NIKYearMismatch", pplWith(base, "birthDate", birth.AddDate(1, 0, 0).Format(time.DateOnly)), "NIK_MISMATCH", "nik"},
			{"KKTooShort", pplWith(base, "kkNumber", "320101"), "INVALID_KK", "kkNumber"},
			{"KKNotDigits", pplWith(base, "kkNumber", "32010120051500AB"), "INVALID_KK", "kkNumber"},
			{"TooYoung", pplWith(base, "birthDate", young.Format(time.DateOnly), "nik", pplNIK("33", young, gender, 77)), "AGE_OUT_OF_RANGE", "birthDate"},
			{"TooOld", pplWith(base, "birthDate", old.Format(time.DateOnly), "nik", pplNIK("33", old, gender, 78)), "AGE_OUT_OF_RANGE", "birthDate"},
			{"NameEmpty", pplWith(base, "fullName", "   "), "INVALID_INPUT", "fullName"},
			{"NameTooLong", pplWith(base, "fullName", strings.Repeat("a", 201)), "INVALID_INPUT", "fullName"},
			{"EmailWithoutAt", pplWith(base, "email", "peserta.example.id"), "INVALID_INPUT", "email"},
			{"EmailWithoutDomain", pplWith(base, "email", "peserta@"), "INVALID_INPUT", "email"},
			{"PhoneTooShort", pplWith(base, "phone", "0812345"), "INVALID_INPUT", "phone"},
			{"PhoneTooLong", pplWith(base, "phone", "0812345678901234"), "INVALID_INPUT", "phone"},
			{"PhoneLetters", pplWith(base, "phone", "0812abcd5678"), "INVALID_INPUT", "phone"},
			{"PhoneForeign", pplWith(base, "phone", "+14155550100"), "INVALID_INPUT", "phone"},
			{"DuplicateNIK", pplWith(base, "nik", seededNIK, "birthDate", seededBirth.Format(time.DateOnly), "gender", seededGender), "DUPLICATE_NIK", "nik"},
			{"Blacklisted", blacklisted, "BLACKLISTED", "nik"},
			{"HouseholdFull", pplWith(base, "kkNumber", fullKK), "HOUSEHOLD_FULL", "kkNumber"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pplMustRefuse(t, a, a.as("", ""), pplRegisterQ, map[string]any{"in": tc.in}, tc.code, tc.field)
			})
		}

		t.Run("EveryMalformedField", func(t *testing.T) {
			before := a.rowCounts()
			p := pplMutate(t, a, pplRegisterQ, map[string]any{"in": pplWith(base, "kkNumber", "1", "email", "x", "phone", "1")})
			var got []string
			for _, e := range p.UserErrors {
				got = append(got, e.Code+" "+strings.Join(e.Field, "."))
			}
			want := []string{"INVALID_KK input.kkNumber", "INVALID_INPUT input.email", "INVALID_INPUT input.phone"}
			if !slices.Equal(got, want) {
				t.Errorf("userErrors = %v, want %v", got, want)
			}
			a.mustBeUnchanged(before)
		})
	})

	t.Run("Forbidden", func(t *testing.T) {
		in := map[string]any{"in": f.person("35", "")}
		for _, c := range []*api{
			a.as(db.RoleAnalyst, "analyst-1"),
			a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)),
			a.as(db.RoleProvider, gid(db.TypeProvider, 1)),
			a.as(db.RolePlatform, gid(db.TypePlatform, 1)),
		} {
			pplMustDeny(t, a, c, pplRegisterQ, in, "FORBIDDEN")
		}
	})
}

// TestRegisterParticipantConcurrently registers many people of one family card, and one NIK many
// times, at once: the household cap and NIK uniqueness hold exactly.
func TestRegisterParticipantConcurrently(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople
	const n = 8
	run := func(inputs []map[string]any) map[string]int {
		codes := make([]string, len(inputs))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, in := range inputs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp := a.as("", "").raw(pplRegisterQ, map[string]any{"in": in})
				var data struct {
					RegisterParticipant pplPayload `json:"registerParticipant"`
				}
				switch {
				case len(resp.Errors) > 0:
					codes[i] = fmt.Sprint(resp.Errors[0].Extensions["code"])
				case json.Unmarshal(resp.Data, &data) != nil:
					codes[i] = "undecodable"
				case len(data.RegisterParticipant.UserErrors) > 0:
					codes[i] = data.RegisterParticipant.UserErrors[0].Code
				default:
					codes[i] = "OK"
				}
			}()
		}
		close(start)
		wg.Wait()
		got := map[string]int{}
		for _, c := range codes {
			got[c]++
		}
		return got
	}

	t.Run("OneFamilyCard", func(t *testing.T) {
		kk := pplKK("36", 9001)
		var inputs []map[string]any
		for range n {
			inputs = append(inputs, f.person("36", kk))
		}
		got := run(inputs)
		if got["OK"] != 2 || got["HOUSEHOLD_FULL"] != n-2 {
			t.Errorf("outcomes = %v, want 2 OK and %d HOUSEHOLD_FULL", got, n-2)
		}
		if m, p := a.count(`SELECT member_count FROM households WHERE kk_number = ?`, kk), a.count(`SELECT count(*) FROM participants WHERE kk_number = ?`, kk); m != 2 || p != 2 {
			t.Errorf("family card has member_count %d and %d participants, want 2 and 2", m, p)
		}
	})

	t.Run("OneNIK", func(t *testing.T) {
		person := f.person("51", "")
		var inputs []map[string]any
		for i := range n {
			inputs = append(inputs, pplWith(person, "email", fmt.Sprintf("copy%d@example.id", i)))
		}
		got := run(inputs)
		if got["OK"] != 1 || got["DUPLICATE_NIK"] != n-1 {
			t.Errorf("outcomes = %v, want 1 OK and %d DUPLICATE_NIK", got, n-1)
		}
		if c := a.count(`SELECT count(*) FROM participants WHERE nik = ?`, person["nik"]); c != 1 {
			t.Errorf("%d participants with the NIK, want 1", c)
		}
		if m := a.count(`SELECT member_count FROM households WHERE kk_number = ?`, person["kkNumber"]); m != 1 {
			t.Errorf("household member_count = %d, want 1", m)
		}
	})
}

func TestWaveLifecycle(t *testing.T) {
	a := mustAPI(t)
	const number = 7001

	t.Run("OK", func(t *testing.T) {
		p := pplMustOK(t, a, pplCreateWaveQ, map[string]any{"in": pplWaveInput(number, 100, map[string]int{"31": 30, "32": 50})})
		w := p.Wave
		if w == nil || w.Number != number || w.Status != "DRAFT" || w.Quota != 100 || len(w.ProvinceQuotas) != 2 {
			t.Fatalf("createWave = %+v, want DRAFT wave %d with 2 province quotas", w, number)
		}
		if n := a.count(`SELECT sum(q.quota) FROM wave_province_quotas q JOIN waves w ON w.id = q.wave_id WHERE w.number = ?`, number); n != 80 {
			t.Errorf("province quotas sum to %d, want 80", n)
		}
		pplCheckAudit(t, a, "createWave", "Wave", w.ID, "ADMIN")

		for _, step := range []struct {
			q, action, want string
		}{{pplOpenWaveQ, "openWave", "OPEN"}, {pplCloseWaveQ, "closeWave", "CLOSED"}} {
			p := pplMustOK(t, a, step.q, map[string]any{"n": number})
			if p.Wave == nil || p.Wave.Status != step.want {
				t.Errorf("%s = %+v, want %s", step.action, p.Wave, step.want)
			}
			ev := pplCheckAudit(t, a, step.action, "Wave", w.ID, "ADMIN")
			if ev.Before["Status"] == ev.After["Status"] {
				t.Errorf("%s audit before %v, after %v: want the status change", step.action, ev.Before["Status"], ev.After["Status"])
			}
		}
	})

	t.Run("CreateRefused", func(t *testing.T) {
		base := pplWaveInput(number+1, 100, nil)
		for _, tc := range []struct {
			name  string
			in    map[string]any
			code  string
			field []string
		}{
			{"NumberZero", pplWith(base, "number", 0), "INVALID_INPUT", []string{"number"}},
			{"NumberTooLarge", pplWith(base, "number", 1_000_000), "INVALID_INPUT", []string{"number"}},
			{"DuplicateNumber", pplWith(base, "number", 1), "DUPLICATE_WAVE", []string{"number"}},
			{"ClosesAtOpening", pplWith(base, "closesAt", base["opensAt"]), "INVALID_SCHEDULE", []string{"closesAt"}},
			{"ClosesBeforeOpening", pplWith(base, "closesAt", time.Now().Add(-48*time.Hour).Format(time.RFC3339)), "INVALID_SCHEDULE", []string{"closesAt"}},
			{"QuotaZero", pplWith(base, "quota", 0), "INVALID_QUOTA", []string{"quota"}},
			{"QuotaNegative", pplWith(base, "quota", -5), "INVALID_QUOTA", []string{"quota"}},
			{"ProvinceQuotaZero", pplWaveInput(number+1, 100, map[string]int{"31": 0}), "INVALID_QUOTA", []string{"provinceQuotas", "0", "quota"}},
			{"ProvinceUnknown", pplWaveInput(number+1, 100, map[string]int{"99": 10}), "INVALID_INPUT", []string{"provinceQuotas", "0", "provinceCode"}},
			{"ProvinceRepeated", pplWith(base, "provinceQuotas", []map[string]any{{"provinceCode": "31", "quota": 1}, {"provinceCode": "31", "quota": 2}}), "INVALID_INPUT", []string{"provinceQuotas", "1", "provinceCode"}},
			{"ProvinceQuotasOverQuota", pplWaveInput(number+1, 100, map[string]int{"31": 60, "32": 41}), "INVALID_QUOTA", []string{"provinceQuotas"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pplMustRefuse(t, a, a, pplCreateWaveQ, map[string]any{"in": tc.in}, tc.code, tc.field...)
			})
		}
	})

	t.Run("TransitionRefused", func(t *testing.T) {
		pplMustOK(t, a, pplCreateWaveQ, map[string]any{"in": pplWaveInput(number+2, 10, nil)}) // DRAFT
		openNumber := a.count(`SELECT max(number) FROM waves WHERE status = 'OPEN' AND number < 7000`)
		for _, tc := range []struct {
			name   string
			q      string
			number int
			code   string
		}{
			{"OpenUnknown", pplOpenWaveQ, 999_999, "NOT_FOUND"},
			{"CloseUnknown", pplCloseWaveQ, 999_999, "NOT_FOUND"},
			{"OpenOpen", pplOpenWaveQ, openNumber, "WAVE_STATE"},
			{"OpenClosed", pplOpenWaveQ, number, "WAVE_STATE"},
			{"OpenDrawn", pplOpenWaveQ, 1, "WAVE_STATE"},
			{"CloseDraft", pplCloseWaveQ, number + 2, "WAVE_STATE"},
			{"CloseClosed", pplCloseWaveQ, number, "WAVE_STATE"},
			{"CloseDrawn", pplCloseWaveQ, 1, "WAVE_STATE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pplMustRefuse(t, a, a, tc.q, map[string]any{"n": tc.number}, tc.code, "waveNumber")
			})
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		create := map[string]any{"in": pplWaveInput(number+3, 10, nil)}
		for _, c := range []struct {
			caller *api
			code   string
		}{
			{a.as("", ""), "UNAUTHENTICATED"},
			{a.as(db.RoleAnalyst, "analyst-1"), "FORBIDDEN"},
			{a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), "FORBIDDEN"},
			{a.as(db.RoleProvider, gid(db.TypeProvider, 1)), "FORBIDDEN"},
		} {
			pplMustDeny(t, a, c.caller, pplCreateWaveQ, create, c.code)
			pplMustDeny(t, a, c.caller, pplOpenWaveQ, map[string]any{"n": number + 2}, c.code)
			pplMustDeny(t, a, c.caller, pplCloseWaveQ, map[string]any{"n": a.count(`SELECT max(number) FROM waves WHERE status = 'OPEN' AND number < 7000`)}, c.code)
		}
	})
}

func TestJoinWave(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople
	const open, draft = 7101, 7102
	pplOpenWave(t, a, open, 10, nil)
	pplMustOK(t, a, pplCreateWaveQ, map[string]any{"in": pplWaveInput(draft, 10, nil)})
	me := pplRegister(t, a, f.person("31", ""))
	other := pplRegister(t, a, f.person("31", ""))

	t.Run("OK", func(t *testing.T) {
		p := pplMustOK(t, a.as(db.RoleParticipant, me), pplJoinWaveQ, map[string]any{"p": me, "n": open})
		if p.Participant == nil || p.Participant.ID != me || p.Wave == nil || p.Wave.ApplicantCount != 1 {
			t.Fatalf("joinWave = %+v, want the person in a wave with 1 applicant", p)
		}
		pplCheckAudit(t, a, "joinWave", "Participant", me, "PARTICIPANT")
		p = pplMustOK(t, a, pplJoinWaveQ, map[string]any{"p": other, "n": open})
		if p.Wave.ApplicantCount != 2 {
			t.Errorf("applicantCount = %d, want 2", p.Wave.ApplicantCount)
		}
		pplCheckAudit(t, a, "joinWave", "Participant", other, "ADMIN")
		if n := a.count(`SELECT count(*) FROM wave_applications wa JOIN waves w ON w.id = wa.wave_id WHERE w.number = ? AND wa.status = 'APPLIED'`, open); n != 2 {
			t.Errorf("%d APPLIED applications, want 2", n)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		active := gid(db.TypeParticipant, a.ids(`SELECT id FROM participants WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`)[0])
		revoked := gid(db.TypeParticipant, a.ids(`SELECT id FROM participants WHERE status = 'REVOKED' ORDER BY id LIMIT 1`)[0])
		listedIn := f.person("31", "")
		listed := pplRegister(t, a, listedIn)
		if _, err := a.db.NewRaw(`INSERT INTO blacklist (nik, reason) VALUES (?, 'INELIGIBLE_OCCUPATION')`, listedIn["nik"]).Exec(t0); err != nil {
			t.Fatal(err)
		}
		fresh := pplRegister(t, a, f.person("31", ""))
		for _, tc := range []struct {
			name   string
			id     string
			number int
			code   string
			field  string
		}{
			{"AlreadyJoined", me, open, "ALREADY_JOINED", "waveNumber"},
			{"WaveDraft", fresh, draft, "WAVE_NOT_OPEN", "waveNumber"},
			{"WaveDrawn", fresh, 1, "WAVE_NOT_OPEN", "waveNumber"},
			{"WaveUnknown", fresh, 999_999, "NOT_FOUND", "waveNumber"},
			{"ParticipantUnknown", gid(db.TypeParticipant, 999_999_999), open, "NOT_FOUND", "participantId"},
			{"IDOfAWave", gid(db.TypeWave, 1), open, "INVALID_ID", "participantId"},
			{"Active", active, open, "NOT_ELIGIBLE", "participantId"},
			{"Revoked", revoked, open, "NOT_ELIGIBLE", "participantId"},
			{"Blacklisted", listed, open, "BLACKLISTED", "participantId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pplMustRefuse(t, a, a, pplJoinWaveQ, map[string]any{"p": tc.id, "n": tc.number}, tc.code, tc.field)
			})
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		fresh := pplRegister(t, a, f.person("31", ""))
		vars := map[string]any{"p": fresh, "n": open}
		pplMustDeny(t, a, a.as("", ""), pplJoinWaveQ, vars, "UNAUTHENTICATED")
		pplMustDeny(t, a, a.as(db.RoleParticipant, me), pplJoinWaveQ, vars, "FORBIDDEN") // for another person
		pplMustDeny(t, a, a.as(db.RoleAnalyst, "analyst-1"), pplJoinWaveQ, vars, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RoleProvider, gid(db.TypeProvider, 1)), pplJoinWaveQ, vars, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RolePlatform, gid(db.TypePlatform, 1)), pplJoinWaveQ, vars, "FORBIDDEN")
	})

	// Joins racing a closeWave: each join is either counted in a wave that was open, or refused;
	// the wave's count is its applications.
	t.Run("ConcurrentWithClose", func(t *testing.T) {
		const racing = 7103
		pplOpenWave(t, a, racing, 10, nil)
		var ids []string
		for range 20 {
			ids = append(ids, pplRegister(t, a, f.person("32", "")))
		}
		outcomes := make([]string, len(ids))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp := a.raw(pplJoinWaveQ, map[string]any{"p": id, "n": racing})
				var data struct {
					JoinWave pplPayload `json:"joinWave"`
				}
				if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil {
					outcomes[i] = fmt.Sprint(resp.Errors)
				} else if len(data.JoinWave.UserErrors) > 0 {
					outcomes[i] = data.JoinWave.UserErrors[0].Code
				} else {
					outcomes[i] = "OK"
				}
			}()
		}
		close(start)
		pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": racing})
		wg.Wait()
		ok := 0
		for _, o := range outcomes {
			switch o {
			case "OK":
				ok++
			case "WAVE_NOT_OPEN":
			default:
				t.Errorf("join outcome %s, want OK or WAVE_NOT_OPEN", o)
			}
		}
		applications := a.count(`SELECT count(*) FROM wave_applications wa JOIN waves w ON w.id = wa.wave_id WHERE w.number = ?`, racing)
		if count := a.count(`SELECT applicant_count FROM waves WHERE number = ?`, racing); count != ok || applications != ok {
			t.Errorf("applicant_count %d, applications %d, successful joins %d: want all equal", count, applications, ok)
		}
	})
}

// pplDrawScenario builds, through the API, a wave of 60 applicants with quota 20 and province
// quotas 31: 3 and 32: 5 (the 12 left go to the other provinces): 15 applicants from 31, 15 from
// 32 and 30 from 33. Two of the 33 applicants are blacklisted after applying. The same calls on
// two databases build the same data. It returns the applicants' global IDs by province.
func pplDrawScenario(t testing.TB, a *api, number int) map[string][]string {
	t.Helper()
	var f pplPeople
	pplOpenWave(t, a, number, 20, map[string]int{"31": 3, "32": 5})
	out := map[string][]string{}
	for _, group := range []struct {
		province string
		n        int
	}{{"31", 15}, {"32", 15}, {"33", 30}} {
		for range group.n {
			in := f.person(group.province, "")
			id := pplRegister(t, a, in)
			pplJoin(t, a, id, number)
			out[group.province] = append(out[group.province], id)
		}
	}
	for _, id := range out["33"][:2] {
		if _, err := a.db.NewRaw(`INSERT INTO blacklist (nik, participant_id, reason) SELECT nik, id, 'FRAUD' FROM participants WHERE id = ?`, key(t, id, db.TypeParticipant)).Exec(t0); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// pplSelectedNIKs returns the NIKs selected in wave number, sorted.
func pplSelectedNIKs(t testing.TB, a *api, number int) []string {
	var niks []string
	if err := a.db.NewRaw(`SELECT p.nik FROM wave_applications wa JOIN waves w ON w.id = wa.wave_id JOIN participants p ON p.id = wa.participant_id
		WHERE w.number = ? AND wa.status = 'SELECTED' ORDER BY p.nik`, number).Scan(t0, &niks); err != nil {
		t.Fatal(err)
	}
	return niks
}

func TestDrawWave(t *testing.T) {
	const number = 7201
	a := mustAPI(t)
	applicants := pplDrawScenario(t, a, number)
	waveID := a.ids(`SELECT id FROM waves WHERE number = ?`, number)[0]
	var balance int64
	var deadlineDays int
	if err := a.db.NewRaw(`SELECT training_balance, purchase_deadline_days FROM benefit_schemes WHERE code = 'NORMAL'`).Scan(t0, &balance, &deadlineDays); err != nil {
		t.Fatal(err)
	}
	cardsBefore := a.count(`SELECT count(*) FROM participants WHERE card_number IS NOT NULL`)
	p := pplDraw(t, a, number, "42")

	t.Run("Counts", func(t *testing.T) {
		if p.SelectedCount != 20 || p.IneligibleCount != 2 || p.NotSelectedCount != 38 {
			t.Errorf("drawWave counts = %d selected, %d not selected, %d ineligible; want 20, 38, 2", p.SelectedCount, p.NotSelectedCount, p.IneligibleCount)
		}
		if p.Wave == nil || p.Wave.Status != "DRAWN" || p.Wave.SelectedCount != 20 || p.Wave.DrawSeed == nil || *p.Wave.DrawSeed != "42" || p.Wave.DrawnAt == nil {
			t.Errorf("drawn wave = %+v, want DRAWN with seed 42 and 20 selected", p.Wave)
		}
		for status, want := range map[string]int{"SELECTED": 20, "NOT_SELECTED": 38, "INELIGIBLE": 2, "APPLIED": 0} {
			if got := a.count(`SELECT count(*) FROM wave_applications WHERE wave_id = ? AND status = ?`, waveID, status); got != want {
				t.Errorf("%d applications %s, want %d", got, status, want)
			}
		}
		if n := a.count(`SELECT count(*) FROM wave_applications WHERE wave_id = ? AND decided_at IS NULL`, waveID); n != 0 {
			t.Errorf("%d applications undecided", n)
		}
		pplCheckAudit(t, a, "drawWave", "Wave", p.Wave.ID, "ADMIN")
	})

	t.Run("ProvinceQuotas", func(t *testing.T) {
		for province, want := range map[string]int{"31": 3, "32": 5, "33": 12} {
			got := a.count(`SELECT count(*) FROM participants WHERE wave_id = ? AND province_code = ?`, waveID, province)
			if got != want {
				t.Errorf("province %s: %d selected, want %d", province, got, want)
			}
		}
	})

	t.Run("BlacklistedSkipped", func(t *testing.T) {
		for _, id := range applicants["33"][:2] {
			k := key(t, id, db.TypeParticipant)
			if s := a.count(`SELECT count(*) FROM wave_applications WHERE participant_id = ? AND status = 'INELIGIBLE'`, k); s != 1 {
				t.Errorf("blacklisted applicant %d is not INELIGIBLE", k)
			}
			if s := a.count(`SELECT count(*) FROM participants WHERE id = ? AND status = 'REGISTERED'`, k); s != 1 {
				t.Errorf("blacklisted applicant %d got a card", k)
			}
		}
	})

	t.Run("CardsAndBalances", func(t *testing.T) {
		for _, check := range []struct{ name, sql string }{
			{"not ACTIVE with a 16-digit card starting 53", `SELECT count(*) FROM participants WHERE wave_id = ? AND NOT (status = 'ACTIVE' AND card_number ~ '^53[0-9]{14}$')`},
			{"balance is not the scheme's", `SELECT count(*) FROM participants WHERE wave_id = ? AND balance <> ` + fmt.Sprint(balance)},
			{"without exactly one GRANT of the balance", `SELECT count(*) FROM participants p WHERE wave_id = ? AND (SELECT count(*) FROM balance_ledger l
				WHERE l.participant_id = p.id AND l.kind = 'GRANT' AND l.amount = p.balance AND l.balance_after = p.balance) <> 1`},
			{"balance differs from the ledger sum", `SELECT count(*) FROM participants p WHERE wave_id = ? AND balance <> (SELECT sum(amount) FROM balance_ledger l WHERE l.participant_id = p.id)`},
			{"deadline is not the scheme's days after selection", `SELECT count(*) FROM participants WHERE wave_id = ? AND (selected_at IS NULL OR
				purchase_deadline <> selected_at + make_interval(days => ` + fmt.Sprint(deadlineDays) + `))`},
		} {
			if n := a.count(check.sql, waveID); n != 0 {
				t.Errorf("%d selected: %s", n, check.name)
			}
		}
		if got := a.count(`SELECT count(*) FROM participants WHERE card_number IS NOT NULL`); got != cardsBefore+20 {
			t.Errorf("%d cards, want %d", got, cardsBefore+20)
		}
		// The API shows the card and balance to the participant.
		var me struct {
			Participant struct {
				Status     string  `json:"status"`
				CardNumber *string `json:"cardNumber"`
				Balance    int64   `json:"balance"`
				Wave       struct{ Number int }
			} `json:"participant"`
		}
		id := gid(db.TypeParticipant, a.ids(`SELECT id FROM participants WHERE wave_id = ? ORDER BY id LIMIT 1`, waveID)[0])
		a.as(db.RoleParticipant, id).query(`query($id: ID!) { participant(id: $id) { status cardNumber balance wave { number } } }`, map[string]any{"id": id}, &me)
		if me.Participant.Status != "ACTIVE" || me.Participant.CardNumber == nil || len(*me.Participant.CardNumber) != 16 ||
			me.Participant.Balance != balance || me.Participant.Wave.Number != number {
			t.Errorf("selected participant = %+v, want ACTIVE with a card and %d in wave %d", me.Participant, balance, number)
		}
	})

	t.Run("Reproducible", func(t *testing.T) {
		// The same data and seed on another database give the same selection; another seed does not.
		b := mustAPI(t)
		pplDrawScenario(t, b, number)
		pplDraw(t, b, number, "42")
		if got, want := pplSelectedNIKs(t, b, number), pplSelectedNIKs(t, a, number); !slices.Equal(got, want) {
			t.Errorf("seed 42 selected %v on one database and %v on another", got, want)
		}
		c := mustAPI(t)
		pplDrawScenario(t, c, number)
		pplDraw(t, c, number, "43")
		if got, other := pplSelectedNIKs(t, c, number), pplSelectedNIKs(t, a, number); slices.Equal(got, other) {
			t.Errorf("seeds 42 and 43 selected the same %v", got)
		}
	})

	t.Run("OrderCheckableInSQL", func(t *testing.T) {
		// Without province quotas, the selection is the first quota applicants in the documented
		// order, which anyone can recompute.
		const plain = 7202
		var f pplPeople
		f.next = 500
		pplOpenWave(t, a, plain, 7, nil)
		for range 25 {
			pplJoin(t, a, pplRegister(t, a, f.person("35", "")), plain)
		}
		want := a.ids(`SELECT wa.participant_id FROM wave_applications wa JOIN waves w ON w.id = wa.wave_id WHERE w.number = ?
			ORDER BY md5('-9000000000000000001:' || wa.participant_id) COLLATE "C", wa.participant_id LIMIT 7`, plain)
		pplDraw(t, a, plain, "-9000000000000000001")
		got := a.ids(`SELECT p.id FROM participants p JOIN waves w ON w.id = p.wave_id WHERE w.number = ? ORDER BY p.card_number`, plain)
		if !slices.Equal(got, want) {
			t.Errorf("selected in card order %v, want %v", got, want)
		}
	})

	t.Run("NoApplicants", func(t *testing.T) {
		const empty = 7204
		pplOpenWave(t, a, empty, 5, nil)
		p := pplDraw(t, a, empty, "0")
		if p.Wave == nil || p.Wave.Status != "DRAWN" || p.SelectedCount+p.NotSelectedCount+p.IneligibleCount != 0 {
			t.Errorf("draw of an empty wave = %+v, want DRAWN with nobody", p)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		const closed = 7203
		pplOpenWave(t, a, closed, 5, nil)
		openNumber := a.count(`SELECT max(number) FROM waves WHERE status = 'OPEN' AND number < 7000`)
		pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": closed})
		for _, tc := range []struct {
			name   string
			number int
			seed   string
			code   string
			field  string
		}{
			{"SeedNotANumber", closed, "abc", "INVALID_SEED", "seed"},
			{"SeedFraction", closed, "1.5", "INVALID_SEED", "seed"},
			{"SeedEmpty", closed, "", "INVALID_SEED", "seed"},
			{"SeedOver64Bits", closed, "99999999999999999999", "INVALID_SEED", "seed"},
			{"WaveOpen", openNumber, "1", "WAVE_STATE", "waveNumber"},
			{"WaveDrawn", number, "1", "WAVE_STATE", "waveNumber"},
			{"WaveUnknown", 999_999, "1", "NOT_FOUND", "waveNumber"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				pplMustRefuse(t, a, a, pplDrawWaveQ, map[string]any{"n": tc.number, "seed": tc.seed}, tc.code, tc.field)
			})
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		vars := map[string]any{"n": 7203, "seed": "1"}
		pplMustDeny(t, a, a.as("", ""), pplDrawWaveQ, vars, "UNAUTHENTICATED")
		pplMustDeny(t, a, a.as(db.RoleAnalyst, "analyst-1"), pplDrawWaveQ, vars, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RoleParticipant, gid(db.TypeParticipant, 1)), pplDrawWaveQ, vars, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RolePlatform, gid(db.TypePlatform, 1)), pplDrawWaveQ, vars, "FORBIDDEN")
	})

	t.Run("SameWaveTwiceAtOnce", func(t *testing.T) {
		// Two draws of one wave at once: the second waits for the first and finds it DRAWN.
		codes := make([]string, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp := a.raw(pplDrawWaveQ, map[string]any{"n": 7203, "seed": fmt.Sprint(i)})
				var data struct {
					DrawWave pplPayload `json:"drawWave"`
				}
				if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil {
					codes[i] = fmt.Sprint(resp.Errors)
				} else if len(data.DrawWave.UserErrors) > 0 {
					codes[i] = data.DrawWave.UserErrors[0].Code
				} else {
					codes[i] = "OK"
				}
			}()
		}
		close(start)
		wg.Wait()
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"OK", "WAVE_STATE"}) {
			t.Errorf("two draws of one wave = %v, want one OK and one WAVE_STATE", codes)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'drawWave' AND entity_id = (SELECT id FROM waves WHERE number = 7203)`); n != 1 {
			t.Errorf("%d drawWave audit events for the wave, want 1", n)
		}
	})
}

// pplMoveToCard puts participant id on family card kk, as a family card change (a person marrying
// into a household) would. Registration's cap counts people at sign-up only, so this is how a card
// comes to have more than two people, which the draw's cap must then handle.
func pplMoveToCard(t testing.TB, a *api, id, kk string) {
	t.Helper()
	if _, err := a.db.NewRaw(`UPDATE participants SET kk_number = ? WHERE id = ?`, kk, key(t, id, db.TypeParticipant)).Exec(t0); err != nil {
		t.Fatal(err)
	}
}

func TestDrawWaveFamilyCardCap(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople
	const earlier, later = 7301, 7302

	// Card A has one member already in the programme; card B two; card C none.
	cardA, cardB, cardC := pplKK("31", 8001), pplKK("31", 8002), pplKK("31", 8003)
	pplOpenWave(t, a, earlier, 10, nil)
	for _, kk := range []string{cardA, cardB, cardB} {
		pplJoin(t, a, pplRegister(t, a, f.person("31", kk)), earlier)
	}
	if p := pplDraw(t, a, earlier, "1"); p.SelectedCount != 3 {
		t.Fatalf("earlier draw selected %d, want 3", p.SelectedCount)
	}

	pplOpenWave(t, a, later, 10, nil)
	a1 := pplRegister(t, a, f.person("31", cardA)) // the card's second registrant
	a2 := pplRegister(t, a, f.person("31", ""))
	pplMoveToCard(t, a, a2, cardA) // the card's third person
	b1 := pplRegister(t, a, f.person("31", ""))
	pplMoveToCard(t, a, b1, cardB)
	c1 := pplRegister(t, a, f.person("31", cardC))
	c2 := pplRegister(t, a, f.person("31", cardC))
	for _, id := range []string{a1, a2, b1, c1, c2} {
		pplJoin(t, a, id, later)
	}
	p := pplDraw(t, a, later, "7")
	if p.SelectedCount != 3 || p.IneligibleCount != 2 || p.NotSelectedCount != 0 {
		t.Errorf("draw = %d selected, %d ineligible, %d not selected; want 3, 2, 0", p.SelectedCount, p.IneligibleCount, p.NotSelectedCount)
	}
	status := func(id string) string {
		var s string
		if err := a.db.NewRaw(`SELECT wa.status FROM wave_applications wa JOIN waves w ON w.id = wa.wave_id WHERE w.number = ? AND wa.participant_id = ?`,
			later, key(t, id, db.TypeParticipant)).Scan(t0, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := []string{status(a1), status(a2)}; !slices.Contains(got, "SELECTED") || !slices.Contains(got, "INELIGIBLE") {
		t.Errorf("card A's two applicants = %v, want one SELECTED and one INELIGIBLE", got)
	}
	if got := status(b1); got != "INELIGIBLE" {
		t.Errorf("card B's third person = %s, want INELIGIBLE", got)
	}
	if got := []string{status(c1), status(c2)}; got[0] != "SELECTED" || got[1] != "SELECTED" {
		t.Errorf("card C's two applicants = %v, want both SELECTED", got)
	}
	for _, kk := range []string{cardA, cardB, cardC} {
		if n := a.count(`SELECT count(*) FROM participants WHERE kk_number = ? AND status IN ('ACTIVE', 'COMPLETED')`, kk); n != 2 {
			t.Errorf("card %s has %d members in the programme, want 2", kk, n)
		}
	}
}

// TestDrawWaveConcurrentSharedFamilyCards draws two waves at the same time whose applicants share
// family cards that already have one member in the programme: across both draws exactly one more
// member of each card is selected, never two.
//
// In the Interleaved round the test holds a lock on balance_ledger, which each draw needs only
// after it has read the family-card counts, and releases it once both draws are waiting on a lock.
// Without the draw's own locking both would then have read the counts before either committed;
// with it, the second waits for the first's cards. The Free round lets them race as they come.
func TestDrawWaveConcurrentSharedFamilyCards(t *testing.T) {
	const cards, independent = 15, 10
	for _, interleaved := range []bool{true, false} {
		name := "Free"
		if interleaved {
			name = "Interleaved"
		}
		t.Run(name, func(t *testing.T) {
			a := mustAPI(t)
			var f pplPeople
			const earlier, waveA, waveB = 7401, 7402, 7403
			pplOpenWave(t, a, earlier, cards, nil)
			pplOpenWave(t, a, waveA, 100, nil)
			pplOpenWave(t, a, waveB, 100, nil)
			var kks []string
			for i := range cards {
				kk := pplKK("33", 8100+i)
				kks = append(kks, kk)
				pplJoin(t, a, pplRegister(t, a, f.person("33", kk)), earlier) // the member already in
				pplJoin(t, a, pplRegister(t, a, f.person("33", kk)), waveA)   // the card's second registrant
				z := pplRegister(t, a, f.person("33", ""))
				pplMoveToCard(t, a, z, kk) // a third person on the card
				pplJoin(t, a, z, waveB)
			}
			for range independent {
				pplJoin(t, a, pplRegister(t, a, f.person("34", "")), waveA)
				pplJoin(t, a, pplRegister(t, a, f.person("34", "")), waveB)
			}
			if p := pplDraw(t, a, earlier, "1"); p.SelectedCount != cards {
				t.Fatalf("earlier draw selected %d, want %d", p.SelectedCount, cards)
			}
			pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": waveA})
			pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": waveB})

			var gate *sql.Tx
			if interleaved {
				var err error
				if gate, err = a.db.DB.BeginTx(t0, nil); err != nil {
					t.Fatal(err)
				}
				defer gate.Rollback()
				if _, err := gate.Exec("LOCK TABLE balance_ledger IN SHARE MODE"); err != nil {
					t.Fatal(err)
				}
			}
			results := make([]pplPayload, 2)
			errs := make([]string, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, number := range []int{waveA, waveB} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					resp := a.raw(pplDrawWaveQ, map[string]any{"n": number, "seed": fmt.Sprint(100 + i)})
					var data struct {
						DrawWave pplPayload `json:"drawWave"`
					}
					if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil {
						errs[i] = fmt.Sprint(resp.Errors)
						return
					}
					results[i] = data.DrawWave
				}()
			}
			close(start)
			if interleaved {
				deadline := time.Now().Add(20 * time.Second)
				for a.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) < 2 {
					if time.Now().After(deadline) {
						gate.Rollback()
						wg.Wait()
						t.Fatalf("the two draws never both waited on a lock")
					}
					time.Sleep(5 * time.Millisecond)
				}
				if err := gate.Rollback(); err != nil {
					t.Fatal(err)
				}
			}
			wg.Wait()
			for i, r := range results {
				if errs[i] != "" || len(r.UserErrors) > 0 {
					t.Fatalf("draw %d failed: %s %+v", i, errs[i], r.UserErrors)
				}
			}
			selected := results[0].SelectedCount + results[1].SelectedCount
			ineligible := results[0].IneligibleCount + results[1].IneligibleCount
			if selected != cards+2*independent || ineligible != cards {
				t.Errorf("draws selected %d and found %d ineligible; want %d and %d", selected, ineligible, cards+2*independent, cards)
			}
			for _, kk := range kks {
				if n := a.count(`SELECT count(*) FROM participants WHERE kk_number = ? AND status IN ('ACTIVE', 'COMPLETED')`, kk); n != 2 {
					t.Errorf("card %s has %d members in the programme, want 2", kk, n)
				}
			}
			if n := a.count(`SELECT count(*) FROM (SELECT kk_number FROM participants WHERE status IN ('ACTIVE', 'COMPLETED')
				GROUP BY kk_number HAVING count(*) > 2) over_cap`); n != 0 {
				t.Errorf("%d family cards have more than two members in the programme", n)
			}
		})
	}
}

func TestRevokeLapsedParticipants(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople
	const number, next = 7501, 7502
	pplOpenWave(t, a, number, 10, nil)
	var ids []string
	for range 4 {
		id := pplRegister(t, a, f.person("52", ""))
		pplJoin(t, a, id, number)
		ids = append(ids, id)
	}
	pplDraw(t, a, number, "5")
	keys := make([]int64, len(ids))
	for i, id := range ids {
		keys[i] = key(t, id, db.TypeParticipant)
	}
	lapsed, bought, withIncentives := keys[0], keys[1], keys[2]

	// One bought a training (a seeded listing), at the listing's price.
	if _, err := a.db.NewRaw(`WITH l AS (SELECT cl.id, cl.course_id, cl.platform_id, c.provider_id, cl.price FROM course_listings cl
			JOIN courses c ON c.id = cl.course_id WHERE c.mode = 'SELF_PACED' AND cl.price <= 3500000 ORDER BY cl.id LIMIT 1),
		e AS (INSERT INTO enrollments (participant_id, listing_id, course_id, platform_id, provider_id, province_code, order_id, price, status, purchased_at, redeem_code)
			SELECT ?, l.id, l.course_id, l.platform_id, l.provider_id, '52', 'people-test-order', l.price, 'PAID', now(), 'PEOPLETEST01' FROM l RETURNING id, price),
		b AS (UPDATE participants p SET balance = p.balance - e.price FROM e WHERE p.id = ? RETURNING p.balance)
		INSERT INTO balance_ledger (participant_id, kind, amount, balance_after, enrollment_id, created_at)
			SELECT ?, 'PURCHASE', -e.price, b.balance, e.id, now() FROM e, b`, bought, bought, bought).Exec(t0); err != nil {
		t.Fatal(err)
	}
	// Another has unpaid installments (left over from a data correction) and one paid.
	if _, err := a.db.NewRaw(`WITH s AS (INSERT INTO incentive_schedules (participant_id, enrollment_id, scheme_code, created_at)
			SELECT ?, e.id, 'NORMAL', now() FROM enrollments e WHERE NOT EXISTS (SELECT 1 FROM incentive_schedules s WHERE s.enrollment_id = e.id)
			ORDER BY e.id LIMIT 1 RETURNING id)
		INSERT INTO incentives (schedule_id, participant_id, wave_id, province_code, kind, sequence, amount, due_on, status, paid_at, created_at)
		SELECT s.id, ?, (SELECT id FROM waves WHERE number = ?), '52', v.kind, v.seq, v.amount, current_date, v.status, v.paid_at, now()
		FROM s, (VALUES ('TRAINING', 1, 600000, 'SCHEDULED', NULL::timestamptz), ('SURVEY', 1, 50000, 'FAILED', NULL), ('SURVEY', 2, 50000, 'PENDING', NULL),
			('SURVEY', 3, 50000, 'PAID', now())) AS v(kind, seq, amount, status, paid_at)`, withIncentives, withIncentives, number).Exec(t0); err != nil {
		t.Fatal(err)
	}

	t.Run("NothingLapsedYet", func(t *testing.T) {
		// As of now the deadlines of the new participants are 15 days away.
		want := a.count(`SELECT count(*) FROM participants p WHERE status = 'ACTIVE' AND purchase_deadline < now()
			AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)`)
		p := pplMustOK(t, a, pplRevokeQ, nil)
		if p.RevokedCount != want {
			t.Errorf("revokedCount = %d, want %d", p.RevokedCount, want)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id IN (?, ?, ?, ?) AND status = 'ACTIVE'`, keys[0], keys[1], keys[2], keys[3]); n != 4 {
			t.Errorf("%d of the new participants still ACTIVE, want 4", n)
		}
	})

	// Time passes: the new participants' first purchase deadline is behind them (asOf cannot be
	// in the future).
	if _, err := a.db.NewRaw(`UPDATE participants SET purchase_deadline = purchase_deadline - interval '16 days'
		WHERE wave_id = (SELECT id FROM waves WHERE number = ?)`, number).Exec(t0); err != nil {
		t.Fatal(err)
	}
	asOf := time.Now().Format(time.RFC3339)
	want := a.count(`SELECT count(*) FROM participants p WHERE status = 'ACTIVE' AND purchase_deadline < ?
		AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)`, asOf)
	revokedBefore := a.count(`SELECT count(*) FROM participants WHERE status = 'REVOKED'`)

	t.Run("FutureAsOf", func(t *testing.T) {
		var data struct {
			RevokeLapsedParticipants pplPayload `json:"revokeLapsedParticipants"`
		}
		a.query(pplRevokeQ, map[string]any{"asOf": time.Now().Add(time.Hour).Format(time.RFC3339)}, &data)
		p := data.RevokeLapsedParticipants
		if p.RevokedCount != 0 || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID_INPUT" {
			t.Fatalf("a future asOf: %+v, want one INVALID_INPUT user error and nothing revoked", p)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE status = 'REVOKED'`); n != revokedBefore {
			t.Fatalf("a refused revocation revoked %d participants", n-revokedBefore)
		}
	})

	t.Run("OK", func(t *testing.T) {
		p := pplMustOK(t, a, pplRevokeQ, map[string]any{"asOf": asOf})
		if p.RevokedCount != want || want < 3 {
			t.Fatalf("revokedCount = %d, want %d (at least our 3)", p.RevokedCount, want)
		}
		if got := a.count(`SELECT count(*) FROM participants WHERE status = 'REVOKED'`); got != revokedBefore+want {
			t.Errorf("%d REVOKED, want %d", got, revokedBefore+want)
		}
		for _, k := range []int64{lapsed, withIncentives, keys[3]} {
			for _, check := range []struct{ name, sql string }{
				{"not REVOKED with a zero balance", `SELECT count(*) FROM participants WHERE id = ? AND NOT (status = 'REVOKED' AND revoked_at IS NOT NULL AND balance = 0)`},
				{"no FORFEIT of the whole grant", `SELECT 1 - count(*) FROM balance_ledger WHERE participant_id = ? AND kind = 'FORFEIT' AND amount = -3500000 AND balance_after = 0`},
				{"ledger does not sum to 0", `SELECT abs(sum(amount)) FROM balance_ledger WHERE participant_id = ?`},
				{"NIK not blacklisted", `SELECT 1 - count(*) FROM blacklist b JOIN participants p ON p.nik = b.nik WHERE p.id = ? AND b.reason = 'PURCHASE_DEADLINE_MISSED' AND b.participant_id = p.id`},
			} {
				if n := a.count(check.sql, k); n != 0 {
					t.Errorf("participant %d: %s", k, check.name)
				}
			}
		}
		var statuses []string
		if err := a.db.NewRaw(`SELECT kind || sequence || ' ' || status FROM incentives WHERE participant_id = ? ORDER BY kind, sequence`, withIncentives).Scan(t0, &statuses); err != nil {
			t.Fatal(err)
		}
		if wantStatuses := []string{"SURVEY1 CANCELLED", "SURVEY2 CANCELLED", "SURVEY3 PAID", "TRAINING1 CANCELLED"}; !slices.Equal(statuses, wantStatuses) {
			t.Errorf("incentives = %v, want %v", statuses, wantStatuses)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = ? AND status = 'ACTIVE' AND balance > 0`, bought); n != 1 {
			t.Errorf("the participant who bought a training was revoked")
		}
		ev := pplCheckAudit(t, a, "revokeLapsedParticipants", "Participant", "", "ADMIN")
		revoked, _ := ev.After["participantIds"].([]any)
		if !slices.Contains(revoked, any(float64(lapsed))) || slices.Contains(revoked, any(float64(bought))) {
			t.Errorf("audit lists %v, want %d and not %d", revoked, lapsed, bought)
		}
	})

	t.Run("Idempotent", func(t *testing.T) {
		before := a.rowCounts()
		if p := pplMustOK(t, a, pplRevokeQ, map[string]any{"asOf": asOf}); p.RevokedCount != 0 {
			t.Errorf("second run revokedCount = %d, want 0", p.RevokedCount)
		}
		a.mustBeUnchanged(before)
	})

	t.Run("RevokedMayNotJoinOrRegister", func(t *testing.T) {
		pplOpenWave(t, a, next, 10, nil)
		id := gid(db.TypeParticipant, lapsed)
		pplMustRefuse(t, a, a, pplJoinWaveQ, map[string]any{"p": id, "n": next}, "NOT_ELIGIBLE", "participantId")
		pplMustRefuse(t, a, a.as(db.RoleParticipant, id), pplJoinWaveQ, map[string]any{"p": id, "n": next}, "NOT_ELIGIBLE", "participantId")
		var f2 pplPeople
		in := f2.person("52", "") // the first person of the fixture: the revoked one
		pplMustRefuse(t, a, a.as("", ""), pplRegisterQ, map[string]any{"in": in}, "DUPLICATE_NIK", "nik")
	})

	t.Run("Forbidden", func(t *testing.T) {
		pplMustDeny(t, a, a.as("", ""), pplRevokeQ, map[string]any{"asOf": asOf}, "UNAUTHENTICATED")
		pplMustDeny(t, a, a.as(db.RoleAnalyst, "analyst-1"), pplRevokeQ, map[string]any{"asOf": asOf}, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RoleParticipant, gid(db.TypeParticipant, lapsed)), pplRevokeQ, map[string]any{"asOf": asOf}, "FORBIDDEN")
		pplMustDeny(t, a, a.as(db.RoleProvider, gid(db.TypeProvider, 1)), pplRevokeQ, map[string]any{"asOf": asOf}, "FORBIDDEN")
	})
}

// TestRevokeLapsedParticipantsConcurrently runs overlapping revocations: each lapsed participant
// is revoked, forfeited and blacklisted exactly once.
func TestRevokeLapsedParticipantsConcurrently(t *testing.T) {
	a := mustAPI(t)
	var f pplPeople
	const number = 7601
	pplOpenWave(t, a, number, 40, nil)
	for range 40 {
		pplJoin(t, a, pplRegister(t, a, f.person("53", "")), number)
	}
	pplDraw(t, a, number, "9")
	// Time passes: the new participants' first purchase deadline is behind them (asOf cannot be
	// in the future).
	if _, err := a.db.NewRaw(`UPDATE participants SET purchase_deadline = purchase_deadline - interval '16 days'
		WHERE wave_id = (SELECT id FROM waves WHERE number = ?)`, number).Exec(t0); err != nil {
		t.Fatal(err)
	}
	asOf := time.Now().Format(time.RFC3339)
	want := a.count(`SELECT count(*) FROM participants p WHERE status = 'ACTIVE' AND purchase_deadline < ?
		AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)`, asOf)
	forfeitsBefore := a.count(`SELECT count(*) FROM balance_ledger WHERE kind = 'FORFEIT'`)
	blacklistBefore := a.count(`SELECT count(*) FROM blacklist`)

	counts := make([]int, 4)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp := a.raw(pplRevokeQ, map[string]any{"asOf": asOf})
			var data struct {
				RevokeLapsedParticipants pplPayload `json:"revokeLapsedParticipants"`
			}
			if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil {
				counts[i] = -1000
				return
			}
			counts[i] = data.RevokeLapsedParticipants.RevokedCount
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	if total != want || want < 40 {
		t.Errorf("runs revoked %v, %d in all; want %d (at least 40)", counts, total, want)
	}
	if n := a.count(`SELECT count(*) FROM balance_ledger WHERE kind = 'FORFEIT'`) - forfeitsBefore; n != want {
		t.Errorf("%d FORFEIT rows, want %d", n, want)
	}
	if n := a.count(`SELECT count(*) FROM blacklist`) - blacklistBefore; n != want {
		t.Errorf("%d blacklist rows, want %d", n, want)
	}
	// Another run finds nobody: everything settled.
	if p := pplMustOK(t, a, pplRevokeQ, map[string]any{"asOf": asOf}); p.RevokedCount != 0 {
		t.Errorf("a later run revoked %d, want 0", p.RevokedCount)
	}
}

// TestDrawWaveAtScale draws a wave of 6,000 applicants (loaded with SQL: registering them one by
// one through the API would only slow the test) and checks that the draw is set-based: its
// statement count does not grow with the applicants.
func TestDrawWaveAtScale(t *testing.T) {
	a := mustAPI(t)
	const number, applicants, quota = 7701, 6000, 2500
	pplOpenWave(t, a, number, quota, map[string]int{"31": 400, "32": 600})
	if _, err := a.db.NewRaw(`WITH people AS (
			SELECT g, (ARRAY['31', '32', '33', '35'])[g % 4 + 1] AS prov, date '1980-01-01' + (g % 7000) AS birth FROM generate_series(1, ?) AS g),
		hh AS (INSERT INTO households (kk_number, member_count) SELECT prov || '9998' || lpad(g::text, 10, '0'), 1 FROM people),
		p AS (INSERT INTO participants (nik, kk_number, full_name, birth_date, gender, province_code, email, phone, education,
				employment_status, status, registered_at)
			SELECT prov || '9998' || to_char(birth, 'DDMMYY') || lpad(g::text, 4, '0'), prov || '9998' || lpad(g::text, 10, '0'),
				'Peserta Massal ' || g, birth, 'MALE', prov, 'massal' || g || '@example.id', '0813' || lpad(g::text, 8, '0'),
				'SENIOR_SECONDARY', 'UNEMPLOYED', 'REGISTERED', now() FROM people RETURNING id)
		INSERT INTO wave_applications (wave_id, participant_id, status, applied_at)
		SELECT (SELECT id FROM waves WHERE number = ?), id, 'APPLIED', now() FROM p`, applicants, number).Exec(t0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.NewRaw(`UPDATE waves SET applicant_count = ? WHERE number = ?`, applicants, number).Exec(t0); err != nil {
		t.Fatal(err)
	}
	pplMustOK(t, a, pplCloseWaveQ, map[string]any{"n": number})

	a.queries.Reset()
	began := time.Now()
	p := pplMustOK(t, a, pplDrawWaveQ, map[string]any{"n": number, "seed": "2020"})
	t.Logf("drew %d of %d applicants in %v with %d statements", p.SelectedCount, applicants, time.Since(began), a.queries.Count())
	if n := a.queries.Count(); n > 25 {
		t.Errorf("the draw ran %d statements, want at most 25 whatever the number of applicants", n)
	}
	if p.SelectedCount != quota || p.NotSelectedCount != applicants-quota || p.IneligibleCount != 0 {
		t.Errorf("draw = %d selected, %d not selected, %d ineligible; want %d, %d, 0", p.SelectedCount, p.NotSelectedCount, p.IneligibleCount, quota, applicants-quota)
	}
	for province, want := range map[string]int{"31": 400, "32": 600, "33+35": quota - 1000} {
		got := a.count(`SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id WHERE w.number = ? AND p.province_code = ANY(string_to_array(?, '+'))`, number, province)
		if got != want {
			t.Errorf("province %s: %d selected, want %d", province, got, want)
		}
	}
	if n := a.count(`SELECT count(DISTINCT card_number) FROM participants p JOIN waves w ON w.id = p.wave_id WHERE w.number = ?`, number); n != quota {
		t.Errorf("%d distinct cards, want %d", n, quota)
	}
}
