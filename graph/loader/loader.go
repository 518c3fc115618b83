// Package loader holds the per-request dataloaders. Every relation a resolver follows goes through
// one of them, so that the number of SQL statements of a request depends on the shape of its query,
// never on how many rows it returns. Loaders live for one request only: dataloadgen runs a batch with
// the first caller's context.
package loader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/vikstrous/dataloadgen"

	"prakerja/db"
)

// DefaultWait is how long a loader collects keys before it runs its batch.
const DefaultWait = 2 * time.Millisecond

// Loaders are the dataloaders of one request, bound to the caller's scope.
type Loaders struct {
	ParticipantByID   *Loader[int64, *db.Participant]
	WaveByID          *Loader[int64, *db.Wave]
	WaveByNumber      *Loader[int64, *db.Wave]
	SchemeByCode      *Loader[db.SchemeCode, *db.BenefitScheme]
	ProvinceByCode    *Loader[string, *db.Province]
	PlatformByID      *Loader[int64, *db.Platform]
	ProviderByID      *Loader[int64, *db.Provider]
	CourseByID        *Loader[int64, *db.Course]
	ListingByID       *Loader[int64, *db.Listing]
	SessionByID       *Loader[int64, *db.TrainingSession]
	EnrollmentByID    *Loader[int64, *db.Enrollment]
	IncentiveByID     *Loader[int64, *db.Incentive]
	CertificateByID   *Loader[int64, *db.Certificate]
	ReviewByID        *Loader[int64, *db.Review]
	PaymentByID       *Loader[int64, *db.Payment]
	PayoutAccountByID *Loader[int64, *db.PayoutAccount]
	PlacementByID     *Loader[int64, *db.Placement]
	AuditEventByID    *Loader[int64, *db.AuditEvent]

	ahead lookahead

	CourseIDByEnrollment          *Loader[int64, int64]
	CertificateByEnrollment       *Loader[int64, *db.Certificate]
	ReviewByEnrollment            *Loader[int64, *db.Review]
	ListingsByCourse              *Loader[int64, []*db.Listing]
	PaymentsByIncentive           *Loader[int64, []*db.Payment]
	PayoutAccountsByParticipant   *Loader[int64, []*db.PayoutAccount]
	PlacementsByParticipant       *Loader[int64, []*db.Placement]
	ProvinceQuotasByWave          *Loader[int64, []*db.ProvinceQuota]
	WaveApplicationsByParticipant *Loader[int64, []*db.WaveApplication]

	EnrollmentPages  *Loader[PageKey, *db.Page[db.Enrollment]]
	EnrollmentCounts *Loader[PageKey, int]
	IncentivePages   *Loader[PageKey, *db.Page[db.Incentive]]
	IncentiveCounts  *Loader[PageKey, int]
	CoursePages      *Loader[PageKey, *db.Page[db.Course]]
	CourseCounts     *Loader[PageKey, int]
	SessionPages     *Loader[PageKey, *db.Page[db.TrainingSession]]
	SessionCounts    *Loader[PageKey, int]

	EnrollmentGroups *Loader[PageKey, []*db.EnrollmentGroup]
	EnrollmentSums   *Loader[PageKey, int64]
	IncentiveGroups  *Loader[PageKey, []*db.IncentiveGroup]
	IncentiveSums    *Loader[PageKey, int64]
	CourseGroups     *Loader[PageKey, []*db.CourseGroup]
}

// Loader is a dataloader that also keeps its batch function, so that the keys of a whole list can
// be fetched at once when the list is known (see Related) instead of collected over a time window.
// Its dataloadgen loader is made on first use: a request uses few of its loaders.
type Loader[K comparable, V any] struct {
	fetch func(ctx context.Context, keys []K) (map[K]V, error)
	opt   dataloadgen.Option
	known map[K]V // rows the process holds for good (reference data), answered without a batch

	once  sync.Once
	batch *dataloadgen.Loader[K, V]
}

