package seed_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/db/seed"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// testNow is the end of the seeded timeline: a Thursday morning in Jakarta.
var testNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))

const testParticipants = 3000

func build(ctx context.Context, bdb *bun.DB) error {
	if _, err := db.Migrate(ctx, bdb); err != nil {
		return err
	}
	_, err := seed.Run(ctx, bdb, seed.Options{Participants: testParticipants, Seed: 7, Now: testNow})
	return err
}

// mustSeeded returns a fresh copy of the seeded template (built once per test process).
func mustSeeded(t *testing.T) *bun.DB {
	t.Helper()
	return dbtest.MustClone(t, "seeded", build)
}

// sql replaces $now with the seed's Now.
func sql(q string) string {
	return strings.ReplaceAll(q, "$now", "'"+testNow.UTC().Format(time.RFC3339)+"'::timestamptz")
}

func count(t *testing.T, bdb *bun.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := bdb.QueryRowContext(context.Background(), sql(q)).Scan(&n); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	return n
}

func float(t *testing.T, bdb *bun.DB, q string) float64 {
	t.Helper()
	var f float64
	if err := bdb.QueryRowContext(context.Background(), sql(q)).Scan(&f); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	return f
}

// rule is a query counting the rows that break a rule of the domain; it must return 0.
type rule struct {
	name  string
	query string
}

