package seed

import "strconv"

// linkAccounts creates a person's payout accounts (rekening or e-wallet) and returns the validated
// one and when it was validated, or -1.
func (g *gen) linkAccounts(r rng, pi int32) (int32, int64) {
	p := &g.persons[pi]
	created := p.selected + r.between(2*hour, 10*day)
	if created > g.now {
		return -1, 0
	}
	add := func(ch uint8, created int64, status uint8) int32 {
		a := account{id: int64(len(g.accounts) + 1), person: pi, channel: ch, status: status, created: created}
		if ch == chBNI || ch == chBCA {
			// Bank account numbers: ten digits.
			a.number = strconv.FormatUint(1e9+mix(uint64(p.id)*31+uint64(ch)+uint64(g.seed))%9e9, 10)
		} else {
			a.number = p.phone // e-wallets are keyed by the phone number
		}
		if status == acValidated {
			a.validated = created + r.between(minute, day)
			if a.validated > g.now {
				a.status, a.validated = acPending, 0
			}
		}
		g.accounts = append(g.accounts, a)
		return int32(len(g.accounts) - 1)
	}
	ch := g.pickChannel(r, created)
	switch x := r.Float64(); {
	case x < 0.03 && g.canReplace:
		// Validated, then replaced by a newer validated account on another channel.
		ai := add(ch, created, acValidated)
		if a := &g.accounts[ai]; a.status == acValidated {
			later := a.validated + r.between(day, 20*day)
			if later <= g.now {
				ch2 := g.pickChannel(r, later)
				for ch2 == ch {
					ch2 = g.pickChannel(r, later)
				}
				bi := add(ch2, later, acValidated)
				if g.accounts[bi].status == acValidated {
					a.status, a.validated = acReplaced, 0
					return bi, g.accounts[bi].validated
				}
				// The new one is still being checked: the old one stays in use.
				return ai, a.validated
			}
			return ai, a.validated
		}
	case x < 0.88:
		ai := add(ch, created, acValidated)
		if g.accounts[ai].status == acValidated {
			return ai, g.accounts[ai].validated
		}
	case x < 0.94:
		// Rejected (not KYC'd); most link another channel later.
		add(ch, created, acRejected)
		if r.chance(0.75) {
			later := created + r.between(day, 10*day)
			if later <= g.now {
				ch2 := g.pickChannel(r, later)
				for ch2 == ch {
					ch2 = g.pickChannel(r, later)
				}
				ai := add(ch2, later, acValidated)
				if g.accounts[ai].status == acValidated {
					return ai, g.accounts[ai].validated
				}
			}
		}
	default:
		add(ch, created, acPending)
	}
	return -1, 0
}

// pickChannel draws a payout channel; DANA joined in 2021 and BCA in 2023.
func (g *gen) pickChannel(r rng, at int64) uint8 {
	if g.channelW[0].cum == nil {
		g.channelW[0] = newWeighted([]float64{10, 0, 30, 26, 0, 12})
		g.channelW[1] = newWeighted([]float64{10, 0, 30, 26, 20, 12})
		g.channelW[2] = newWeighted([]float64{10, 6, 30, 26, 20, 12})
	}
	era := 0
	if at >= g.real(2021, 6, 1) {
		era = 1
	}
	if at >= g.real(2023, 1, 1) {
		era = 2
	}
	return uint8(g.channelW[era].pick(r))
}

// buildIncentives writes a person's incentive schedule: the post-training installments of the
// scheme, monthly, the first due the day after the schedule is created (just after the review), and
// the survey incentives that open 30–90 days after the first payment.
func (g *gen) buildIncentives(r rng, pi, first int32, at int64, acct int32, sc *scheme) {
	si := int32(len(g.schedules))
	g.schedules = append(g.schedules, schedule{person: pi, enrollment: first, scheme: sc, created: at})
	due1 := dateOf(at) + 1
	firstPaid := int64(0)
	unsettled := int32(-1)
	for s := 1; s <= sc.installments; s++ {
		in := incentive{schedule: si, person: pi, kind: kindTraining, seq: uint8(s), amount: sc.incentive,
			due: addMonths(due1, s-1), account: -1, created: at}
		g.settle(r, &in, acct)
		switch in.status {
		case inPaid:
			if firstPaid == 0 || in.paid < firstPaid {
				firstPaid = in.paid
			}
		case inScheduled, inProcessing, inFailed:
			if unsettled < 0 {
				unsettled = in.due
			}
		}
		g.incentives = append(g.incentives, in)
	}
	base := firstPaid
	if base == 0 {
		if unsettled < 0 {
			return // nothing was ever paid: no surveys
		}
		base = dayStart(addWorkdays(unsettled, 4)) + 14*hour // expected first payment
	}
	for j := 1; j <= sc.surveys; j++ {
		opens := base + int64(30+(j-1)*25+r.IntN(11))*day
		in := incentive{schedule: si, person: pi, kind: kindSurvey, seq: uint8(j), amount: sc.survey, account: -1, created: at}
		completes := r.chance(0.85)
		done := opens + r.between(day, 25*day)
		switch {
		case completes && done <= g.now:
			in.due, in.surveyDone = dateOf(done), done
			g.settle(r, &in, acct)
		case !completes && opens+30*day <= g.now:
			in.due, in.status = dateOf(opens+30*day), inExpired
		default:
			// Not due yet: the survey is still open.
			in.status = inPending
			if completes {
				in.due = dateOf(done)
			} else {
				in.due = dateOf(opens + 30*day)
			}
			if in.due <= g.nowDate {
				in.due = g.nowDate + 1
			}
		}
		g.incentives = append(g.incentives, in)
	}
}