func (l *Loader[K, V]) loader() *dataloadgen.Loader[K, V] {
	l.once.Do(func() { l.batch = dataloadgen.NewMappedLoader(l.fetch, l.opt) })
	return l.batch
}

// Load returns the value of key, fetched in a batch with the keys other callers load meanwhile.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	if v, ok := l.known[key]; ok {
		return v, nil
	}
	return l.loader().Load(ctx, key)
}

// Prime puts key's value in the loader's cache unless it has one, and reports whether it did.
func (l *Loader[K, V]) Prime(key K, value V) bool { return l.loader().Prime(key, value) }

// FetchAll runs the batch function over keys at once, without the loader's window or cache: for
// a caller that already knows every key (the fast path). Keys without a row are absent.
func (l *Loader[K, V]) FetchAll(ctx context.Context, keys []K) (map[K]V, error) {
	if len(keys) == 0 {
		return map[K]V{}, nil
	}
	if l.known == nil {
		return l.fetch(ctx, keys)
	}
	out := make(map[K]V, len(keys))
	var rest []K
	for _, k := range keys {
		if v, ok := l.known[k]; ok {
			out[k] = v
		} else {
			rest = append(rest, k)
		}
	}
	if len(rest) > 0 {
		got, err := l.fetch(ctx, rest)
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			out[k] = v
		}
	}
	return out, nil
}

func newLoader[K comparable, V any](fetch func(ctx context.Context, keys []K) (map[K]V, error), opt dataloadgen.Option) *Loader[K, V] {
	return &Loader[K, V]{fetch: fetch, opt: opt}
}

// PageKey asks for the page of a nested connection under one parent. Args is the canonical JSON of
// the connection's filter, order and page arguments, so that keys with the same arguments batch
// into one statement.
type PageKey struct {
	By     db.Parent
	Parent int64
	Args   string
}

// ConnArgs are the arguments of a nested connection.
type ConnArgs[F any, O any] struct {
	Filter *F          `json:"f,omitempty"`
	Order  *O          `json:"o,omitempty"`
	Page   db.PageArgs `json:"p"`
}

// Key returns the PageKey of these arguments under parent.
func (a ConnArgs[F, O]) Key(by db.Parent, parent int64) PageKey { return jsonKey(a, by, parent) }

// Reference caches the reference data that only migrations change (the provinces and the benefit
// schemes) for the life of the process, so that resolving a province or a scheme costs neither a
// statement nor a loader's wait. It is safe for concurrent use.
type Reference struct {
	mu        sync.Mutex
	provinces map[string]*db.Province
	schemes   map[db.SchemeCode]*db.BenefitScheme
}

// Preload reads the reference data now, so that no request pays for it; on failure the first
// request that needs it reads it.
func (r *Reference) Preload(ctx context.Context, idb bun.IDB) error {
	_, _, err := r.load(ctx, idb)
	return err
}

// load reads the reference data once; a failure is retried by the next request.
func (r *Reference) load(ctx context.Context, idb bun.IDB) (map[string]*db.Province, map[db.SchemeCode]*db.BenefitScheme, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.provinces != nil {
		return r.provinces, r.schemes, nil
	}
	ps, err := db.FindProvinces(ctx, idb)
	if err != nil {
		return nil, nil, err
	}
	ss, err := db.FindBenefitSchemes(ctx, idb)
	if err != nil {
		return nil, nil, err
	}
	provinces := make(map[string]*db.Province, len(ps))
	for _, p := range ps {
		provinces[p.Code] = p
	}
	schemes := make(map[db.SchemeCode]*db.BenefitScheme, len(ss))
	for _, s := range ss {
		schemes[s.Code] = s
	}
	r.provinces, r.schemes = provinces, schemes
	return provinces, schemes, nil
}

