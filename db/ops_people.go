package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// The people side of the programme: registration (pendaftaran), the wave (gelombang) lifecycle and
// applications to a wave. The draw is in ops_people_draw.go, revocations in ops_people_revoke.go,
// and the rules that need no database in ops_people_rules.go.

// RegisterParticipant registers a person as REGISTERED, with no card and a zero balance. It is open
// to anonymous callers (public sign-up) and to ADMIN; other roles get EFORBIDDEN.
//
// It refuses, writing nothing: INVALID_NIK, NIK_MISMATCH, INVALID_KK, AGE_OUT_OF_RANGE and
// INVALID_INPUT (fullName, email, phone) for malformed input, all at once; then DUPLICATE_NIK when
// the NIK is registered (also when a concurrent registration wins the race), BLACKLISTED, and
// HOUSEHOLD_FULL when two people of the family card are registered already. The household's
// member count is raised by a conditional UPDATE, so that concurrent registrations can never
// put a third person on a card.
func RegisterParticipant(ctx context.Context, bdb *bun.DB, actor Actor, in RegisterParticipantInput) (*RegisterParticipantPayload, error) {
	if actor.Role != "" && !pplIsAdmin(actor) {
		return nil, Forbid(actor, "register participants")
	}
	in.NIK = strings.TrimSpace(in.NIK)
	in.KKNumber = strings.TrimSpace(in.KKNumber)
	in.FullName = strings.TrimSpace(in.FullName)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = pplNormalizePhone(in.Phone)
	now := time.Now()
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *RegisterParticipantPayload) error {
		provinceKnown := false
		if len(in.NIK) == 16 && isDigits(in.NIK) {
			var err error
			if provinceKnown, err = tx.NewSelect().Model((*Province)(nil)).Where("pv.code = ?", in.NIK[:2]).Exists(ctx); err != nil {
				return fmt.Errorf("register participant: province: %w", err)
			}
		}
		var errs []*UserError
		for _, ue := range []*UserError{
			pplCheckNIK(in.NIK, provinceKnown, in.BirthDate, in.Gender),
			pplCheckKK(in.KKNumber),
			pplCheckAge(in.BirthDate, now.In(Jakarta)),
			pplCheckName(in.FullName),
			pplCheckEmail(in.Email),
			pplCheckPhone(in.Phone),
		} {
			if ue != nil {
				errs = append(errs, ue)
			}
		}
		if len(errs) > 0 {
			return &Refusal{Errors: errs}
		}

		// Once per lifetime; the unique index settles a race below.
		if dup, err := tx.NewSelect().Model((*Participant)(nil)).Where("p.nik = ?", in.NIK).Exists(ctx); err != nil {
			return fmt.Errorf("register participant: duplicate: %w", err)
		} else if dup {
			return Refuse(UserErrorCodeDuplicateNik, "nik", "This NIK is already registered: a person registers once per lifetime.")
		}
		var reason string
		err := tx.NewRaw("SELECT reason FROM blacklist WHERE nik = ?", in.NIK).Scan(ctx, &reason)
		if err == nil {
			return Refuse(UserErrorCodeBlacklisted, "nik", "This NIK is blacklisted (%s) and may not register.", strings.ToLower(strings.ReplaceAll(reason, "_", " ")))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("register participant: blacklist: %w", err)
		}

		// The household row must exist before the participant refers to it; its count is raised
		// after the insert, so that a NIK race is reported as DUPLICATE_NIK rather than
		// HOUSEHOLD_FULL.
		if _, err := tx.NewRaw("INSERT INTO households (kk_number, member_count) VALUES (?, 0) ON CONFLICT (kk_number) DO NOTHING", in.KKNumber).Exec(ctx); err != nil {
			return fmt.Errorf("register participant: household: %w", err)
		}
		part := &Participant{
			NIK:              in.NIK,
			KKNumber:         in.KKNumber,
			FullName:         in.FullName,
			BirthDate:        in.BirthDate,
			Gender:           in.Gender,
			ProvinceCode:     in.NIK[:2],
			Email:            in.Email,
			Phone:            in.Phone,
			Education:        in.Education,
			EmploymentStatus: in.EmploymentStatus,
			Status:           ParticipantStatusRegistered,
			RegisteredAt:     now,
		}
		if _, err := tx.NewInsert().Model(part).Returning("*").Exec(ctx); err != nil {
			if pplUniqueViolation(err) == "participants_nik_key" {
				return Refuse(UserErrorCodeDuplicateNik, "nik", "This NIK is already registered: a person registers once per lifetime.")
			}
			return fmt.Errorf("register participant: %w", err)
		}
		// At most two people per family card: the row lock of this UPDATE serializes concurrent
		// registrations of one card, and the later one re-reads the count (the CHECK backs it).
		res, err := tx.NewRaw("UPDATE households SET member_count = member_count + 1 WHERE kk_number = ? AND member_count < ?", in.KKNumber, pplKKCap).Exec(ctx)
		if err != nil {
			return fmt.Errorf("register participant: household count: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Refuse(UserErrorCodeHouseholdFull, "kkNumber", "Two people of this family card (KK) are already registered: at most %d per card.", pplKKCap)
		}
		if err := Audit(ctx, tx, actor, "registerParticipant", TypeParticipant, part.ID, nil, part); err != nil {
			return err
		}
		p.Participant = part
		return nil
	})
}

