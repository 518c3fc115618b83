package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// The incentive mutations: reviewing a training (which schedules the first training's incentives),
// linking a payout account, disbursing, completing a survey, and recording a placement.
//
// Days are counted in Western Indonesian Time (WIB). A day is held as midnight UTC of that day,
// which is how the Date scalar parses it and how pgx returns a date column.

// MaxReviewComment is the longest review text, in characters; the reviews table checks it too.
const MaxReviewComment = 5000

// SurveyIntervalDays separates the survey incentives a review schedules: survey j opens
// j × SurveyIntervalDays days after the first installment's due day (30, 60, 90 for three surveys).
// Surveys open 30–90 days after the first payment; the first installment's due day is when that
// payment is expected.
const SurveyIntervalDays = 30

// SurveyPayDays is how soon a completed survey's incentive is paid: it becomes due that many days
// after the survey is completed.
const SurveyPayDays = 14

// DefaultDisburseBatch and MaxDisburseBatch bound disburseIncentives' batchSize.
const (
	DefaultDisburseBatch = 500
	MaxDisburseBatch     = 5000
)

// SubmitReview records the participant's review of a completed enrollment and adds it to the
// course's rating. When the enrollment is the participant's first training (the earliest purchase
// that was not refunded, ties broken by id) and the participant has no incentive schedule yet, it
// creates the schedule with the wave's scheme's incentives:
//   - TRAINING installments of incentive_amount, SCHEDULED, the first due the day after the review
//     (WIB) and the others monthly after it;
//   - SURVEY incentives of survey_amount, PENDING until the survey is completed, due
//     SurveyIntervalDays × j days after the first installment's due day (the day survey j opens);
//
// and, for a scheme with a remaining-balance deadline (NORMAL), sets the balance to expire that
// many days after the review.
//
// Only the participant who took the training may review it: anyone else gets EFORBIDDEN (or
// EUNAUTHENTICATED). Refusals: INVALID_ID, NOT_FOUND (enrollmentId), INVALID_RATING,
// INVALID_INPUT (comment), NOT_COMPLETED, ALREADY_REVIEWED.
func SubmitReview(ctx context.Context, bdb *bun.DB, actor Actor, in SubmitReviewInput) (*SubmitReviewPayload, error) {
	const what = "review a training (only the participant who took it may)"
	if actor.Role != RoleParticipant {
		return nil, Forbid(actor, what)
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *SubmitReviewPayload) error {
		eid, err := keyOfInput(in.EnrollmentID, TypeEnrollment, "enrollmentId")
		if err != nil {
			return err
		}
		var e Enrollment
		if err := tx.NewSelect().Model(&e).Where("e.id = ?", eid).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return Refuse(UserErrorCodeNotFound, "enrollmentId", "no enrollment has ID %s", in.EnrollmentID)
		} else if err != nil {
			return fmt.Errorf("submit review: find enrollment: %w", err)
		}
		if e.ParticipantID != actor.ParticipantID {
			return Forbid(actor, "review another participant's training")
		}
		if in.Rating < 1 || in.Rating > 5 {
			return Refuse(UserErrorCodeInvalidRating, "rating", "a rating is 1 to 5 stars, not %d", in.Rating)
		}
		comment := strings.TrimSpace(in.Comment)
		if n := utf8.RuneCountInString(comment); n > MaxReviewComment {
			return Refuse(UserErrorCodeInvalidInput, "comment", "a review is at most %d characters, not %d", MaxReviewComment, n)
		}

		// Lock the participant, then the enrollment: a concurrent review of the same enrollment waits
		// here and then sees this one's review; one of another enrollment sees this one's schedule.
		var pt Participant
		if err := tx.NewSelect().Model(&pt).Where("p.id = ?", e.ParticipantID).For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("submit review: lock participant: %w", err)
		}
		if err := tx.NewSelect().Model(&e).Where("e.id = ?", eid).For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("submit review: lock enrollment: %w", err)
		}
		if e.Status != EnrollmentStatusCompleted {
			return Refuse(UserErrorCodeNotCompleted, "enrollmentId", "the training is %s, not COMPLETED: it can be reviewed once it is completed", e.Status)
		}
		reviewed, err := tx.NewSelect().Model((*Review)(nil)).Where("rv.enrollment_id = ?", eid).Exists(ctx)
		if err != nil {
			return fmt.Errorf("submit review: find review: %w", err)
		}
		if reviewed {
			return Refuse(UserErrorCodeAlreadyReviewed, "enrollmentId", "this training is already reviewed: a training is reviewed once")
		}

		now := txNow()
		rv := &Review{EnrollmentID: e.ID, ParticipantID: e.ParticipantID, CourseID: e.CourseID, Rating: in.Rating, Body: comment, CreatedAt: now}
		if _, err := tx.NewInsert().Model(rv).Exec(ctx); err != nil {
			return fmt.Errorf("submit review: insert review: %w", err)
		}
		if _, err := tx.NewUpdate().Model((*Course)(nil)).
			Set("review_count = review_count + 1").Set("rating_sum = rating_sum + ?", in.Rating).
			Where("id = ?", e.CourseID).Exec(ctx); err != nil {
			return fmt.Errorf("submit review: update course rating: %w", err)
		}
		after := rowSnapshot(tx, rv)

		p.Review = rv
		p.Incentives = []*Incentive{}
		sched, incs, err := scheduleFirstTrainingIncentives(ctx, tx, &pt, &e, now)
		if err != nil {
			return err
		}
		if sched != nil {
			p.Incentives = incs
			ids := make([]int64, len(incs))
			for i, inc := range incs {
				ids[i] = inc.ID
			}
			after["incentive_schedule"] = map[string]any{"id": sched.ID, "scheme_code": sched.SchemeCode, "incentive_ids": ids}
		}
		if err := Audit(ctx, tx, actor, "submitReview", TypeReview, rv.ID, nil, after); err != nil {
			return err
		}
		if sched != nil {
			// The incentives of the schedule are changes too, and so is a balance deadline.
			for _, inc := range incs {
				if err := Audit(ctx, tx, actor, "submitReview", TypeIncentive, inc.ID, nil, rowSnapshot(tx, inc)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// scheduleFirstTrainingIncentives creates the incentive schedule of pt when e is pt's first training
// and pt has none yet; otherwise it returns nil. reviewedAt is when the review was written. pt must
// be locked by the caller.
func scheduleFirstTrainingIncentives(ctx context.Context, tx bun.Tx, pt *Participant, e *Enrollment, reviewedAt time.Time) (*IncentiveSchedule, []*Incentive, error) {
	// A refunded purchase (its session was cancelled) was never a training.
	var firstID int64
	err := tx.NewSelect().Model((*Enrollment)(nil)).Column("e.id").
		Where("e.participant_id = ?", pt.ID).Where("e.status <> ?", EnrollmentStatusRefunded).
		OrderExpr("e.purchased_at, e.id").Limit(1).Scan(ctx, &firstID)
	if err != nil {
		return nil, nil, fmt.Errorf("submit review: find first training: %w", err)
	}
	if firstID != e.ID {
		return nil, nil, nil
	}
	exists, err := tx.NewSelect().Model((*IncentiveSchedule)(nil)).Where("isc.participant_id = ?", pt.ID).Exists(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("submit review: find incentive schedule: %w", err)
	}
	if exists {
		return nil, nil, nil
	}
	if pt.WaveID == nil {
		return nil, nil, fmt.Errorf("submit review: participant %d has a training but no wave", pt.ID)
	}
	var code SchemeCode
	if err := tx.NewSelect().Model((*Wave)(nil)).Column("w.scheme_code").Where("w.id = ?", *pt.WaveID).Scan(ctx, &code); err != nil {
		return nil, nil, fmt.Errorf("submit review: find wave: %w", err)
	}
	sc, err := FindBenefitScheme(ctx, tx, code)
	if err != nil {
		return nil, nil, fmt.Errorf("submit review: %w", err)
	}
	if sc == nil {
		return nil, nil, fmt.Errorf("submit review: wave %d has unknown scheme %q", *pt.WaveID, code)
	}

	sched := &IncentiveSchedule{ParticipantID: pt.ID, EnrollmentID: e.ID, SchemeCode: sc.Code, CreatedAt: reviewedAt}
	if _, err := tx.NewInsert().Model(sched).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("submit review: insert incentive schedule: %w", err)
	}
	firstDue := dayOf(reviewedAt).AddDate(0, 0, 1)
	incs := make([]*Incentive, 0, sc.IncentiveInstallments+sc.SurveyCount)
	add := func(kind IncentiveKind, seq int, amount int64, due time.Time, status IncentiveStatus) {
		incs = append(incs, &Incentive{ScheduleID: sched.ID, ParticipantID: pt.ID, WaveID: *pt.WaveID, ProvinceCode: pt.ProvinceCode,
			Kind: kind, Sequence: seq, Amount: amount, DueOn: due, Status: status, CreatedAt: reviewedAt})
	}
	for s := 1; s <= sc.IncentiveInstallments; s++ {
		add(IncentiveKindTraining, s, sc.IncentiveAmount, addMonthsClamped(firstDue, s-1), IncentiveStatusScheduled)
	}
	for j := 1; j <= sc.SurveyCount; j++ {
		add(IncentiveKindSurvey, j, sc.SurveyAmount, firstDue.AddDate(0, 0, SurveyIntervalDays*j), IncentiveStatusPending)
	}
	if _, err := tx.NewInsert().Model(&incs).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("submit review: insert incentives: %w", err)
	}
	if sc.RemainingBalanceDays != nil {
		// Normal scheme: what is left of the balance must be spent within the deadline.
		expires := reviewedAt.In(Jakarta).AddDate(0, 0, *sc.RemainingBalanceDays)
		if _, err := tx.NewUpdate().Model((*Participant)(nil)).Set("balance_expires_at = ?", expires).
			Where("id = ?", pt.ID).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("submit review: set balance deadline: %w", err)
		}
		pt.BalanceExpiresAt = &expires
	}
	return sched, incs, nil
}