// New returns the loaders of one request, reading through idb with scope. Provinces and schemes are
// answered from ref when it has them.
func New(ctx context.Context, idb bun.IDB, scope db.Scope, wait time.Duration, ref *Reference) *Loaders {
	l := newLoaders(idb, scope, wait, ref)
	if provinces, schemes, err := ref.load(ctx, idb); err == nil {
		l.ProvinceByCode.known, l.SchemeByCode.known = provinces, schemes
	}
	return l
}

func newLoaders(idb bun.IDB, scope db.Scope, wait time.Duration, ref *Reference) *Loaders {
	opt := dataloadgen.WithWait(wait)
	return &Loaders{
		ParticipantByID:   ids(idb, scope, db.FindParticipantsByIDs, opt),
		WaveByID:          ids(idb, scope, db.FindWavesByIDs, opt),
		WaveByNumber:      ids(idb, scope, db.FindWavesByNumbers, opt),
		PlatformByID:      ids(idb, scope, db.FindPlatformsByIDs, opt),
		ProviderByID:      ids(idb, scope, db.FindProvidersByIDs, opt),
		CourseByID:        ids(idb, scope, db.FindCoursesByIDs, opt),
		ListingByID:       ids(idb, scope, db.FindListingsByIDs, opt),
		SessionByID:       ids(idb, scope, db.FindTrainingSessionsByIDs, opt),
		EnrollmentByID:    ids(idb, scope, db.FindEnrollmentsByIDs, opt),
		IncentiveByID:     ids(idb, scope, db.FindIncentivesByIDs, opt),
		CertificateByID:   ids(idb, scope, db.FindCertificatesByIDs, opt),
		ReviewByID:        ids(idb, scope, db.FindReviewsByIDs, opt),
		PaymentByID:       ids(idb, scope, db.FindPaymentsByIDs, opt),
		PayoutAccountByID: ids(idb, scope, db.FindPayoutAccountsByIDs, opt),
		PlacementByID:     ids(idb, scope, db.FindPlacementsByIDs, opt),
		AuditEventByID:    ids(idb, scope, db.FindAuditEventsByIDs, opt),

		// Reference data: normally primed from the process cache; these run only when it failed.
		SchemeByCode: newLoader(func(ctx context.Context, codes []db.SchemeCode) (map[db.SchemeCode]*db.BenefitScheme, error) {
			_, schemes, err := ref.load(ctx, idb)
			return schemes, err
		}, opt),
		ProvinceByCode: newLoader(func(ctx context.Context, codes []string) (map[string]*db.Province, error) {
			provinces, _, err := ref.load(ctx, idb)
			return provinces, err
		}, opt),

		CourseIDByEnrollment: newLoader(func(ctx context.Context, keys []int64) (map[int64]int64, error) {
			return db.FindCourseIDsByEnrollments(ctx, idb, keys)
		}, opt),
		CertificateByEnrollment:       ids(idb, scope, db.FindCertificatesByEnrollments, opt),
		ReviewByEnrollment:            ids(idb, scope, db.FindReviewsByEnrollments, opt),
		ListingsByCourse:              ids(idb, scope, db.FindListingsByCourses, opt),
		PaymentsByIncentive:           ids(idb, scope, db.FindPaymentsByIncentives, opt),
		PayoutAccountsByParticipant:   ids(idb, scope, db.FindPayoutAccountsByParticipants, opt),
		PlacementsByParticipant:       ids(idb, scope, db.FindPlacementsByParticipants, opt),
		ProvinceQuotasByWave:          ids(idb, scope, db.FindProvinceQuotasByWaves, opt),
		WaveApplicationsByParticipant: ids(idb, scope, db.FindWaveApplicationsByParticipants, opt),

		EnrollmentPages:  pages(idb, scope, db.FindEnrollmentsByParents, opt),
		EnrollmentCounts: counts(idb, scope, db.CountEnrollmentsByParents, opt),
		IncentivePages:   pages(idb, scope, db.FindIncentivesByParents, opt),
		IncentiveCounts:  counts(idb, scope, db.CountIncentivesByParents, opt),
		CoursePages:      pages(idb, scope, db.FindCoursesByParents, opt),
		CourseCounts:     counts(idb, scope, db.CountCoursesByParents, opt),
		SessionPages:     pages(idb, scope, db.FindTrainingSessionsByParents, opt),
		SessionCounts:    counts(idb, scope, db.CountTrainingSessionsByParents, opt),

		EnrollmentGroups: groups(idb, scope, db.GroupEnrollmentsByParents, opt),
		EnrollmentSums:   counts(idb, scope, db.SumEnrollmentsByParents, opt),
		IncentiveGroups:  groups(idb, scope, db.GroupIncentivesByParents, opt),
		IncentiveSums:    counts(idb, scope, db.SumIncentivesByParents, opt),
		CourseGroups:     groups(idb, scope, db.GroupCoursesByParents, opt),
	}
}