// CreateWave creates a wave in DRAFT with its quota and optional province quotas. ADMIN only;
// others get EFORBIDDEN (EUNAUTHENTICATED when anonymous).
//
// It refuses, writing nothing: INVALID_INPUT for a number outside 1–999,999, an unknown or
// repeated province; INVALID_SCHEDULE when closesAt is not after opensAt; INVALID_QUOTA for a
// quota that is not positive (or above 99,999,999), a province quota that is not positive, or
// province quotas that add up to more than the quota; DUPLICATE_WAVE when the number exists.
func CreateWave(ctx context.Context, bdb *bun.DB, actor Actor, in CreateWaveInput) (*CreateWavePayload, error) {
	if !pplIsAdmin(actor) {
		return nil, Forbid(actor, "create waves")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateWavePayload) error {
		provinces, err := FindProvinces(ctx, tx)
		if err != nil {
			return err
		}
		known := make(map[string]bool, len(provinces))
		for _, pv := range provinces {
			known[pv.Code] = true
		}
		var errs []*UserError
		if in.Number < 1 || in.Number > pplMaxWaveNumber {
			errs = append(errs, pplErrorAt(UserErrorCodeInvalidInput, []string{"number"}, "A wave number is 1 to %d.", pplMaxWaveNumber))
		}
		if !in.ClosesAt.After(in.OpensAt) {
			errs = append(errs, pplErrorAt(UserErrorCodeInvalidSchedule, []string{"closesAt"}, "A wave must close after it opens."))
		}
		if in.Quota < 1 || in.Quota > pplMaxQuota {
			errs = append(errs, pplErrorAt(UserErrorCodeInvalidQuota, []string{"quota"}, "The quota must be 1 to %d.", pplMaxQuota))
		}
		seen := map[string]bool{}
		sum := 0
		for i, q := range in.ProvinceQuotas {
			at := []string{"provinceQuotas", fmt.Sprint(i)}
			switch {
			case !known[q.ProvinceCode]:
				errs = append(errs, pplErrorAt(UserErrorCodeInvalidInput, append(at, "provinceCode"), "%q is not a province code.", q.ProvinceCode))
			case seen[q.ProvinceCode]:
				errs = append(errs, pplErrorAt(UserErrorCodeInvalidInput, append(at, "provinceCode"), "Province %s has more than one quota.", q.ProvinceCode))
			}
			seen[q.ProvinceCode] = true
			if q.Quota < 1 {
				errs = append(errs, pplErrorAt(UserErrorCodeInvalidQuota, append(at, "quota"), "A province quota must be positive."))
			}
			sum += q.Quota
		}
		if in.Quota >= 1 && sum > in.Quota {
			errs = append(errs, pplErrorAt(UserErrorCodeInvalidQuota, []string{"provinceQuotas"}, "The province quotas add up to %d, more than the wave's quota of %d.", sum, in.Quota))
		}
		if len(errs) > 0 {
			return &Refusal{Errors: errs}
		}

		duplicate := Refuse(UserErrorCodeDuplicateWave, "number", "Wave %d exists.", in.Number)
		if exists, err := tx.NewSelect().Model((*Wave)(nil)).Where("w.number = ?", in.Number).Exists(ctx); err != nil {
			return fmt.Errorf("create wave: %w", err)
		} else if exists {
			return duplicate
		}
		w := &Wave{
			Number:     in.Number,
			SchemeCode: in.Scheme,
			Status:     WaveStatusDraft,
			OpensAt:    in.OpensAt,
			ClosesAt:   in.ClosesAt,
			Quota:      in.Quota,
			CreatedAt:  time.Now(),
		}
		if _, err := tx.NewInsert().Model(w).Returning("*").Exec(ctx); err != nil {
			if pplUniqueViolation(err) == "waves_number_key" {
				return duplicate
			}
			return fmt.Errorf("create wave: %w", err)
		}
		quotas := make([]*ProvinceQuota, 0, len(in.ProvinceQuotas))
		for _, q := range in.ProvinceQuotas {
			quotas = append(quotas, &ProvinceQuota{WaveID: w.ID, ProvinceCode: q.ProvinceCode, Quota: q.Quota})
		}
		if len(quotas) > 0 {
			if _, err := tx.NewInsert().Model(&quotas).Exec(ctx); err != nil {
				return fmt.Errorf("create wave: province quotas: %w", err)
			}
		}
		after := map[string]any{"wave": w, "provinceQuotas": quotas}
		if err := Audit(ctx, tx, actor, "createWave", TypeWave, w.ID, nil, after); err != nil {
			return err
		}
		p.Wave = w
		return nil
	})
}

