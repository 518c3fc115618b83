package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// The small records that hang from an enrollment, an incentive or a participant. They are read by
// their parent's key through loaders.

var certificates = &listSpec[Certificate, struct{}]{name: "certificates", alias: "ce", table: tableByEnrollment,
	id: func(c *Certificate) int64 { return c.ID }}

var reviews = &listSpec[Review, struct{}]{name: "reviews", alias: "rv", table: tableByEnrollment,
	id: func(r *Review) int64 { return r.ID }}

var payments = &listSpec[Payment, struct{}]{name: "payments", alias: "pm", table: tablePayments,
	id: func(p *Payment) int64 { return p.ID }, mask: maskPayment}

var payoutAccounts = &listSpec[PayoutAccount, struct{}]{name: "payoutAccounts", alias: "pa", table: tablePersonal,
	id: func(a *PayoutAccount) int64 { return a.ID }, mask: maskPayoutAccount}

var placements = &listSpec[Placement, struct{}]{name: "placements", alias: "pl", table: tablePersonal,
	id: func(p *Placement) int64 { return p.ID }}

// FindCertificatesByEnrollments returns the certificate of each enrollment that has one.
func FindCertificatesByEnrollments(ctx context.Context, idb bun.IDB, scope Scope, enrollmentIDs []int64) (map[int64]*Certificate, error) {
	return certificates.byColumn(ctx, idb, scope, "enrollment_id", func(c *Certificate) int64 { return c.EnrollmentID }, enrollmentIDs)
}

// FindCertificatesByIDs returns the visible certificates among ids, keyed by id.
func FindCertificatesByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Certificate, error) {
	return certificates.byIDs(ctx, idb, scope, ids)
}

// FindCertificateByNumber returns the certificate with the given public number, or nil. Anyone may
// verify a certificate, so this read is not scoped; what hangs from it is.
func FindCertificateByNumber(ctx context.Context, idb bun.IDB, number string) (*Certificate, error) {
	var c Certificate
	err := idb.NewSelect().Model(&c).Where("ce.number = ?", number).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find certificate by number: %w", err)
	}
	return &c, nil
}

// FindReviewsByEnrollments returns the review of each enrollment that has one.
func FindReviewsByEnrollments(ctx context.Context, idb bun.IDB, scope Scope, enrollmentIDs []int64) (map[int64]*Review, error) {
	return reviews.byColumn(ctx, idb, scope, "enrollment_id", func(r *Review) int64 { return r.EnrollmentID }, enrollmentIDs)
}

// FindReviewsByIDs returns the visible reviews among ids, keyed by id.
func FindReviewsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Review, error) {
	return reviews.byIDs(ctx, idb, scope, ids)
}

// FindPaymentsByIncentives returns each incentive's payment attempts in attempt order.
func FindPaymentsByIncentives(ctx context.Context, idb bun.IDB, scope Scope, incentiveIDs []int64) (map[int64][]*Payment, error) {
	return payments.listByColumn(ctx, idb, scope, "incentive_id", func(p *Payment) int64 { return p.IncentiveID }, incentiveIDs)
}

// FindPaymentsByIDs returns the visible payments among ids, keyed by id.
func FindPaymentsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Payment, error) {
	return payments.byIDs(ctx, idb, scope, ids)
}

// FindPayoutAccountsByParticipants returns each participant's payout accounts.
func FindPayoutAccountsByParticipants(ctx context.Context, idb bun.IDB, scope Scope, participantIDs []int64) (map[int64][]*PayoutAccount, error) {
	return payoutAccounts.listByColumn(ctx, idb, scope, "participant_id", func(a *PayoutAccount) int64 { return a.ParticipantID }, participantIDs)
}

// FindPayoutAccountsByIDs returns the visible payout accounts among ids, keyed by id.
func FindPayoutAccountsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*PayoutAccount, error) {
	return payoutAccounts.byIDs(ctx, idb, scope, ids)
}

// FindPlacementsByParticipants returns each participant's placements.
func FindPlacementsByParticipants(ctx context.Context, idb bun.IDB, scope Scope, participantIDs []int64) (map[int64][]*Placement, error) {
	return placements.listByColumn(ctx, idb, scope, "participant_id", func(p *Placement) int64 { return p.ParticipantID }, participantIDs)
}

// FindPlacementsByIDs returns the visible placements among ids, keyed by id.
func FindPlacementsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Placement, error) {
	return placements.byIDs(ctx, idb, scope, ids)
}

// FindCourseIDsByEnrollments returns the course of each enrollment. It is not scoped: which course a
// certificate is for is public, printed on the certificate; who bought it is not.
func FindCourseIDsByEnrollments(ctx context.Context, idb bun.IDB, enrollmentIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(enrollmentIDs))
	if len(enrollmentIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID       int64 `bun:"id"`
		CourseID int64 `bun:"course_id"`
	}
	err := idb.NewSelect().Table("enrollments").Column("id", "course_id").
		Where("id IN (?)", bun.In(enrollmentIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("find courses of enrollments: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.CourseID
	}
	return out, nil
}

var waveApplications = &listSpec[WaveApplication, struct{}]{name: "waveApplications", alias: "wa", table: tablePersonal,
	id: func(a *WaveApplication) int64 { return a.ID }}

// FindWaveApplicationsByParticipants returns each participant's wave applications, oldest first.
func FindWaveApplicationsByParticipants(ctx context.Context, idb bun.IDB, scope Scope, participantIDs []int64) (map[int64][]*WaveApplication, error) {
	return waveApplications.listByColumn(ctx, idb, scope, "participant_id", func(a *WaveApplication) int64 { return a.ParticipantID }, participantIDs)
}