func ids[V any](idb bun.IDB, scope db.Scope, find func(context.Context, bun.IDB, db.Scope, []int64) (map[int64]V, error), opt dataloadgen.Option) *Loader[int64, V] {
	return newLoader(func(ctx context.Context, keys []int64) (map[int64]V, error) {
		return find(ctx, idb, scope, keys)
	}, opt)
}

// group splits page keys by parent kind and arguments: each group is one statement.
func group(keys []PageKey) map[[2]string][]int64 {
	out := map[[2]string][]int64{}
	for _, k := range keys {
		g := [2]string{string(k.By), k.Args}
		out[g] = append(out[g], k.Parent)
	}
	return out
}

// perParent returns a loader over keys that name a parent and carry arguments A as JSON: each
// group of keys with the same kind of parent and arguments is one call of run, one statement.
func perParent[V any, A any](run func(ctx context.Context, by db.Parent, parents []int64, args A) (map[int64]V, error), opt dataloadgen.Option) *Loader[PageKey, V] {
	return newLoader(func(ctx context.Context, keys []PageKey) (map[PageKey]V, error) {
		out := make(map[PageKey]V, len(keys))
		errs := dataloadgen.MappedFetchError[PageKey]{}
		for g, parents := range group(keys) {
			var args A
			err := json.Unmarshal([]byte(g[1]), &args)
			var got map[int64]V
			if err == nil {
				got, err = run(ctx, db.Parent(g[0]), parents, args)
			}
			for _, p := range parents {
				k := PageKey{By: db.Parent(g[0]), Parent: p, Args: g[1]}
				if err != nil {
					errs[k] = err
				} else {
					out[k] = got[p]
				}
			}
		}
		if len(errs) > 0 {
			return out, errs
		}
		return out, nil
	}, opt)
}

func pages[T any, F any, O any](idb bun.IDB, scope db.Scope,
	find func(context.Context, bun.IDB, db.Scope, db.Parent, []int64, *F, *O, db.PageArgs) (map[int64]*db.Page[T], error),
	opt dataloadgen.Option) *Loader[PageKey, *db.Page[T]] {
	return perParent(func(ctx context.Context, by db.Parent, parents []int64, a ConnArgs[F, O]) (map[int64]*db.Page[T], error) {
		return find(ctx, idb, scope, by, parents, a.Filter, a.Order, a.Page)
	}, opt)
}

func counts[F any, V any](idb bun.IDB, scope db.Scope,
	count func(context.Context, bun.IDB, db.Scope, db.Parent, []int64, *F) (map[int64]V, error),
	opt dataloadgen.Option) *Loader[PageKey, V] {
	return perParent(func(ctx context.Context, by db.Parent, parents []int64, a FilterArgs[F]) (map[int64]V, error) {
		return count(ctx, idb, scope, by, parents, a.Filter)
	}, opt)
}

