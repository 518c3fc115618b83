package db

import (
	"context"

	"github.com/uptrace/bun"
)

// IncentiveGroupKey is the key of a group of incentives: the dimensions grouped by are set.
type IncentiveGroupKey struct {
	Kind         *IncentiveKind
	Status       *IncentiveStatus
	Channel      *PayoutChannel
	ProvinceCode *string
	WaveID       *int64
	Wave         *Wave // the wave WaveID with its id and number alone, read with the group (label)
	Scheme       *SchemeCode
	Month        *string
	Year         *int
}

// IncentiveGroup is a group of incentives and its measures.
type IncentiveGroup struct {
	Key    *IncentiveGroupKey
	Count  int
	Amount int64
}

// Totals returns the group's count and amount: a connection's groups, when all of them are there,
// add up to its totalCount and totalAmount.
func (g *IncentiveGroup) Totals() (int, int64) { return g.Count, g.Amount }

// incentiveDate is an incentive's natural date: when it was paid, or else when it is due.
const incentiveDate = "coalesce(i.paid_at, i.due_on::timestamptz)"

// Measures are bigint or float8 in SQL, never numeric: they are read as they are, where a numeric
// would be decoded through a big integer.
var incentiveGroups = &groupSpec[IncentiveGroupKey]{
	dims: map[string]dimension[IncentiveGroupKey]{
		"KIND": {expr: "i.kind", rollCols: cols("kind"),
			set: func(k *IncentiveGroupKey, v cell) { k.Kind = textOf[IncentiveKind](v) }},
		"STATUS": {expr: "i.status", rollCols: cols("status"),
			set: func(k *IncentiveGroupKey, v cell) { k.Status = textOf[IncentiveStatus](v) }},
		"CHANNEL": {expr: "i.channel", rollCols: cols("channel"),
			set: func(k *IncentiveGroupKey, v cell) { k.Channel = textOf[PayoutChannel](v) }},
		"PROVINCE": {expr: "i.province_code", rollCols: cols("province_code"),
			set: func(k *IncentiveGroupKey, v cell) { k.ProvinceCode = textOf[string](v) }},
		"WAVE": {expr: "i.wave_id", rollCols: cols("wave_id"), label: waveNumber,
			set:      func(k *IncentiveGroupKey, v cell) { k.WaveID = ptr(v.int64()) },
			setLabel: func(k *IncentiveGroupKey, w *Wave) { k.WaveID, k.Wave = &w.ID, w }},
		"SCHEME": {expr: "gw.scheme_code", join: "LEFT JOIN waves AS gw ON gw.id = i.wave_id", rollCols: cols("wave_id"),
			set: func(k *IncentiveGroupKey, v cell) { k.Scheme = textOf[SchemeCode](v) }},
		"MONTH": {expr: monthExpr(incentiveDate), rollCols: cols("paid_month", "due_month"), rollExpr: monthExpr(incentiveMonth),
			set: func(k *IncentiveGroupKey, v cell) { k.Month = textOf[string](v) }},
		"YEAR": {expr: "extract(year FROM " + incentiveDate + ")::int", rollCols: cols("paid_month", "due_month"),
			rollExpr: "extract(year FROM " + incentiveMonth + ")::int",
			set:      func(k *IncentiveGroupKey, v cell) { k.Year = ptr(int(v.int64())) }},
	},
	measures: []measure{
		{"count", "count(*)", "sum(i.n)::bigint"},
		{"amount", "coalesce(sum(i.amount), 0)::bigint", "coalesce(sum(i.amount), 0)::bigint"},
	},
}

// incentiveMonth is the first day of an incentive's natural month in a rollup.
const incentiveMonth = "coalesce(i.paid_month, i.due_month)::timestamp"

func cols(c ...string) []string { return c }

// waveNumber labels a wave key with the wave's number. Waves are public catalogue data, which
// every scope reads. A key holds a Wave with its id and number alone, shared by the adjacent
// groups of that wave (read).
var waveNumber = &label{table: "waves", col: "number"}