// accountNumberPattern is what a bank account or phone-linked e-wallet number looks like.
var accountNumberPattern = regexp.MustCompile(`^[0-9]{8,16}$`)

// LinkPayoutAccount links a bank or e-wallet account to a participant for incentives. The holder's
// name must be the participant's name on their NIK, ignoring case and whitespace; a match is the KYC
// check, so the account is VALIDATED at once, and the participant's previously validated account (at
// most one) becomes REPLACED. Linking an account that is already linked and validated returns it
// unchanged (no audit event: nothing changed); linking a known account that is not validated
// (PENDING, REJECTED or REPLACED) validates it again.
//
// The participant or ADMIN; anyone else gets EFORBIDDEN (or EUNAUTHENTICATED). Refusals:
// INVALID_ID, NOT_FOUND (participantId), INVALID_ACCOUNT, INVALID_INPUT (holderName),
// ACCOUNT_NAME_MISMATCH.
func LinkPayoutAccount(ctx context.Context, bdb *bun.DB, actor Actor, in LinkPayoutAccountInput) (*LinkPayoutAccountPayload, error) {
	const what = "link a payout account"
	if !actor.All && actor.Role != RoleParticipant {
		return nil, Forbid(actor, what)
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *LinkPayoutAccountPayload) error {
		pid, err := keyOfInput(in.ParticipantID, TypeParticipant, "participantId")
		if err != nil {
			return err
		}
		if !actor.All && actor.ParticipantID != pid {
			return Forbid(actor, "link a payout account for another participant")
		}
		if !in.Channel.IsValid() {
			return Refuse(UserErrorCodeInvalidInput, "channel", "unknown payout channel %q", in.Channel)
		}
		number := strings.TrimSpace(in.AccountNumber)
		if !accountNumberPattern.MatchString(number) {
			return Refuse(UserErrorCodeInvalidAccount, "accountNumber", "an account or e-wallet number is 8 to 16 digits")
		}
		holder := strings.Join(strings.Fields(in.HolderName), " ")
		if holder == "" {
			return Refuse(UserErrorCodeInvalidInput, "holderName", "the account holder's name is required")
		}
		// Lock the participant: links of one participant run one at a time, so that at most one
		// account is VALIDATED (the partial unique index makes it true regardless).
		var pt Participant
		if err := tx.NewSelect().Model(&pt).Where("p.id = ?", pid).For("UPDATE").Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return Refuse(UserErrorCodeNotFound, "participantId", "no participant has ID %s", in.ParticipantID)
		} else if err != nil {
			return fmt.Errorf("link payout account: lock participant: %w", err)
		}
		if !sameName(holder, pt.FullName) {
			return Refuse(UserErrorCodeAccountNameMismatch, "holderName", "the account holder's name does not match the participant's name on their NIK")
		}

		var existing PayoutAccount
		err = tx.NewSelect().Model(&existing).Where("pa.participant_id = ?", pid).
			Where("pa.channel = ?", in.Channel).Where("pa.account_number = ?", number).Scan(ctx)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("link payout account: find account: %w", err)
		}
		if found && existing.Status == PayoutAccountStatusValidated {
			p.PayoutAccount = &existing
			return nil
		}

		now := txNow()
		var previous []*PayoutAccount
		if err := tx.NewSelect().Model(&previous).Where("pa.participant_id = ?", pid).
			Where("pa.status = ?", PayoutAccountStatusValidated).Scan(ctx); err != nil {
			return fmt.Errorf("link payout account: find validated account: %w", err)
		}
		for _, old := range previous {
			before := rowSnapshot(tx, old)
			// A replaced account is no longer validated (the table checks validated_at agrees).
			old.Status, old.ValidatedAt = PayoutAccountStatusReplaced, nil
			if _, err := tx.NewUpdate().Model(old).Column("status", "validated_at").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("link payout account: replace account %d: %w", old.ID, err)
			}
			if err := Audit(ctx, tx, actor, "linkPayoutAccount", TypePayoutAccount, old.ID, before, rowSnapshot(tx, old)); err != nil {
				return err
			}
		}

		acct := &existing
		var before map[string]any
		if found {
			before = rowSnapshot(tx, acct)
			acct.Status, acct.ValidatedAt, acct.AccountName = PayoutAccountStatusValidated, &now, holder
			if _, err := tx.NewUpdate().Model(acct).Column("status", "validated_at", "account_name").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("link payout account: validate account %d: %w", acct.ID, err)
			}
		} else {
			acct = &PayoutAccount{ParticipantID: pid, Channel: in.Channel, AccountNumber: number, AccountName: holder,
				Status: PayoutAccountStatusValidated, ValidatedAt: &now, CreatedAt: now}
			if _, err := tx.NewInsert().Model(acct).Exec(ctx); err != nil {
				return fmt.Errorf("link payout account: insert account: %w", err)
			}
		}
		if err := Audit(ctx, tx, actor, "linkPayoutAccount", TypePayoutAccount, acct.ID, before, rowSnapshot(tx, acct)); err != nil {
			return err
		}
		p.PayoutAccount = acct
		return nil
	})
}

