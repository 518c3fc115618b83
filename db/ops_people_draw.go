package db

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// pplDrawChunk bounds how many rows one statement of the draw writes, so that no statement carries
// an unbounded array literal.
const pplDrawChunk = 20_000

// pplApplicant is one APPLIED application of the wave being drawn, with what the draw checks.
type pplApplicant struct {
	ApplicationID int64             `bun:"application_id"`
	ParticipantID int64             `bun:"participant_id"`
	KKNumber      string            `bun:"kk_number"`
	ProvinceCode  string            `bun:"province_code"`
	Status        ParticipantStatus `bun:"status"`
	BirthDate     time.Time         `bun:"birth_date"`
	Blacklisted   bool              `bun:"blacklisted"`

	key [md5.Size]byte // the draw order: md5("<seed>:<participant id>")
}

// DrawWave runs the draw of a CLOSED wave, reproducibly for a seed. ADMIN only; others get
// EFORBIDDEN (EUNAUTHENTICATED when anonymous).
//
// Each APPLIED application is decided:
//   - INELIGIBLE when the data check fails (the person is no longer REGISTERED, or is outside
//     18–64 on the day of the draw), the NIK is blacklisted, or the family card already has two
//     members in the programme (ACTIVE or COMPLETED, or selected earlier in this draw);
//   - otherwise, in the order of md5("<seed>:<participant id>") (then id), SELECTED while the
//     wave's quota and the province's quota allow, and NOT_SELECTED after.
//
// Province quotas: a province with a quota gets at most that many; provinces without one share
// what the listed quotas leave of the wave's quota (none when they use it all). A wave with no
// province quotas is bounded by its quota alone.
//
// The selected become ACTIVE with a card number (pplCardNumber), the scheme's balance and a GRANT
// ledger row, and a purchase deadline of the scheme's days from now; the wave becomes DRAWN with
// its seed. Anyone can recompute the order with SQL:
// ORDER BY md5(seed || ':' || participant_id) COLLATE "C", participant_id.
//
// Concurrency: the wave row is locked, so a second draw of the same wave waits and then refuses
// with WAVE_STATE. The households of every applicant are locked in kk_number order before the
// family-card counts are read, so that draws of different waves that share family cards take
// turns on those cards (and cannot deadlock), and the later one counts the earlier one's
// selections.
//
// It refuses, writing nothing: INVALID_SEED when the seed is not a 64-bit integer, NOT_FOUND for an
// unknown wave, WAVE_STATE unless the wave is CLOSED.
func DrawWave(ctx context.Context, bdb *bun.DB, actor Actor, in DrawWaveInput) (*DrawWavePayload, error) {
	if !pplIsAdmin(actor) {
		return nil, Forbid(actor, "draw waves")
	}
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *DrawWavePayload) error {
		seed, err := strconv.ParseInt(strings.TrimSpace(in.Seed), 10, 64)
		if err != nil {
			return Refuse(UserErrorCodeInvalidSeed, "seed", "The seed must be a 64-bit integer written in decimal, for example \"20200411\".")
		}
		w, err := pplLockWave(ctx, tx, in.WaveNumber)
		if err != nil {
			return err
		}
		if w.Status != WaveStatusClosed {
			return Refuse(UserErrorCodeWaveState, "waveNumber", "Wave %d is %s; only a CLOSED wave can be drawn.", w.Number, w.Status)
		}
		if w.Number > pplMaxWaveNumber {
			return fmt.Errorf("draw wave %d: the number does not fit the card number scheme", w.Number)
		}
		scheme, err := FindBenefitScheme(ctx, tx, w.SchemeCode)
		if err != nil {
			return err
		}
		if scheme == nil {
			return fmt.Errorf("draw wave %d: no benefit scheme %s", w.Number, w.SchemeCode)
		}
		var quotas []*ProvinceQuota
		if err := tx.NewSelect().Model(&quotas).Where("wpq.wave_id = ?", w.ID).Scan(ctx); err != nil {
			return fmt.Errorf("draw wave: province quotas: %w", err)
		}

		const applicantKKs = `SELECT p.kk_number FROM wave_applications wa JOIN participants p ON p.id = wa.participant_id
			WHERE wa.wave_id = ? AND wa.status = 'APPLIED'`
		// Take the family cards of every applicant in one order. A statement that starts after
		// this one sees what a concurrent draw sharing a card committed before releasing it.
		if _, err := tx.NewRaw(`SELECT count(*) FROM (SELECT 1 FROM households WHERE kk_number IN (`+applicantKKs+`)
			ORDER BY kk_number FOR NO KEY UPDATE) locked`, w.ID).Exec(ctx); err != nil {
			return fmt.Errorf("draw wave: lock households: %w", err)
		}
		var applicants []*pplApplicant
		if err := tx.NewRaw(`SELECT wa.id AS application_id, p.id AS participant_id, p.kk_number, p.province_code, p.status, p.birth_date,
				EXISTS (SELECT 1 FROM blacklist b WHERE b.nik = p.nik) AS blacklisted
			FROM wave_applications wa JOIN participants p ON p.id = wa.participant_id
			WHERE wa.wave_id = ? AND wa.status = 'APPLIED'`, w.ID).Scan(ctx, &applicants); err != nil {
			return fmt.Errorf("draw wave: applicants: %w", err)
		}
		var members []struct {
			KKNumber string `bun:"kk_number"`
			N        int    `bun:"n"`
		}
		if err := tx.NewRaw(`SELECT kk_number, count(*) AS n FROM participants
			WHERE status IN ('ACTIVE', 'COMPLETED') AND kk_number IN (`+applicantKKs+`) GROUP BY kk_number`, w.ID).Scan(ctx, &members); err != nil {
			return fmt.Errorf("draw wave: family card members: %w", err)
		}
		inProgramme := make(map[string]int, len(members))
		for _, m := range members {
			inProgramme[m.KKNumber] = m.N
		}

		now := time.Now()
		selected, ineligible := pplDraw(seed, w.Quota, quotas, applicants, inProgramme, now.In(Jakarta))

		// Applications: SELECTED and INELIGIBLE by id, every other APPLIED one NOT_SELECTED.
		for _, set := range []struct {
			status WaveApplicationStatus
			rows   []*pplApplicant
		}{{WaveApplicationStatusSelected, selected}, {WaveApplicationStatusIneligible, ineligible}} {
			for chunk := range slices.Chunk(set.rows, pplDrawChunk) {
				ids := make([]int64, len(chunk))
				for i, a := range chunk {
					ids[i] = a.ApplicationID
				}
				if _, err := tx.NewRaw("UPDATE wave_applications SET status = ?, decided_at = ? WHERE id = ANY(?::bigint[])",
					set.status, now, pgdialect.Array(ids)).Exec(ctx); err != nil {
					return fmt.Errorf("draw wave: decide applications: %w", err)
				}
			}
		}
		res, err := tx.NewRaw("UPDATE wave_applications SET status = 'NOT_SELECTED', decided_at = ? WHERE wave_id = ? AND status = 'APPLIED'", now, w.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("draw wave: decide applications: %w", err)
		}
		notSelected, _ := res.RowsAffected()

		// The selected: card, balance and deadline, and the GRANT that explains the balance.
		deadline := now.In(Jakarta).AddDate(0, 0, scheme.PurchaseDeadlineDays)
		for start := 0; start < len(selected); start += pplDrawChunk {
			chunk := selected[start:min(start+pplDrawChunk, len(selected))]
			ids := make([]int64, len(chunk))
			cards := make([]string, len(chunk))
			for i, a := range chunk {
				ids[i] = a.ParticipantID
				cards[i] = pplCardNumber(w.Number, start+i+1)
			}
			var granted int
			if err := tx.NewRaw(`WITH sel AS (
					UPDATE participants p SET status = 'ACTIVE', wave_id = ?, card_number = v.card, selected_at = ?,
						purchase_deadline = ?, balance = ?
					FROM unnest(?::bigint[], ?::text[]) AS v(id, card)
					WHERE p.id = v.id AND p.status = 'REGISTERED'
					RETURNING p.id)
				, grant_rows AS (
					INSERT INTO balance_ledger (participant_id, kind, amount, balance_after, created_at)
					SELECT id, 'GRANT', ?, ?, ? FROM sel RETURNING 1)
				SELECT count(*) FROM grant_rows`,
				w.ID, now, deadline, scheme.TrainingBalance, pgdialect.Array(ids), pgdialect.Array(cards),
				scheme.TrainingBalance, scheme.TrainingBalance, now).Scan(ctx, &granted); err != nil {
				return fmt.Errorf("draw wave: grant cards: %w", err)
			}
			if granted != len(chunk) {
				// The family-card locks make this unreachable; fail rather than grant a partial draw.
				return fmt.Errorf("draw wave %d: %d of %d selected people changed status during the draw", w.Number, len(chunk)-granted, len(chunk))
			}
		}

		before := *w
		w.Status, w.DrawSeed, w.DrawnAt, w.SelectedCount = WaveStatusDrawn, &seed, &now, len(selected)
		if _, err := tx.NewUpdate().Model(w).Column("status", "draw_seed", "drawn_at", "selected_count").WherePK().Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("draw wave: %w", err)
		}
		p.Wave = w
		p.SelectedCount, p.NotSelectedCount, p.IneligibleCount = len(selected), int(notSelected), len(ineligible)
		after := map[string]any{"wave": w, "seed": strconv.FormatInt(seed, 10),
			"selectedCount": p.SelectedCount, "notSelectedCount": p.NotSelectedCount, "ineligibleCount": p.IneligibleCount}
		return Audit(ctx, tx, actor, "drawWave", TypeWave, w.ID, map[string]any{"wave": &before}, after)
	})
}

