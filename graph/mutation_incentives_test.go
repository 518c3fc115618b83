package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"prakerja/db"
)

// The incentive mutations through the real handler: submitReview, linkPayoutAccount,
// disburseIncentives, completeSurvey and recordPlacement.

type incUserError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   []string `json:"field"`
}

type incPayment struct {
	Attempt        int     `json:"attempt"`
	IdempotencyKey string  `json:"idempotencyKey"`
	Status         string  `json:"status"`
	Amount         int64   `json:"amount"`
	Channel        string  `json:"channel"`
	AccountNumber  string  `json:"accountNumber"`
	FailureCode    *string `json:"failureCode"`
}

type incIncentive struct {
	ID                string       `json:"id"`
	Kind              string       `json:"kind"`
	Sequence          int          `json:"sequence"`
	Amount            int64        `json:"amount"`
	DueOn             string       `json:"dueOn"`
	Status            string       `json:"status"`
	PaidAt            *string      `json:"paidAt"`
	Channel           *string      `json:"channel"`
	SurveyCompletedAt *string      `json:"surveyCompletedAt"`
	Payments          []incPayment `json:"payments"`
}

const incIncentiveFields = `id kind sequence amount dueOn status paidAt channel surveyCompletedAt
	payments { attempt idempotencyKey status amount channel accountNumber failureCode }`

const incSubmitReview = `mutation($input: SubmitReviewInput!) { submitReview(input: $input) {
	review { id rating body createdAt course { id reviewCount } enrollment { id } }
	incentives { ` + incIncentiveFields + ` }
	userErrors { code message field } } }`

type incReviewPayload struct {
	Review *struct {
		ID        string `json:"id"`
		Rating    int    `json:"rating"`
		Body      string `json:"body"`
		CreatedAt string `json:"createdAt"`
		Course    struct {
			ID          string `json:"id"`
			ReviewCount int    `json:"reviewCount"`
		} `json:"course"`
		Enrollment struct {
			ID string `json:"id"`
		} `json:"enrollment"`
	} `json:"review"`
	Incentives []incIncentive `json:"incentives"`
	UserErrors []incUserError `json:"userErrors"`
}

const incLinkPayoutAccount = `mutation($input: LinkPayoutAccountInput!) { linkPayoutAccount(input: $input) {
	payoutAccount { id channel accountNumber accountName status validatedAt createdAt }
	userErrors { code message field } } }`

type incAccount struct {
	ID            string  `json:"id"`
	Channel       string  `json:"channel"`
	AccountNumber string  `json:"accountNumber"`
	AccountName   string  `json:"accountName"`
	Status        string  `json:"status"`
	ValidatedAt   *string `json:"validatedAt"`
}

type incLinkPayload struct {
	PayoutAccount *incAccount    `json:"payoutAccount"`
	UserErrors    []incUserError `json:"userErrors"`
}

const incDisburse = `mutation($input: DisburseIncentivesInput!) { disburseIncentives(input: $input) {
	paidCount failedCount batchCount userErrors { code message field } } }`

type incDisbursePayload struct {
	PaidCount   int            `json:"paidCount"`
	FailedCount int            `json:"failedCount"`
	BatchCount  int            `json:"batchCount"`
	UserErrors  []incUserError `json:"userErrors"`
}

const incCompleteSurvey = `mutation($input: CompleteSurveyInput!) { completeSurvey(input: $input) {
	incentive { ` + incIncentiveFields + ` }
	userErrors { code message field } } }`

type incSurveyPayload struct {
	Incentive  *incIncentive  `json:"incentive"`
	UserErrors []incUserError `json:"userErrors"`
}

const incRecordPlacement = `mutation($input: RecordPlacementInput!) { recordPlacement(input: $input) {
	placement { id participant { id } enrollment { id } employer position status startedOn createdAt updatedAt }
	userErrors { code message field } } }`

type incPlacementPayload struct {
	Placement *struct {
		ID          string `json:"id"`
		Participant struct {
			ID string `json:"id"`
		} `json:"participant"`
		Enrollment *struct {
			ID string `json:"id"`
		} `json:"enrollment"`
		Employer  string  `json:"employer"`
		Position  string  `json:"position"`
		Status    string  `json:"status"`
		StartedOn *string `json:"startedOn"`
	} `json:"placement"`
	UserErrors []incUserError `json:"userErrors"`
}

// incMutate runs a one-field mutation document with input, decodes the payload into out and returns
// the top-level errors (nil when there are none).
func (a *api) incMutate(doc string, input map[string]any, out any) []gqlError {
	a.t.Helper()
	resp := a.raw(doc, map[string]any{"input": input})
	if len(resp.Errors) > 0 {
		return resp.Errors
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &data); err != nil || len(data) != 1 {
		a.t.Fatalf("decode mutation data %s: %v", resp.Data, err)
	}
	for _, v := range data {
		if err := json.Unmarshal(v, out); err != nil {
			a.t.Fatalf("decode payload %s: %v", v, err)
		}
	}
	return nil
}

// incMustMutate is incMutate that fails the test on top-level errors.
func (a *api) incMustMutate(doc string, input map[string]any, out any) {
	a.t.Helper()
	if errs := a.incMutate(doc, input, out); errs != nil {
		a.t.Fatalf("mutation %v: errors %+v", input, errs)
	}
}

// incCreated is true of an audit event of a creation: it has no before (SQL NULL or JSON null).
const incCreated = "(before IS NULL OR jsonb_typeof(before) = 'null')"

// incAudits counts the audit events of an action on an entity.
func (a *api) incAudits(action, entityType string, entityID int64) int {
	a.t.Helper()
	return a.count(`SELECT count(*) FROM audit_events WHERE action = ? AND entity_type = ? AND entity_id = ?`, action, entityType, entityID)
}

// incErrCode returns the extensions.code of the first top-level error, or "".
func incErrCode(errs []gqlError) string {
	if len(errs) == 0 {
		return ""
	}
	code, _ := errs[0].Extensions["code"].(string)
	return code
}

// incCheckUserError fails unless got is exactly one user error with code about input.field.
func incCheckUserError(t *testing.T, name string, got []incUserError, code, field string) {
	t.Helper()
	want := []string{"input", field}
	if len(got) != 1 || got[0].Code != code || !slices.Equal(got[0].Field, want) || got[0].Message == "" {
		t.Errorf("%s: userErrors = %+v, want one %s on %v", name, got, code, want)
	}
}

// incFirstTraining is a participant's first training, completed and not reviewed, with no incentive
// schedule yet: reviewing it schedules the incentives.
type incFirstTraining struct {
	Participant int64  `bun:"participant_id"`
	Enrollment  int64  `bun:"id"`
	Course      int64  `bun:"course_id"`
	FullName    string `bun:"full_name"`
}