// sameName reports whether two names are the same person's name, ignoring case and whitespace.
func sameName(a, b string) bool {
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.EqualFold(squash(a), squash(b))
}

// DisburseIncentives pays the TRAINING and SURVEY incentives that are SCHEDULED or FAILED and due on
// or before in.DueBy, in batches of in.BatchSize (DefaultDisburseBatch when nil). Each batch is its
// own transaction: it locks up to batchSize payable incentives with FOR UPDATE SKIP LOCKED, so that
// overlapping runs never take the same incentive, and for each one
//   - with a VALIDATED payout account: inserts a PAID payment (attempt n+1, idempotency key
//     "inc-<id>-<attempt>", a snapshot of the account) and marks the incentive PAID;
//   - without one: inserts a FAILED payment to the participant's latest account, NOT_KYC when an
//     account is still PENDING and ACCOUNT_INACTIVE when every account is REJECTED or REPLACED, and
//     marks the incentive FAILED, for a later run to retry. A participant with no account at all
//     has nothing to snapshot: the incentive is marked FAILED with no payment row.
//
// A run walks the FAILED incentives first and then the SCHEDULED ones, each in (due_on, id) order
// with a keyset cursor, so it attempts each incentive at most once: one it fails is not retried
// before the next run. It stops when a batch selects nothing. Each batch that selected incentives
// writes one audit event (entity type "Disbursement"). The partial unique index on payments (one
// PAID payment per incentive) is the last line of defence against paying twice.
//
// ADMIN only; anyone else gets EFORBIDDEN (or EUNAUTHENTICATED). Refusal: INVALID_INPUT
// (batchSize). An error after some batches committed leaves those batches paid.
func DisburseIncentives(ctx context.Context, bdb *bun.DB, actor Actor, in DisburseIncentivesInput) (*DisburseIncentivesPayload, error) {
	if !actor.All {
		return nil, Forbid(actor, "disburse incentives")
	}
	size := DefaultDisburseBatch
	if in.BatchSize != nil {
		size = *in.BatchSize
	}
	if size < 1 || size > MaxDisburseBatch {
		r := Refuse(UserErrorCodeInvalidInput, "batchSize", "a batch is 1 to %d incentives, not %d", MaxDisburseBatch, size)
		return &DisburseIncentivesPayload{UserErrors: r.Errors}, nil
	}
	run := &disbursement{actor: actor, dueBy: asDay(in.DueBy), size: size}
	out := &DisburseIncentivesPayload{UserErrors: []*UserError{}}
	for _, status := range []IncentiveStatus{IncentiveStatusFailed, IncentiveStatusScheduled} {
		var cur disburseCursor
		for {
			var b disbursedBatch
			err := RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
				b = disbursedBatch{} // a retry starts afresh
				return run.batch(ctx, tx, status, cur, out.BatchCount+1, &b)
			})
			if err != nil {
				return nil, fmt.Errorf("disburse incentives: batch %d: %w", out.BatchCount+1, err)
			}
			if b.selected == 0 {
				break
			}
			out.BatchCount++
			out.PaidCount += b.paid
			out.FailedCount += b.failed
			cur = b.last
		}
	}
	return out, nil
}