func groups[F any, G any](idb bun.IDB, scope db.Scope,
	group func(context.Context, bun.IDB, db.Scope, db.Parent, []int64, *F, db.GroupArgs) (map[int64][]*G, error),
	opt dataloadgen.Option) *Loader[PageKey, []*G] {
	return perParent(func(ctx context.Context, by db.Parent, parents []int64, a GroupKeyArgs[F]) (map[int64][]*G, error) {
		return group(ctx, idb, scope, by, parents, a.Filter, a.Group)
	}, opt)
}

// FilterArgs are the arguments of a nested connection's totals: only its filter.
type FilterArgs[F any] struct {
	Filter *F `json:"f,omitempty"`
}

// Key returns the PageKey of these arguments under parent.
func (a FilterArgs[F]) Key(by db.Parent, parent int64) PageKey { return jsonKey(a, by, parent) }

// GroupKeyArgs are the arguments of a nested connection's groups.
type GroupKeyArgs[F any] struct {
	Filter *F           `json:"f,omitempty"`
	Group  db.GroupArgs `json:"g"`
}

// Key returns the PageKey of these arguments under parent.
func (a GroupKeyArgs[F]) Key(by db.Parent, parent int64) PageKey { return jsonKey(a, by, parent) }

func jsonKey(a any, by db.Parent, parent int64) PageKey {
	b, err := json.Marshal(a)
	if err != nil {
		panic(fmt.Sprintf("loader: encode arguments: %v", err)) // plain data never fails
	}
	return PageKey{By: by, Parent: parent, Args: string(b)}
}

type ctxKey struct{}

// lazy builds an operation's loaders the first time a resolver asks for them: many operations
// (a count, a total, the fast path's lookups) never do, and building some forty loaders and
// priming the reference data cost a small query a tenth of its CPU.
type lazy struct {
	once sync.Once
	make func() *Loaders
	l    *Loaders
}

func (z *lazy) get() *Loaders {
	z.once.Do(func() { z.l = z.make() })
	return z.l
}

// WithLazy returns a context whose loaders New builds, with ctx, the first time they are asked
// for: the loaders of one operation, for the caller in ctx.
func WithLazy(ctx context.Context, idb bun.IDB, scope db.Scope, wait time.Duration, ref *Reference) context.Context {
	return context.WithValue(ctx, ctxKey{}, &lazy{make: func() *Loaders { return New(ctx, idb, scope, wait, ref) }})
}

// from returns the loaders of the operation in ctx, building them if need be.
func from(ctx context.Context) (*Loaders, bool) {
	z, ok := ctx.Value(ctxKey{}).(*lazy)
	if !ok {
		return nil, false
	}
	return z.get(), true
}

// For returns the loaders of the operation in ctx. It panics when none were attached, a wiring
// mistake that tests catch.
func For(ctx context.Context) *Loaders {
	l, ok := from(ctx)
	if !ok {
		panic("loader: no loaders in context; attach them with loader.WithLazy for each operation")
	}
	return l
}

// Optional loads key and turns "not found" into nil, for relations that may be absent (a
// certificate, a review) or hidden by the scope.
func Optional[K comparable, V any](ctx context.Context, l *Loader[K, *V], key K) (*V, error) {
	return optional(l.Load(ctx, key))
}

// Required loads key and reports a missing row as an error: the relation is a foreign key, so a
// missing row means the scope hides it.
func Required[K comparable, V any](ctx context.Context, l *Loader[K, *V], key K) (*V, error) {
	return required(l.Load(ctx, key))
}

// List loads the list under key; a key without rows is an empty list.
func List[K comparable, V any](ctx context.Context, l *Loader[K, []*V], key K) ([]*V, error) {
	return list(l.Load(ctx, key))
}

func optional[V any](v *V, err error) (*V, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

func required[V any](v *V, err error) (*V, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) || (err == nil && v == nil) {
		return nil, db.Errorf(db.ENOTFOUND, "not found or not visible")
	}
	return v, err
}

func list[V any](v []*V, err error) ([]*V, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) || (err == nil && v == nil) {
		return []*V{}, nil
	}
	return v, err
}
