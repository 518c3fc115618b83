package seed

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// ledgerEvent is one change to a person's balance before the running balance is known.
type ledgerEvent struct {
	kind       uint8
	amount     int64
	enrollment int32
	at         int64
}

// continuation is the chance of buying another training after the n-th purchase.
var (
	continueSemi   = []float64{0.9, 0.65, 0.4, 0.2, 0.1}
	continueNormal = []float64{0.75, 0.45, 0.2}
)

// buildTrainings walks the selected people in id order: the draw gives them a card and a balance,
// some miss the purchase deadline and are revoked, the others buy trainings (taking seats in
// sessions that are scheduled as demand appears), finish or fail them, review them, link a payout
// account and receive incentives.
func (g *gen) buildTrainings() error {
	r := newRNG(g.seed, 3)
	g.slotIdx = make(map[slotKey]int32)
	// Capacity hints from the proportions of a typical run, to avoid regrowing huge slices.
	n := len(g.persons)
	g.enrollments = make([]enrollment, 0, n*2)
	g.ledger = make([]ledgerRow, 0, n*3)
	g.certs = make([]certificate, 0, n*17/10)
	g.reviews = make([]review, 0, n*14/10)
	g.accounts = make([]account, 0, n*9/10)
	g.schedules = make([]schedule, 0, n*7/10)
	g.incentives = make([]incentive, 0, n*9/2)
	g.payments = make([]payment, 0, n*9/2)
	cardMod := uint64(1e14)
	for i := range g.persons {
		p := &g.persons[i]
		if p.wave < 0 {
			p.status = stRegistered
			continue
		}
		p.card = 52*cardMod + permute(uint64(p.id), cardMod, 1000003, uint64(g.seed)%cardMod)
		if err := g.trainPerson(r, int32(i)); err != nil {
			return err
		}
	}
	g.finishSlots()
	// Enrollment ids follow purchase time, as they would in production.
	order := make([]int32, len(g.enrollments))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return cmp.Compare(g.enrollments[a].purchased, g.enrollments[b].purchased)
	})
	for id, ei := range order {
		g.enrollments[ei].id = int64(id + 1)
	}
	g.enrollOrder = order
	return nil
}