// OpenWave opens a DRAFT wave for applicants. ADMIN only. It refuses with NOT_FOUND for an unknown
// number and WAVE_STATE unless the wave is DRAFT.
func OpenWave(ctx context.Context, bdb *bun.DB, actor Actor, in OpenWaveInput) (*OpenWavePayload, error) {
	if !pplIsAdmin(actor) {
		return nil, Forbid(actor, "open waves")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *OpenWavePayload) error {
		w, err := pplTransitionWave(ctx, tx, actor, "openWave", in.WaveNumber, WaveStatusDraft, WaveStatusOpen)
		p.Wave = w
		return err
	})
}

// CloseWave closes an OPEN wave to applicants. ADMIN only. It refuses with NOT_FOUND for an unknown
// number and WAVE_STATE unless the wave is OPEN. Joins that are in flight finish first (they hold
// the wave row), and none is accepted after.
func CloseWave(ctx context.Context, bdb *bun.DB, actor Actor, in CloseWaveInput) (*CloseWavePayload, error) {
	if !pplIsAdmin(actor) {
		return nil, Forbid(actor, "close waves")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CloseWavePayload) error {
		w, err := pplTransitionWave(ctx, tx, actor, "closeWave", in.WaveNumber, WaveStatusOpen, WaveStatusClosed)
		p.Wave = w
		return err
	})
}

// pplLockWave returns the wave with the given number, locked FOR UPDATE until tx ends, or a
// NOT_FOUND refusal about input.waveNumber.
func pplLockWave(ctx context.Context, tx bun.Tx, number int) (*Wave, error) {
	w := new(Wave)
	err := tx.NewSelect().Model(w).Where("w.number = ?", number).For("UPDATE").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Refuse(UserErrorCodeNotFound, "waveNumber", "There is no wave %d.", number)
	}
	if err != nil {
		return nil, fmt.Errorf("lock wave %d: %w", number, err)
	}
	return w, nil
}

// pplTransitionWave moves wave number from one status to the next under the wave's row lock, and
// audits it. It refuses with NOT_FOUND or WAVE_STATE.
func pplTransitionWave(ctx context.Context, tx bun.Tx, actor Actor, action string, number int, from, to WaveStatus) (*Wave, error) {
	w, err := pplLockWave(ctx, tx, number)
	if err != nil {
		return nil, err
	}
	if w.Status != from {
		return nil, Refuse(UserErrorCodeWaveState, "waveNumber", "Wave %d is %s; only a %s wave can become %s.", number, w.Status, from, to)
	}
	before := *w
	w.Status = to
	if _, err := tx.NewUpdate().Model(w).Column("status").WherePK().Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	if err := Audit(ctx, tx, actor, action, TypeWave, w.ID, &before, w); err != nil {
		return nil, err
	}
	return w, nil
}