// disbursement is one run of disburseIncentives.
type disbursement struct {
	actor Actor
	dueBy time.Time
	size  int
}

// disburseCursor is where a run's walk over the incentives of one status stands: after (due, id).
type disburseCursor struct {
	due time.Time
	id  int64
}

// disbursedBatch is what one committed batch did.
type disbursedBatch struct {
	selected, paid, failed int
	last                   disburseCursor
}

// batch pays one batch of the incentives with the given status after cur, filling in b.
func (run *disbursement) batch(ctx context.Context, tx bun.Tx, status IncentiveStatus, cur disburseCursor, number int, b *disbursedBatch) error {
	var incs []*Incentive
	q := tx.NewSelect().Model(&incs).
		Where("i.status = ?", status).
		Where("i.kind IN (?)", bun.In([]IncentiveKind{IncentiveKindTraining, IncentiveKindSurvey})).
		Where("i.due_on <= ?::date", run.dueBy.Format(time.DateOnly))
	if cur.id != 0 {
		q = q.Where("(i.due_on, i.id) > (?::date, ?)", cur.due.Format(time.DateOnly), cur.id)
	}
	// SKIP LOCKED: an incentive another run is paying is that run's; if it commits first, the row
	// no longer qualifies when re-checked under the lock.
	if err := q.OrderExpr("i.due_on, i.id").Limit(int64(run.size)).For("UPDATE SKIP LOCKED").Scan(ctx); err != nil {
		return fmt.Errorf("select payable incentives: %w", err)
	}
	b.selected = len(incs)
	if len(incs) == 0 {
		return nil
	}
	last := incs[len(incs)-1]
	b.last = disburseCursor{due: last.DueOn, id: last.ID}

	ids := make([]int64, len(incs))
	pidSet := map[int64]bool{}
	var pids []int64
	for i, inc := range incs {
		ids[i] = inc.ID
		if !pidSet[inc.ParticipantID] {
			pidSet[inc.ParticipantID] = true
			pids = append(pids, inc.ParticipantID)
		}
	}
	// The accounts, locked FOR SHARE so that a concurrent link cannot replace the account being
	// paid before this batch commits.
	var accounts []*PayoutAccount
	if err := tx.NewSelect().Model(&accounts).Where("pa.participant_id IN (?)", bun.In(pids)).
		OrderExpr("pa.id").For("SHARE").Scan(ctx); err != nil {
		return fmt.Errorf("select payout accounts: %w", err)
	}
	validated := map[int64]*PayoutAccount{} // participant → validated account
	fallback := map[int64]*PayoutAccount{}  // participant → the account a failed attempt snapshots
	for _, a := range accounts {
		switch {
		case a.Status == PayoutAccountStatusValidated:
			validated[a.ParticipantID] = a
		case a.Status == PayoutAccountStatusPending:
			fallback[a.ParticipantID] = a // a pending account explains the failure best
		case fallback[a.ParticipantID] == nil || fallback[a.ParticipantID].Status != PayoutAccountStatusPending:
			fallback[a.ParticipantID] = a // otherwise the latest
		}
	}
	// Previous attempts, and any PAID payment that the incentive's status does not show.
	var prev []struct {
		IncentiveID int64 `bun:"incentive_id"`
		Attempts    int   `bun:"attempts"`
		Paid        bool  `bun:"paid"`
	}
	if err := tx.NewSelect().Model((*Payment)(nil)).
		ColumnExpr("pm.incentive_id, max(pm.attempt) AS attempts, bool_or(pm.status = ?) AS paid", PaymentStatusPaid).
		Where("pm.incentive_id IN (?)", bun.In(ids)).Group("pm.incentive_id").Scan(ctx, &prev); err != nil {
		return fmt.Errorf("select previous payments: %w", err)
	}
	attempts := make(map[int64]int, len(prev))
	alreadyPaid := map[int64]bool{}
	for _, r := range prev {
		attempts[r.IncentiveID] = r.Attempts
		if r.Paid {
			alreadyPaid[r.IncentiveID] = true
		}
	}

	now := txNow()
	var payments []*Payment
	var paidIDs, failedIDs, reconciledIDs []int64
	var paidChannels []string
	var paidAccounts []int64
	for _, inc := range incs {
		if alreadyPaid[inc.ID] {
			// Paid before, yet not marked so: record it as paid rather than pay it again.
			reconciledIDs = append(reconciledIDs, inc.ID)
			continue
		}
		attempt := attempts[inc.ID] + 1
		pm := &Payment{IncentiveID: inc.ID, Attempt: attempt, IdempotencyKey: fmt.Sprintf("inc-%d-%d", inc.ID, attempt),
			Amount: inc.Amount, CreatedAt: now}
		if a := validated[inc.ParticipantID]; a != nil {
			pm.Status, pm.Channel, pm.AccountNumber, pm.AccountName, pm.SettledAt = PaymentStatusPaid, a.Channel, a.AccountNumber, a.AccountName, &now
			paidIDs = append(paidIDs, inc.ID)
			paidChannels = append(paidChannels, string(a.Channel))
			paidAccounts = append(paidAccounts, a.ID)
			payments = append(payments, pm)
			continue
		}
		failedIDs = append(failedIDs, inc.ID)
		if a := fallback[inc.ParticipantID]; a != nil {
			code := PaymentFailureCodeAccountInactive
			if a.Status == PayoutAccountStatusPending {
				code = PaymentFailureCodeNotKyc
			}
			pm.Status, pm.Channel, pm.AccountNumber, pm.AccountName, pm.FailureCode, pm.SettledAt = PaymentStatusFailed, a.Channel, a.AccountNumber, a.AccountName, &code, &now
			payments = append(payments, pm)
		}
	}
	if len(payments) > 0 {
		if _, err := tx.NewInsert().Model(&payments).Exec(ctx); err != nil {
			return fmt.Errorf("insert payments: %w", err)
		}
	}
	payable := bun.In([]IncentiveStatus{IncentiveStatusScheduled, IncentiveStatusFailed})
	if len(paidIDs) > 0 {
		res, err := tx.NewRaw(`UPDATE incentives AS i SET status = ?, paid_at = ?, channel = v.channel, payout_account_id = v.account_id
			FROM unnest(?::bigint[], ?::text[], ?::bigint[]) AS v(id, channel, account_id)
			WHERE i.id = v.id AND i.status IN (?)`,
			IncentiveStatusPaid, now, pgdialect.Array(paidIDs), pgdialect.Array(paidChannels), pgdialect.Array(paidAccounts), payable).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark incentives paid: %w", err)
		}
		if n, _ := res.RowsAffected(); int(n) != len(paidIDs) {
			return fmt.Errorf("mark incentives paid: %d of %d locked incentives changed", n, len(paidIDs))
		}
	}
	if len(failedIDs) > 0 {
		if _, err := tx.NewUpdate().Model((*Incentive)(nil)).Set("status = ?", IncentiveStatusFailed).
			Where("id IN (?)", bun.In(failedIDs)).Where("status IN (?)", payable).Exec(ctx); err != nil {
			return fmt.Errorf("mark incentives failed: %w", err)
		}
	}
	if len(reconciledIDs) > 0 {
		if _, err := tx.NewRaw(`UPDATE incentives AS i SET status = ?, paid_at = coalesce(pm.settled_at, pm.created_at), channel = pm.channel
			FROM payments AS pm WHERE pm.incentive_id = i.id AND pm.status = ? AND i.id IN (?)`,
			IncentiveStatusPaid, PaymentStatusPaid, bun.In(reconciledIDs)).Exec(ctx); err != nil {
			return fmt.Errorf("reconcile paid incentives: %w", err)
		}
	}
	b.paid, b.failed = len(paidIDs), len(failedIDs)
	after := map[string]any{
		"due_by": run.dueBy.Format(time.DateOnly), "batch": number, "status_selected": status, "batch_size": run.size,
		"selected_count": len(incs), "paid_count": len(paidIDs), "failed_count": len(failedIDs),
		"paid_incentive_ids": nonNil(paidIDs), "failed_incentive_ids": nonNil(failedIDs),
	}
	if len(reconciledIDs) > 0 {
		after["reconciled_incentive_ids"] = reconciledIDs
	}
	return Audit(ctx, tx, run.actor, "disburseIncentives", "Disbursement", incs[0].ID, nil, after)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CompleteSurvey records that the participant completed survey in.Sequence: its SURVEY incentive
