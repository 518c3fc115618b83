package db

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// pplRevokeBatch is how many participants one transaction of revokeLapsedParticipants revokes.
const pplRevokeBatch = 500

// pplLapsed is an ACTIVE participant past the first purchase deadline who never purchased.
type pplLapsed struct {
	ID               int64     `bun:"id" json:"id"`
	NIK              string    `bun:"nik" json:"-"`
	Balance          int64     `bun:"balance" json:"balance"`
	PurchaseDeadline time.Time `bun:"purchase_deadline" json:"purchaseDeadline"`
}

// RevokeLapsedParticipants revokes the ACTIVE participants whose first purchase deadline passed
// before in.AsOf (now when omitted; a future asOf is refused) and who never purchased a training: each becomes REVOKED, their
// balance is forfeited (a FORFEIT ledger row brings it to 0), their NIK is blacklisted
// (PURCHASE_DEADLINE_MISSED) so that they cannot join later waves, and their unpaid incentives
// (PENDING, SCHEDULED, FAILED) are CANCELLED. ADMIN only; others get EFORBIDDEN
// (EUNAUTHENTICATED when anonymous).
//
// It works in batches of pplRevokeBatch, each its own transaction with one audit event listing
// the batch. Rows another transaction holds (a purchase in flight) are skipped, so that
// overlapping runs never revoke anyone twice and never wait on each other; a later run takes
// what was skipped. An error stops the run after the batches already committed.
func RevokeLapsedParticipants(ctx context.Context, bdb *bun.DB, actor Actor, in RevokeLapsedParticipantsInput) (*RevokeLapsedParticipantsPayload, error) {
	if !pplIsAdmin(actor) {
		return nil, Forbid(actor, "revoke participants")
	}
	asOf := time.Now()
	if in.AsOf != nil {
		if in.AsOf.After(asOf) {
			r := Refuse(UserErrorCodeInvalidInput, "asOf", "asOf must not be in the future: deadlines that have not passed yet cannot lapse")
			return &RevokeLapsedParticipantsPayload{UserErrors: r.Errors}, nil
		}
		asOf = *in.AsOf
	}
	total := 0
	for {
		var n int
		err := RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
			var err error
			n, err = pplRevokeBatchOf(ctx, tx, actor, asOf, pplRevokeBatch)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("revoke lapsed participants: %w", err)
		}
		total += n
		if n < pplRevokeBatch {
			break
		}
	}
	return &RevokeLapsedParticipantsPayload{RevokedCount: total, UserErrors: []*UserError{}}, nil
}

// pplRevokeBatchOf revokes up to limit lapsed participants in tx and returns how many.
func pplRevokeBatchOf(ctx context.Context, tx bun.Tx, actor Actor, asOf time.Time, limit int) (int, error) {
	var lapsed []*pplLapsed
	// FOR UPDATE also conflicts with the key-share lock an enrollment insert takes on its
	// participant, so a purchase in flight makes its buyer skipped rather than revoked.
	if err := tx.NewRaw(`SELECT p.id, p.nik, p.balance, p.purchase_deadline FROM participants p
		WHERE p.status = 'ACTIVE' AND p.purchase_deadline < ?
		  AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id)
		ORDER BY p.id LIMIT ? FOR UPDATE SKIP LOCKED`, asOf, limit).Scan(ctx, &lapsed); err != nil {
		return 0, fmt.Errorf("find lapsed: %w", err)
	}
	if len(lapsed) == 0 {
		return 0, nil
	}
	now := time.Now()
	ids := make([]int64, len(lapsed))
	niks := make([]string, len(lapsed))
	balances := make([]int64, len(lapsed))
	for i, l := range lapsed {
		ids[i], niks[i], balances[i] = l.ID, l.NIK, l.Balance
	}
	res, err := tx.NewRaw(`UPDATE participants SET status = 'REVOKED', revoked_at = ?, balance = 0
		WHERE id = ANY(?::bigint[]) AND status = 'ACTIVE'`, now, pgdialect.Array(ids)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("revoke: %w", err)
	}
	if n, _ := res.RowsAffected(); int(n) != len(lapsed) {
		return 0, fmt.Errorf("revoke: %d of %d locked participants changed status", len(lapsed)-int(n), len(lapsed))
	}
	if _, err := tx.NewRaw(`INSERT INTO balance_ledger (participant_id, kind, amount, balance_after, created_at)
		SELECT v.id, 'FORFEIT', -v.balance, 0, ? FROM unnest(?::bigint[], ?::bigint[]) AS v(id, balance) WHERE v.balance > 0`,
		now, pgdialect.Array(ids), pgdialect.Array(balances)).Exec(ctx); err != nil {
		return 0, fmt.Errorf("forfeit: %w", err)
	}
	if _, err := tx.NewRaw(`INSERT INTO blacklist (nik, participant_id, reason, created_at)
		SELECT v.nik, v.id, 'PURCHASE_DEADLINE_MISSED', ? FROM unnest(?::text[], ?::bigint[]) AS v(nik, id)
		ON CONFLICT (nik) DO NOTHING`, now, pgdialect.Array(niks), pgdialect.Array(ids)).Exec(ctx); err != nil {
		return 0, fmt.Errorf("blacklist: %w", err)
	}
	res, err = tx.NewRaw(`UPDATE incentives SET status = 'CANCELLED'
		WHERE participant_id = ANY(?::bigint[]) AND status IN ('PENDING', 'SCHEDULED', 'FAILED')`, pgdialect.Array(ids)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("cancel incentives: %w", err)
	}
	cancelled, _ := res.RowsAffected()
	before := map[string]any{"status": ParticipantStatusActive, "participants": lapsed}
	after := map[string]any{"status": ParticipantStatusRevoked, "participantIds": ids, "balance": 0, "asOf": asOf,
		"blacklistReason": "PURCHASE_DEADLINE_MISSED", "cancelledIncentives": cancelled}
	if err := Audit(ctx, tx, actor, "revokeLapsedParticipants", TypeParticipant, 0, before, after); err != nil {
		return 0, err
	}
	return len(lapsed), nil
}