var rules = []rule{
	// Participants and identity.
	{"NIKMatchesProvinceBirthDateAndGender", `SELECT count(*) FROM participants WHERE
		substr(nik, 1, 2) <> province_code OR substr(nik, 13, 4) = '0000'
		OR (substr(nik, 7, 2)::int > 40) <> (gender = 'FEMALE')
		OR to_char(birth_date, 'DDMMYY') <> lpad((substr(nik, 7, 2)::int % 40)::text, 2, '0') || substr(nik, 9, 4)
		OR province_code NOT IN (SELECT code FROM provinces)`},
	{"AgedEighteenToSixtyFourAtRegistration", `SELECT count(*) FROM participants
		WHERE extract(year FROM age(registered_at::date, birth_date)) NOT BETWEEN 18 AND 64`},
	{"AtMostTwoPerFamilyCard", `SELECT count(*) FROM (SELECT kk_number FROM participants GROUP BY 1 HAVING count(*) > 2) x`},
	{"HouseholdMemberCountMatches", `SELECT count(*) FROM households h
		FULL JOIN (SELECT kk_number, count(*) AS n FROM participants GROUP BY 1) p USING (kk_number)
		WHERE h.member_count IS DISTINCT FROM p.n`},
	{"RegisteredHaveNoCardNoBalance", `SELECT count(*) FROM participants p WHERE status = 'REGISTERED'
		AND (wave_id IS NOT NULL OR card_number IS NOT NULL OR balance <> 0 OR selected_at IS NOT NULL
			OR EXISTS (SELECT 1 FROM balance_ledger l WHERE l.participant_id = p.id))`},
	{"SelectedHaveCardWaveAndDeadline", `SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id
		JOIN benefit_schemes s ON s.code = w.scheme_code
		WHERE p.card_number IS NULL OR p.selected_at < w.drawn_at OR w.drawn_at IS NULL
			OR p.purchase_deadline <> p.selected_at + s.purchase_deadline_days * interval '1 day'
			OR NOT EXISTS (SELECT 1 FROM wave_applications a WHERE a.participant_id = p.id AND a.wave_id = p.wave_id AND a.status = 'SELECTED')`},
	{"RegisteredBeforeApplying", `SELECT count(*) FROM wave_applications a JOIN participants p ON p.id = a.participant_id
		JOIN waves w ON w.id = a.wave_id
		WHERE a.applied_at < p.registered_at OR a.applied_at < w.opens_at OR a.applied_at >= w.closes_at OR a.applied_at > $now
			OR (a.status = 'APPLIED') <> (a.decided_at IS NULL) OR (a.decided_at IS NOT NULL AND a.decided_at <> w.drawn_at)
			OR (a.status = 'APPLIED' AND (w.status <> 'OPEN' OR p.status <> 'REGISTERED'))`},

	// Balances.
	{"BalanceEqualsLedgerSum", `SELECT count(*) FROM participants p
		LEFT JOIN (SELECT participant_id, sum(amount) AS s FROM balance_ledger GROUP BY 1) l ON l.participant_id = p.id
		WHERE p.balance <> coalesce(l.s, 0) OR p.balance < 0`},
	{"LedgerRunningBalanceNeverNegative", `SELECT count(*) FROM (SELECT balance_after,
			sum(amount) OVER (PARTITION BY participant_id ORDER BY created_at, id) AS running FROM balance_ledger) x
		WHERE balance_after <> running OR running < 0`},
	{"GrantIsTheSchemeBalanceAtSelection", `SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id
		JOIN benefit_schemes s ON s.code = w.scheme_code
		WHERE (SELECT count(*) FROM balance_ledger l WHERE l.participant_id = p.id AND l.kind = 'GRANT'
			AND l.amount = s.training_balance AND l.created_at = p.selected_at) <> 1`},
	{"OnePurchaseEntryPerEnrollmentAndRefundPerRefunded", `SELECT count(*) FROM enrollments e WHERE
		(SELECT count(*) FROM balance_ledger l WHERE l.enrollment_id = e.id AND l.kind = 'PURCHASE' AND l.amount = -e.price
			AND l.created_at = e.purchased_at AND l.participant_id = e.participant_id) <> 1
		OR (SELECT count(*) FROM balance_ledger l WHERE l.enrollment_id = e.id AND l.kind = 'REFUND' AND l.amount = e.price
			AND l.created_at = e.refunded_at) <> (e.status = 'REFUNDED')::int`},
	{"ForfeitsOnlyForRevokedOrExpiredNormalBalances", `SELECT count(*) FROM balance_ledger l JOIN participants p ON p.id = l.participant_id
		WHERE l.kind = 'FORFEIT' AND NOT (
			p.status = 'REVOKED' AND l.created_at = p.revoked_at
			OR p.balance_expires_at IS NOT NULL AND l.created_at = p.balance_expires_at AND p.balance = 0)`},
	{"NormalLeftoverForfeitedAfterExpiry", `SELECT count(*) FROM participants WHERE balance_expires_at <= $now AND balance > 0`},

	// Revocation.
	{"RevokedNeverPurchasedAndAreBlacklisted", `SELECT count(*) FROM participants p WHERE status = 'REVOKED' AND (
		balance <> 0 OR revoked_at <= purchase_deadline OR revoked_at > $now
		OR EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)
		OR NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.nik = p.nik AND b.participant_id = p.id AND b.reason = 'PURCHASE_DEADLINE_MISSED')
		OR NOT EXISTS (SELECT 1 FROM balance_ledger l WHERE l.participant_id = p.id AND l.kind = 'FORFEIT'))`},
	{"BlacklistOnlyRevoked", `SELECT count(*) FROM blacklist b JOIN participants p ON p.id = b.participant_id
		WHERE p.status <> 'REVOKED' OR b.nik <> p.nik`},

	// Waves.
	{"EarlierWavesDrawnWithSeed", `SELECT count(*) FROM waves WHERE number < (SELECT max(number) FROM waves)
		AND (status NOT IN ('DRAWN', 'ARCHIVED') OR draw_seed IS NULL OR drawn_at IS NULL OR drawn_at > $now OR drawn_at < closes_at)`},
	{"LastWaveOpenNow", `SELECT count(*) FROM waves WHERE number = (SELECT max(number) FROM waves)
		AND NOT (status = 'OPEN' AND opens_at <= $now AND $now < closes_at AND selected_count = 0)`},
	{"WaveCountersMatch", `SELECT count(*) FROM waves w WHERE
		applicant_count <> (SELECT count(*) FROM wave_applications a WHERE a.wave_id = w.id)
		OR selected_count <> (SELECT count(*) FROM wave_applications a WHERE a.wave_id = w.id AND a.status = 'SELECTED')
		OR selected_count <> (SELECT count(*) FROM participants p WHERE p.wave_id = w.id)
		OR selected_count > quota`},
	{"WaveSchemeMatchesSchemeRange", `SELECT count(*) FROM waves w JOIN benefit_schemes s ON s.code = w.scheme_code
		WHERE w.number < s.first_wave OR w.number > coalesce(s.last_wave, 2147483647)`},
	{"WaveYearsFollowTheRealCalendar", `SELECT count(*) FROM waves WHERE
		number BETWEEN 1 AND 11 AND extract(year FROM opens_at) <> 2020
		OR number BETWEEN 12 AND 22 AND extract(year FROM opens_at) <> 2021
		OR number BETWEEN 23 AND 47 AND extract(year FROM opens_at) <> 2022
		OR number BETWEEN 48 AND 62 AND extract(year FROM opens_at) <> 2023
		OR number BETWEEN 63 AND 66 AND extract(year FROM opens_at) <> 2024`},
	{"ProvinceQuotasCoverSelected", `SELECT count(*) FROM (SELECT p.wave_id, p.province_code, count(*) AS n FROM participants p
			WHERE p.wave_id IN (SELECT wave_id FROM wave_province_quotas) GROUP BY 1, 2) s
		LEFT JOIN wave_province_quotas q ON q.wave_id = s.wave_id AND q.province_code = s.province_code
		WHERE q.quota IS NULL OR q.quota < s.n`},
	{"ProvinceQuotasWithinWaveQuota", `SELECT count(*) FROM (SELECT q.wave_id FROM wave_province_quotas q JOIN waves w ON w.id = q.wave_id
		GROUP BY q.wave_id, w.quota HAVING sum(q.quota) > w.quota) s`},

	// Catalogue.
	{"CourseCountersMatch", `SELECT count(*) FROM courses c WHERE
		review_count <> (SELECT count(*) FROM reviews r WHERE r.course_id = c.id)
		OR rating_sum <> (SELECT coalesce(sum(rating), 0) FROM reviews r WHERE r.course_id = c.id)
		OR enrollment_count <> (SELECT count(*) FROM enrollments e WHERE e.course_id = c.id AND e.status <> 'REFUNDED')
		OR min_price IS DISTINCT FROM (SELECT min(price) FROM course_listings l WHERE l.course_id = c.id)`},
	{"HybridAndLongCoursesFrom2023", `SELECT count(*) FROM courses WHERE created_at >= '2023-01-01'
		AND duration_hours < 15 OR mode = 'HYBRID' AND created_at < '2023-01-01'`},
	{"ListingsAfterPlatformJoined", `SELECT count(*) FROM course_listings l JOIN platforms p ON p.id = l.platform_id
		JOIN courses c ON c.id = l.course_id WHERE l.listed_at::date < p.joined_on OR l.listed_at < c.created_at`},
	{"PrivateProvidersHaveNIB", `SELECT count(*) FROM providers WHERE kind = 'PRIVATE' AND (nib IS NULL OR length(nib) <> 13)`},
	{"SessionSeatsTakenAreActiveEnrollments", `SELECT count(*) FROM training_sessions s
		LEFT JOIN (SELECT session_id, count(*) AS n FROM enrollments WHERE status <> 'REFUNDED' GROUP BY 1) e ON e.session_id = s.id
		WHERE s.seats_taken <> coalesce(e.n, 0)`},
	{"SessionStatusFollowsTime", `SELECT count(*) FROM training_sessions WHERE CASE status
		WHEN 'CANCELLED' THEN cancelled_at > $now OR cancelled_at >= starts_at OR seats_taken <> 0
		WHEN 'COMPLETED' THEN ends_at > $now
		WHEN 'IN_PROGRESS' THEN NOT (starts_at <= $now AND $now < ends_at)
		WHEN 'FULL' THEN starts_at <= $now OR seats_taken <> capacity
		WHEN 'OPEN' THEN starts_at <= $now OR seats_taken >= capacity END`},
	{"SessionVenueCapacityAndTeachingHours", `SELECT count(*) FROM training_sessions s JOIN courses c ON c.id = s.course_id WHERE
		c.mode = 'SELF_PACED'
		OR c.mode = 'WEBINAR' AND (s.venue_type IS NOT NULL OR s.capacity <> 150
			OR c.duration_hours > 3 * (s.ends_at::date - s.starts_at::date + 1))
		OR c.mode IN ('OFFLINE', 'HYBRID') AND (s.venue_type IS NULL OR s.capacity > 40
			OR c.duration_hours > 8 * (s.ends_at::date - s.starts_at::date + 1)
			OR NOT (s.venue_regency LIKE 'Kota %' OR s.venue_regency LIKE 'Kabupaten %'))`},

	// Enrollments, certificates, reviews.
	{"EnrollmentsConsistentWithBuyerListingAndSession", `SELECT count(*) FROM enrollments e
		JOIN participants p ON p.id = e.participant_id JOIN course_listings l ON l.id = e.listing_id
		JOIN courses c ON c.id = l.course_id LEFT JOIN training_sessions s ON s.id = e.session_id
		WHERE p.status NOT IN ('ACTIVE', 'COMPLETED') OR e.purchased_at < p.selected_at OR e.purchased_at > $now
			OR e.price <> l.price OR e.course_id <> l.course_id OR e.platform_id <> l.platform_id
			OR e.provider_id <> c.provider_id OR e.province_code <> p.province_code OR l.listed_at > e.purchased_at
			OR (c.mode = 'SELF_PACED') <> (e.session_id IS NULL)
			OR s.id IS NOT NULL AND (s.course_id <> e.course_id OR s.starts_at <= e.purchased_at)
			OR e.completed_at > $now OR e.started_at > $now
			OR s.id IS NOT NULL AND CASE e.status
				WHEN 'PAID' THEN s.starts_at <= $now
				WHEN 'IN_PROGRESS' THEN NOT (s.starts_at <= $now AND $now < s.ends_at)
				WHEN 'COMPLETED' THEN s.ends_at > $now OR e.completed_at < s.ends_at
				WHEN 'NOT_COMPLETED' THEN s.ends_at > $now
				WHEN 'REFUNDED' THEN s.status <> 'CANCELLED' OR e.refunded_at <> s.cancelled_at OR e.purchased_at >= s.cancelled_at END`},
	{"FirstPurchaseBeforeDeadline", `SELECT count(*) FROM participants p
		JOIN (SELECT participant_id, min(purchased_at) AS first FROM enrollments GROUP BY 1) f ON f.participant_id = p.id
		WHERE f.first > p.purchase_deadline`},
	{"NoPurchaseAfterBalanceExpired", `SELECT count(*) FROM enrollments e JOIN participants p ON p.id = e.participant_id
		WHERE e.purchased_at >= p.balance_expires_at`},
	{"FirstTrainingNeverRefunded", `SELECT count(*) FROM (SELECT DISTINCT ON (participant_id) status FROM enrollments
		ORDER BY participant_id, purchased_at, id) f WHERE status = 'REFUNDED'`},
	{"OneCertificatePerCompletedEnrollment", `SELECT count(*) FROM enrollments e
		LEFT JOIN certificates c ON c.enrollment_id = e.id
		WHERE (e.status = 'COMPLETED') <> (c.id IS NOT NULL) OR c.issued_at < e.completed_at OR c.issued_at > $now
			OR c.number NOT LIKE 'PKJ-' || extract(year FROM c.issued_at) || '-%'`},
	{"ReviewsOnlyOfCompletedByTheBuyer", `SELECT count(*) FROM reviews r JOIN enrollments e ON e.id = r.enrollment_id
		WHERE e.status <> 'COMPLETED' OR r.participant_id <> e.participant_id OR r.course_id <> e.course_id
			OR r.created_at < e.completed_at OR r.created_at > $now`},

	// Payout accounts, incentives, payments.
	{"PayoutAccountInParticipantsName", `SELECT count(*) FROM payout_accounts a JOIN participants p ON p.id = a.participant_id
		WHERE a.account_name <> p.full_name OR p.status = 'REGISTERED'`},
	{"IncentivesOnlyAfterCertifiedReviewedFirstTrainingWithValidatedAccount", `SELECT count(*) FROM incentive_schedules s
		JOIN enrollments e ON e.id = s.enrollment_id JOIN participants p ON p.id = s.participant_id
		JOIN waves w ON w.id = p.wave_id
		WHERE e.participant_id <> s.participant_id OR e.status <> 'COMPLETED' OR s.scheme_code <> w.scheme_code
			OR e.id <> (SELECT id FROM enrollments f WHERE f.participant_id = s.participant_id ORDER BY purchased_at, id LIMIT 1)
			OR NOT EXISTS (SELECT 1 FROM certificates c WHERE c.enrollment_id = e.id)
			OR NOT EXISTS (SELECT 1 FROM reviews r WHERE r.enrollment_id = e.id AND r.created_at <= s.created_at)
			OR NOT EXISTS (SELECT 1 FROM payout_accounts a WHERE a.participant_id = s.participant_id
				AND a.status = 'VALIDATED' AND a.validated_at <= s.created_at)`},
	{"IncentiveRowsFollowTheScheme", `SELECT count(*) FROM incentive_schedules s JOIN benefit_schemes b ON b.code = s.scheme_code
		WHERE (SELECT count(*) FROM incentives i WHERE i.schedule_id = s.id AND i.kind = 'TRAINING') <> b.incentive_installments
			OR EXISTS (SELECT 1 FROM incentives i WHERE i.schedule_id = s.id AND (i.participant_id <> s.participant_id
				OR i.kind = 'TRAINING' AND (i.amount <> b.incentive_amount OR i.sequence > b.incentive_installments)
				OR i.kind = 'SURVEY' AND (i.amount <> b.survey_amount OR i.sequence > b.survey_count)))`},
	{"FirstInstallmentDueTheDayAfterReview", `SELECT count(*) FROM incentives i JOIN incentive_schedules s ON s.id = i.schedule_id
		WHERE i.kind = 'TRAINING' AND i.sequence = 1 AND i.due_on <> s.created_at::date + 1`},
	{"SurveysOpenAfterFirstPayment", `SELECT count(*) FROM incentives sv
		JOIN (SELECT participant_id, min(paid_at) AS first FROM incentives WHERE kind = 'TRAINING' GROUP BY 1) t
			ON t.participant_id = sv.participant_id
		WHERE sv.kind = 'SURVEY' AND (t.first IS NULL AND sv.status NOT IN ('PENDING', 'EXPIRED')
			OR sv.due_on < t.first::date + 30)`},
	{"IncentiveCopiesWaveAndProvince", `SELECT count(*) FROM incentives i JOIN participants p ON p.id = i.participant_id
		WHERE i.wave_id <> p.wave_id OR i.province_code <> p.province_code`},
	{"IncentiveStatusFollowsTime", `SELECT count(*) FROM incentives WHERE
		status = 'PAID' AND (paid_at > $now OR paid_at::date < due_on)
		OR status IN ('PAID', 'PROCESSING', 'FAILED') AND (payout_account_id IS NULL OR channel IS NULL)
		OR status IN ('SCHEDULED', 'PENDING') AND (payout_account_id IS NOT NULL OR channel IS NOT NULL)
		OR status = 'PENDING' AND due_on <= $now::date
		OR status IN ('PROCESSING', 'FAILED') AND due_on > $now::date`},
	{"AtMostOnePaidPaymentAndPaidIncentivesHaveOne", `SELECT count(*) FROM incentives i WHERE
		(SELECT count(*) FROM payments p WHERE p.incentive_id = i.id AND p.status = 'PAID') <> (i.status = 'PAID')::int
		OR i.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.incentive_id = i.id AND p.status = 'PAID'
			AND p.amount = i.amount AND p.settled_at = i.paid_at)`},
	{"PaymentAttemptsInOrder", `SELECT count(*) FROM (SELECT p.*, i.status AS istatus, i.amount AS iamount,
			i.payout_account_id, row_number() OVER w AS rn, count(*) OVER (PARTITION BY incentive_id) AS n
		FROM payments p JOIN incentives i ON i.id = p.incentive_id WINDOW w AS (PARTITION BY incentive_id ORDER BY attempt)) x
		WHERE attempt <> rn OR amount <> iamount OR created_at > $now
			OR attempt < n AND status <> 'FAILED'
			OR attempt = n AND CASE istatus WHEN 'PROCESSING' THEN status NOT IN ('PENDING', 'SENT')
				WHEN 'PAID' THEN status <> 'PAID' WHEN 'FAILED' THEN status <> 'FAILED'
				WHEN 'CANCELLED' THEN status <> 'FAILED' WHEN 'EXPIRED' THEN status <> 'FAILED' ELSE true END
			OR status IN ('PAID', 'FAILED') AND (settled_at IS NULL OR settled_at > $now)
			OR status IN ('PENDING', 'SENT') AND settled_at IS NOT NULL
			OR (status = 'FAILED') <> (failure_code IS NOT NULL)
			OR NOT EXISTS (SELECT 1 FROM payout_accounts a WHERE a.id = x.payout_account_id
				AND a.channel = x.channel AND a.account_number = x.account_number AND a.account_name = x.account_name)`},
	{"NoAttemptsForUnprocessedIncentives", `SELECT count(*) FROM incentives i WHERE status IN ('SCHEDULED', 'PENDING')
		AND EXISTS (SELECT 1 FROM payments p WHERE p.incentive_id = i.id)`},
	{"ReplacedAccountsHaveANewerValidatedOne", `SELECT count(*) FROM payout_accounts a WHERE status = 'REPLACED'
		AND (validated_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM payout_accounts b WHERE b.participant_id = a.participant_id
			AND b.status = 'VALIDATED' AND b.created_at > a.created_at))`},
	{"CancelledSessionsHaveAReason", `SELECT count(*) FROM training_sessions WHERE (status = 'CANCELLED') <> (cancel_reason IS NOT NULL)`},
	{"SurveyCompletedWhenItsIncentiveFellDue", `SELECT count(*) FROM incentives WHERE
		kind = 'TRAINING' AND survey_completed_at IS NOT NULL
		OR kind = 'SURVEY' AND ((status = 'PENDING' OR status = 'EXPIRED' AND payout_account_id IS NULL) <> (survey_completed_at IS NULL)
			OR survey_completed_at::date <> due_on OR survey_completed_at > $now)`},
	{"HiredPlacementsHaveAStartDate", `SELECT count(*) FROM placements
		WHERE (status = 'HIRED') <> (started_on IS NOT NULL) OR started_on <= updated_at::date`},
	{"NothingHappensAfterNow", `SELECT
		(SELECT count(*) FROM participants WHERE registered_at > $now OR selected_at > $now OR revoked_at > $now)
		+ (SELECT count(*) FROM waves WHERE opens_at > $now OR drawn_at > $now OR created_at > $now)
		+ (SELECT count(*) FROM wave_applications WHERE applied_at > $now OR decided_at > $now)
		+ (SELECT count(*) FROM providers WHERE created_at > $now)
		+ (SELECT count(*) FROM courses WHERE created_at > $now)
		+ (SELECT count(*) FROM course_listings WHERE listed_at > $now)
		+ (SELECT count(*) FROM training_sessions WHERE cancelled_at > $now)
		+ (SELECT count(*) FROM enrollments WHERE purchased_at > $now OR started_at > $now OR completed_at > $now OR refunded_at > $now)
		+ (SELECT count(*) FROM balance_ledger WHERE created_at > $now)
		+ (SELECT count(*) FROM certificates WHERE issued_at > $now)
		+ (SELECT count(*) FROM reviews WHERE created_at > $now)
		+ (SELECT count(*) FROM payout_accounts WHERE created_at > $now OR validated_at > $now)
		+ (SELECT count(*) FROM incentive_schedules WHERE created_at > $now)
		+ (SELECT count(*) FROM incentives WHERE created_at > $now OR paid_at > $now)
		+ (SELECT count(*) FROM payments WHERE created_at > $now OR settled_at > $now)
		+ (SELECT count(*) FROM placements WHERE created_at > $now OR updated_at > $now)
		+ (SELECT count(*) FROM blacklist WHERE created_at > $now)`},
	{"PlacementsAfterTraining", `SELECT count(*) FROM placements pl JOIN participants p ON p.id = pl.participant_id
		LEFT JOIN enrollments e ON e.id = pl.enrollment_id
		WHERE pl.updated_at < pl.created_at OR pl.updated_at > $now OR p.status = 'REGISTERED'
			OR e.id IS NOT NULL AND (e.participant_id <> p.id OR e.status <> 'COMPLETED' OR e.completed_at > pl.created_at)`},
}