// (which must be PENDING) becomes SCHEDULED, due SurveyPayDays days from today (WIB), and records
// when the survey was completed. Surveys open after the first payment: the participant must have a
// TRAINING installment that is PAID.
//
// The participant or ADMIN; anyone else gets EFORBIDDEN (or EUNAUTHENTICATED). Refusals:
// INVALID_ID, NOT_FOUND (participantId, sequence), INVALID_INPUT (sequence), INCENTIVE_STATE.
func CompleteSurvey(ctx context.Context, bdb *bun.DB, actor Actor, in CompleteSurveyInput) (*CompleteSurveyPayload, error) {
	const what = "complete a survey"
	if !actor.All && actor.Role != RoleParticipant {
		return nil, Forbid(actor, what)
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CompleteSurveyPayload) error {
		pid, err := keyOfInput(in.ParticipantID, TypeParticipant, "participantId")
		if err != nil {
			return err
		}
		if !actor.All && actor.ParticipantID != pid {
			return Forbid(actor, "complete another participant's survey")
		}
		if in.Sequence < 1 {
			return Refuse(UserErrorCodeInvalidInput, "sequence", "surveys are numbered from 1, not %d", in.Sequence)
		}
		exists, err := tx.NewSelect().Model((*Participant)(nil)).Where("p.id = ?", pid).Exists(ctx)
		if err != nil {
			return fmt.Errorf("complete survey: find participant: %w", err)
		}
		if !exists {
			return Refuse(UserErrorCodeNotFound, "participantId", "no participant has ID %s", in.ParticipantID)
		}
		var inc Incentive
		err = tx.NewSelect().Model(&inc).Where("i.participant_id = ?", pid).Where("i.kind = ?", IncentiveKindSurvey).
			Where("i.sequence = ?", in.Sequence).For("UPDATE").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return Refuse(UserErrorCodeNotFound, "sequence", "the participant has no survey %d", in.Sequence)
		} else if err != nil {
			return fmt.Errorf("complete survey: lock incentive: %w", err)
		}
		if inc.Status != IncentiveStatusPending {
			return Refuse(UserErrorCodeIncentiveState, "sequence", "survey %d is %s, not PENDING: it was completed already or its window closed", in.Sequence, inc.Status)
		}
		now := txNow()
		var firstPaid sql.NullTime
		if err := tx.NewSelect().Model((*Incentive)(nil)).ColumnExpr("min(i.paid_at)").
			Where("i.participant_id = ?", pid).Where("i.kind = ?", IncentiveKindTraining).
			Where("i.status = ?", IncentiveStatusPaid).Scan(ctx, &firstPaid); err != nil {
			return fmt.Errorf("complete survey: find first payment: %w", err)
		}
		if !firstPaid.Valid || firstPaid.Time.After(now) {
			return Refuse(UserErrorCodeIncentiveState, "sequence", "surveys open after the first incentive payment, which has not been made yet")
		}
		before := rowSnapshot(tx, &inc)
		inc.Status, inc.SurveyCompletedAt, inc.DueOn = IncentiveStatusScheduled, &now, dayOf(now).AddDate(0, 0, SurveyPayDays)
		if _, err := tx.NewUpdate().Model(&inc).Column("status", "survey_completed_at", "due_on").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("complete survey: update incentive: %w", err)
		}
		if err := Audit(ctx, tx, actor, "completeSurvey", TypeIncentive, inc.ID, before, rowSnapshot(tx, &inc)); err != nil {
			return err
		}
		p.Incentive = &inc
		return nil
	})
}