// pplDraw decides the applicants of a draw (see DrawWave): it returns the selected in selection
// order (their rank gives the card number) and the ineligible; every other applicant is not
// selected. inProgramme counts the members of each family card already in the programme; day is
// the day of the draw in Asia/Jakarta.
func pplDraw(seed int64, quota int, provinceQuotas []*ProvinceQuota, applicants []*pplApplicant, inProgramme map[string]int, day time.Time) (selected, ineligible []*pplApplicant) {
	eligible := make([]*pplApplicant, 0, len(applicants))
	for _, a := range applicants {
		age := ageOn(a.BirthDate, day)
		if a.Status != ParticipantStatusRegistered || age < pplMinAge || age > pplMaxAge || a.Blacklisted {
			ineligible = append(ineligible, a)
			continue
		}
		a.key = md5.Sum([]byte(strconv.FormatInt(seed, 10) + ":" + strconv.FormatInt(a.ParticipantID, 10)))
		eligible = append(eligible, a)
	}
	slices.SortFunc(eligible, func(x, y *pplApplicant) int {
		if c := bytes.Compare(x.key[:], y.key[:]); c != 0 {
			return c
		}
		return cmp.Compare(x.ParticipantID, y.ParticipantID)
	})

	// Province caps; provinces without a quota share the rest of the wave's quota.
	caps := make(map[string]int, len(provinceQuotas))
	rest := quota
	for _, q := range provinceQuotas {
		caps[q.ProvinceCode] = q.Quota
		rest -= q.Quota
	}
	rest = max(rest, 0)
	taken := make(map[string]int, len(provinceQuotas))
	takenRest := 0
	members := make(map[string]int, len(inProgramme))
	for kk, n := range inProgramme {
		members[kk] = n
	}

	for _, a := range eligible {
		if members[a.KKNumber] >= pplKKCap {
			ineligible = append(ineligible, a)
			continue
		}
		if len(selected) >= quota {
			continue
		}
		if len(caps) > 0 {
			if c, ok := caps[a.ProvinceCode]; ok {
				if taken[a.ProvinceCode] >= c {
					continue
				}
				taken[a.ProvinceCode]++
			} else {
				if takenRest >= rest {
					continue
				}
				takenRest++
			}
		}
		members[a.KKNumber]++
		selected = append(selected, a)
	}
	return selected, ineligible
}