// JoinWave applies a registered person to an OPEN wave, and counts the applicant. ADMIN, or the
// PARTICIPANT themself; others get EFORBIDDEN (EUNAUTHENTICATED when anonymous).
//
// It refuses, writing nothing: INVALID_ID for an ID of another type; NOT_FOUND for an unknown
// participant or wave; NOT_ELIGIBLE unless the person is REGISTERED (a participant already
// selected, or revoked, may not apply); BLACKLISTED; WAVE_NOT_OPEN unless the wave is OPEN (also
// when it closes concurrently); ALREADY_JOINED when the person applied to the wave before.
func JoinWave(ctx context.Context, bdb *bun.DB, actor Actor, in JoinWaveInput) (*JoinWavePayload, error) {
	if !pplIsAdmin(actor) && actor.Role != RoleParticipant {
		return nil, Forbid(actor, "join waves")
	}
	id, idErr := in.ParticipantID.Int(TypeParticipant)
	if idErr == nil && !pplIsAdmin(actor) && id != actor.ParticipantID {
		return nil, Errorf(EFORBIDDEN, "a participant may join a wave only for themself")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *JoinWavePayload) error {
		if idErr != nil {
			return Refuse(UserErrorCodeInvalidId, "participantId", "participantId must be the ID of a Participant.")
		}
		// The participant's row lock serializes a person's applications, and a draw's change of
		// their status.
		part := new(Participant)
		err := tx.NewSelect().Model(part).Where("p.id = ?", id).For("NO KEY UPDATE").Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return Refuse(UserErrorCodeNotFound, "participantId", "There is no participant %s.", in.ParticipantID)
		} else if err != nil {
			return fmt.Errorf("join wave: participant: %w", err)
		}
		if part.Status != ParticipantStatusRegistered {
			return Refuse(UserErrorCodeNotEligible, "participantId", "Only a REGISTERED person may join a wave; this person is %s.", part.Status)
		}
		var blacklisted bool
		if err := tx.NewRaw("SELECT EXISTS (SELECT 1 FROM blacklist WHERE nik = ?)", part.NIK).Scan(ctx, &blacklisted); err != nil {
			return fmt.Errorf("join wave: blacklist: %w", err)
		}
		if blacklisted {
			return Refuse(UserErrorCodeBlacklisted, "participantId", "This person's NIK is blacklisted and may not join a wave.")
		}
		w := new(Wave)
		err = tx.NewSelect().Model(w).Where("w.number = ?", in.WaveNumber).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return Refuse(UserErrorCodeNotFound, "waveNumber", "There is no wave %d.", in.WaveNumber)
		} else if err != nil {
			return fmt.Errorf("join wave: wave: %w", err)
		}
		notOpen := func(status WaveStatus) error {
			return Refuse(UserErrorCodeWaveNotOpen, "waveNumber", "Wave %d is %s, not open for applicants.", in.WaveNumber, status)
		}
		if w.Status != WaveStatusOpen {
			return notOpen(w.Status)
		}
		app := &WaveApplication{WaveID: w.ID, ParticipantID: part.ID, Status: WaveApplicationStatusApplied, AppliedAt: time.Now()}
		res, err := tx.NewInsert().Model(app).On("CONFLICT (wave_id, participant_id) DO NOTHING").Returning("id").Exec(ctx)
		if err != nil {
			return fmt.Errorf("join wave: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Refuse(UserErrorCodeAlreadyJoined, "waveNumber", "This person already applied to wave %d.", in.WaveNumber)
		}
		// Counting under the status condition makes a concurrent closeWave either wait for this
		// join or refuse it.
		res, err = tx.NewUpdate().Model(w).Set("applicant_count = applicant_count + 1").WherePK().Where("status = ?", WaveStatusOpen).Returning("*").Exec(ctx)
		if err != nil {
			return fmt.Errorf("join wave: count: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notOpen(WaveStatusClosed)
		}
		after := map[string]any{"application": app, "waveNumber": w.Number}
		if err := Audit(ctx, tx, actor, "joinWave", TypeParticipant, part.ID, nil, after); err != nil {
			return err
		}
		p.Participant, p.Wave = part, w
		return nil
	})
}