func (g *gen) trainPerson(r rng, pi int32) error {
	p := &g.persons[pi]
	w := &g.waves[p.wave]
	sc := w.scheme
	normal := sc.remainingDays > 0
	p.selected = w.drawn + r.between(0, 6*hour)
	p.deadline = p.selected + sc.deadlineDays*day
	p.status = stActive
	ev := g.evBuf[:0]
	ev = append(ev, ledgerEvent{kind: lgGrant, amount: sc.balance, enrollment: -1, at: p.selected})

	// About 7% never buy before the deadline: revoked, balance forfeited, NIK blacklisted.
	if p.deadline+2*day <= g.now && r.chance(0.07) {
		p.status = stRevoked
		p.revoked = p.deadline + r.between(hour, 2*day)
		ev = append(ev, ledgerEvent{kind: lgForfeit, amount: -sc.balance, enrollment: -1, at: p.revoked})
		g.blacklist = append(g.blacklist, blacklistRow{person: pi, created: p.revoked})
		g.evBuf = ev
		return g.flushLedger(pi, ev)
	}

	var t int64
	if r.chance(0.55) {
		t = p.selected + r.between(10*minute, 3*day)
	} else {
		t = p.selected + r.between(3*day, sc.deadlineDays*day-hour)
	}
	bal := sc.balance
	var refunds []ledgerEvent
	bought := g.boughtBuf[:0]
	first := int32(-1)
	var firstReview int64
	cont := continueSemi
	if normal {
		cont = continueNormal
	}
	for n := 0; t <= g.now; n++ {
		if n > 0 && normal && p.expires != 0 && t >= p.expires {
			break
		}
		// Refunds that happened before this purchase are spendable again.
		kept := refunds[:0]
		for _, rf := range refunds {
			if rf.at <= t {
				bal += rf.amount
				ev = append(ev, rf)
			} else {
				kept = append(kept, rf)
			}
		}
		refunds = kept
		li, si, ok := g.choose(r, p, t, bal, normal, n == 0, bought, p.expires)
		if !ok && n == 0 {
			li, si, ok = g.chooseAny(p, t, bal, normal)
		}
		if !ok {
			break
		}
		lst := &g.listings[li]
		ci := lst.course
		bought = append(bought, ci)
		ei := int32(len(g.enrollments))
		e := enrollment{person: pi, listing: li, slot: si, price: lst.price, purchased: t}
		bal -= e.price
		ev = append(ev, ledgerEvent{kind: lgPurchase, amount: -e.price, enrollment: ei, at: t})
		reviewAt := g.outcome(r, &e, ei, n == 0)
		if e.status == enRefunded {
			refunds = append(refunds, ledgerEvent{kind: lgRefund, amount: e.price, enrollment: ei, at: e.refunded})
		}
		g.enrollments = append(g.enrollments, e)
		if n == 0 {
			first = ei
			firstReview = reviewAt
			if normal && reviewAt != 0 {
				p.expires = reviewAt + sc.remainingDays*day
			}
		}
		if n >= len(cont) || !r.chance(cont[n]) {
			break
		}
		if normal {
			t += r.between(10*minute, 7*day)
		} else {
			t += 10*minute + int64(r.ExpFloat64()*float64(8*day))
		}
	}
	for _, rf := range refunds {
		bal += rf.amount
		ev = append(ev, rf)
	}
	g.boughtBuf = bought
	if first < 0 {
		// Nothing bought yet: still inside the window (the deadline is in the future), or nothing
		// could be bought, which the revocation job treats like a missed deadline.
		if p.deadline+2*day <= g.now {
			p.status = stRevoked
			p.revoked = p.deadline + r.between(hour, 2*day)
			ev = append(ev, ledgerEvent{kind: lgForfeit, amount: -bal, enrollment: -1, at: p.revoked})
			g.blacklist = append(g.blacklist, blacklistRow{person: pi, created: p.revoked})
		}
		g.evBuf = ev
		return g.flushLedger(pi, ev)
	}
	// Normal scheme: what is left 15 days after the first review is forfeited.
	if normal && p.expires != 0 && p.expires <= g.now && bal > 0 {
		ev = append(ev, ledgerEvent{kind: lgForfeit, amount: -bal, enrollment: -1, at: p.expires})
		bal = 0
	}
	g.evBuf = ev
	if err := g.flushLedger(pi, ev); err != nil {
		return err
	}
	if p.balance != bal {
		return fmt.Errorf("seed: participant %d: balance %d, ledger says %d", p.id, bal, p.balance)
	}
	pending := false
	for ei := first; ei < int32(len(g.enrollments)); ei++ {
		if s := g.enrollments[ei].status; s == enPaid || s == enInProgress {
			pending = true
		}
	}
	expired := normal && p.expires != 0 && p.expires <= g.now
	if g.enrollments[first].status == enCompleted && !pending && (bal == 0 || !normal || expired) {
		p.status = stCompleted
	}
	acct, validated := g.linkAccounts(r, pi)
	if g.enrollments[first].status == enCompleted && firstReview != 0 && acct >= 0 {
		at := maxI64(firstReview, validated) + r.between(minute, 2*hour)
		if at <= g.now {
			g.buildIncentives(r, pi, first, at, acct, sc)
		}
	}
	g.place(r, pi, first)
	return nil
}

// flushLedger orders a person's balance events in time, computes the running balance and appends
// them to the ledger. The balance never goes negative; if it would, the generator has a bug.
func (g *gen) flushLedger(pi int32, ev []ledgerEvent) error {
	// Insertion sort: a handful of events, mostly in order already, and no allocation.
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].at < ev[j-1].at; j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
	bal := int64(0)
	for _, e := range ev {
		bal += e.amount
		if bal < 0 {
			return fmt.Errorf("seed: participant %d: balance would go negative", g.persons[pi].id)
		}
		g.ledger = append(g.ledger, ledgerRow{person: pi, kind: e.kind, amount: e.amount, after: bal, enrollment: e.enrollment, at: e.at})
	}
	g.persons[pi].balance = bal
	return nil
}

// choose picks a training the person can buy at time t: a listing (course on a platform) within
// the balance and, for scheduled courses, the next run with a free seat. Face-to-face courses are
// only bought where the person lives. The first purchase never lands in a run that will be
// cancelled, so that the first training (the one incentives hang on) is never refunded.
func (g *gen) choose(r rng, p *person, t, bal int64, normal, first bool, bought []int32, expires int64) (int32, int32, bool) {
	offP := 0.06
	if normal {
		offP = 0.42
	}
	for try := 0; try < 16; try++ {
		var ci int32
		var stream uint8
		pool := &g.online
		if normal {
			pool = &g.onlineLong
		}
		if off := &g.offline[p.prov]; len(off.course) > 0 && r.chance(offP) {
			pool = off
		}
		n := pool.upTo(t)
		if n == 0 {
			continue
		}
		// Tournament of two: popular courses sell more.
		a, b := r.IntN(n), r.IntN(n)
		if g.courses[pool.course[b]].pop > g.courses[pool.course[a]].pop {
			a = b
		}
		ci, stream = pool.course[a], pool.stream[a]
		c := &g.courses[ci]
		if normal && c.hours < 15 {
			continue
		}
		dup := false
		for _, x := range bought {
			dup = dup || x == ci
		}
		if dup {
			continue
		}
		li := g.pickListing(r, c, t, bal)
		if li < 0 {
			continue
		}
		si := int32(-1)
		if c.mode != modeSelfPaced {
			var exp int64
			if !first {
				exp = expires
			}
			si = g.findSlot(ci, stream, t, first, exp)
		}
		return li, si, true
	}
	return 0, 0, false
}