func TestRules(t *testing.T) {
	bdb := mustSeeded(t)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if got := count(t, bdb, r.query); got != 0 {
				t.Errorf("violating rows: got %d, want 0", got)
			}
		})
	}
}

// TestStatesExist checks that every value of the state enums occurs, and that the states the API
// and dashboards need at Now are there.
func TestStatesExist(t *testing.T) {
	bdb := mustSeeded(t)
	enums := []struct {
		table, column string
		values        []string
	}{
		{"participants", "status", []string{"REGISTERED", "ACTIVE", "COMPLETED", "REVOKED"}},
		// CLOSED and DRAFT cannot occur: the last wave is open and every earlier one is drawn.
		{"waves", "status", []string{"OPEN", "DRAWN", "ARCHIVED"}},
		{"training_sessions", "status", []string{"OPEN", "FULL", "IN_PROGRESS", "COMPLETED", "CANCELLED"}},
		{"enrollments", "status", []string{"PAID", "IN_PROGRESS", "COMPLETED", "NOT_COMPLETED", "REFUNDED"}},
		{"incentives", "status", []string{"PENDING", "SCHEDULED", "PROCESSING", "PAID", "FAILED", "CANCELLED", "EXPIRED"}},
		{"payments", "status", []string{"PENDING", "SENT", "PAID", "FAILED"}},
		{"payments", "failure_code", []string{"ACCOUNT_INACTIVE", "NOT_KYC", "NAME_NIK_MISMATCH", "PROVIDER_ERROR"}},
		{"wave_applications", "status", []string{"APPLIED", "SELECTED", "NOT_SELECTED", "INELIGIBLE"}},
		{"courses", "mode", []string{"WEBINAR", "SELF_PACED", "OFFLINE", "HYBRID"}},
		{"training_sessions", "venue_type", []string{"CLASSROOM", "WORKSHOP", "BALAI_LATIHAN_KERJA"}},
		{"providers", "kind", []string{"PRIVATE", "GOVERNMENT", "BLK", "STATE_OWNED"}},
		{"payout_accounts", "channel", []string{"BNI", "BCA", "OVO", "GOPAY", "DANA", "LINKAJA"}},
		{"payout_accounts", "status", []string{"PENDING", "VALIDATED", "REJECTED", "REPLACED"}},
		{"placements", "status", []string{"REFERRED", "APPLIED", "INTERVIEW", "HIRED", "REJECTED"}},
		{"balance_ledger", "kind", []string{"GRANT", "PURCHASE", "REFUND", "FORFEIT"}},
		{"incentives", "kind", []string{"TRAINING", "SURVEY"}},
		{"participants", "education", []string{"PRIMARY", "JUNIOR_SECONDARY", "SENIOR_SECONDARY", "VOCATIONAL_SECONDARY", "DIPLOMA", "BACHELOR", "POSTGRADUATE"}},
		{"participants", "employment_status", []string{"UNEMPLOYED", "LAID_OFF", "FURLOUGHED", "INFORMAL_WORKER", "MICRO_BUSINESS_OWNER", "EMPLOYED"}},
	}
	for _, e := range enums {
		for _, v := range e.values {
			t.Run(e.table+"."+e.column+"="+v, func(t *testing.T) {
				if got := count(t, bdb, "SELECT count(*) FROM "+e.table+" WHERE "+e.column+" = '"+v+"'"); got == 0 {
					t.Errorf("rows: got %d, want > 0", got)
				}
			})
		}
	}
	positives := []rule{
		{"OpenWaveWithApplicants", `SELECT count(*) FROM wave_applications a JOIN waves w ON w.id = a.wave_id
			JOIN participants p ON p.id = a.participant_id
			WHERE w.status = 'OPEN' AND a.status = 'APPLIED' AND p.status = 'REGISTERED'`},
		{"SecondToLastWaveActiveInsidePurchaseWindow", `SELECT count(*) FROM participants p JOIN waves w ON w.id = p.wave_id
			WHERE w.number = (SELECT max(number) - 1 FROM waves) AND p.status = 'ACTIVE'
				AND p.purchase_deadline > $now AND p.balance > 0`},
		{"UpcomingOpenSessionsWithFreeSeats", `SELECT count(*) FROM training_sessions
			WHERE status = 'OPEN' AND starts_at > $now AND seats_taken < capacity`},
		{"UpcomingOfflineSessionsWithBuyers", `SELECT count(*) FROM training_sessions
			WHERE starts_at > $now AND venue_type IS NOT NULL AND seats_taken > 0`},
		{"DueButStillScheduled", `SELECT count(*) FROM incentives WHERE status = 'SCHEDULED' AND due_on <= $now::date`},
		{"FailedThenRetriedAndPaid", `SELECT count(*) FROM incentives i WHERE status = 'PAID'
			AND EXISTS (SELECT 1 FROM payments p WHERE p.incentive_id = i.id AND p.status = 'FAILED')`},
		{"FamilyCardsWithTwoMembers", `SELECT count(*) FROM households WHERE member_count = 2`},
		{"NormalSchemeLeftoverForfeited", `SELECT count(*) FROM balance_ledger l JOIN participants p ON p.id = l.participant_id
			WHERE l.kind = 'FORFEIT' AND p.status <> 'REVOKED'`},
		{"ProvinceQuotas", `SELECT count(*) FROM wave_province_quotas`},
		{"PapuaSplitProvinces", `SELECT count(*) FROM participants WHERE province_code IN ('93', '94', '95', '96')`},
		{"LebaranCancellations", `SELECT count(*) FROM training_sessions WHERE status = 'CANCELLED'
			AND starts_at >= '2023-04-19' AND starts_at < '2023-04-26' AND cancel_reason LIKE '%Lebaran%'`},
	}
	for _, p := range positives {
		t.Run(p.name, func(t *testing.T) {
			if got := count(t, bdb, p.query); got == 0 {
				t.Errorf("rows: got %d, want > 0", got)
			}
		})
	}
}