// GroupIncentives groups the incentives that scope and f select. It fails with EINVALID on bad
// arguments.
func GroupIncentives(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter, args GroupArgs) ([]*IncentiveGroup, error) {
	base, rolled, err := aggregateSource(ctx, idb, incentives, scope, f, args.By, incentiveRollup)
	if err != nil {
		return nil, err
	}
	spec := incentiveGroups
	if rolled {
		spec = incentiveGroups.onRollup()
	}
	gs, err := spec.groups(ctx, idb, base, args)
	if err != nil {
		return nil, err
	}
	return convert(gs, toIncentiveGroup), nil
}

func toIncentiveGroup(g *Group[IncentiveGroupKey], out *IncentiveGroup) {
	*out = IncentiveGroup{Key: g.Key, Count: int(g.Measure("count")), Amount: int64(g.Measure("amount"))}
}

// GroupIncentivesByParents groups, per parent (a participant or a wave), the incentives that scope
// and f select, in one statement.
func GroupIncentivesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *IncentiveFilter, args GroupArgs) (map[int64][]*IncentiveGroup, error) {
	if _, err := incentives.parent(by); err != nil {
		return nil, err
	}
	base, err := incentives.base(idb.NewSelect().Model((*Incentive)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	gs, err := incentiveGroups.groupsPerParent(ctx, idb, base, "i."+string(by), parents, args)
	return convertPerParent(gs, toIncentiveGroup), err
}

// SumIncentivesByParents returns, per parent, the total amount of the incentives scope and f select.
func SumIncentivesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *IncentiveFilter) (map[int64]int64, error) {
	if _, err := incentives.parent(by); err != nil {
		return nil, err
	}
	base, err := incentives.base(idb.NewSelect().Model((*Incentive)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	return totalPerParent(ctx, idb, base, "i."+string(by), parents, "sum(i.amount)")
}

// convert fills one G per group, all in one allocation.
func convert[K, G any](gs []*Group[K], to func(*Group[K], *G)) []*G {
	out, slab := make([]*G, len(gs)), make([]G, len(gs))
	for i, g := range gs {
		to(g, &slab[i])
		out[i] = &slab[i]
	}
	return out
}

func convertPerParent[K, G any](m map[int64][]*Group[K], to func(*Group[K], *G)) map[int64][]*G {
	out := make(map[int64][]*G, len(m))
	for p, gs := range m {
		out[p] = convert(gs, to)
	}
	return out
}

// TotalIncentives returns how many incentives scope and f select and their total amount, in one
// statement.
func TotalIncentives(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter) (int, int64, error) {
	base, rolled, err := aggregateSource(ctx, idb, incentives, scope, f, nil, incentiveRollup)
	if err != nil {
		return 0, 0, err
	}
	if rolled {
		return rollupTotals(ctx, idb, base, "i")
	}
	return countAndSum(ctx, idb, base, "i.amount")
}

// SumIncentives returns the total amount of the incentives that scope and f select.
func SumIncentives(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter) (int64, error) {
	base, _, err := aggregateSource(ctx, idb, incentives, scope, f, nil, incentiveRollup)
	if err != nil {
		return 0, err
	}
	return total(ctx, idb, base, "sum(i.amount)")
}

// EnrollmentGroupKey is the key of a group of enrollments.
type EnrollmentGroupKey struct {
	Category     *string
	ProviderID   *int64
	PlatformID   *int64
	Mode         *DeliveryMode
	Status       *EnrollmentStatus
	ProvinceCode *string
	Month        *string
}

// EnrollmentGroup is a group of enrollments and its measures. CompletionRate is completed over
// purchases that were not refunded.
type EnrollmentGroup struct {
	Key            *EnrollmentGroupKey
	Count          int
	Amount         int64
	CompletedCount int
	CompletionRate float64
}

// Totals returns the group's count and amount (see IncentiveGroup.Totals).
func (g *EnrollmentGroup) Totals() (int, int64) { return g.Count, g.Amount }

var enrollmentGroups = &groupSpec[EnrollmentGroupKey]{
	dims: map[string]dimension[EnrollmentGroupKey]{
		"CATEGORY": {expr: "gc.category", join: "LEFT JOIN courses AS gc ON gc.id = e.course_id", rollCols: cols("course_id"),
			set: func(k *EnrollmentGroupKey, v cell) { k.Category = textOf[string](v) }},
		"MODE": {expr: "gc.mode", join: "LEFT JOIN courses AS gc ON gc.id = e.course_id", rollCols: cols("course_id"),
			set: func(k *EnrollmentGroupKey, v cell) { k.Mode = textOf[DeliveryMode](v) }},
		"PROVIDER": {expr: "e.provider_id", rollCols: cols("provider_id"),
			set: func(k *EnrollmentGroupKey, v cell) { k.ProviderID = ptr(v.int64()) }},
		"PLATFORM": {expr: "e.platform_id", rollCols: cols("platform_id"),
			set: func(k *EnrollmentGroupKey, v cell) { k.PlatformID = ptr(v.int64()) }},
		"STATUS": {expr: "e.status", rollCols: cols("status"),
			set: func(k *EnrollmentGroupKey, v cell) { k.Status = textOf[EnrollmentStatus](v) }},
		"PROVINCE": {expr: "e.province_code", rollCols: cols("province_code"),
			set: func(k *EnrollmentGroupKey, v cell) { k.ProvinceCode = textOf[string](v) }},
		"MONTH": {expr: monthExpr("e.purchased_at"), rollCols: cols("purchased_month"), rollExpr: monthExpr("e.purchased_month::timestamp"),
			set: func(k *EnrollmentGroupKey, v cell) { k.Month = textOf[string](v) }},
	},
	measures: []measure{
		{"count", "count(*)", "sum(e.n)::bigint"},
		{"amount", "coalesce(sum(e.price), 0)::bigint", "coalesce(sum(e.amount), 0)::bigint"},
		{"completed_count", "count(*) FILTER (WHERE e.status = 'COMPLETED')", "coalesce(sum(e.n) FILTER (WHERE e.status = 'COMPLETED'), 0)::bigint"},
		{"completion_rate", "coalesce(count(*) FILTER (WHERE e.status = 'COMPLETED')::float8 / nullif(count(*) FILTER (WHERE e.status <> 'REFUNDED'), 0), 0)",
			"coalesce((sum(e.n) FILTER (WHERE e.status = 'COMPLETED'))::bigint::float8 / nullif((sum(e.n) FILTER (WHERE e.status <> 'REFUNDED'))::bigint, 0), 0)"},
	},
}

// GroupEnrollments groups the enrollments that scope and f select.
func GroupEnrollments(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter, args GroupArgs) ([]*EnrollmentGroup, error) {
	base, rolled, err := aggregateSource(ctx, idb, enrollments, scope, f, args.By, enrollmentRollup)
	if err != nil {
		return nil, err
	}
	spec := enrollmentGroups
	if rolled {
		spec = enrollmentGroups.onRollup()
	}
	gs, err := spec.groups(ctx, idb, base, args)
	if err != nil {
		return nil, err
	}
	return convert(gs, toEnrollmentGroup), nil
}

func toEnrollmentGroup(g *Group[EnrollmentGroupKey], out *EnrollmentGroup) {
	*out = EnrollmentGroup{Key: g.Key, Count: int(g.Measure("count")), Amount: int64(g.Measure("amount")),
		CompletedCount: int(g.Measure("completed_count")), CompletionRate: g.Measure("completion_rate")}
}

// GroupEnrollmentsByParents groups, per parent, the enrollments that scope and f select, in one
// statement.
func GroupEnrollmentsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *EnrollmentFilter, args GroupArgs) (map[int64][]*EnrollmentGroup, error) {
	if _, err := enrollments.parent(by); err != nil {
		return nil, err
	}
	base, err := enrollments.base(idb.NewSelect().Model((*Enrollment)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	gs, err := enrollmentGroups.groupsPerParent(ctx, idb, base, "e."+string(by), parents, args)
	return convertPerParent(gs, toEnrollmentGroup), err
}

// SumEnrollmentsByParents returns, per parent, the total price of the enrollments scope and f select.
func SumEnrollmentsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *EnrollmentFilter) (map[int64]int64, error) {
	if _, err := enrollments.parent(by); err != nil {
		return nil, err
	}
	base, err := enrollments.base(idb.NewSelect().Model((*Enrollment)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	return totalPerParent(ctx, idb, base, "e."+string(by), parents, "sum(e.price)")
}

// TotalEnrollments returns how many enrollments scope and f select and their total price, in one
// statement.
func TotalEnrollments(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter) (int, int64, error) {
	base, rolled, err := aggregateSource(ctx, idb, enrollments, scope, f, nil, enrollmentRollup)
	if err != nil {
		return 0, 0, err
	}
	if rolled {
		return rollupTotals(ctx, idb, base, "e")
	}
	return countAndSum(ctx, idb, base, "e.price")
}

// SumEnrollments returns the total price of the enrollments that scope and f select.
func SumEnrollments(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter) (int64, error) {
	base, rolled, err := aggregateSource(ctx, idb, enrollments, scope, f, nil, enrollmentRollup)
	if err != nil {
		return 0, err
	}
	if rolled {
		return total(ctx, idb, base, "sum(e.amount)")
	}
	return total(ctx, idb, base, "sum(e.price)")
}

// ParticipantGroupKey is the key of a group of participants.
type ParticipantGroupKey struct {
	ProvinceCode     *string
	Gender           *Gender
	AgeBand          *AgeBand
	Education        *Education
	EmploymentStatus *EmploymentStatus
	WaveID           *int64
	Wave             *Wave // the wave WaveID with its id and number alone, read with the group (label)
	Scheme           *SchemeCode
	Status           *ParticipantStatus
	RegisteredMonth  *string
}

// ParticipantGroup is a group of participants and its size.
type ParticipantGroup struct {
	Key   *ParticipantGroupKey
	Count int
}

// Totals returns the group's count, and no amount: participants have none (see
// IncentiveGroup.Totals).
func (g *ParticipantGroup) Totals() (int, int64) { return g.Count, 0 }

// ageBandExpr buckets a participant's age today.
const ageBandExpr = `CASE WHEN date_part('year', age(p.birth_date)) < 25 THEN 'AGE_18_24'
	WHEN date_part('year', age(p.birth_date)) < 35 THEN 'AGE_25_34'
	WHEN date_part('year', age(p.birth_date)) < 45 THEN 'AGE_35_44'
	WHEN date_part('year', age(p.birth_date)) < 55 THEN 'AGE_45_54'
	WHEN date_part('year', age(p.birth_date)) < 65 THEN 'AGE_55_64'
	ELSE 'AGE_65_PLUS' END`

var participantGroups = &groupSpec[ParticipantGroupKey]{
	dims: map[string]dimension[ParticipantGroupKey]{
		"PROVINCE": {expr: "p.province_code", rollCols: cols("province_code"),
			set: func(k *ParticipantGroupKey, v cell) { k.ProvinceCode = textOf[string](v) }},
		"GENDER": {expr: "p.gender", rollCols: cols("gender"),
			set: func(k *ParticipantGroupKey, v cell) { k.Gender = textOf[Gender](v) }},
		// The age band depends on today's date, which no rollup can keep.
		"AGE_BAND": {expr: ageBandExpr, set: func(k *ParticipantGroupKey, v cell) { k.AgeBand = textOf[AgeBand](v) }},
		"EDUCATION": {expr: "p.education", rollCols: cols("education"),
			set: func(k *ParticipantGroupKey, v cell) { k.Education = textOf[Education](v) }},
		"EMPLOYMENT_STATUS": {expr: "p.employment_status", rollCols: cols("employment_status"),
			set: func(k *ParticipantGroupKey, v cell) { k.EmploymentStatus = textOf[EmploymentStatus](v) }},
		"WAVE": {expr: "p.wave_id", rollCols: cols("wave_id"), label: waveNumber,
			set:      func(k *ParticipantGroupKey, v cell) { k.WaveID = ptr(v.int64()) },
			setLabel: func(k *ParticipantGroupKey, w *Wave) { k.WaveID, k.Wave = &w.ID, w }},
		"SCHEME": {expr: "gw.scheme_code", join: "LEFT JOIN waves AS gw ON gw.id = p.wave_id", rollCols: cols("wave_id"),
			set: func(k *ParticipantGroupKey, v cell) { k.Scheme = textOf[SchemeCode](v) }},
		"STATUS": {expr: "p.status", rollCols: cols("status"),
			set: func(k *ParticipantGroupKey, v cell) { k.Status = textOf[ParticipantStatus](v) }},
		"REGISTERED_MONTH": {expr: monthExpr("p.registered_at"), rollCols: cols("registered_month"), rollExpr: monthExpr("p.registered_month::timestamp"),
			set: func(k *ParticipantGroupKey, v cell) { k.RegisteredMonth = textOf[string](v) }},
	},
	measures: []measure{{"count", "count(*)", "sum(p.n)::bigint"}},
}

// GroupParticipants groups the participants that scope and f select.
func GroupParticipants(ctx context.Context, idb bun.IDB, scope Scope, f *ParticipantFilter, args GroupArgs) ([]*ParticipantGroup, error) {
	base, rolled, err := aggregateSource(ctx, idb, participants, scope, f, args.By, participantRollup)
	if err != nil {
		return nil, err
	}
	spec := participantGroups
	if rolled {
		spec = participantGroups.onRollup()
	}
	gs, err := spec.groups(ctx, idb, base, args)
	if err != nil {
		return nil, err
	}
	return convert(gs, func(g *Group[ParticipantGroupKey], out *ParticipantGroup) {
		*out = ParticipantGroup{Key: g.Key, Count: int(g.Measure("count"))}
	}), nil
}

// TotalParticipants returns how many participants scope and f select, as CountParticipants does,
// from a rollup when one answers the filter. It fails with EINVALID on a bad filter.
func TotalParticipants(ctx context.Context, idb bun.IDB, scope Scope, f *ParticipantFilter) (int, error) {
	if err := participants.checkFilter(idb, scope, f); err != nil {
		return 0, err
	}
	r, ok, err := participantRollup(ctx, idb, scope, f, nil)
	if err != nil {
		return 0, err
	}
	if !ok {
		return CountParticipants(ctx, idb, scope, f)
	}
	n, err := total(ctx, idb, r, "sum(p.n)")
	return int(n), err
}

// CourseGroupKey is the key of a group of courses.
type CourseGroupKey struct {
	Category   *string
	Mode       *DeliveryMode
	ProviderID *int64
}

// CourseGroup is a group of courses and its measures.
type CourseGroup struct {
	Key           *CourseGroupKey
	Count         int
	AveragePrice  float64
	AverageRating *float64
}

// Totals returns the group's count, and no amount: courses have none (see IncentiveGroup.Totals).
func (g *CourseGroup) Totals() (int, int64) { return g.Count, 0 }

var courseGroups = &groupSpec[CourseGroupKey]{
	dims: map[string]dimension[CourseGroupKey]{
		"CATEGORY": {expr: "c.category", set: func(k *CourseGroupKey, v cell) { k.Category = textOf[string](v) }},
		"MODE":     {expr: "c.mode", set: func(k *CourseGroupKey, v cell) { k.Mode = textOf[DeliveryMode](v) }},
		"PROVIDER": {expr: "c.provider_id", set: func(k *CourseGroupKey, v cell) { k.ProviderID = ptr(v.int64()) }},
	},
	measures: []measure{
		{name: "count", expr: "count(*)"},
		{name: "average_price", expr: "coalesce(round(avg(c.min_price), 2), 0)::float8"},
		{name: "average_rating", expr: "round(avg(c.rating), 2)::float8"},
		{name: "rated", expr: "count(c.rating)"},
	},
}

// GroupCourses groups the courses that f selects.
func GroupCourses(ctx context.Context, idb bun.IDB, scope Scope, f *CourseFilter, args GroupArgs) ([]*CourseGroup, error) {
	base, err := courses.base(idb.NewSelect().Model((*Course)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	gs, err := courseGroups.groups(ctx, idb, base, args)
	if err != nil {
		return nil, err
	}
	return convert(gs, toCourseGroup), nil
}

func toCourseGroup(g *Group[CourseGroupKey], out *CourseGroup) {
	*out = CourseGroup{Key: g.Key, Count: int(g.Measure("count")), AveragePrice: g.Measure("average_price")}
	if g.Measure("rated") > 0 {
		out.AverageRating = ptr(g.Measure("average_rating"))
	}
}

// GroupCoursesByParents groups, per parent (a provider), the courses that f selects, in one statement.
func GroupCoursesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *CourseFilter, args GroupArgs) (map[int64][]*CourseGroup, error) {
	if _, err := courses.parent(by); err != nil {
		return nil, err
	}
	base, err := courses.base(idb.NewSelect().Model((*Course)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	gs, err := courseGroups.groupsPerParent(ctx, idb, base, "c."+string(by), parents, args)
	return convertPerParent(gs, toCourseGroup), err
}