// MaxPlacementText is the longest employer or position name, in characters.
const MaxPlacementText = 200

// RecordPlacement records a "3 in 1" placement outcome of a participant, optionally tied to the
// training that led to it. startedOn is only for HIRED.
//
// ADMIN, or the PROVIDER of the enrollment's course (a provider must name the enrollment); anyone
// else gets EFORBIDDEN (or EUNAUTHENTICATED). Refusals: INVALID_ID, NOT_FOUND (participantId,
// enrollmentId), INVALID_INPUT (enrollmentId of another participant, employer, position,
// startedOn).
func RecordPlacement(ctx context.Context, bdb *bun.DB, actor Actor, in RecordPlacementInput) (*RecordPlacementPayload, error) {
	const what = "record a placement"
	if !actor.All && actor.Role != RoleProvider {
		return nil, Forbid(actor, what)
	}
	if !actor.All && in.EnrollmentID == nil {
		return nil, Forbid(actor, "record a placement without naming the enrollment in its own training")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *RecordPlacementPayload) error {
		pid, err := keyOfInput(in.ParticipantID, TypeParticipant, "participantId")
		if err != nil {
			return err
		}
		var e *Enrollment
		if in.EnrollmentID != nil {
			eid, err := keyOfInput(*in.EnrollmentID, TypeEnrollment, "enrollmentId")
			if err != nil {
				return err
			}
			e = new(Enrollment)
			if err := tx.NewSelect().Model(e).Where("e.id = ?", eid).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
				return Refuse(UserErrorCodeNotFound, "enrollmentId", "no enrollment has ID %s", *in.EnrollmentID)
			} else if err != nil {
				return fmt.Errorf("record placement: find enrollment: %w", err)
			}
			if !actor.All && e.ProviderID != actor.ProviderID {
				return Forbid(actor, "record a placement for another provider's training")
			}
		}
		exists, err := tx.NewSelect().Model((*Participant)(nil)).Where("p.id = ?", pid).Exists(ctx)
		if err != nil {
			return fmt.Errorf("record placement: find participant: %w", err)
		}
		if !exists {
			return Refuse(UserErrorCodeNotFound, "participantId", "no participant has ID %s", in.ParticipantID)
		}
		if e != nil && e.ParticipantID != pid {
			return Refuse(UserErrorCodeInvalidInput, "enrollmentId", "the enrollment is another participant's training")
		}
		employer := strings.Join(strings.Fields(in.Employer), " ")
		position := strings.Join(strings.Fields(in.Position), " ")
		for _, f := range []struct{ name, value string }{{"employer", employer}, {"position", position}} {
			if f.value == "" {
				return Refuse(UserErrorCodeInvalidInput, f.name, "the %s is required", f.name)
			}
			if n := utf8.RuneCountInString(f.value); n > MaxPlacementText {
				return Refuse(UserErrorCodeInvalidInput, f.name, "the %s is at most %d characters, not %d", f.name, MaxPlacementText, n)
			}
		}
		if !in.Status.IsValid() {
			return Refuse(UserErrorCodeInvalidInput, "status", "unknown placement status %q", in.Status)
		}
		var started *time.Time
		if in.StartedOn != nil {
			if in.Status != PlacementStatusHired {
				return Refuse(UserErrorCodeInvalidInput, "startedOn", "a start day is only for a HIRED placement, not %s", in.Status)
			}
			d := asDay(*in.StartedOn)
			started = &d
		}
		now := txNow()
		pl := &Placement{ParticipantID: pid, Employer: employer, Position: position, Status: in.Status, StartedOn: started, CreatedAt: now, UpdatedAt: now}
		if e != nil {
			pl.EnrollmentID = &e.ID
		}
		if _, err := tx.NewInsert().Model(pl).Exec(ctx); err != nil {
			return fmt.Errorf("record placement: insert: %w", err)
		}
		if err := Audit(ctx, tx, actor, "recordPlacement", TypePlacement, pl.ID, nil, rowSnapshot(tx, pl)); err != nil {
			return err
		}
		p.Placement = pl
		return nil
	})
}