// failure probabilities per attempt.
var attemptFails = [4]float64{0, 0.08, 0.3, 0.5}

// settle plays the disbursement of one installment up to Now: the batch picks it up one or two
// working days after it is due, the channel settles one to three working days later, failures are
// retried up to three times. Installments whose batch has not run yet stay SCHEDULED; those in
// flight are PROCESSING; a failure waiting for its retry is FAILED.
func (g *gen) settle(r rng, in *incentive, acct int32) {
	if in.due > g.nowDate {
		in.status = inScheduled
		return
	}
	ii := int32(len(g.incentives))
	// Paid three to five working days after the due date: queued one or two working days, then
	// two or three working days with the bank or e-wallet.
	c := dayStart(addWorkdays(in.due, 1+r.IntN(2))) + 10*hour + r.between(0, 3*hour)
	for attempt := uint8(1); ; attempt++ {
		if c > g.now {
			if attempt == 1 {
				in.status = inScheduled
			} else {
				in.status = inFailed
			}
			return
		}
		in.account = acct
		settled := dayStart(addWorkdays(dateOf(c), 2+r.IntN(2))) + r.between(8*hour, 18*hour)
		pay := payment{incentive: ii, attempt: attempt, amount: in.amount, account: acct, created: c}
		fail := r.chance(attemptFails[attempt])
		code := fcProviderError
		switch x := r.Float64(); {
		case x < 0.25:
			code = fcAccountInactive
		case x < 0.43:
			code = fcNotKYC
		case x < 0.55:
			code = fcNameNIKMismatch
		}
		// A payment provider has had a bad fortnight: every fourth recent first attempt failed.
		if attempt == 1 && !fail && c >= g.now-14*day {
			g.recentFirst++
			if g.recentFirst%4 == 0 {
				fail, code = true, fcProviderError
			}
		}
		if g.now < settled {
			g.inFlight++
			pay.status = pySent
			if g.inFlight%3 == 1 {
				pay.status = pyPending
			}
			in.status = inProcessing
			g.payments = append(g.payments, pay)
			return
		}
		pay.settled = settled
		if !fail {
			pay.status = pyPaid
			in.status, in.paid = inPaid, settled
			g.payments = append(g.payments, pay)
			return
		}
		pay.status, pay.failure = pyFailed, code
		g.payments = append(g.payments, pay)
		if code == fcNameNIKMismatch && r.chance(0.5) {
			in.status = inCancelled
			return
		}
		if attempt == 3 {
			in.status = inExpired
			return
		}
		// Failed payments wait for the account to be fixed or the next retry batch.
		c = dayStart(addWorkdays(dateOf(settled), 3+r.IntN(5))) + 10*hour + r.between(0, 3*hour)
	}
}

// place records a "3 in 1" placement for some people who finished a training: about a quarter of
// the unemployed among them end up hired.
func (g *gen) place(r rng, pi, first int32) {
	p := &g.persons[pi]
	last := int32(-1)
	for ei := first; ei < int32(len(g.enrollments)); ei++ {
		if g.enrollments[ei].status == enCompleted {
			last = ei
		}
	}
	if last < 0 {
		return
	}
	jobless := p.emp <= 2 // unemployed, laid off, furloughed
	prob := 0.08
	if jobless {
		prob = 0.16
	}
	if !r.chance(prob) {
		return
	}
	e := &g.enrollments[last]
	created := e.completed + r.between(2*day, 45*day)
	if created > g.now {
		return
	}
	pl := placement{person: pi, enrollment: last, employer: int16(r.IntN(len(employers))), created: created}
	if r.chance(0.3) {
		pl.enrollment = -1
	}
	c := &g.courses[g.listings[e.listing].course]
	pl.position = pick(r, categories[c.cat].roles)
	x := r.Float64()
	if !jobless {
		x = x*0.8 + 0.2 // fewer hires among people already working
	}
	var span int64
	switch {
	case x < 0.24:
		pl.status, span = plHired, r.between(14*day, 60*day)
	case x < 0.52:
		pl.status, span = plRejected, r.between(7*day, 45*day)
	case x < 0.66:
		pl.status, span = plInterview, r.between(5*day, 21*day)
	case x < 0.84:
		pl.status, span = plApplied, r.between(day, 7*day)
	default:
		pl.status = plReferred
	}
	pl.updated = minI64(created+span, g.now)
	if pl.status == plHired {
		pl.started = dateOf(pl.updated) + 3 + int32(r.IntN(28))
	}
	g.placements = append(g.placements, pl)
}