// chooseAny is the fallback for a first purchase: the cheapest online course on sale.
func (g *gen) chooseAny(p *person, t, bal int64, normal bool) (int32, int32, bool) {
	pool := &g.online
	if normal {
		pool = &g.onlineLong
	}
	best, bestPrice := int32(-1), int64(0)
	for i := 0; i < pool.upTo(t); i++ {
		c := &g.courses[pool.course[i]]
		for _, li := range c.listings {
			l := &g.listings[li]
			if l.listed <= t && l.price <= bal && (best < 0 || l.price < bestPrice) {
				best, bestPrice = li, l.price
			}
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	ci := g.listings[best].course
	si := int32(-1)
	if g.courses[ci].mode != modeSelfPaced {
		si = g.findSlot(ci, 0, t, true, 0)
	}
	return best, si, true
}

func (g *gen) pickListing(r rng, c *course, t, bal int64) int32 {
	total := 0.0
	for _, li := range c.listings {
		l := &g.listings[li]
		if l.listed <= t && l.price <= bal {
			total += g.platforms[l.platform].weight
		}
	}
	if total == 0 {
		return -1
	}
	x := r.Float64() * total
	for _, li := range c.listings {
		l := &g.listings[li]
		if l.listed <= t && l.price <= bal {
			x -= g.platforms[l.platform].weight
			if x < 0 {
				return li
			}
		}
	}
	return c.listings[len(c.listings)-1]
}

// findSlot returns the first run of a course at a venue that starts at least 12 hours after t, is
// on sale at t and has a free seat, creating runs as needed.
func (g *gen) findSlot(ci int32, stream uint8, t int64, first bool, expires int64) int32 {
	c := &g.courses[ci]
	base := c.epoch + int64(stream)*3*day
	k := int32(0)
	if d := t + 12*hour - base; d > 0 {
		k = int32((d + c.period - 1) / c.period)
	}
	for ; ; k++ {
		si := g.slotAt(ci, stream, k)
		s := &g.slots[si]
		if s.cancelled != 0 {
			if s.cancelled <= t || first || expires != 0 && s.cancelled >= expires {
				continue
			}
		}
		if s.sold >= s.capacity {
			continue
		}
		return si
	}
}

// slotAt returns the k-th run of a course at a venue, creating it. A run's capacity and whether it
// is cancelled derive from a hash of the seed and its key, not from the order runs are created in.
func (g *gen) slotAt(ci int32, stream uint8, k int32) int32 {
	key := slotKey{ci, stream, k}
	if si, ok := g.slotIdx[key]; ok {
		return si
	}
	c := &g.courses[ci]
	s := slot{course: ci, stream: stream, k: k}
	s.start = c.epoch + int64(stream)*3*day + int64(k)*c.period
	days := (c.hours + c.hoursPerDay - 1) / c.hoursPerDay
	lastDay := c.hours - (days-1)*c.hoursPerDay
	s.end = s.start + int64(days-1)*day + int64(lastDay)*hour
	h := func(salt uint64) float64 {
		return hashFloat(uint64(g.seed), uint64(ci), uint64(stream), uint64(k), salt)
	}
	if c.mode == modeWebinar {
		s.capacity = 150
	} else {
		switch x := h(1); {
		case x < 0.78:
			s.capacity = 40
		case x < 0.88:
			s.capacity = 30
		case x < 0.95:
			s.capacity = 25
		default:
			s.capacity = 20
		}
	}
	// Runs over Lebaran 2023 were called off; a few others are cancelled a few days ahead.
	lebaranFrom, lebaranTo := g.real(2023, 4, 19), g.real(2023, 4, 26)
	var cancel int64
	switch {
	case s.start >= lebaranFrom && s.start < lebaranTo && h(2) < 0.85:
		cancel = minI64(g.real(2023, 4, 10)+10*hour, s.start-2*day)
	case h(3) < 0.015:
		cancel = s.start - day - int64(h(4)*3*float64(day))
		s.reason = 1 + uint8(h(5)*float64(len(cancelReasons)-1))
	}
	if cancel != 0 && cancel <= g.now {
		s.cancelled = cancel
	}
	g.slots = append(g.slots, s)
	si := int32(len(g.slots) - 1)
	g.slotIdx[key] = si
	return si
}

// outcome sets what happened to an enrollment by Now, issues its certificate and writes its review.
// It returns the review time, or 0 when there is no review.
func (g *gen) outcome(r rng, e *enrollment, ei int32, first bool) int64 {
	c := &g.courses[g.listings[e.listing].course]
	now := g.now
	if e.slot >= 0 {
		s := &g.slots[e.slot]
		s.sold++
		switch {
		case s.cancelled != 0:
			e.status, e.refunded = enRefunded, s.cancelled
			return 0
		case now < s.start:
			e.status = enPaid
		case now < s.end:
			e.status, e.started = enInProgress, s.start
		case r.chance(0.9):
			e.status, e.started = enCompleted, s.start
			e.completed = minI64(s.end+r.between(0, 2*hour), now)
		default:
			e.status = enNotCompleted
			if r.chance(0.5) {
				e.started = s.start
			}
		}
		s.taken++
	} else {
		started := e.purchased + r.between(5*minute, 2*day)
		var finish int64
		switch x := r.Float64(); {
		case x < 0.6:
			finish = started + r.between(day, 7*day)
		case x < 0.9:
			finish = started + r.between(7*day, 21*day)
		default:
			finish = started + r.between(21*day, 45*day)
		}
		finishes := r.chance(0.88)
		switch {
		case now < started:
			e.status = enPaid
		case finishes && finish <= now:
			e.status, e.started, e.completed = enCompleted, started, finish
		case !finishes && started+45*day <= now:
			e.status, e.started = enNotCompleted, started
		default:
			e.status, e.started = enInProgress, started
		}
	}
	c.enrollments++
	if e.status != enCompleted {
		return 0
	}
	g.certs = append(g.certs, certificate{enrollment: ei, issued: minI64(e.completed+r.between(minute, 30*minute), now)})
	p := 0.72
	if first {
		p = 0.86
	}
	if !r.chance(p) {
		return 0
	}
	var delay int64
	switch x := r.Float64(); {
	case x < 0.7:
		delay = r.between(10*minute, 12*hour)
	case x < 0.95:
		delay = r.between(12*hour, 3*day)
	default:
		delay = r.between(3*day, 10*day)
	}
	at := e.completed + delay
	if at > now {
		return 0
	}
	var rating uint8
	switch x := r.Float64(); {
	case x < 0.60:
		rating = 5
	case x < 0.87:
		rating = 4
	case x < 0.95:
		rating = 3
	case x < 0.98:
		rating = 2
	default:
		rating = 1
	}
	body := int16(-1)
	if r.chance(0.88) {
		body = int16(r.IntN(len(reviewTexts[rating-1])))
	}
	g.reviews = append(g.reviews, review{enrollment: ei, rating: rating, body: body, at: at})
	c.reviews++
	c.ratingSum += int64(rating)
	return at
}

// finishSlots adds the upcoming runs of courses on sale, decides every run's status at Now, makes
// sure a few upcoming classes are sold out, and numbers the runs by start time.
func (g *gen) finishSlots() {
	now := g.now
	for ci := range g.courses {
		c := &g.courses[ci]
		if c.mode == modeSelfPaced || c.hours < 15 {
			continue
		}
		streams := max(1, len(c.venues))
		for s := 0; s < streams; s++ {
			base := c.epoch + int64(s)*3*day
			k := int32(0)
			if d := now + day - base; d > 0 {
				k = int32((d + c.period - 1) / c.period)
			}
			g.slotAt(int32(ci), uint8(s), k)
			g.slotAt(int32(ci), uint8(s), k+1)
		}
	}
	full := 0
	var candidates []int32
	for si := range g.slots {
		s := &g.slots[si]
		switch {
		case s.cancelled != 0:
			s.status = ssCancelled
		case s.end <= now:
			s.status = ssCompleted
		case s.start <= now:
			s.status = ssInProgress
		case s.taken >= s.capacity:
			s.status = ssFull
			full++
		default:
			s.status = ssOpen
			if g.courses[s.course].mode != modeWebinar && s.taken > 0 {
				candidates = append(candidates, int32(si))
			}
		}
	}
	// Small groups: a few upcoming classes hold exactly the people who bought them.
	sort.SliceStable(candidates, func(a, b int) bool {
		sa, sb := &g.slots[candidates[a]], &g.slots[candidates[b]]
		if sa.taken != sb.taken {
			return sa.taken > sb.taken
		}
		return sa.start < sb.start
	})
	for _, si := range candidates {
		if full >= 3 {
			break
		}
		s := &g.slots[si]
		s.capacity, s.status = s.taken, ssFull
		full++
	}
	order := make([]int32, len(g.slots))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		sa, sb := &g.slots[a], &g.slots[b]
		return cmp.Or(cmp.Compare(sa.start, sb.start), cmp.Compare(sa.course, sb.course), cmp.Compare(sa.stream, sb.stream))
	})
	for id, si := range order {
		g.slots[si].id = int64(id + 1)
	}
	g.slotOrder = order
}