// TestShares checks proportions that make the data realistic.
func TestShares(t *testing.T) {
	bdb := mustSeeded(t)
	tests := []struct {
		name     string
		query    string
		min, max float64
	}{
		{"JavaHoldsOverHalf", `SELECT avg((province_code IN ('31', '32', '33', '34', '35', '36'))::int) FROM participants`, 0.5, 0.75},
		{"RevokedShareOfSelected", `SELECT avg((status = 'REVOKED')::int) FROM participants WHERE status <> 'REGISTERED'`, 0.04, 0.10},
		{"ReviewsMostlyFourOrFive", `SELECT avg((rating >= 4)::int) FROM reviews`, 0.70, 1},
		{"SemiBansosAveragePriceNear472k", `SELECT avg(l.price) FROM course_listings l JOIN courses c ON c.id = l.course_id
			WHERE c.created_at < '2023-01-01'`, 400000, 550000},
		{"WomenShare", `SELECT avg((gender = 'FEMALE')::int) FROM participants`, 0.4, 0.6},
		{"UnemployedPlacementsHired", `SELECT avg((pl.status = 'HIRED')::int) FROM placements pl JOIN participants p ON p.id = pl.participant_id
			WHERE p.employment_status IN ('UNEMPLOYED', 'LAID_OFF', 'FURLOUGHED')`, 0.12, 0.36},
		{"EnrollmentsPerBuyer", `SELECT count(*)::float / count(DISTINCT participant_id) FROM enrollments`, 1.5, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := float(t, bdb, tt.query); got < tt.min || got > tt.max {
				t.Errorf("share: got %.3f, want between %.3f and %.3f", got, tt.min, tt.max)
			}
		})
	}
	counts := []struct {
		name     string
		query    string
		min, max int64
	}{
		{"Participants", `SELECT count(*) FROM participants`, testParticipants, testParticipants},
		{"Waves", `SELECT count(*) FROM waves`, 70, 75},
		{"Platforms", `SELECT count(*) FROM platforms`, 9, 11},
		{"Providers", `SELECT count(*) FROM providers`, 180, 230},
		{"Courses", `SELECT count(*) FROM courses`, 1800, 2200},
	}
	for _, tt := range counts {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(t, bdb, tt.query); got < tt.min || got > tt.max {
				t.Errorf("rows: got %d, want between %d and %d", got, tt.min, tt.max)
			}
		})
	}
}

