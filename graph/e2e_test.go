package graph_test

import (
	"fmt"
	"testing"
	"time"

	"prakerja/db"
)

// validNIK builds a NIK that encodes province, birth date and gender, with the given serial.
func validNIK(province string, birth time.Time, gender db.Gender, serial int) string {
	day := birth.Day()
	if gender == db.GenderFemale {
		day += 40
	}
	return fmt.Sprintf("%s0101%02d%02d%02d%04d", province, day, int(birth.Month()), birth.Year()%100, serial)
}

// TestEndToEndProgram runs the program as its users do, through the API: register → join a wave →
// draw → purchase → complete → review → link an account → disburse → survey → placement, checking
// the audit trail at each step.
func TestEndToEndProgram(t *testing.T) {
	a := mustAPI(t) // ADMIN
	now := time.Now().In(db.Jakarta)
	waveNumber := 900 + int(now.Unix()%50)
	birth := time.Date(1995, 8, 17, 0, 0, 0, 0, time.UTC)
	nik := validNIK("32", birth, db.GenderFemale, 4242)

	step := func(name, query string, vars map[string]any, caller *api) map[string]any {
		t.Helper()
		var out map[string]any
		caller.query(query, vars, &out)
		payload, _ := out[name].(map[string]any)
		if payload == nil {
			t.Fatalf("%s returned %v", name, out)
		}
		if ue, _ := payload["userErrors"].([]any); len(ue) > 0 {
			t.Fatalf("%s refused: %v", name, ue)
		}
		var audit struct {
			AuditEvents struct {
				Nodes []struct {
					Action string `json:"action"`
				} `json:"nodes"`
			} `json:"auditEvents"`
		}
		a.query(`query($a: [String!]) { auditEvents(last: 1, filter: {action: $a}) { nodes { action } } }`, map[string]any{"a": []string{name}}, &audit)
		if len(audit.AuditEvents.Nodes) != 1 {
			t.Fatalf("%s left no audit event", name)
		}
		return payload
	}

	// Registration is public.
	anon := a.as("", "")
	reg := step("registerParticipant", `mutation($in: RegisterParticipantInput!) { registerParticipant(input: $in) { participant { id status } userErrors { code field message } } }`,
		map[string]any{"in": map[string]any{"nik": nik, "kkNumber": "3201012005150099", "fullName": "Siti Rahmawati", "birthDate": birth.Format(time.DateOnly),
			"gender": "FEMALE", "email": "siti.rahmawati@example.id", "phone": "081234567890", "education": "VOCATIONAL_SECONDARY", "employmentStatus": "LAID_OFF"}}, anon)
	pid := reg["participant"].(map[string]any)["id"].(string)
	me := a.as(db.RoleParticipant, pid)

	step("createWave", `mutation($in: CreateWaveInput!) { createWave(input: $in) { wave { number status } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"number": waveNumber, "scheme": "NORMAL", "opensAt": now.Add(-time.Hour).Format(time.RFC3339),
			"closesAt": now.Add(24 * time.Hour).Format(time.RFC3339), "quota": 10}}, a)
	step("openWave", `mutation($n: Int!) { openWave(input: {waveNumber: $n}) { wave { status } userErrors { code } } }`, map[string]any{"n": waveNumber}, a)
	step("joinWave", `mutation($p: ID!, $n: Int!) { joinWave(input: {participantId: $p, waveNumber: $n}) { wave { applicantCount } userErrors { code } } }`,
		map[string]any{"p": pid, "n": waveNumber}, me)
	step("closeWave", `mutation($n: Int!) { closeWave(input: {waveNumber: $n}) { wave { status } userErrors { code } } }`, map[string]any{"n": waveNumber}, a)
	draw := step("drawWave", `mutation($n: Int!) { drawWave(input: {waveNumber: $n, seed: "20230101"}) { wave { status drawSeed } selectedCount notSelectedCount ineligibleCount userErrors { code } } }`,
		map[string]any{"n": waveNumber}, a)
	if draw["selectedCount"].(float64) != 1 {
		t.Fatalf("drawWave selected %v, want the one applicant", draw["selectedCount"])
	}

	// A course with a session and a listing.
	var providerID, platformID int64
	if err := a.db.NewRaw(`SELECT (SELECT id FROM providers ORDER BY id LIMIT 1), (SELECT id FROM platforms ORDER BY id LIMIT 1)`).Scan(t0, &providerID, &platformID); err != nil {
		t.Fatal(err)
	}
	course := step("createCourse", `mutation($in: CreateCourseInput!) { createCourse(input: $in) { course { id } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"providerId": gid("Provider", providerID), "title": "Pemrograman Web untuk Pemula", "category": "Teknologi Informasi", "mode": "WEBINAR", "durationHours": 16}}, a)
	courseID := course["course"].(map[string]any)["id"].(string)
	listing := step("listCourse", `mutation($c: ID!, $p: ID!) { listCourse(input: {courseId: $c, platformId: $p, price: 1500000}) { listing { id price } userErrors { code } } }`,
		map[string]any{"c": courseID, "p": gid("Platform", platformID)}, a)
	listingID := listing["listing"].(map[string]any)["id"].(string)
	start := now.Add(2 * time.Hour).Truncate(time.Hour)
	session := step("scheduleTrainingSession", `mutation($in: ScheduleTrainingSessionInput!) { scheduleTrainingSession(input: $in) { session { id seatsLeft } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"courseId": courseID, "startsAt": start.Format(time.RFC3339), "endsAt": start.Add(2 * time.Hour).Format(time.RFC3339), "capacity": 150}}, a)
	sessionID := session["session"].(map[string]any)["id"].(string)

	buy := step("purchaseTraining", `mutation($in: PurchaseTrainingInput!) { purchaseTraining(input: $in) { enrollment { id price status } participant { balance } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"participantId": pid, "listingId": listingID, "sessionId": sessionID, "orderId": "E2E-ORDER-1"}}, me)
	if bal := buy["participant"].(map[string]any)["balance"].(float64); bal != 3500000-1500000 {
		t.Fatalf("balance after purchase = %v, want 2000000", bal)
	}
	enrollmentID := buy["enrollment"].(map[string]any)["id"].(string)

	// The session starts; the provider reports completion.
	if _, err := a.db.ExecContext(t0, `UPDATE training_sessions SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour', status = 'COMPLETED' WHERE id = ?`, key(t, sessionID, "TrainingSession")); err != nil {
		t.Fatal(err)
	}
	done := step("completeTraining", `mutation($e: ID!) { completeTraining(input: {enrollmentId: $e}) { enrollment { status } certificate { number } userErrors { code } } }`,
		map[string]any{"e": enrollmentID}, a.as(db.RoleProvider, gid("Provider", providerID)))
	certNumber := done["certificate"].(map[string]any)["number"].(string)
	var verify struct {
		Certificate *struct {
			Course struct{ Title string } `json:"course"`
		} `json:"certificate"`
	}
	anon.query(`query($n: String!) { certificate(number: $n) { course { title } } }`, map[string]any{"n": certNumber}, &verify)
	if verify.Certificate == nil || verify.Certificate.Course.Title != "Pemrograman Web untuk Pemula" {
		t.Fatalf("certificate %s does not verify: %+v", certNumber, verify)
	}

	review := step("submitReview", `mutation($e: ID!) { submitReview(input: {enrollmentId: $e, rating: 5, comment: "Materinya jelas dan bermanfaat."}) { review { rating } incentives { kind sequence amount dueOn status } userErrors { code } } }`,
		map[string]any{"e": enrollmentID}, me)
	incs := review["incentives"].([]any)
	var training int
	for _, i := range incs {
		if i.(map[string]any)["kind"] == "TRAINING" {
			training++
			if i.(map[string]any)["amount"].(float64) != 600000 {
				t.Errorf("installment %v, want Rp600,000", i)
			}
		}
	}
	if training != 1 {
		t.Fatalf("the NORMAL scheme's review scheduled %d training installments, want 1: %v", training, incs)
	}

	step("linkPayoutAccount", `mutation($p: ID!) { linkPayoutAccount(input: {participantId: $p, channel: GOPAY, accountNumber: "081234567890", holderName: "SITI RAHMAWATI"}) { payoutAccount { status } userErrors { code } } }`,
		map[string]any{"p": pid}, me)
	dueBy := now.AddDate(0, 0, 2).Format(time.DateOnly)
	step("disburseIncentives", `mutation($d: Date!) { disburseIncentives(input: {dueBy: $d}) { paidCount failedCount batchCount userErrors { code } } }`, map[string]any{"d": dueBy}, a)
	var paid struct {
		Participant struct {
			Incentives struct {
				Nodes []struct {
					Kind   string `json:"kind"`
					Status string `json:"status"`
				} `json:"nodes"`
			} `json:"incentives"`
		} `json:"participant"`
	}
	me.query(`query($p: ID!) { participant(id: $p) { incentives(first: 10, filter: {kind: TRAINING}) { nodes { kind status } } } }`, map[string]any{"p": pid}, &paid)
	if n := paid.Participant.Incentives.Nodes; len(n) != 1 || n[0].Status != "PAID" {
		t.Fatalf("after disbursement the installment is %+v, want PAID", n)
	}

	step("completeSurvey", `mutation($p: ID!) { completeSurvey(input: {participantId: $p, sequence: 1}) { incentive { kind status } userErrors { code } } }`, map[string]any{"p": pid}, me)
	step("recordPlacement", `mutation($p: ID!, $e: ID!) { recordPlacement(input: {participantId: $p, enrollmentId: $e, employer: "PT Teknologi Nusantara", position: "Web Developer Junior", status: HIRED, startedOn: "2027-01-04"}) { placement { status } userErrors { code } } }`,
		map[string]any{"p": pid, "e": enrollmentID}, a)

	// The trail names the actor of each step.
	var trail struct {
		AuditEvents struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				ActorRole string `json:"actorRole"`
				Action    string `json:"action"`
			} `json:"nodes"`
		} `json:"auditEvents"`
	}
	a.query(`{ auditEvents(last: 100) { totalCount nodes { actorRole action } } }`, nil, &trail)
	roles := map[string]string{}
	for _, e := range trail.AuditEvents.Nodes {
		roles[e.Action] = e.ActorRole
	}
	for action, role := range map[string]string{"registerParticipant": "ANONYMOUS", "joinWave": "PARTICIPANT", "purchaseTraining": "PARTICIPANT",
		"completeTraining": "PROVIDER", "submitReview": "PARTICIPANT", "drawWave": "ADMIN"} {
		if roles[action] != role {
			t.Errorf("audit of %s by %q, want %s", action, roles[action], role)
		}
	}
}
