// Package seed generates a realistic, deterministic Kartu Prakerja data set and loads it into an
// empty database: waves 1–72 (1–66 on their real 2020–2024 dates, 67–72 in the months before Now,
// the last one open at Now), participants with valid NIKs and family cards, the catalogue of
// platforms, providers, courses and sessions, purchases with their balance ledger, certificates,
// reviews, payout accounts, incentives with payment attempts, and placements. When Now is earlier
// than the real calendar allows, the whole history moves back.
//
// Generation runs in Go from one seeded PCG stream per phase (properties of sessions derive from
// hashes of the seed and their key); loading uses binary COPY … FREEZE inside one transaction, so a
// failure leaves the database as it was. The same Seed and Now give the same rows. Scheme amounts
// and deadlines are read from benefit_schemes, never repeated in code.
package seed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Options control a seeding run.
type Options struct {
	// Participants is how many people to create, selected or only registered; 0 means 5000.
	Participants int
	// Seed seeds the random generator; the same Seed and Now give identical data.
	Seed int64
	// Now is the end of the timeline: the last wave is open at Now. Zero means time.Now()
	// truncated to the minute.
	Now time.Time
	// Progress receives progress reports; nil keeps the run silent.
	Progress io.Writer
	// Bar draws a progress bar on Progress (meant for a terminal); otherwise one plain line is
	// printed per phase.
	Bar bool
}

// DefaultParticipants is the number of people Run creates when Options.Participants is 0.
const DefaultParticipants = 5000

// Stats counts the rows Run wrote per table and how long it took. Each count field is named after
// its table (Waves: waves, BalanceLedger: balance_ledger, …); Tables lists them with table names.
type Stats struct {
	Waves              int64
	WaveProvinceQuotas int64
	Households         int64
	Participants       int64
	Blacklist          int64
	WaveApplications   int64
	Platforms          int64
	Providers          int64
	Courses            int64
	CourseListings     int64
	TrainingSessions   int64
	Enrollments        int64
	BalanceLedger      int64
	Certificates       int64
	Reviews            int64
	PayoutAccounts     int64
	IncentiveSchedules int64
	Incentives         int64
	Payments           int64
	Placements         int64
	AuditEvents        int64
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
}

// TableCount is the number of rows written to one table.
type TableCount struct {
	Table string
	Rows  int64
}

// Tables returns the row counts in load order.
func (s *Stats) Tables() []TableCount {
	return []TableCount{
		{"waves", s.Waves}, {"wave_province_quotas", s.WaveProvinceQuotas}, {"households", s.Households},
		{"participants", s.Participants}, {"blacklist", s.Blacklist}, {"wave_applications", s.WaveApplications},
		{"platforms", s.Platforms}, {"providers", s.Providers}, {"courses", s.Courses},
		{"course_listings", s.CourseListings}, {"training_sessions", s.TrainingSessions},
		{"enrollments", s.Enrollments}, {"balance_ledger", s.BalanceLedger}, {"certificates", s.Certificates},
		{"reviews", s.Reviews}, {"payout_accounts", s.PayoutAccounts}, {"incentive_schedules", s.IncentiveSchedules},
		{"incentives", s.Incentives}, {"payments", s.Payments}, {"placements", s.Placements},
		{"audit_events", s.AuditEvents},
	}
}

// Rows returns the total number of rows written.
func (s *Stats) Rows() int64 {
	var n int64
	for _, t := range s.Tables() {
		n += t.Rows
	}
	return n
}

func (s *Stats) set(table string, n int64) {
	p := map[string]*int64{
		"waves": &s.Waves, "wave_province_quotas": &s.WaveProvinceQuotas, "households": &s.Households,
		"participants": &s.Participants, "blacklist": &s.Blacklist, "wave_applications": &s.WaveApplications,
		"platforms": &s.Platforms, "providers": &s.Providers, "courses": &s.Courses,
		"course_listings": &s.CourseListings, "training_sessions": &s.TrainingSessions,
		"enrollments": &s.Enrollments, "balance_ledger": &s.BalanceLedger, "certificates": &s.Certificates,
		"reviews": &s.Reviews, "payout_accounts": &s.PayoutAccounts, "incentive_schedules": &s.IncentiveSchedules,
		"incentives": &s.Incentives, "payments": &s.Payments, "placements": &s.Placements,
		"audit_events": &s.AuditEvents,
	}[table]
	if p != nil {
		*p = n
	}
}

// ErrNotEmpty is returned by Run when the database already holds data (participants, waves or
// catalogue rows). Reset empties it.
var ErrNotEmpty = errors.New("seed: the database already has data")