// checksum fingerprints the content of a few tables.
func checksum(t *testing.T, bdb *bun.DB) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT md5(string_agg(p::text, '|' ORDER BY id)) FROM participants p`,
		`SELECT md5(string_agg(e::text, '|' ORDER BY id)) FROM enrollments e`,
		`SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM training_sessions s`,
		`SELECT md5(string_agg(i::text, '|' ORDER BY id)) FROM incentives i`,
		`SELECT md5(string_agg(p::text, '|' ORDER BY id)) FROM payments p`,
		`SELECT md5(string_agg(l::text, '|' ORDER BY id)) FROM balance_ledger l`,
		`SELECT md5(string_agg(w::text, '|' ORDER BY id)) FROM waves w`,
	} {
		var s string
		if err := bdb.QueryRowContext(context.Background(), q).Scan(&s); err != nil {
			t.Fatalf("checksum %s: %v", q, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// TestDeterministic seeds two databases with the same Seed and Now, one with the bulk path (drop
// and rebuild indexes and foreign keys) and one without, and compares their contents.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	opts := seed.Options{Participants: 1500, Seed: 42, Now: testNow}
	restore := seed.SetBulkThreshold(1 << 30)
	a := dbtest.MustDB(t)
	_, err := seed.Run(ctx, a, opts)
	restore()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	restore = seed.SetBulkThreshold(1)
	b := dbtest.MustDB(t)
	_, err = seed.Run(ctx, b, opts)
	restore()
	if err != nil {
		t.Fatalf("Run (bulk): %v", err)
	}
	if got, want := checksum(t, b), checksum(t, a); got != want {
		t.Errorf("checksums: got %s, want %s", got, want)
	}
	opts.Seed = 43
	c := dbtest.MustDB(t)
	if _, err := seed.Run(ctx, c, opts); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, other := checksum(t, c), checksum(t, a); got == other {
		t.Errorf("checksums with another seed: got %s, want a difference", got)
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	t.Run("ErrNotEmpty", func(t *testing.T) {
		bdb := mustSeeded(t)
		_, err := seed.Run(ctx, bdb, seed.Options{Participants: 10, Seed: 1, Now: testNow})
		if !errors.Is(err, seed.ErrNotEmpty) {
			t.Errorf("Run on a seeded database: got %v, want ErrNotEmpty", err)
		}
		if got := count(t, bdb, `SELECT count(*) FROM participants`); got != testParticipants {
			t.Errorf("participants after refused Run: got %d, want %d", got, testParticipants)
		}
	})
	t.Run("IsEmpty", func(t *testing.T) {
		seeded := mustSeeded(t)
		if empty, err := seed.IsEmpty(ctx, seeded); err != nil || empty {
			t.Errorf("IsEmpty(seeded) = %v, %v; want false, nil", empty, err)
		}
		fresh := dbtest.MustDB(t)
		if empty, err := seed.IsEmpty(ctx, fresh); err != nil || !empty {
			t.Errorf("IsEmpty(migrated) = %v, %v; want true, nil", empty, err)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		bdb := mustSeeded(t)
		if err := seed.Reset(ctx, bdb); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		for _, table := range []string{"participants", "waves", "enrollments", "incentives", "payments", "courses",
			"platforms", "households", "balance_ledger", "audit_events", "training_sessions", "placements"} {
			if got := count(t, bdb, "SELECT count(*) FROM "+table); got != 0 {
				t.Errorf("%s after Reset: got %d rows, want 0", table, got)
			}
		}
		if got := count(t, bdb, `SELECT count(*) FROM provinces`); got != 38 {
			t.Errorf("provinces after Reset: got %d, want 38", got)
		}
		if got := count(t, bdb, `SELECT count(*) FROM benefit_schemes`); got != 2 {
			t.Errorf("benefit_schemes after Reset: got %d, want 2", got)
		}
		if empty, err := seed.IsEmpty(ctx, bdb); err != nil || !empty {
			t.Errorf("IsEmpty after Reset = %v, %v; want true, nil", empty, err)
		}
		// Reset restarts identities, and a new Run works.
		if _, err := seed.Run(ctx, bdb, seed.Options{Participants: 50, Seed: 1, Now: testNow}); err != nil {
			t.Fatalf("Run after Reset: %v", err)
		}
		if got := count(t, bdb, `SELECT min(id) FROM participants`); got != 1 {
			t.Errorf("first participant id after Reset and Run: got %d, want 1", got)
		}
	})
	t.Run("SequencesFollowCopiedIDs", func(t *testing.T) {
		bdb := mustSeeded(t)
		if _, err := bdb.ExecContext(ctx, `INSERT INTO platforms (code, name, website, joined_on) VALUES ('NEW', 'New', 'https://new.example', '2026-01-01')`); err != nil {
			t.Fatalf("insert after seed: %v", err)
		}
		if got := count(t, bdb, `SELECT id FROM platforms WHERE code = 'NEW'`); got != 12 {
			t.Errorf("next platform id: got %d, want 12", got)
		}
		want := count(t, bdb, `SELECT max(id) + 1 FROM courses`)
		if got := count(t, bdb, `INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at)
			VALUES (1, 'Kursus Baru', 'Teknologi Informasi', 'WEBINAR', 16, now()) RETURNING id`); got != want {
			t.Errorf("next course id: got %d, want %d", got, want)
		}
	})
	t.Run("EarlyNow", func(t *testing.T) {
		// A Now before the end of the real calendar moves history back; the rules still hold.
		bdb := dbtest.MustDB(t)
		now := time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC)
		if _, err := seed.Run(ctx, bdb, seed.Options{Participants: 400, Seed: 3, Now: now}); err != nil {
			t.Fatalf("Run: %v", err)
		}
		q := strings.ReplaceAll(`SELECT count(*) FROM waves WHERE number = (SELECT max(number) FROM waves)
			AND NOT (status = 'OPEN' AND opens_at <= $now AND $now < closes_at)`, "$now", "'"+now.Format(time.RFC3339)+"'::timestamptz")
		if got := count(t, bdb, q); got != 0 {
			t.Errorf("last wave not open at Now: got %d, want 0", got)
		}
	})
	t.Run("Tiny", func(t *testing.T) {
		bdb := dbtest.MustDB(t)
		st, err := seed.Run(ctx, bdb, seed.Options{Participants: 1, Seed: 1, Now: testNow})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if st.Participants != 1 {
			t.Errorf("participants: got %d, want 1", st.Participants)
		}
	})
	t.Run("Progress", func(t *testing.T) {
		for _, bar := range []bool{false, true} {
			var out bytes.Buffer
			bdb := dbtest.MustDB(t)
			if _, err := seed.Run(ctx, bdb, seed.Options{Participants: 100, Seed: 1, Now: testNow, Progress: &out, Bar: bar}); err != nil {
				t.Fatalf("Run (bar %v): %v", bar, err)
			}
			if got := out.String(); !strings.Contains(got, "copy") || !strings.Contains(got, "rows in") {
				t.Errorf("progress (bar %v): got %q, want phases and a summary", bar, got)
			}
		}
	})
	t.Run("Negative", func(t *testing.T) {
		bdb := dbtest.MustDB(t)
		if _, err := seed.Run(ctx, bdb, seed.Options{Participants: -1}); err == nil {
			t.Errorf("Run with -1 participants: got nil error, want one")
		}
	})
}