// incFirstTrainings returns up to n such trainings under scheme whose participant's payout accounts
// are as named: "validated" (one is VALIDATED), "pending" (a PENDING one, none VALIDATED),
// "inactive" (only REJECTED or REPLACED ones) or "any".
func (a *api) incFirstTrainings(scheme, accounts string, n int) []incFirstTraining {
	a.t.Helper()
	cond := map[string]string{
		"any":       "true",
		"validated": "EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = e.participant_id AND pa.status = 'VALIDATED')",
		"pending": "EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = e.participant_id AND pa.status = 'PENDING') " +
			"AND NOT EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = e.participant_id AND pa.status = 'VALIDATED')",
		"inactive": "EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = e.participant_id) " +
			"AND NOT EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = e.participant_id AND pa.status IN ('VALIDATED', 'PENDING'))",
	}[accounts]
	var rows []incFirstTraining
	err := a.db.NewRaw(`SELECT e.participant_id, e.id, e.course_id, p.full_name FROM enrollments e
		JOIN participants p ON p.id = e.participant_id JOIN waves w ON w.id = p.wave_id
		WHERE e.status = 'COMPLETED' AND w.scheme_code = ?
		  AND e.id = (SELECT e2.id FROM enrollments e2 WHERE e2.participant_id = e.participant_id AND e2.status <> 'REFUNDED'
		              ORDER BY e2.purchased_at, e2.id LIMIT 1)
		  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.enrollment_id = e.id)
		  AND NOT EXISTS (SELECT 1 FROM incentive_schedules s WHERE s.participant_id = e.participant_id)
		  AND `+cond+` ORDER BY e.id LIMIT ?`, scheme, n).Scan(t0, &rows)
	if err != nil {
		a.t.Fatalf("find first trainings: %v", err)
	}
	if len(rows) < n {
		a.t.Fatalf("the seed has %d unreviewed first trainings under %s with %s accounts, want %d", len(rows), scheme, accounts, n)
	}
	return rows
}

// incReview reviews f as its participant and fails the test unless it succeeds.
func (a *api) incReview(f incFirstTraining) incReviewPayload {
	a.t.Helper()
	var got incReviewPayload
	a.as(db.RoleParticipant, gid(db.TypeParticipant, f.Participant)).incMustMutate(incSubmitReview,
		map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 4, "comment": "Bermanfaat."}, &got)
	if len(got.UserErrors) > 0 || got.Review == nil {
		a.t.Fatalf("review of enrollment %d: %+v", f.Enrollment, got)
	}
	return got
}

// incDay returns the day (WIB) of an RFC 3339 instant.
func incDay(t *testing.T, instant string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, instant)
	if err != nil {
		t.Fatalf("parse time %q: %v", instant, err)
	}
	y, m, d := at.In(db.Jakarta).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// incAddMonths adds n months to a day, clamping to the month's last day.
func incAddMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	day := min(d.Day(), first.AddDate(0, 1, -1).Day())
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// incCheckSchedule checks the incentives a first review scheduled: installments × 600,000 monthly
// from the day after the review, and surveys × 50,000 PENDING 30, 60, 90 days after the first
// installment's due day.
func incCheckSchedule(t *testing.T, got incReviewPayload, installments, surveys int) {
	t.Helper()
	firstDue := incDay(t, got.Review.CreatedAt).AddDate(0, 0, 1)
	var want []string
	for s := 1; s <= installments; s++ {
		want = append(want, fmt.Sprintf("TRAINING %d 600000 %s SCHEDULED", s, incAddMonths(firstDue, s-1).Format(time.DateOnly)))
	}
	for j := 1; j <= surveys; j++ {
		want = append(want, fmt.Sprintf("SURVEY %d 50000 %s PENDING", j, firstDue.AddDate(0, 0, 30*j).Format(time.DateOnly)))
	}
	var have []string
	for _, i := range got.Incentives {
		have = append(have, fmt.Sprintf("%s %d %d %s %s", i.Kind, i.Sequence, i.Amount, i.DueOn, i.Status))
		if i.PaidAt != nil || i.Channel != nil || len(i.Payments) > 0 {
			t.Errorf("new incentive %s = %+v, want unpaid with no payments", i.ID, i)
		}
	}
	if !slices.Equal(have, want) {
		t.Errorf("scheduled incentives =\n  %s\nwant\n  %s", strings.Join(have, "\n  "), strings.Join(want, "\n  "))
	}
}

// incDelta returns the tables whose row counts changed between before and after, with the change.
func incDelta(before, after map[string]int) map[string]int {
	d := map[string]int{}
	for table, n := range after {
		if n != before[table] {
			d[table] = n - before[table]
		}
	}
	return d
}