// Run generates the data set described by opts and loads it into bdb, which must be migrated and
// hold no data besides the reference tables (provinces, benefit schemes) and settings. Everything
// is written in one transaction: on error nothing is left behind. Scheme amounts and deadlines are
// read from benefit_schemes.
//
// Run returns ErrNotEmpty when participants, waves or catalogue rows already exist, and a wrapped
// database error when the schema is missing or a statement fails. Options.Participants must not be
// negative.
func Run(ctx context.Context, bdb *bun.DB, opts Options) (*Stats, error) {
	start := time.Now()
	if opts.Participants < 0 {
		return nil, fmt.Errorf("seed: participants must not be negative, got %d", opts.Participants)
	}
	if opts.Participants == 0 {
		opts.Participants = DefaultParticipants
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now().Truncate(time.Minute)
	}
	prog := newProgress(opts.Progress, opts.Bar)
	stats := &Stats{}
	if err := load(ctx, bdb, opts, prog, stats); err != nil {
		return nil, err
	}
	stats.Elapsed = time.Since(start)
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "seed: %s rows in %s\n", thousands(stats.Rows()), stats.Elapsed.Round(time.Millisecond))
	}
	return stats, nil
}

// gen holds the generated data set.
type gen struct {
	seed         int64
	n            int
	now          int64
	nowDate      int32
	shift        int64 // added to historical real dates when Now is too early for them
	programStart int64

	schemes   []*scheme
	provinces []province
	provPre   weighted // province weights for people registered before the Papua split
	provPost  weighted
	channelW  [3]weighted

	waves       []wave
	platforms   []platform
	providers   []provider
	courses     []course
	listings    []listing
	online      coursePool // online courses by availability
	onlineLong  coursePool // online courses of 15 hours or more (the normal scheme's minimum)
	offline     []coursePool
	slots       []slot
	slotIdx     map[slotKey]int32
	slotOrder   []int32
	persons     []person
	households  int
	hhRows      []int32
	apps        []application
	enrollments []enrollment
	enrollOrder []int32
	ledger      []ledgerRow
	certs       []certificate
	reviews     []review
	accounts    []account
	schedules   []schedule
	incentives  []incentive
	payments    []payment
	placements  []placement
	blacklist   []blacklistRow

	evBuf       []ledgerEvent
	boughtBuf   []int32
	recentFirst int
	inFlight    int

	// canReplace: the schema allows the REPLACED payout account status.
	canReplace bool
}

func newGen(opts Options, schemes []*scheme, provinces []province) *gen {
	g := &gen{seed: opts.Seed, n: opts.Participants, schemes: schemes, provinces: provinces}
	g.now = opts.Now.Unix()
	g.nowDate = dateOf(g.now)
	pre := make([]float64, len(provinces))
	post := make([]float64, len(provinces))
	for i, p := range provinces {
		post[i] = provinceData[p.code].weight
		if post[i] == 0 {
			post[i] = 1
		}
		pre[i] = post[i]
		if _, split := papuaSplit[p.code]; split {
			pre[i] = 0
		}
	}
	for i, p := range provinces {
		if old, split := papuaSplit[p.code]; split {
			for j := range provinces {
				if provinces[j].code == old {
					pre[j] += post[i]
				}
			}
		}
	}
	g.provPre, g.provPost = newWeighted(pre), newWeighted(post)
	return g
}

// provShare returns each province's share of the population weight.
func (g *gen) provShare() []float64 {
	out := make([]float64, len(g.provinces))
	total := 0.0
	for i, p := range g.provinces {
		out[i] = provinceData[p.code].weight
		total += out[i]
	}
	for i := range out {
		out[i] /= total
	}
	return out
}

// generate builds the whole data set in memory.
func (g *gen) generate(prog *progress) error {
	prog.begin("generate waves, catalogue", 2)
	if err := g.buildCalendar(); err != nil {
		return err
	}
	prog.add(1)
	g.buildCatalog()
	prog.add(1)
	prog.end(fmt.Sprintf("%d courses", len(g.courses)))

	prog.begin("generate people", 1)
	g.buildPeople()
	for i := range g.persons {
		if g.persons[i].hh > 0 {
			g.hhRows = append(g.hhRows, int32(i))
		}
	}
	// Households go in key order, so that their primary key is built by appending.
	slices.SortFunc(g.hhRows, func(a, b int32) int { return cmp.Compare(g.persons[a].kk, g.persons[b].kk) })
	g.provinceQuotas()
	prog.add(1)
	prog.end(thousands(int64(len(g.persons))) + " people")

	prog.begin("generate trainings", 1)
	if err := g.buildTrainings(); err != nil {
		return err
	}
	prog.add(1)
	prog.end(thousands(int64(len(g.enrollments))) + " enrollments")
	return nil
}
