package seed

import (
	"fmt"
	"strconv"
)

// table describes how one table is copied: its columns, row count and a row writer.
type table struct {
	name string
	cols []string
	n    int
	emit func(i int, c *copyBuf)
	id   bool // has an identity column "id" whose sequence must follow the copied ids
	// optional columns are skipped when the table lacks them (added by a later migration).
	optional []string
}

// tables lists the tables in dependency order (referenced tables first).
func (g *gen) tables() []table {
	var scratch []byte
	num16 := func(v uint64) []byte {
		scratch = strconv.AppendUint(scratch[:0], v, 10)
		return scratch
	}
	prov := func(pi int) string { return g.provinces[pi].code }
	wpq := g.provQuotaRows()
	return []table{
		{name: "waves", id: true, cols: []string{"id", "number", "scheme_code", "status", "opens_at", "closes_at", "quota", "applicant_count", "selected_count", "draw_seed", "drawn_at", "created_at"},
			n: len(g.waves), emit: func(i int, c *copyBuf) {
				w := &g.waves[i]
				c.row(12)
				c.int8(w.id)
				c.int4(int32(w.number))
				c.text(w.scheme.code)
				c.text(w.status)
				c.ts(w.opens)
				c.ts(w.closes)
				c.int4(int32(w.quota))
				c.int4(int32(w.applicants))
				c.int4(int32(w.selected))
				if w.drawn != 0 {
					c.int8(w.drawSeed)
				} else {
					c.null()
				}
				c.tsOrNull(w.drawn)
				c.ts(w.opens - 14*day)
			}},
		{name: "wave_province_quotas", cols: []string{"wave_id", "province_code", "quota"},
			n: len(wpq), emit: func(i int, c *copyBuf) {
				q := wpq[i]
				c.row(3)
				c.int8(g.waves[q[0]].id)
				c.text(prov(q[1]))
				c.int4(int32(g.waves[q[0]].provQuota[q[1]]))
			}},
		{name: "households", cols: []string{"kk_number", "member_count"},
			n: len(g.hhRows), emit: func(i int, c *copyBuf) {
				p := &g.persons[g.hhRows[i]]
				c.row(2)
				c.textBytes(num16(p.kk))
				c.int2(int16(p.hh))
			}},
		{name: "participants", id: true, cols: []string{"id", "nik", "kk_number", "full_name", "birth_date", "gender", "province_code", "email", "phone", "education", "employment_status", "status", "wave_id", "card_number", "balance", "registered_at", "selected_at", "purchase_deadline", "balance_expires_at", "revoked_at"},
			n: len(g.persons), emit: func(i int, c *copyBuf) {
				p := &g.persons[i]
				c.row(20)
				c.int8(p.id)
				c.textBytes(num16(p.nik))
				c.textBytes(num16(p.kk))
				c.text(p.name)
				c.date(p.birth)
				if p.female {
					c.text("FEMALE")
				} else {
					c.text("MALE")
				}
				c.text(prov(p.prov))
				c.text(p.email)
				c.text(p.phone)
				c.text(educationName[p.edu])
				c.text(employmentName[p.emp])
				c.text(participantStatus[p.status])
				if p.wave >= 0 {
					c.int8(g.waves[p.wave].id)
					c.textBytes(num16(p.card))
				} else {
					c.null()
					c.null()
				}
				c.int8(p.balance)
				c.ts(p.registered)
				c.tsOrNull(p.selected)
				c.tsOrNull(p.deadline)
				c.tsOrNull(p.expires)
				c.tsOrNull(p.revoked)
			}},
		{name: "blacklist", cols: []string{"nik", "participant_id", "reason", "created_at"},
			n: len(g.blacklist), emit: func(i int, c *copyBuf) {
				b := &g.blacklist[i]
				p := &g.persons[b.person]
				c.row(4)
				c.textBytes(num16(p.nik))
				c.int8(p.id)
				c.text("PURCHASE_DEADLINE_MISSED")
				c.ts(b.created)
			}},
		{name: "wave_applications", id: true, cols: []string{"id", "wave_id", "participant_id", "status", "applied_at", "decided_at"},
			n: len(g.apps), emit: func(i int, c *copyBuf) {
				a := &g.apps[i]
				c.row(6)
				c.int8(int64(i + 1))
				c.int8(g.waves[a.wave].id)
				c.int8(g.persons[a.person].id)
				c.text(applicationStatus[a.status])
				c.ts(a.applied)
				c.tsOrNull(a.decided)
			}},
		{name: "platforms", id: true, cols: []string{"id", "code", "name", "website", "joined_on"},
			n: len(g.platforms), emit: func(i int, c *copyBuf) {
				p := &g.platforms[i]
				c.row(5)
				c.int8(p.id)
				c.text(p.code)
				c.text(p.name)
				c.text(p.website)
				c.date(p.joined)
			}},
		{name: "providers", id: true, cols: []string{"id", "name", "kind", "nib", "province_code", "created_at"},
			n: len(g.providers), emit: func(i int, c *copyBuf) {
				p := &g.providers[i]
				c.row(6)
				c.int8(p.id)
				c.text(p.name)
				c.text(p.kind)
				if p.nib != 0 {
					c.textBytes(num16(p.nib))
				} else {
					c.null()
				}
				c.text(prov(p.prov))
				c.ts(p.created)
			}},
		{name: "courses", id: true, cols: []string{"id", "provider_id", "title", "description", "category", "mode", "duration_hours", "min_price", "review_count", "rating_sum", "enrollment_count", "created_at"},
			n: len(g.courses), emit: func(i int, c *copyBuf) {
				k := &g.courses[i]
				c.row(12)
				c.int8(k.id)
				c.int8(g.providers[k.provider].id)
				c.text(k.title)
				c.text(k.desc)
				c.text(categories[k.cat].name)
				c.text(modeName[k.mode])
				c.int4(int32(k.hours))
				c.int8(k.minPrice)
				c.int4(int32(k.reviews))
				c.int8(k.ratingSum)
				c.int4(int32(k.enrollments))
				c.ts(k.created)
			}},
		{name: "course_listings", id: true, cols: []string{"id", "course_id", "platform_id", "price", "listed_at"},
			n: len(g.listings), emit: func(i int, c *copyBuf) {
				l := &g.listings[i]
				c.row(5)
				c.int8(l.id)
				c.int8(g.courses[l.course].id)
				c.int8(g.platforms[l.platform].id)
				c.int8(l.price)
				c.ts(l.listed)
			}},
		{name: "training_sessions", id: true, cols: []string{"id", "course_id", "starts_at", "ends_at", "capacity", "seats_taken", "status", "venue_type", "venue_name", "venue_regency", "venue_province_code", "cancelled_at", "cancel_reason"},
			optional: []string{"cancel_reason"},
			n:        len(g.slotOrder), emit: func(i int, c *copyBuf) {
				s := &g.slots[g.slotOrder[i]]
				k := &g.courses[s.course]
				c.row(13)
				c.int8(s.id)
				c.int8(k.id)
				c.ts(s.start)
				c.ts(s.end)
				c.int4(s.capacity)
				c.int4(s.taken)
				c.text(sessionStatus[s.status])
				if k.mode == modeOffline || k.mode == modeHybrid {
					v := &k.venues[s.stream]
					c.text(venueName[v.typ])
					c.text(v.name)
					c.text(v.regency)
					c.text(prov(v.prov))
				} else {
					c.null()
					c.null()
					c.null()
					c.null()
				}
				c.tsOrNull(s.cancelled)
				if s.cancelled != 0 {
					c.text(cancelReasons[s.reason])
				} else {
					c.null()
				}
			}},
		{name: "enrollments", id: true, cols: []string{"id", "participant_id", "listing_id", "course_id", "platform_id", "provider_id", "session_id", "province_code", "order_id", "price", "status", "purchased_at", "started_at", "completed_at", "refunded_at", "redeem_code"},
			n: len(g.enrollOrder), emit: func(i int, c *copyBuf) {
				e := &g.enrollments[g.enrollOrder[i]]
				l := &g.listings[e.listing]
				k := &g.courses[l.course]
				p := &g.persons[e.person]
				c.row(16)
				c.int8(e.id)
				c.int8(p.id)
				c.int8(l.id)
				c.int8(k.id)
				c.int8(g.platforms[l.platform].id)
				c.int8(g.providers[k.provider].id)
				if e.slot >= 0 {
					c.int8(g.slots[e.slot].id)
				} else {
					c.null()
				}
				c.text(prov(p.prov))
				scratch = g.orderID(scratch[:0], e, l.platform)
				c.textBytes(scratch)
				c.int8(e.price)
				c.text(enrollmentStatus[e.status])
				c.ts(e.purchased)
				c.tsOrNull(e.started)
				c.tsOrNull(e.completed)
				c.tsOrNull(e.refunded)
				c.text(base32x8(scramble40(uint64(e.id), uint64(g.seed)*7+2)))
			}},
		{name: "balance_ledger", id: true, cols: []string{"id", "participant_id", "kind", "amount", "balance_after", "enrollment_id", "created_at"},
			n: len(g.ledger), emit: func(i int, c *copyBuf) {
				l := &g.ledger[i]
				c.row(7)
				c.int8(int64(i + 1))
				c.int8(g.persons[l.person].id)
				c.text(ledgerKind[l.kind])
				c.int8(l.amount)
				c.int8(l.after)
				if l.enrollment >= 0 {
					c.int8(g.enrollments[l.enrollment].id)
				} else {
					c.null()
				}
				c.ts(l.at)
			}},
		{name: "certificates", id: true, cols: []string{"id", "enrollment_id", "number", "issued_at"},
			n: len(g.certs), emit: func(i int, c *copyBuf) {
				ct := &g.certs[i]
				e := &g.enrollments[ct.enrollment]
				y, _, _ := civil(dateOf(ct.issued))
				c.row(4)
				c.int8(int64(i + 1))
				c.int8(e.id)
				scratch = fmt.Appendf(scratch[:0], "PKJ-%d-%s", y, base32x8(scramble40(uint64(e.id), uint64(g.seed)*7+3)))
				c.textBytes(scratch)
				c.ts(ct.issued)
			}},
		{name: "reviews", id: true, cols: []string{"id", "enrollment_id", "participant_id", "course_id", "rating", "body", "created_at"},
			n: len(g.reviews), emit: func(i int, c *copyBuf) {
				rv := &g.reviews[i]
				e := &g.enrollments[rv.enrollment]
				c.row(7)
				c.int8(int64(i + 1))
				c.int8(e.id)
				c.int8(g.persons[e.person].id)
				c.int8(g.courses[g.listings[e.listing].course].id)
				c.int2(int16(rv.rating))
				if rv.body >= 0 {
					c.text(reviewTexts[rv.rating-1][rv.body])
				} else {
					c.text("")
				}
				c.ts(rv.at)
			}},
		{name: "payout_accounts", id: true, cols: []string{"id", "participant_id", "channel", "account_number", "account_name", "status", "validated_at", "created_at"},
			n: len(g.accounts), emit: func(i int, c *copyBuf) {
				a := &g.accounts[i]
				p := &g.persons[a.person]
				c.row(8)
				c.int8(a.id)
				c.int8(p.id)
				c.text(channelName[a.channel])
				c.text(a.number)
				c.text(p.name)
				c.text(accountStatus[a.status])
				c.tsOrNull(a.validated)
				c.ts(a.created)
			}},
		{name: "incentive_schedules", id: true, cols: []string{"id", "participant_id", "enrollment_id", "scheme_code", "created_at"},
			n: len(g.schedules), emit: func(i int, c *copyBuf) {
				s := &g.schedules[i]
				c.row(5)
				c.int8(int64(i + 1))
				c.int8(g.persons[s.person].id)
				c.int8(g.enrollments[s.enrollment].id)
				c.text(s.scheme.code)
				c.ts(s.created)
			}},
		{name: "incentives", id: true, cols: []string{"id", "schedule_id", "participant_id", "wave_id", "province_code", "kind", "sequence", "amount", "due_on", "status", "payout_account_id", "channel", "paid_at", "created_at", "survey_completed_at"},
			optional: []string{"survey_completed_at"},
			n:        len(g.incentives), emit: func(i int, c *copyBuf) {
				in := &g.incentives[i]
				p := &g.persons[in.person]
				c.row(15)
				c.int8(int64(i + 1))
				c.int8(int64(in.schedule + 1))
				c.int8(p.id)
				c.int8(g.waves[p.wave].id)
				c.text(prov(p.prov))
				c.text(incentiveKind[in.kind])
				c.int4(int32(in.seq))
				c.int8(in.amount)
				c.date(in.due)
				c.text(incentiveStatus[in.status])
				if in.account >= 0 {
					c.int8(g.accounts[in.account].id)
					c.text(channelName[g.accounts[in.account].channel])
				} else {
					c.null()
					c.null()
				}
				c.tsOrNull(in.paid)
				c.ts(in.created)
				c.tsOrNull(in.surveyDone)
			}},
		{name: "payments", id: true, cols: []string{"id", "incentive_id", "attempt", "idempotency_key", "status", "amount", "channel", "account_number", "account_name", "failure_code", "created_at", "settled_at"},
			n: len(g.payments), emit: func(i int, c *copyBuf) {
				py := &g.payments[i]
				a := &g.accounts[py.account]
				c.row(12)
				c.int8(int64(i + 1))
				c.int8(int64(py.incentive + 1))
				c.int4(int32(py.attempt))
				scratch = fmt.Appendf(scratch[:0], "seed:%d:%d", py.incentive+1, py.attempt)
				c.textBytes(scratch)
				c.text(paymentStatus[py.status])
				c.int8(py.amount)
				c.text(channelName[a.channel])
				c.text(a.number)
				c.text(g.persons[a.person].name)
				c.textOrNull(failureCode[py.failure])
				c.ts(py.created)
				c.tsOrNull(py.settled)
			}},
		{name: "placements", id: true, cols: []string{"id", "participant_id", "enrollment_id", "employer", "position", "status", "created_at", "updated_at", "started_on"},
			optional: []string{"started_on"},
			n:        len(g.placements), emit: func(i int, c *copyBuf) {
				pl := &g.placements[i]
				c.row(9)
				c.int8(int64(i + 1))
				c.int8(g.persons[pl.person].id)
				if pl.enrollment >= 0 {
					c.int8(g.enrollments[pl.enrollment].id)
				} else {
					c.null()
				}
				c.text(employers[pl.employer])
				c.text(pl.position)
				c.text(placementStatus[pl.status])
				c.ts(pl.created)
				c.ts(pl.updated)
				c.dateOrNull(pl.started)
			}},
	}
}

// provQuotaRows lists (wave index, province index) pairs that have a province quota.
func (g *gen) provQuotaRows() [][2]int {
	var out [][2]int
	for wi := range g.waves {
		for pi, q := range g.waves[wi].provQuota {
			if q > 0 {
				out = append(out, [2]int{wi, pi})
			}
		}
	}
	return out
}

// orderID formats a platform's order number for an enrollment, unique per platform because it
// embeds a one-to-one scramble of the enrollment id.
func (g *gen) orderID(b []byte, e *enrollment, pl int32) []byte {
	y, m, d := civil(dateOf(e.purchased))
	code := base32x8(scramble40(uint64(e.id), uint64(g.seed)*7+1))
	switch g.platforms[pl].code {
	case "TOKOPEDIA":
		return fmt.Appendf(b, "INV/%04d%02d%02d/PKJ/%s", y, m, d, code)
	case "BUKALAPAK":
		return fmt.Appendf(b, "BL%02d%02d%02d%s", y%100, m, d, code)
	default:
		return fmt.Appendf(b, "%s-%04d%02d%02d-%s", g.platforms[pl].code, y, m, d, code)
	}
}