// keyOfInput returns the primary key an input ID names, refusing with INVALID_ID on field when it
// names an entity of another type than typ.
func keyOfInput(id NodeID, typ, field string) (int64, error) {
	k, err := id.Int(typ)
	if err != nil {
		return 0, Refuse(UserErrorCodeInvalidId, field, "%s", ErrorMessage(err))
	}
	return k, nil
}

// txNow is the time a change is stamped with, at the database's microsecond precision so that a
// payload shows what a later read returns.
func txNow() time.Time { return time.Now().Truncate(time.Microsecond) }

// dayOf returns the day (WIB) of the instant t, as midnight UTC of that day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(Jakarta).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// asDay returns the day a Date input names, as midnight UTC of that day.
func asDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// addMonthsClamped adds n months to day d, keeping the day of month where the month has it and
// taking the month's last day otherwise (31 January + 1 month is 28 or 29 February).
func addMonthsClamped(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// rowSnapshot returns a model's columns keyed by their SQL names: the shape in which an audit event
// records an entity before and after a change.
func rowSnapshot(idb bun.IDB, model any) map[string]any {
	v := reflect.Indirect(reflect.ValueOf(model))
	table := idb.Dialect().Tables().Get(v.Type())
	out := make(map[string]any, len(table.Fields))
	for _, f := range table.Fields {
		out[f.Name] = f.Value(v).Interface()
	}
	return out
}