func TestSubmitReview(t *testing.T) {
	a := mustAPI(t)
	semi := a.incFirstTrainings("SEMI_BANSOS", "any", 3)
	normal := a.incFirstTrainings("NORMAL", "any", 1)[0]

	t.Run("OK_SemiBansosFirstTrainingSchedulesIncentives", func(t *testing.T) {
		f := semi[0]
		before := a.rowCounts()
		var courseBefore [2]int64 // review_count, rating_sum
		if err := a.db.NewRaw(`SELECT review_count, rating_sum FROM courses WHERE id = ?`, f.Course).Scan(t0, &courseBefore[0], &courseBefore[1]); err != nil {
			t.Fatal(err)
		}
		me := gid(db.TypeParticipant, f.Participant)
		var got incReviewPayload
		a.as(db.RoleParticipant, me).incMustMutate(incSubmitReview,
			map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 5, "comment": "  Materinya jelas dan praktis.  "}, &got)
		if len(got.UserErrors) != 0 || got.Review == nil {
			t.Fatalf("submitReview = %+v, want a review", got)
		}
		if got.Review.Rating != 5 || got.Review.Body != "Materinya jelas dan praktis." || got.Review.Enrollment.ID != gid(db.TypeEnrollment, f.Enrollment) {
			t.Errorf("review = %+v, want rating 5 on enrollment %d with the trimmed comment", got.Review, f.Enrollment)
		}
		if got.Review.Course.ReviewCount != int(courseBefore[0])+1 {
			t.Errorf("course reviewCount = %d, want %d", got.Review.Course.ReviewCount, courseBefore[0]+1)
		}
		if sum := a.ids(`SELECT rating_sum FROM courses WHERE id = ?`, f.Course)[0]; sum != courseBefore[1]+5 {
			t.Errorf("course rating_sum = %d, want %d", sum, courseBefore[1]+5)
		}
		incCheckSchedule(t, got, 4, 3)
		if d := incDelta(before, a.rowCounts()); d["reviews"] != 1 || d["incentive_schedules"] != 1 || d["incentives"] != 7 || d["audit_events"] != 8 || len(d) != 4 {
			t.Errorf("row changes = %v, want 1 review, 1 schedule, 7 incentives, 8 audit events", d)
		}
		rid := key(t, got.Review.ID, db.TypeReview)
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'submitReview' AND entity_type = 'Review' AND entity_id = ?
			AND actor_role = 'PARTICIPANT' AND actor_subject = ? AND `+incCreated+` AND (after->>'rating')::int = 5
			AND jsonb_array_length(after->'incentive_schedule'->'incentive_ids') = 7`, rid, me); n != 1 {
			t.Errorf("audit events of the review = %d, want 1 with the rating and the 7 incentives", n)
		}
		if n := a.count(`SELECT count(*) FROM incentives i JOIN participants p ON p.id = i.participant_id
			JOIN incentive_schedules s ON s.id = i.schedule_id
			WHERE i.participant_id = ? AND i.wave_id = p.wave_id AND i.province_code = p.province_code
			  AND s.enrollment_id = ? AND s.scheme_code = 'SEMI_BANSOS'`, f.Participant, f.Enrollment); n != 7 {
			t.Errorf("incentives with the participant's wave, province and schedule = %d, want 7", n)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = ? AND balance_expires_at IS NULL`, f.Participant); n != 1 {
			t.Errorf("semi-bansos participant's balance got a deadline")
		}
	})

	t.Run("OK_NormalFirstTrainingSetsBalanceDeadline", func(t *testing.T) {
		got := a.incReview(normal)
		incCheckSchedule(t, got, 1, 2)
		// The remaining balance expires 15 days (remaining_balance_days) after the review.
		if n := a.count(`SELECT count(*) FROM participants p JOIN reviews r ON r.participant_id = p.id
			WHERE p.id = ? AND r.enrollment_id = ? AND p.balance_expires_at = r.created_at + interval '15 days'`, normal.Participant, normal.Enrollment); n != 1 {
			t.Errorf("balance_expires_at is not the review time + 15 days")
		}
		var expires struct {
			Participant struct {
				BalanceExpiresAt *string `json:"balanceExpiresAt"`
			} `json:"participant"`
		}
		a.query(`query($id: ID!) { participant(id: $id) { balanceExpiresAt } }`, map[string]any{"id": gid(db.TypeParticipant, normal.Participant)}, &expires)
		if e := expires.Participant.BalanceExpiresAt; e == nil || incDay(t, *e) != incDay(t, got.Review.CreatedAt).AddDate(0, 0, 15) {
			t.Errorf("balanceExpiresAt = %v, want 15 days after %s", e, got.Review.CreatedAt)
		}
	})

	t.Run("OK_SecondTrainingSchedulesNothing", func(t *testing.T) {
		var second struct {
			Participant int64 `bun:"participant_id"`
			Enrollment  int64 `bun:"id"`
		}
		if err := a.db.NewRaw(`SELECT e.participant_id, e.id FROM enrollments e JOIN incentive_schedules s ON s.participant_id = e.participant_id
			WHERE e.status = 'COMPLETED' AND e.id <> s.enrollment_id AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.enrollment_id = e.id)
			ORDER BY e.id LIMIT 1`).Scan(t0, &second); err != nil {
			t.Fatalf("find a second training: %v", err)
		}
		before := a.rowCounts()
		var got incReviewPayload
		a.as(db.RoleParticipant, gid(db.TypeParticipant, second.Participant)).incMustMutate(incSubmitReview,
			map[string]any{"enrollmentId": gid(db.TypeEnrollment, second.Enrollment), "rating": 2, "comment": ""}, &got)
		if got.Review == nil || len(got.UserErrors) != 0 || len(got.Incentives) != 0 {
			t.Fatalf("review of a second training = %+v, want a review and no incentives", got)
		}
		if d := incDelta(before, a.rowCounts()); d["reviews"] != 1 || d["audit_events"] != 1 || len(d) != 2 {
			t.Errorf("row changes = %v, want 1 review and 1 audit event", d)
		}
	})

	// The first training of semi[1] is reviewed by the error cases below only after they ran.
	f := semi[1]
	me := a.as(db.RoleParticipant, gid(db.TypeParticipant, f.Participant))
	var notDone, reviewed struct {
		Participant int64 `bun:"participant_id"`
		Enrollment  int64 `bun:"id"`
	}
	if err := a.db.NewRaw(`SELECT participant_id, id FROM enrollments WHERE status IN ('PAID', 'IN_PROGRESS', 'NOT_COMPLETED') ORDER BY id LIMIT 1`).Scan(t0, &notDone); err != nil {
		t.Fatal(err)
	}
	if err := a.db.NewRaw(`SELECT participant_id, enrollment_id AS id FROM reviews ORDER BY id LIMIT 1`).Scan(t0, &reviewed); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrInput", func(t *testing.T) {
		long := strings.Repeat("é", db.MaxReviewComment+1)
		for _, tc := range []struct {
			name        string
			participant int64
			input       map[string]any
			code, field string
		}{
			{"RatingZero", f.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 0, "comment": "x"}, "INVALID_RATING", "rating"},
			{"RatingSix", f.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 6, "comment": "x"}, "INVALID_RATING", "rating"},
			{"CommentTooLong", f.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 3, "comment": long}, "INVALID_INPUT", "comment"},
			{"NotCompleted", notDone.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, notDone.Enrollment), "rating": 3, "comment": "x"}, "NOT_COMPLETED", "enrollmentId"},
			{"AlreadyReviewed", reviewed.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, reviewed.Enrollment), "rating": 3, "comment": "x"}, "ALREADY_REVIEWED", "enrollmentId"},
			{"WrongIDType", f.Participant, map[string]any{"enrollmentId": gid(db.TypeCourse, f.Course), "rating": 3, "comment": "x"}, "INVALID_ID", "enrollmentId"},
			{"NoSuchEnrollment", f.Participant, map[string]any{"enrollmentId": gid(db.TypeEnrollment, 987654321), "rating": 3, "comment": "x"}, "NOT_FOUND", "enrollmentId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				var got incReviewPayload
				a.as(db.RoleParticipant, gid(db.TypeParticipant, tc.participant)).incMustMutate(incSubmitReview, tc.input, &got)
				incCheckUserError(t, tc.name, got.UserErrors, tc.code, tc.field)
				if got.Review != nil || len(got.Incentives) != 0 {
					t.Errorf("refused review returned %+v", got)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("ErrAuthorization", func(t *testing.T) {
		var provider int64
		if err := a.db.NewRaw(`SELECT provider_id FROM enrollments WHERE id = ?`, f.Enrollment).Scan(t0, &provider); err != nil {
			t.Fatal(err)
		}
		input := map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 5, "comment": "x"}
		for _, tc := range []struct {
			name    string
			role    db.Role
			subject string
			code    string
		}{
			{"OtherParticipant", db.RoleParticipant, gid(db.TypeParticipant, semi[2].Participant), "FORBIDDEN"},
			{"Admin", db.RoleAdmin, "pmo-admin", "FORBIDDEN"},
			{"ProviderOfTheCourse", db.RoleProvider, gid(db.TypeProvider, provider), "FORBIDDEN"},
			{"Analyst", db.RoleAnalyst, "analyst-1", "FORBIDDEN"},
			{"Anonymous", "", "", "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				var got incReviewPayload
				if code := incErrCode(a.as(tc.role, tc.subject).incMutate(incSubmitReview, input, &got)); code != tc.code {
					t.Errorf("submitReview as %s: error code %q, want %q", tc.name, code, tc.code)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("OK_OwnerAfterRefusals", func(t *testing.T) {
		var got incReviewPayload
		me.incMustMutate(incSubmitReview, map[string]any{"enrollmentId": gid(db.TypeEnrollment, f.Enrollment), "rating": 3, "comment": "Cukup."}, &got)
		if got.Review == nil || len(got.Incentives) != 7 {
			t.Fatalf("owner's review = %+v, want a review and 7 incentives", got)
		}
	})

	t.Run("ConcurrentReviewsOfOneTrainingOnce", func(t *testing.T) {
		g := semi[2]
		c := a.as(db.RoleParticipant, gid(db.TypeParticipant, g.Participant))
		before := a.rowCounts()
		const n = 8
		results := make([]incReviewPayload, n)
		errs := make([][]gqlError, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = c.incMutate(incSubmitReview, map[string]any{"enrollmentId": gid(db.TypeEnrollment, g.Enrollment), "rating": 1 + i%5, "comment": "x"}, &results[i])
			}()
		}
		wg.Wait()
		ok, refused := 0, 0
		for i, r := range results {
			switch {
			case errs[i] != nil:
				t.Errorf("concurrent review %d: errors %+v", i, errs[i])
			case r.Review != nil && len(r.Incentives) == 7:
				ok++
			case len(r.UserErrors) == 1 && r.UserErrors[0].Code == "ALREADY_REVIEWED":
				refused++
			default:
				t.Errorf("concurrent review %d = %+v", i, r)
			}
		}
		if ok != 1 || refused != n-1 {
			t.Errorf("concurrent reviews: %d succeeded and %d were ALREADY_REVIEWED, want 1 and %d", ok, refused, n-1)
		}
		if d := incDelta(before, a.rowCounts()); d["reviews"] != 1 || d["incentive_schedules"] != 1 || d["incentives"] != 7 {
			t.Errorf("row changes = %v, want 1 review, 1 schedule, 7 incentives", d)
		}
	})
}

func TestLinkPayoutAccount(t *testing.T) {
	a := mustAPI(t)
	// A participant with a validated account, and two others.
	var owner struct {
		Participant int64  `bun:"participant_id"`
		Account     int64  `bun:"id"`
		FullName    string `bun:"full_name"`
	}
	if err := a.db.NewRaw(`SELECT pa.participant_id, pa.id, p.full_name FROM payout_accounts pa JOIN participants p ON p.id = pa.participant_id
		WHERE pa.status = 'VALIDATED' AND p.full_name LIKE '% %' ORDER BY pa.id LIMIT 1`).Scan(t0, &owner); err != nil {
		t.Fatal(err)
	}
	me := gid(db.TypeParticipant, owner.Participant)
	c := a.as(db.RoleParticipant, me)
	link := func(c *api, input map[string]any) incLinkPayload {
		t.Helper()
		var got incLinkPayload
		c.incMustMutate(incLinkPayoutAccount, input, &got)
		return got
	}
	// The holder's name as a bank may spell it: upper case, with extra spaces.
	shouted := "  " + strings.ToUpper(strings.ReplaceAll(owner.FullName, " ", "   ")) + " "
	var first string

	t.Run("OK_ReplacesTheValidatedAccount", func(t *testing.T) {
		before := a.rowCounts()
		got := link(c, map[string]any{"participantId": me, "channel": "BCA", "accountNumber": "5550001234", "holderName": shouted})
		if got.PayoutAccount == nil || len(got.UserErrors) != 0 {
			t.Fatalf("linkPayoutAccount = %+v, want an account", got)
		}
		pa := got.PayoutAccount
		first = pa.ID
		if pa.Status != "VALIDATED" || pa.ValidatedAt == nil || pa.Channel != "BCA" || pa.AccountNumber != "5550001234" {
			t.Errorf("account = %+v, want a VALIDATED BCA 5550001234 in clear", pa)
		}
		id := key(t, pa.ID, db.TypePayoutAccount)
		if n := a.count(`SELECT count(*) FROM payout_accounts WHERE id = ? AND status = 'REPLACED' AND validated_at IS NULL`, owner.Account); n != 1 {
			t.Errorf("previous validated account %d is not REPLACED", owner.Account)
		}
		if n := a.count(`SELECT count(*) FROM payout_accounts WHERE participant_id = ? AND status = 'VALIDATED'`, owner.Participant); n != 1 {
			t.Errorf("validated accounts = %d, want 1", n)
		}
		if d := incDelta(before, a.rowCounts()); d["payout_accounts"] != 1 || d["audit_events"] != 2 || len(d) != 2 {
			t.Errorf("row changes = %v, want 1 account and 2 audit events", d)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'linkPayoutAccount' AND entity_type = 'PayoutAccount'
			AND entity_id = ? AND `+incCreated+` AND after->>'status' = 'VALIDATED' AND actor_subject = ?`, id, me); n != 1 {
			t.Errorf("audit events of the new account = %d, want 1", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'linkPayoutAccount' AND entity_type = 'PayoutAccount'
			AND entity_id = ? AND before->>'status' = 'VALIDATED' AND after->>'status' = 'REPLACED'`, owner.Account); n != 1 {
			t.Errorf("audit events of the replaced account = %d, want 1", n)
		}
	})

	t.Run("OK_SameAccountAgainIsIdempotent", func(t *testing.T) {
		before := a.rowCounts()
		got := link(c, map[string]any{"participantId": me, "channel": "BCA", "accountNumber": "5550001234", "holderName": owner.FullName})
		if got.PayoutAccount == nil || got.PayoutAccount.ID != first || got.PayoutAccount.Status != "VALIDATED" {
			t.Fatalf("relink = %+v, want the same account %s", got, first)
		}
		a.mustBeUnchanged(before)
	})

	t.Run("OK_ReplacedAccountIsValidatedAgain", func(t *testing.T) {
		var old struct {
			Channel string `bun:"channel"`
			Number  string `bun:"account_number"`
		}
		if err := a.db.NewRaw(`SELECT channel, account_number FROM payout_accounts WHERE id = ?`, owner.Account).Scan(t0, &old); err != nil {
			t.Fatal(err)
		}
		before := a.rowCounts()
		got := link(a, map[string]any{"participantId": me, "channel": old.Channel, "accountNumber": old.Number, "holderName": owner.FullName})
		if got.PayoutAccount == nil || got.PayoutAccount.ID != gid(db.TypePayoutAccount, owner.Account) || got.PayoutAccount.Status != "VALIDATED" {
			t.Fatalf("admin relinks the replaced account = %+v, want account %d VALIDATED", got, owner.Account)
		}
		if n := a.count(`SELECT count(*) FROM payout_accounts WHERE id = ? AND status = 'REPLACED'`, key(t, first, db.TypePayoutAccount)); n != 1 {
			t.Errorf("the BCA account is not REPLACED")
		}
		if d := incDelta(before, a.rowCounts()); d["audit_events"] != 2 || len(d) != 1 {
			t.Errorf("row changes = %v, want 2 audit events only", d)
		}
	})

	var other struct {
		Participant int64  `bun:"id"`
		FullName    string `bun:"full_name"`
	}
	if err := a.db.NewRaw(`SELECT p.id, p.full_name FROM participants p WHERE p.id <> ?
		AND NOT EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = p.id AND pa.status = 'VALIDATED') ORDER BY p.id LIMIT 1`, owner.Participant).Scan(t0, &other); err != nil {
		t.Fatal(err)
	}
	otherID := gid(db.TypeParticipant, other.Participant)

	t.Run("ErrInput", func(t *testing.T) {
		valid := func(change map[string]any) map[string]any {
			in := map[string]any{"participantId": otherID, "channel": "OVO", "accountNumber": "081234567890", "holderName": other.FullName}
			for k, v := range change {
				in[k] = v
			}
			return in
		}
		for _, tc := range []struct {
			name        string
			input       map[string]any
			code, field string
		}{
			{"SevenDigits", valid(map[string]any{"accountNumber": "1234567"}), "INVALID_ACCOUNT", "accountNumber"},
			{"SeventeenDigits", valid(map[string]any{"accountNumber": "12345678901234567"}), "INVALID_ACCOUNT", "accountNumber"},
			{"Letters", valid(map[string]any{"accountNumber": "12345abc90"}), "INVALID_ACCOUNT", "accountNumber"},
			{"Dashes", valid(map[string]any{"accountNumber": "123-456-7890"}), "INVALID_ACCOUNT", "accountNumber"},
			{"NameMismatch", valid(map[string]any{"holderName": other.FullName + " Bin Fulan"}), "ACCOUNT_NAME_MISMATCH", "holderName"},
			{"AnotherPersonsName", valid(map[string]any{"holderName": owner.FullName}), "ACCOUNT_NAME_MISMATCH", "holderName"},
			{"BlankName", valid(map[string]any{"holderName": "   "}), "INVALID_INPUT", "holderName"},
			{"WrongIDType", valid(map[string]any{"participantId": gid(db.TypeEnrollment, 1)}), "INVALID_ID", "participantId"},
			{"NoSuchParticipant", valid(map[string]any{"participantId": gid(db.TypeParticipant, 987654321)}), "NOT_FOUND", "participantId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				got := link(a, tc.input)
				incCheckUserError(t, tc.name, got.UserErrors, tc.code, tc.field)
				if got.PayoutAccount != nil {
					t.Errorf("refused link returned %+v", got.PayoutAccount)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("ErrAuthorization", func(t *testing.T) {
		input := map[string]any{"participantId": otherID, "channel": "OVO", "accountNumber": "081234567890", "holderName": other.FullName}
		for _, tc := range []struct {
			name    string
			role    db.Role
			subject string
			code    string
		}{
			{"OtherParticipant", db.RoleParticipant, me, "FORBIDDEN"},
			{"Provider", db.RoleProvider, gid(db.TypeProvider, 1), "FORBIDDEN"},
			{"Platform", db.RolePlatform, gid(db.TypePlatform, 1), "FORBIDDEN"},
			{"Analyst", db.RoleAnalyst, "analyst-1", "FORBIDDEN"},
			{"Anonymous", "", "", "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				var got incLinkPayload
				if code := incErrCode(a.as(tc.role, tc.subject).incMutate(incLinkPayoutAccount, input, &got)); code != tc.code {
					t.Errorf("linkPayoutAccount as %s: error code %q, want %q", tc.name, code, tc.code)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("OK_ConcurrentLinksLeaveOneValidated", func(t *testing.T) {
		oc := a.as(db.RoleParticipant, otherID)
		const n = 6
		results := make([]incLinkPayload, n)
		errs := make([][]gqlError, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = oc.incMutate(incLinkPayoutAccount, map[string]any{"participantId": otherID, "channel": "DANA",
					"accountNumber": fmt.Sprintf("08570000%04d", i), "holderName": strings.ToLower(other.FullName)}, &results[i])
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || results[i].PayoutAccount == nil || results[i].PayoutAccount.Status != "VALIDATED" {
				t.Errorf("concurrent link %d = %+v %+v, want a VALIDATED account", i, results[i], errs[i])
			}
		}
		if got := a.count(`SELECT count(*) FROM payout_accounts WHERE participant_id = ? AND status = 'VALIDATED'`, other.Participant); got != 1 {
			t.Errorf("validated accounts after %d concurrent links = %d, want 1", n, got)
		}
		if got := a.count(`SELECT count(*) FROM payout_accounts WHERE participant_id = ? AND channel = 'DANA' AND status = 'REPLACED'`, other.Participant); got != n-1 {
			t.Errorf("replaced DANA accounts = %d, want %d", got, n-1)
		}
	})
}

// incDisburseRun runs disburseIncentives as ADMIN and fails the test unless it succeeds.
func (a *api) incDisburseRun(dueBy time.Time, batchSize int) incDisbursePayload {
	a.t.Helper()
	var got incDisbursePayload
	a.incMustMutate(incDisburse, map[string]any{"dueBy": dueBy.Format(time.DateOnly), "batchSize": batchSize}, &got)
	if len(got.UserErrors) != 0 {
		a.t.Fatalf("disburseIncentives: %+v", got.UserErrors)
	}
	return got
}

// incIncentivesOf returns a participant's incentives of a kind, in sequence order, as the participant
// reads them.
func (a *api) incIncentivesOf(participant int64, kind string) []incIncentive {
	a.t.Helper()
	var got struct {
		Participant struct {
			Incentives struct {
				Nodes []incIncentive `json:"nodes"`
			} `json:"incentives"`
		} `json:"participant"`
	}
	id := gid(db.TypeParticipant, participant)
	a.as(db.RoleParticipant, id).query(`query($id: ID!, $kind: [IncentiveKind!]) { participant(id: $id) {
		incentives(first: 20, filter: {kind: $kind}) { nodes { `+incIncentiveFields+` } } } }`,
		map[string]any{"id": id, "kind": []string{kind}}, &got)
	nodes := got.Participant.Incentives.Nodes
	slices.SortFunc(nodes, func(x, y incIncentive) int { return x.Sequence - y.Sequence })
	return nodes
}

// incToday is the current day in WIB.
func incToday() time.Time {
	y, m, d := time.Now().In(db.Jakarta).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestDisburseIncentives(t *testing.T) {
	a := mustAPI(t)

	t.Run("ErrInput", func(t *testing.T) {
		for _, size := range []int{0, -1, db.MaxDisburseBatch + 1} {
			t.Run(fmt.Sprint("BatchSize", size), func(t *testing.T) {
				before := a.rowCounts()
				var got incDisbursePayload
				a.incMustMutate(incDisburse, map[string]any{"dueBy": incToday().Format(time.DateOnly), "batchSize": size}, &got)
				incCheckUserError(t, fmt.Sprint("batchSize ", size), got.UserErrors, "INVALID_INPUT", "batchSize")
				if got.PaidCount != 0 || got.FailedCount != 0 || got.BatchCount != 0 {
					t.Errorf("refused run = %+v, want zero counts", got)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("ErrAuthorization", func(t *testing.T) {
		// Something a disbursement would pay, whatever the seed's clock left scheduled: a reviewed
		// first training schedules its installments.
		f := a.incFirstTrainings("SEMI_BANSOS", "validated", 1)[0]
		a.incReview(f)
		participant := f.Participant
		if n := a.count(`SELECT count(*) FROM incentives WHERE status IN ('SCHEDULED', 'FAILED') AND participant_id = ?`, participant); n == 0 {
			t.Fatalf("participant %d has no payable installment after a review; the refusals below would prove nothing", participant)
		}
		for _, tc := range []struct {
			name    string
			role    db.Role
			subject string
			code    string
		}{
			{"Participant", db.RoleParticipant, gid(db.TypeParticipant, participant), "FORBIDDEN"},
			{"Analyst", db.RoleAnalyst, "analyst-1", "FORBIDDEN"},
			{"Provider", db.RoleProvider, gid(db.TypeProvider, 1), "FORBIDDEN"},
			{"Anonymous", "", "", "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				var got incDisbursePayload
				errs := a.as(tc.role, tc.subject).incMutate(incDisburse, map[string]any{"dueBy": incToday().AddDate(1, 0, 0).Format(time.DateOnly)}, &got)
				if code := incErrCode(errs); code != tc.code {
					t.Errorf("disburseIncentives as %s: error code %q, want %q", tc.name, code, tc.code)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("OK_OverlappingRunsPayEachInstallmentOnce", func(t *testing.T) {
		// Many due installments: 40 first trainings of participants with a validated account are
		// reviewed (4 installments each), and 4 of participants whose account is still pending.
		paying := a.incFirstTrainings("SEMI_BANSOS", "validated", 40)
		pending := a.incFirstTrainings("SEMI_BANSOS", "pending", 4)
		for _, f := range append(slices.Clone(paying), pending...) {
			a.incReview(f)
		}
		dueBy := incToday().AddDate(0, 5, 0) // every installment of the new schedules, surveys aside
		payableBefore := a.count(`SELECT count(*) FROM incentives WHERE status IN ('SCHEDULED', 'FAILED') AND due_on <= ?::date`, dueBy.Format(time.DateOnly))
		paidBefore := a.count(`SELECT count(*) FROM incentives WHERE status = 'PAID'`)
		failedPaymentsBefore := a.count(`SELECT count(*) FROM payments WHERE status = 'FAILED'`)
		auditsBefore := a.count(`SELECT count(*) FROM audit_events WHERE action = 'disburseIncentives'`)
		if payableBefore < 44*4 {
			t.Fatalf("payable installments = %d, want at least %d", payableBefore, 44*4)
		}

		var runs [2]incDisbursePayload
		var errs [2][]gqlError
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = a.incMutate(incDisburse, map[string]any{"dueBy": dueBy.Format(time.DateOnly), "batchSize": 7}, &runs[i])
			}()
		}
		close(start)
		wg.Wait()
		for i := range runs {
			if errs[i] != nil || len(runs[i].UserErrors) != 0 {
				t.Fatalf("run %d: %+v %+v", i+1, errs[i], runs[i])
			}
			if runs[i].BatchCount < (runs[i].PaidCount+runs[i].FailedCount+6)/7 {
				t.Errorf("run %d = %+v: fewer batches than 7-incentive batches can hold", i+1, runs[i])
			}
		}
		t.Logf("runs: %+v", runs)

		becamePaid := a.count(`SELECT count(*) FROM incentives WHERE status = 'PAID'`) - paidBefore
		if got := runs[0].PaidCount + runs[1].PaidCount; got != becamePaid {
			t.Errorf("paidCount %d + %d = %d, want the %d incentives that became PAID", runs[0].PaidCount, runs[1].PaidCount, got, becamePaid)
		}
		if got, want := runs[0].FailedCount+runs[1].FailedCount, a.count(`SELECT count(*) FROM payments WHERE status = 'FAILED'`)-failedPaymentsBefore; got != want {
			t.Errorf("failedCount sum = %d, want the %d failed payments the runs made", got, want)
		}
		if n := a.count(`SELECT count(*) FROM (SELECT incentive_id FROM payments WHERE status = 'PAID' GROUP BY incentive_id HAVING count(*) > 1) x`); n != 0 {
			t.Errorf("%d incentives have more than one PAID payment", n)
		}
		if n := a.count(`SELECT count(*) FROM incentives i WHERE i.status = 'PAID'
			AND (SELECT count(*) FROM payments pm WHERE pm.incentive_id = i.id AND pm.status = 'PAID') <> 1`); n != 0 {
			t.Errorf("%d PAID incentives do not have exactly one PAID payment", n)
		}
		if n := a.count(`SELECT count(*) FROM incentives WHERE status IN ('SCHEDULED') AND due_on <= ?::date`, dueBy.Format(time.DateOnly)); n != 0 {
			t.Errorf("%d due installments are still SCHEDULED after the runs", n)
		}
		if got, want := a.count(`SELECT count(*) FROM audit_events WHERE action = 'disburseIncentives' AND entity_type = 'Disbursement'`)-auditsBefore, runs[0].BatchCount+runs[1].BatchCount; got != want {
			t.Errorf("disbursement audit events = %d, want one per batch, %d", got, want)
		}

		// Every installment of a validated account is paid to that account, once.
		for _, f := range paying {
			got := a.incIncentivesOf(f.Participant, "TRAINING")
			var acct struct {
				ID      int64  `bun:"id"`
				Channel string `bun:"channel"`
				Number  string `bun:"account_number"`
			}
			if err := a.db.NewRaw(`SELECT id, channel, account_number FROM payout_accounts WHERE participant_id = ? AND status = 'VALIDATED'`, f.Participant).Scan(t0, &acct); err != nil {
				t.Fatal(err)
			}
			if len(got) != 4 {
				t.Fatalf("participant %d has %d installments, want 4", f.Participant, len(got))
			}
			for _, i := range got {
				paid := 0
				for _, p := range i.Payments {
					if p.Status == "PAID" {
						paid++
						if p.Channel != acct.Channel || p.AccountNumber != acct.Number || p.Amount != 600000 ||
							p.IdempotencyKey != fmt.Sprintf("inc-%d-%d", key(t, i.ID, db.TypeIncentive), p.Attempt) {
							t.Errorf("payment of %s = %+v, want 600000 to %s %s with key inc-<id>-<attempt>", i.ID, p, acct.Channel, acct.Number)
						}
					}
				}
				if i.Status != "PAID" || i.PaidAt == nil || i.Channel == nil || *i.Channel != acct.Channel || paid != 1 {
					t.Errorf("installment %s = %+v, want PAID once to %s", i.ID, i, acct.Channel)
				}
			}
			if n := a.count(`SELECT count(*) FROM incentives WHERE participant_id = ? AND kind = 'TRAINING' AND payout_account_id = ?`, f.Participant, acct.ID); n != 4 {
				t.Errorf("installments of participant %d paid to account %d = %d, want 4", f.Participant, acct.ID, n)
			}
		}
		// Those of a pending account failed: each run tried each at most once.
		for _, f := range pending {
			for _, i := range a.incIncentivesOf(f.Participant, "TRAINING") {
				if i.Status != "FAILED" || len(i.Payments) < 1 || len(i.Payments) > 2 {
					t.Errorf("installment %s of a pending account = %+v, want FAILED after one or two attempts", i.ID, i)
				}
				for _, p := range i.Payments {
					if p.Status != "FAILED" || p.FailureCode == nil || *p.FailureCode != "NOT_KYC" {
						t.Errorf("payment of %s = %+v, want FAILED NOT_KYC", i.ID, p)
					}
				}
			}
		}

		// A later run finds nothing left to pay, and retries each failure once.
		again := a.incDisburseRun(dueBy, 7)
		failedNow := a.count(`SELECT count(*) FROM incentives WHERE status = 'FAILED' AND due_on <= ?::date`, dueBy.Format(time.DateOnly))
		if again.PaidCount != 0 || again.FailedCount != failedNow {
			t.Errorf("third run = %+v, want 0 paid and the %d failed incentives retried once", again, failedNow)
		}
	})

	t.Run("OK_FailedPaymentIsPaidByALaterRunAfterLinking", func(t *testing.T) {
		f := a.incFirstTrainings("SEMI_BANSOS", "pending", 1)[0]
		inactive := a.incFirstTrainings("SEMI_BANSOS", "inactive", 1)[0]
		none := a.incFirstTrainings("NORMAL", "validated", 1)[0]
		// A participant who never linked an account (theirs had no payments yet).
		if _, err := a.db.NewRaw(`DELETE FROM payout_accounts WHERE participant_id = ?`, none.Participant).Exec(t0); err != nil {
			t.Fatal(err)
		}
		review := a.incReview(f)
		a.incReview(inactive)
		a.incReview(none)
		firstDue := incDay(t, review.Review.CreatedAt).AddDate(0, 0, 1)

		run := a.incDisburseRun(firstDue, 2)
		if run.FailedCount < 3 {
			t.Errorf("run = %+v, want at least the 3 installments without a validated account failed", run)
		}
		got := a.incIncentivesOf(f.Participant, "TRAINING")
		if i := got[0]; i.Status != "FAILED" || len(i.Payments) != 1 || i.Payments[0].Status != "FAILED" || i.Payments[0].Attempt != 1 ||
			i.Payments[0].FailureCode == nil || *i.Payments[0].FailureCode != "NOT_KYC" {
			t.Fatalf("installment 1 to a pending account = %+v, want FAILED after one NOT_KYC attempt", i)
		}
		if n := a.count(`SELECT count(*) FROM payments pm JOIN payout_accounts pa ON pa.account_number = pm.account_number AND pa.channel = pm.channel
			WHERE pm.incentive_id = ? AND pa.participant_id = ? AND pa.status = 'PENDING'`, key(t, got[0].ID, db.TypeIncentive), f.Participant); n != 1 {
			t.Errorf("the failed attempt does not snapshot the pending account")
		}
		for _, i := range got[1:] {
			if i.Status != "SCHEDULED" || len(i.Payments) != 0 {
				t.Errorf("installment %d, not yet due = %+v, want SCHEDULED", i.Sequence, i)
			}
		}
		if i := a.incIncentivesOf(inactive.Participant, "TRAINING")[0]; i.Status != "FAILED" || len(i.Payments) != 1 ||
			i.Payments[0].FailureCode == nil || *i.Payments[0].FailureCode != "ACCOUNT_INACTIVE" {
			t.Errorf("installment to a rejected or replaced account = %+v, want FAILED ACCOUNT_INACTIVE", i)
		}
		if i := a.incIncentivesOf(none.Participant, "TRAINING")[0]; i.Status != "FAILED" || len(i.Payments) != 0 {
			t.Errorf("installment of a participant with no account = %+v, want FAILED with no payment to snapshot", i)
		}

		// The participant links a validated account; the next run pays the installment.
		var linked incLinkPayload
		a.as(db.RoleParticipant, gid(db.TypeParticipant, f.Participant)).incMustMutate(incLinkPayoutAccount, map[string]any{
			"participantId": gid(db.TypeParticipant, f.Participant), "channel": "BNI", "accountNumber": "0099887766", "holderName": f.FullName}, &linked)
		if linked.PayoutAccount == nil || linked.PayoutAccount.Status != "VALIDATED" {
			t.Fatalf("linkPayoutAccount = %+v", linked)
		}
		run = a.incDisburseRun(firstDue, 2)
		if run.PaidCount < 1 {
			t.Errorf("run after linking = %+v, want the installment paid", run)
		}
		i := a.incIncentivesOf(f.Participant, "TRAINING")[0]
		if i.Status != "PAID" || i.Channel == nil || *i.Channel != "BNI" || len(i.Payments) != 2 {
			t.Fatalf("installment 1 after linking = %+v, want PAID to BNI after 2 attempts", i)
		}
		if p := i.Payments[1]; p.Attempt != 2 || p.Status != "PAID" || p.AccountNumber != "0099887766" || p.FailureCode != nil ||
			p.IdempotencyKey != fmt.Sprintf("inc-%d-2", key(t, i.ID, db.TypeIncentive)) {
			t.Errorf("second attempt = %+v, want PAID to 0099887766 with key inc-<id>-2", p)
		}
	})
}

func TestCompleteSurvey(t *testing.T) {
	a := mustAPI(t)
	// Participants with a PENDING survey, a paid installment and a validated account.
	var open []struct {
		Participant int64 `bun:"participant_id"`
		Sequence    int   `bun:"sequence"`
	}
	if err := a.db.NewRaw(`SELECT DISTINCT ON (s.participant_id) s.participant_id, s.sequence FROM incentives s
		WHERE s.kind = 'SURVEY' AND s.status = 'PENDING'
		  AND EXISTS (SELECT 1 FROM incentives t WHERE t.participant_id = s.participant_id AND t.kind = 'TRAINING' AND t.status = 'PAID')
		  AND EXISTS (SELECT 1 FROM payout_accounts pa WHERE pa.participant_id = s.participant_id AND pa.status = 'VALIDATED')
		ORDER BY s.participant_id, s.sequence LIMIT 3`).Scan(t0, &open); err != nil || len(open) < 3 {
		t.Fatalf("find open surveys: %d found, %v", len(open), err)
	}
	survey := func(c *api, participant int64, seq int) (incSurveyPayload, []gqlError) {
		t.Helper()
		var got incSurveyPayload
		errs := c.incMutate(incCompleteSurvey, map[string]any{"participantId": gid(db.TypeParticipant, participant), "sequence": seq}, &got)
		return got, errs
	}

	t.Run("OK_ParticipantCompletesASurvey", func(t *testing.T) {
		s := open[0]
		me := gid(db.TypeParticipant, s.Participant)
		before := a.rowCounts()
		got, errs := survey(a.as(db.RoleParticipant, me), s.Participant, s.Sequence)
		if errs != nil || got.Incentive == nil || len(got.UserErrors) != 0 {
			t.Fatalf("completeSurvey = %+v %+v", got, errs)
		}
		i := got.Incentive
		if i.Kind != "SURVEY" || i.Sequence != s.Sequence || i.Status != "SCHEDULED" || i.SurveyCompletedAt == nil || i.Amount != 50000 {
			t.Fatalf("survey incentive = %+v, want SCHEDULED with its completion time", i)
		}
		if want := incDay(t, *i.SurveyCompletedAt).AddDate(0, 0, 14).Format(time.DateOnly); i.DueOn != want {
			t.Errorf("dueOn = %s, want %s (14 days after completion)", i.DueOn, want)
		}
		id := key(t, i.ID, db.TypeIncentive)
		if d := incDelta(before, a.rowCounts()); d["audit_events"] != 1 || len(d) != 1 {
			t.Errorf("row changes = %v, want 1 audit event", d)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'completeSurvey' AND entity_type = 'Incentive' AND entity_id = ?
			AND before->>'status' = 'PENDING' AND after->>'status' = 'SCHEDULED' AND actor_subject = ?`, id, me); n != 1 {
			t.Errorf("audit events of the survey = %d, want 1", n)
		}
		// Disbursement pays it once it is due.
		a.incDisburseRun(incToday().AddDate(0, 0, 14), 500)
		if n := a.count(`SELECT count(*) FROM incentives WHERE id = ? AND status = 'PAID'`, id); n != 1 {
			t.Errorf("the completed survey was not paid by the next run")
		}
	})

	t.Run("OK_AdminCompletesASurvey", func(t *testing.T) {
		got, errs := survey(a, open[1].Participant, open[1].Sequence)
		if errs != nil || got.Incentive == nil || got.Incentive.Status != "SCHEDULED" {
			t.Fatalf("completeSurvey as ADMIN = %+v %+v", got, errs)
		}
	})

	// A participant whose incentives were just scheduled: surveys are not open before a payment.
	fresh := a.incFirstTrainings("SEMI_BANSOS", "validated", 1)[0]
	a.incReview(fresh)
	var noSchedule int64
	if err := a.db.NewRaw(`SELECT p.id FROM participants p WHERE NOT EXISTS (SELECT 1 FROM incentives i WHERE i.participant_id = p.id) ORDER BY p.id LIMIT 1`).Scan(t0, &noSchedule); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrInput", func(t *testing.T) {
		for _, tc := range []struct {
			name        string
			participant string
			seq         int
			code, field string
		}{
			{"AlreadyCompleted", gid(db.TypeParticipant, open[0].Participant), open[0].Sequence, "INCENTIVE_STATE", "sequence"},
			{"BeforeTheFirstPayment", gid(db.TypeParticipant, fresh.Participant), 1, "INCENTIVE_STATE", "sequence"},
			{"NoSuchSurvey", gid(db.TypeParticipant, fresh.Participant), 4, "NOT_FOUND", "sequence"},
			{"NoIncentivesAtAll", gid(db.TypeParticipant, noSchedule), 1, "NOT_FOUND", "sequence"},
			{"SequenceZero", gid(db.TypeParticipant, fresh.Participant), 0, "INVALID_INPUT", "sequence"},
			{"NoSuchParticipant", gid(db.TypeParticipant, 987654321), 1, "NOT_FOUND", "participantId"},
			{"WrongIDType", gid(db.TypeEnrollment, fresh.Enrollment), 1, "INVALID_ID", "participantId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				var got incSurveyPayload
				a.incMustMutate(incCompleteSurvey, map[string]any{"participantId": tc.participant, "sequence": tc.seq}, &got)
				incCheckUserError(t, tc.name, got.UserErrors, tc.code, tc.field)
				if got.Incentive != nil {
					t.Errorf("refused completion returned %+v", got.Incentive)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("ErrAuthorization", func(t *testing.T) {
		s := open[2]
		for _, tc := range []struct {
			name    string
			role    db.Role
			subject string
			code    string
		}{
			{"OtherParticipant", db.RoleParticipant, gid(db.TypeParticipant, fresh.Participant), "FORBIDDEN"},
			{"Provider", db.RoleProvider, gid(db.TypeProvider, 1), "FORBIDDEN"},
			{"Analyst", db.RoleAnalyst, "analyst-1", "FORBIDDEN"},
			{"Anonymous", "", "", "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				_, errs := survey(a.as(tc.role, tc.subject), s.Participant, s.Sequence)
				if code := incErrCode(errs); code != tc.code {
					t.Errorf("completeSurvey as %s: error code %q, want %q", tc.name, code, tc.code)
				}
				a.mustBeUnchanged(before)
			})
		}
	})
}

func TestRecordPlacement(t *testing.T) {
	a := mustAPI(t)
	var e struct {
		ID          int64 `bun:"id"`
		Participant int64 `bun:"participant_id"`
		Provider    int64 `bun:"provider_id"`
	}
	if err := a.db.NewRaw(`SELECT id, participant_id, provider_id FROM enrollments WHERE status = 'COMPLETED' ORDER BY id LIMIT 1`).Scan(t0, &e); err != nil {
		t.Fatal(err)
	}
	var otherEnrollment, otherProvider int64
	if err := a.db.NewRaw(`SELECT id, provider_id FROM enrollments WHERE participant_id <> ? AND provider_id <> ? ORDER BY id LIMIT 1`, e.Participant, e.Provider).Scan(t0, &otherEnrollment, &otherProvider); err != nil {
		t.Fatal(err)
	}
	pid, eid := gid(db.TypeParticipant, e.Participant), gid(db.TypeEnrollment, e.ID)
	place := func(c *api, input map[string]any) (incPlacementPayload, []gqlError) {
		t.Helper()
		var got incPlacementPayload
		errs := c.incMutate(incRecordPlacement, input, &got)
		return got, errs
	}

	t.Run("OK_AdminRecordsAHire", func(t *testing.T) {
		before := a.rowCounts()
		got, errs := place(a, map[string]any{"participantId": pid, "enrollmentId": eid, "employer": "  PT Maju   Jaya ",
			"position": "Teknisi Listrik", "status": "HIRED", "startedOn": "2026-01-05"})
		if errs != nil || got.Placement == nil || len(got.UserErrors) != 0 {
			t.Fatalf("recordPlacement = %+v %+v", got, errs)
		}
		pl := got.Placement
		if pl.Participant.ID != pid || pl.Enrollment == nil || pl.Enrollment.ID != eid || pl.Employer != "PT Maju Jaya" ||
			pl.Position != "Teknisi Listrik" || pl.Status != "HIRED" || pl.StartedOn == nil || *pl.StartedOn != "2026-01-05" {
			t.Errorf("placement = %+v", pl)
		}
		if d := incDelta(before, a.rowCounts()); d["placements"] != 1 || d["audit_events"] != 1 || len(d) != 2 {
			t.Errorf("row changes = %v, want 1 placement and 1 audit event", d)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'recordPlacement' AND entity_type = 'Placement' AND entity_id = ?
			AND `+incCreated+` AND after->>'status' = 'HIRED' AND actor_role = 'ADMIN'`, key(t, pl.ID, db.TypePlacement)); n != 1 {
			t.Errorf("audit events of the placement = %d, want 1", n)
		}
	})

	t.Run("OK_AdminWithoutATraining", func(t *testing.T) {
		got, errs := place(a, map[string]any{"participantId": pid, "employer": "CV Sentosa", "position": "Admin Gudang", "status": "REFERRED"})
		if errs != nil || got.Placement == nil || got.Placement.Enrollment != nil || got.Placement.StartedOn != nil {
			t.Fatalf("recordPlacement without an enrollment = %+v %+v", got, errs)
		}
	})

	t.Run("OK_ProviderOfTheTraining", func(t *testing.T) {
		got, errs := place(a.as(db.RoleProvider, gid(db.TypeProvider, e.Provider)), map[string]any{"participantId": pid, "enrollmentId": eid,
			"employer": "PT Karya", "position": "Operator", "status": "INTERVIEW"})
		if errs != nil || got.Placement == nil || got.Placement.Status != "INTERVIEW" {
			t.Fatalf("recordPlacement as the provider = %+v %+v", got, errs)
		}
		id := key(t, got.Placement.ID, db.TypePlacement)
		if n := a.incAudits("recordPlacement", "Placement", id); n != 1 {
			t.Errorf("audit events = %d, want 1", n)
		}
	})

	t.Run("ErrInput", func(t *testing.T) {
		valid := func(change map[string]any) map[string]any {
			in := map[string]any{"participantId": pid, "enrollmentId": eid, "employer": "PT Karya", "position": "Operator", "status": "APPLIED"}
			for k, v := range change {
				if v == nil {
					delete(in, k)
				} else {
					in[k] = v
				}
			}
			return in
		}
		for _, tc := range []struct {
			name        string
			input       map[string]any
			code, field string
		}{
			{"BlankEmployer", valid(map[string]any{"employer": "   "}), "INVALID_INPUT", "employer"},
			{"BlankPosition", valid(map[string]any{"position": ""}), "INVALID_INPUT", "position"},
			{"LongPosition", valid(map[string]any{"position": strings.Repeat("x", db.MaxPlacementText+1)}), "INVALID_INPUT", "position"},
			{"StartedOnWithoutHire", valid(map[string]any{"startedOn": "2026-02-01"}), "INVALID_INPUT", "startedOn"},
			{"AnotherParticipantsTraining", valid(map[string]any{"enrollmentId": gid(db.TypeEnrollment, otherEnrollment)}), "INVALID_INPUT", "enrollmentId"},
			{"NoSuchEnrollment", valid(map[string]any{"enrollmentId": gid(db.TypeEnrollment, 987654321)}), "NOT_FOUND", "enrollmentId"},
			{"NoSuchParticipant", valid(map[string]any{"participantId": gid(db.TypeParticipant, 987654321), "enrollmentId": nil}), "NOT_FOUND", "participantId"},
			{"WrongIDType", valid(map[string]any{"participantId": gid(db.TypeCourse, 1)}), "INVALID_ID", "participantId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				got, errs := place(a, tc.input)
				if errs != nil {
					t.Fatalf("errors %+v", errs)
				}
				incCheckUserError(t, tc.name, got.UserErrors, tc.code, tc.field)
				if got.Placement != nil {
					t.Errorf("refused placement returned %+v", got.Placement)
				}
				a.mustBeUnchanged(before)
			})
		}
	})

	t.Run("ErrAuthorization", func(t *testing.T) {
		withEnrollment := map[string]any{"participantId": pid, "enrollmentId": eid, "employer": "PT Karya", "position": "Operator", "status": "APPLIED"}
		withoutEnrollment := map[string]any{"participantId": pid, "employer": "PT Karya", "position": "Operator", "status": "APPLIED"}
		for _, tc := range []struct {
			name    string
			role    db.Role
			subject string
			input   map[string]any
			code    string
		}{
			{"OtherProvider", db.RoleProvider, gid(db.TypeProvider, otherProvider), withEnrollment, "FORBIDDEN"},
			{"ProviderWithoutTraining", db.RoleProvider, gid(db.TypeProvider, e.Provider), withoutEnrollment, "FORBIDDEN"},
			{"TheParticipant", db.RoleParticipant, pid, withEnrollment, "FORBIDDEN"},
			{"Platform", db.RolePlatform, gid(db.TypePlatform, 1), withEnrollment, "FORBIDDEN"},
			{"Analyst", db.RoleAnalyst, "analyst-1", withEnrollment, "FORBIDDEN"},
			{"Anonymous", "", "", withEnrollment, "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.rowCounts()
				_, errs := place(a.as(tc.role, tc.subject), tc.input)
				if code := incErrCode(errs); code != tc.code {
					t.Errorf("recordPlacement as %s: error code %q, want %q", tc.name, code, tc.code)
				}
				a.mustBeUnchanged(before)
			})
		}
	})
}
