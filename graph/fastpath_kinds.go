package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"prakerja/db"
	"prakerja/graph/loader"
	"prakerja/graph/model"
)

// The types, fields and root fields that the fast path covers (see fastpath.go). A plain field
// writes its value with the marshaler the generated code uses for its GraphQL type; a relation
// goes through the loader its resolver uses. Fields that need a resolver of their own (a wave's
// draw seed, a participant's payout accounts, ...) are not listed: a query that selects them
// takes the full executor.

var (
	participantKind, enrollmentKind, incentiveKind, courseKind *kind
	providerKind, platformKind, provinceKind, waveKind         *kind

	participantGroupKind, enrollmentGroupKind, incentiveGroupKind, courseGroupKind             *kind
	participantGroupKeyKind, enrollmentGroupKeyKind, incentiveGroupKeyKind, courseGroupKeyKind *kind

	participantConn = &connKind{name: "ParticipantConnection", node: &participantKind, group: &participantGroupKind}
	courseConn      = &connKind{name: "CourseConnection", node: &courseKind, group: &courseGroupKind}
	providerConn    = &connKind{name: "ProviderConnection", node: &providerKind}
	enrollmentConn  = &connKind{name: "EnrollmentConnection", node: &enrollmentKind, group: &enrollmentGroupKind}
	incentiveConn   = &connKind{name: "IncentiveConnection", node: &incentiveKind, group: &incentiveGroupKind}
)

func init() {
	provinceKind = &kind{name: "Province", implementors: []string{"Province", "Node"}, cached: true,
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Province){
			"id":     func(w *bytes.Buffer, o *db.Province) { o.NodeID().MarshalGQL(w) },
			"code":   func(w *bytes.Buffer, o *db.Province) { str(w, o.Code) },
			"name":   func(w *bytes.Buffer, o *db.Province) { str(w, o.Name) },
			"island": func(w *bytes.Buffer, o *db.Province) { str(w, o.Island) },
		})}
	waveKind = &kind{name: "Wave", implementors: []string{"Wave", "Node"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Wave){
			"id":             func(w *bytes.Buffer, o *db.Wave) { nodeID(w, db.TypeWave, o.ID) },
			"number":         func(w *bytes.Buffer, o *db.Wave) { integer(w, o.Number) },
			"status":         func(w *bytes.Buffer, o *db.Wave) { enum(w, o.Status) },
			"opensAt":        func(w *bytes.Buffer, o *db.Wave) { instant(w, o.OpensAt) },
			"closesAt":       func(w *bytes.Buffer, o *db.Wave) { instant(w, o.ClosesAt) },
			"quota":          func(w *bytes.Buffer, o *db.Wave) { integer(w, o.Quota) },
			"applicantCount": func(w *bytes.Buffer, o *db.Wave) { integer(w, o.ApplicantCount) },
			"selectedCount":  func(w *bytes.Buffer, o *db.Wave) { integer(w, o.SelectedCount) },
			"drawnAt":        func(w *bytes.Buffer, o *db.Wave) { optInstant(w, o.DrawnAt) },
		})}
	platformKind = &kind{name: "Platform", implementors: []string{"Platform", "Node"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Platform){
			"id":       func(w *bytes.Buffer, o *db.Platform) { nodeID(w, db.TypePlatform, o.ID) },
			"code":     func(w *bytes.Buffer, o *db.Platform) { str(w, o.Code) },
			"name":     func(w *bytes.Buffer, o *db.Platform) { str(w, o.Name) },
			"website":  func(w *bytes.Buffer, o *db.Platform) { str(w, o.Website) },
			"joinedOn": func(w *bytes.Buffer, o *db.Platform) { day(w, o.JoinedOn) },
		})}
	providerKind = &kind{name: "Provider", implementors: []string{"Provider", "Node"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Provider){
			"id":        func(w *bytes.Buffer, o *db.Provider) { nodeID(w, db.TypeProvider, o.ID) },
			"name":      func(w *bytes.Buffer, o *db.Provider) { str(w, o.Name) },
			"kind":      func(w *bytes.Buffer, o *db.Provider) { enum(w, o.Kind) },
			"nib":       func(w *bytes.Buffer, o *db.Provider) { optStr(w, o.NIB) },
			"createdAt": func(w *bytes.Buffer, o *db.Provider) { instant(w, o.CreatedAt) },
		}),
		rels: map[string]*relation{
			"province": toOne(&provinceKind, "province_code", func(l *loader.Loaders) *loader.Loader[string, *db.Province] { return l.ProvinceByCode },
				func(o *db.Provider) (string, bool) { return o.ProvinceCode, true }, true),
			"courses": withGroups[db.Provider, db.CourseFilter](nested[db.Provider, db.Course, db.CourseFilter, db.CourseOrder](courseConn, db.ByProvider, idProvider,
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Course]] { return l.CoursePages },
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, int] { return l.CourseCounts }),
				db.ByProvider, idProvider, groupArgsOf[model.CourseDimension, model.CourseGroupOrder], func(l *loader.Loaders) *loader.Loader[loader.PageKey, []*db.CourseGroup] { return l.CourseGroups }),
			"enrollments": nestedEnrollments(db.ByProvider, idProvider),
		}}
	courseKind = &kind{name: "Course", implementors: []string{"Course", "Node"},
		cols: map[string][]string{"rating": {"review_count", "rating_sum"}},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Course){
			"id":              func(w *bytes.Buffer, o *db.Course) { nodeID(w, db.TypeCourse, o.ID) },
			"title":           func(w *bytes.Buffer, o *db.Course) { str(w, o.Title) },
			"description":     func(w *bytes.Buffer, o *db.Course) { str(w, o.Description) },
			"category":        func(w *bytes.Buffer, o *db.Course) { str(w, o.Category) },
			"mode":            func(w *bytes.Buffer, o *db.Course) { enum(w, o.Mode) },
			"durationHours":   func(w *bytes.Buffer, o *db.Course) { integer(w, o.DurationHours) },
			"minPrice":        func(w *bytes.Buffer, o *db.Course) { money(w, o.MinPrice) },
			"rating":          func(w *bytes.Buffer, o *db.Course) { optFloat(w, o.Rating()) },
			"reviewCount":     func(w *bytes.Buffer, o *db.Course) { integer(w, o.ReviewCount) },
			"enrollmentCount": func(w *bytes.Buffer, o *db.Course) { integer(w, o.EnrollmentCount) },
			"createdAt":       func(w *bytes.Buffer, o *db.Course) { instant(w, o.CreatedAt) },
		}),
		rels: map[string]*relation{
			"provider":    courseProvider(),
			"enrollments": nestedEnrollments(db.ByCourse, idCourse),
		}}
	enrollmentKind = &kind{name: "Enrollment", implementors: []string{"Enrollment", "Node"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Enrollment){
			"id":          func(w *bytes.Buffer, o *db.Enrollment) { nodeID(w, db.TypeEnrollment, o.ID) },
			"orderId":     func(w *bytes.Buffer, o *db.Enrollment) { str(w, o.OrderID) },
			"price":       func(w *bytes.Buffer, o *db.Enrollment) { money(w, o.Price) },
			"status":      func(w *bytes.Buffer, o *db.Enrollment) { enum(w, o.Status) },
			"purchasedAt": func(w *bytes.Buffer, o *db.Enrollment) { instant(w, o.PurchasedAt) },
			"startedAt":   func(w *bytes.Buffer, o *db.Enrollment) { optInstant(w, o.StartedAt) },
			"completedAt": func(w *bytes.Buffer, o *db.Enrollment) { optInstant(w, o.CompletedAt) },
			"refundedAt":  func(w *bytes.Buffer, o *db.Enrollment) { optInstant(w, o.RefundedAt) },
		}),
		rels: map[string]*relation{
			"participant": toOne(&participantKind, "participant_id", participantByID,
				func(o *db.Enrollment) (int64, bool) { return o.ParticipantID, true }, true),
			"course": enrollmentCourse(),
			"platform": toOne(&platformKind, "platform_id", func(l *loader.Loaders) *loader.Loader[int64, *db.Platform] { return l.PlatformByID },
				func(o *db.Enrollment) (int64, bool) { return o.PlatformID, true }, true),
			"provider": toOne(&providerKind, "provider_id", providerByID,
				func(o *db.Enrollment) (int64, bool) { return o.ProviderID, true }, true),
		}}
	incentiveKind = &kind{name: "Incentive", implementors: []string{"Incentive", "Node"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Incentive){
			"id":       func(w *bytes.Buffer, o *db.Incentive) { nodeID(w, db.TypeIncentive, o.ID) },
			"kind":     func(w *bytes.Buffer, o *db.Incentive) { enum(w, o.Kind) },
			"sequence": func(w *bytes.Buffer, o *db.Incentive) { integer(w, o.Sequence) },
			"amount":   func(w *bytes.Buffer, o *db.Incentive) { money(w, o.Amount) },
			"dueOn":    func(w *bytes.Buffer, o *db.Incentive) { day(w, o.DueOn) },
			"status":   func(w *bytes.Buffer, o *db.Incentive) { enum(w, o.Status) },
			"paidAt":   func(w *bytes.Buffer, o *db.Incentive) { optInstant(w, o.PaidAt) },
			"channel": func(w *bytes.Buffer, o *db.Incentive) {
				if o.Channel == nil {
					w.Write(jsonNull)
				} else {
					enum(w, *o.Channel)
				}
			},
			"surveyCompletedAt": func(w *bytes.Buffer, o *db.Incentive) { optInstant(w, o.SurveyCompletedAt) },
		}),
		rels: map[string]*relation{
			"participant": toOne(&participantKind, "participant_id", participantByID,
				func(o *db.Incentive) (int64, bool) { return o.ParticipantID, true }, true),
		}}
	participantKind = &kind{name: "Participant", implementors: []string{"Participant", "Node"},
		cols: map[string][]string{"age": {"birth_date"}},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.Participant){
			"id":               func(w *bytes.Buffer, o *db.Participant) { nodeID(w, db.TypeParticipant, o.ID) },
			"nik":              func(w *bytes.Buffer, o *db.Participant) { str(w, o.NIK) },
			"kkNumber":         func(w *bytes.Buffer, o *db.Participant) { str(w, o.KKNumber) },
			"fullName":         func(w *bytes.Buffer, o *db.Participant) { str(w, o.FullName) },
			"birthDate":        func(w *bytes.Buffer, o *db.Participant) { day(w, o.BirthDate) },
			"age":              func(w *bytes.Buffer, o *db.Participant) { integer(w, o.Age()) },
			"gender":           func(w *bytes.Buffer, o *db.Participant) { enum(w, o.Gender) },
			"email":            func(w *bytes.Buffer, o *db.Participant) { str(w, o.Email) },
			"phone":            func(w *bytes.Buffer, o *db.Participant) { str(w, o.Phone) },
			"education":        func(w *bytes.Buffer, o *db.Participant) { enum(w, o.Education) },
			"employmentStatus": func(w *bytes.Buffer, o *db.Participant) { enum(w, o.EmploymentStatus) },
			"status":           func(w *bytes.Buffer, o *db.Participant) { enum(w, o.Status) },
			"cardNumber":       func(w *bytes.Buffer, o *db.Participant) { optStr(w, o.CardNumber) },
			"balance":          func(w *bytes.Buffer, o *db.Participant) { money(w, o.Balance) },
			"registeredAt":     func(w *bytes.Buffer, o *db.Participant) { instant(w, o.RegisteredAt) },
			"selectedAt":       func(w *bytes.Buffer, o *db.Participant) { optInstant(w, o.SelectedAt) },
			"purchaseDeadline": func(w *bytes.Buffer, o *db.Participant) { optInstant(w, o.PurchaseDeadline) },
			"balanceExpiresAt": func(w *bytes.Buffer, o *db.Participant) { optInstant(w, o.BalanceExpiresAt) },
			"revokedAt":        func(w *bytes.Buffer, o *db.Participant) { optInstant(w, o.RevokedAt) },
		}),
		rels: map[string]*relation{
			"province": toOne(&provinceKind, "province_code", func(l *loader.Loaders) *loader.Loader[string, *db.Province] { return l.ProvinceByCode },
				func(o *db.Participant) (string, bool) { return o.ProvinceCode, true }, true),
			"wave": toOne(&waveKind, "wave_id", func(l *loader.Loaders) *loader.Loader[int64, *db.Wave] { return l.WaveByID },
				func(o *db.Participant) (int64, bool) { return loader.Some(o.WaveID) }, false),
			"enrollments": nestedEnrollments(db.ByParticipant, idParticipant),
			"incentives":  nestedIncentives(db.ByParticipant, idParticipant),
		}}
	groupKinds()
	for _, set := range pendingChildren {
		set()
	}
	pendingChildren = nil
}

func participantByID(l *loader.Loaders) *loader.Loader[int64, *db.Participant] {
	return l.ParticipantByID
}
func providerByID(l *loader.Loaders) *loader.Loader[int64, *db.Provider] { return l.ProviderByID }

// nestedEnrollments is the enrollments connection under a parent of type P: pages, counts, sums
// and groups.
func nestedEnrollments[P any](by db.Parent, id func(*P) int64) *relation {
	return withAggregates[P, db.EnrollmentFilter](nested[P, db.Enrollment, db.EnrollmentFilter, db.EnrollmentOrder](enrollmentConn, by, id,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Enrollment]] {
			return l.EnrollmentPages
		},
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, int] { return l.EnrollmentCounts }), by, id,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, int64] { return l.EnrollmentSums },
		groupArgsOf[model.EnrollmentDimension, model.EnrollmentGroupOrder],
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, []*db.EnrollmentGroup] {
			return l.EnrollmentGroups
		})
}

// nestedIncentives is the incentives connection under a parent of type P.
func nestedIncentives[P any](by db.Parent, id func(*P) int64) *relation {
	return withAggregates[P, db.IncentiveFilter](nested[P, db.Incentive, db.IncentiveFilter, db.IncentiveOrder](incentiveConn, by, id,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Incentive]] {
			return l.IncentivePages
		},
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, int] { return l.IncentiveCounts }), by, id,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, int64] { return l.IncentiveSums },
		groupArgsOf[model.IncentiveDimension, model.IncentiveGroupOrder],
		func(l *loader.Loaders) *loader.Loader[loader.PageKey, []*db.IncentiveGroup] { return l.IncentiveGroups })
}

// withAggregates adds totalAmount and groups to a nested connection of rows with money.
func withAggregates[P, F, G any](r *relation, by db.Parent, id func(*P) int64,
	sums func(*loader.Loaders) *loader.Loader[loader.PageKey, int64],
	groupArgs func(map[string]any) db.GroupArgs, groups func(*loader.Loaders) *loader.Loader[loader.PageKey, []*G]) *relation {
	return withGroups[P, F](withSums[P, F](r, by, id, sums), by, id, groupArgs, groups)
}

// groupArgsOf reads a groups field's arguments (dimensions D, ordering O) as the db package takes
// them.
func groupArgsOf[D ~string, O any, PO interface {
	*O
	model.GroupOrder
}](ga map[string]any) db.GroupArgs {
	by, first, o := groupArgs[D, O](ga)
	return model.GroupArgs(by, first, PO(o))
}

// --- root fields ---------------------------------------------------------------------------------

// rootField is a Query field the fast path covers: a connection (list) or a lookup (find).
type rootField struct {
	node **kind
	conn *connKind
	list func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error)
	find func(x *fx, a map[string]any) (any, error)
}

// rootConn is a root connection as its resolver returned it: the page and its aggregates.
type rootConn struct {
	page   connection
	count  model.CountFunc
	amount func(ctx context.Context) (int64, error)                      // nil without money
	groups func(ctx context.Context, args map[string]any) ([]any, error) // nil without groups
}

// groupFirst returns the number of groups a groups field's arguments ask for.
func groupFirst(a map[string]any) int {
	first, _ := a["first"].(*int)
	return db.GroupArgs{First: first}.Limit()
}

// groupArgs reads the arguments of a groups field that the generated parsers returned.
func groupArgs[D any, O any](a map[string]any) ([]D, *int, *O) {
	by, _ := a["by"].([]D)
	first, _ := a["first"].(*int)
	o, _ := a["orderBy"].(*O)
	return by, first, o
}

func anys[T any](rows []*T, err error) ([]any, error) {
	if err != nil {
		return nil, err
	}
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

var rootFields = map[string]rootField{
	"participants": {conn: participantConn,
		list: func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error) {
			f, _ := a["filter"].(*db.ParticipantFilter)
			o, _ := a["orderBy"].(*db.ParticipantOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Participants(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, err
			}
			return &rootConn{page: newConn(c.Connection), count: c.TotalCount,
				groups: func(ctx context.Context, ga map[string]any) ([]any, error) {
					by, first, order := groupArgs[model.ParticipantDimension, model.ParticipantGroupOrder](ga)
					return anys(x.f.r.ParticipantConnection().Groups(ctx, c, by, first, order))
				}}, nil
		}},
	"courses": {conn: courseConn,
		list: func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error) {
			f, _ := a["filter"].(*db.CourseFilter)
			o, _ := a["orderBy"].(*db.CourseOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Courses(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, err
			}
			return &rootConn{page: newConn(c.Connection), count: c.TotalCount,
				groups: func(ctx context.Context, ga map[string]any) ([]any, error) {
					by, first, order := groupArgs[model.CourseDimension, model.CourseGroupOrder](ga)
					return anys(x.f.r.CourseConnection().Groups(ctx, c, by, first, order))
				}}, nil
		}},
	"providers": {conn: providerConn,
		list: func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error) {
			f, _ := a["filter"].(*db.ProviderFilter)
			o, _ := a["orderBy"].(*db.ProviderOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Providers(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, err
			}
			return &rootConn{page: newConn(c.Connection), count: c.TotalCount}, nil
		}},
	"enrollments": {conn: enrollmentConn,
		list: func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error) {
			f, _ := a["filter"].(*db.EnrollmentFilter)
			o, _ := a["orderBy"].(*db.EnrollmentOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Enrollments(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, err
			}
			return &rootConn{page: newConn(c.Connection), count: c.TotalCount,
				amount: func(ctx context.Context) (int64, error) { return x.f.r.EnrollmentConnection().TotalAmount(ctx, c) },
				groups: func(ctx context.Context, ga map[string]any) ([]any, error) {
					by, first, order := groupArgs[model.EnrollmentDimension, model.EnrollmentGroupOrder](ga)
					return anys(x.f.r.EnrollmentConnection().Groups(ctx, c, by, first, order))
				}}, nil
		}},
	"incentives": {conn: incentiveConn,
		list: func(ctx context.Context, x *fx, a map[string]any) (*rootConn, error) {
			f, _ := a["filter"].(*db.IncentiveFilter)
			o, _ := a["orderBy"].(*db.IncentiveOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Incentives(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, err
			}
			return &rootConn{page: newConn(c.Connection), count: c.TotalCount,
				amount: func(ctx context.Context) (int64, error) { return x.f.r.IncentiveConnection().TotalAmount(ctx, c) },
				groups: func(ctx context.Context, ga map[string]any) ([]any, error) {
					by, first, order := groupArgs[model.IncentiveDimension, model.IncentiveGroupOrder](ga)
					return anys(x.f.r.IncentiveConnection().Groups(ctx, c, by, first, order))
				}}, nil
		}},
	"participant": {node: &participantKind,
		find: func(x *fx, a map[string]any) (any, error) {
			id, _ := a["id"].(*db.NodeID)
			nik, _ := a["nik"].(*string)
			return nilable(x.f.r.Query().Participant(x.ctx, id, nik))
		}},
	"course": {node: &courseKind,
		find: func(x *fx, a map[string]any) (any, error) {
			id, _ := a["id"].(db.NodeID)
			return nilable(x.f.r.Query().Course(x.ctx, id))
		}},
	"provider": {node: &providerKind,
		find: func(x *fx, a map[string]any) (any, error) {
			id, _ := a["id"].(db.NodeID)
			return nilable(x.f.r.Query().Provider(x.ctx, id))
		}},
}

// nilable turns a typed nil pointer into a nil interface.
func nilable[T any](v *T, err error) (any, error) {
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

// rootSel is one field of the query's root selection.
type rootSel struct {
	field graphql.CollectedField
	def   rootField
	args  map[string]any
	obj   *objSel  // a lookup's selection
	conn  *connSel // a connection's selection
	slot  int      // where a request keeps what fetch found (value, page, total, amount)
}

func (x *fx) compileRoot(sel ast.SelectionSet) ([]*rootSel, error) {
	fields, err := x.collect(sel, []string{"Query"})
	if err != nil {
		return nil, err
	}
	out := make([]*rootSel, 0, len(fields))
	for _, f := range fields {
		r := &rootSel{field: f, slot: x.slot()}
		out = append(out, r)
		if f.Name == "__typename" {
			continue
		}
		def, ok := rootFields[f.Name]
		if !ok {
			return nil, decline("Query.%s is not covered", f.Name)
		}
		r.def = def
		if r.args, err = x.args("Query", f); err != nil {
			return nil, err
		}
		if def.list != nil {
			if r.conn, err = x.compileConn(def.conn, f.Selections); err != nil {
				return nil, err
			}
		} else if r.obj, err = x.compileObj(*def.node, f.Selections); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *rootSel) fetch(x *fx) error {
	switch {
	case r.field.Name == "__typename":
		return nil
	case r.def.list != nil:
		ctx := db.WithColumns(x.ctx, r.conn.cols)
		if !r.conn.rows {
			ctx = withoutRows(ctx) // totals and groups alone read no rows
		}
		c, err := r.def.list(ctx, x, r.args)
		if err != nil {
			return errSlow
		}
		st := &x.slots[r.slot]
		st.page = c.page
		// The totals, each grouping and what the page's nodes need do not depend on each other:
		// they are fetched at once (db.Together). The count and the amount stay together, as they
		// may be one statement behind one sync.Once.
		var tasks []func() error
		if c.page.size() > 0 {
			nodes := nodesOf(c.page)
			tasks = append(tasks, func() error { return r.conn.fetch(x, nodes) })
		}
		totals := func() error {
			var err error
			if r.conn.count {
				if st.total, err = c.count(x.ctx); err != nil {
					return errSlow
				}
			}
			if r.conn.amount {
				if c.amount == nil {
					return errSlow
				}
				if st.amount, err = c.amount(x.ctx); err != nil {
					return errSlow
				}
			}
			return nil
		}
		// With groups beside them, the totals are the groups added up when every group is there,
		// as under a parent (groupTotals).
		from := r.conn.totalsFrom()
		if from == nil && (r.conn.count || r.conn.amount) {
			tasks = append(tasks, totals)
		}
		for _, g := range r.conn.groups {
			if g == nil {
				continue
			}
			if c.groups == nil {
				return errSlow
			}
			tasks = append(tasks, func() error {
				args, limit, probed := g.args, 0, false
				if g == from {
					limit = groupFirst(g.args)
					var more int
					if more, probed = probeFirst(limit); probed {
						args = maps.Clone(g.args)
						args["first"] = &more
					}
				}
				rows, err := c.groups(x.ctx, args)
				if err != nil {
					return errSlow
				}
				if g == from {
					added := false
					switch {
					case !probed:
					case len(rows) > limit: // not every group is there
						rows = rows[:limit]
					default:
						var n int
						var sum int64
						if n, sum, added = addUp(rows); added {
							st.total, st.amount = n, sum
						}
					}
					if !added {
						if err := totals(); err != nil {
							return err
						}
					}
				}
				x.slots[g.slot].rows = rows
				return g.obj.fetch(x, rows)
			})
		}
		return db.Together(x.ctx, len(tasks), func(i int) error { return tasks[i]() })
	default:
		v, err := r.def.find(x, r.args)
		if err != nil {
			return errSlow
		}
		x.slots[r.slot].value = v
		if v == nil {
			return nil
		}
		return r.obj.fetch(x, []any{v})
	}
}

func (r *rootSel) write(x *fx) {
	switch {
	case r.field.Name == "__typename":
		str(x.buf, "Query")
	case r.conn != nil:
		st := &x.slots[r.slot]
		r.conn.write(x, nil, st.page, st.total, st.amount)
	default:
		r.obj.write(x, x.slots[r.slot].value)
	}
}

// --- values, written as the generated marshalers write them ----------------------------------------

func leaves[T any](m map[string]func(*bytes.Buffer, *T)) map[string]func(*bytes.Buffer, any) {
	out := make(map[string]func(*bytes.Buffer, any), len(m))
	for name, f := range m {
		out[name] = func(w *bytes.Buffer, o any) { f(w, o.(*T)) }
	}
	return out
}

// plain reports whether s is written the same by every quoting function the marshalers use
// (gqlgen's string marshaler, strconv.Quote) and left alone by encoding/json's HTML escaping:
// printable ASCII without quotes, backslashes, <, > or &.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// str writes a String as graphql.MarshalString does, then escaped as encoding/json escapes the
// response that the full executor's transport writes (<, >, &, U+2028, U+2029).
func str(w *bytes.Buffer, s string) {
	if !plain(s) {
		var quoted bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&quoted)
		json.HTMLEscape(w, quoted.Bytes())
		return
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

func optStr(w *bytes.Buffer, s *string) { writeOptString(w, s) }

// enum writes an enum value as the db enums' MarshalGQL does (strconv.Quote), escaped as str
// escapes; values are plain.
func enum[E ~string](w *bytes.Buffer, e E) {
	if !plain(string(e)) {
		json.HTMLEscape(w, []byte(strconv.Quote(string(e))))
		return
	}
	w.WriteByte('"')
	w.WriteString(string(e))
	w.WriteByte('"')
}

// nodeID writes a global ID as db.NodeID's MarshalGQL does: base64url needs no escapes.
func nodeID(w *bytes.Buffer, typ string, id int64) {
	var raw [48]byte
	b := strconv.AppendInt(append(append(raw[:0], typ...), ':'), id, 10)
	w.WriteByte('"')
	out := w.AvailableBuffer()
	out = base64.RawURLEncoding.AppendEncode(out, b)
	w.Write(out)
	w.WriteByte('"')
}

// integer writes an Int and money writes Money, as graphql.MarshalInt and model.MarshalMoney do.
func integer(w *bytes.Buffer, n int) { w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10)) }

func money(w *bytes.Buffer, n int64) { w.Write(strconv.AppendInt(w.AvailableBuffer(), n, 10)) }

// instant writes a Time as model.MarshalTime does: RFC 3339 in WIB, quoted (it is plain ASCII).
func instant(w *bytes.Buffer, t time.Time) {
	b := append(w.AvailableBuffer(), '"')
	b = t.In(db.Jakarta).AppendFormat(b, time.RFC3339Nano)
	w.Write(append(b, '"'))
}

func optInstant(w *bytes.Buffer, t *time.Time) {
	if t == nil {
		w.Write(jsonNull)
		return
	}
	instant(w, *t)
}

// optEnum writes a nullable enum value.
func optEnum[E ~string](w *bytes.Buffer, e *E) {
	if e == nil {
		w.Write(jsonNull)
		return
	}
	enum(w, *e)
}

func optInt(w *bytes.Buffer, n *int) {
	if n == nil {
		w.Write(jsonNull)
		return
	}
	integer(w, *n)
}

// float writes a Float as graphql.MarshalFloatContext does.
func float(w *bytes.Buffer, f float64) {
	if graphql.MarshalFloatContext(f).MarshalGQLContext(context.Background(), w) != nil {
		panic("fast path: a float that JSON cannot hold") // the full executor reports it
	}
}

// day writes a Date as model.MarshalDate does.
func day(w *bytes.Buffer, t time.Time) {
	b := append(w.AvailableBuffer(), '"')
	b = t.AppendFormat(b, time.DateOnly)
	w.Write(append(b, '"'))
}

func optFloat(w *bytes.Buffer, f *float64) {
	if f == nil {
		w.Write(jsonNull)
		return
	}
	float(w, *f)
}

// --- groups --------------------------------------------------------------------------------------

// groupKinds defines the groups of root connections and their keys. A key's entity (a province, a
// wave, a provider, a platform) goes through the loader its resolver uses.
func groupKinds() {
	provinceOf := func(l *loader.Loaders) *loader.Loader[string, *db.Province] { return l.ProvinceByCode }
	waveOf := func(l *loader.Loaders) *loader.Loader[int64, *db.Wave] { return l.WaveByID }
	platformOf := func(l *loader.Loaders) *loader.Loader[int64, *db.Platform] { return l.PlatformByID }

	participantGroupKeyKind = &kind{name: "ParticipantGroupKey", implementors: []string{"ParticipantGroupKey"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.ParticipantGroupKey){
			"gender":           func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.Gender) },
			"ageBand":          func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.AgeBand) },
			"education":        func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.Education) },
			"employmentStatus": func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.EmploymentStatus) },
			"scheme":           func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.Scheme) },
			"status":           func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optEnum(w, k.Status) },
			"registeredMonth":  func(w *bytes.Buffer, k *db.ParticipantGroupKey) { optStr(w, k.RegisteredMonth) },
		}),
		rels: map[string]*relation{
			"province": toOne(&provinceKind, "", provinceOf, func(k *db.ParticipantGroupKey) (string, bool) { return someString(k.ProvinceCode) }, false),
			"wave":     keyWave(waveOf, func(k *db.ParticipantGroupKey) (*int64, *db.Wave) { return k.WaveID, k.Wave }),
		}}
	participantGroupKind = &kind{name: "ParticipantGroup", implementors: []string{"ParticipantGroup"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.ParticipantGroup){
			"count": func(w *bytes.Buffer, g *db.ParticipantGroup) { integer(w, g.Count) },
		}),
		rels: map[string]*relation{"key": embedded(&participantGroupKeyKind, func(g *db.ParticipantGroup) *db.ParticipantGroupKey { return g.Key })}}

	incentiveGroupKeyKind = &kind{name: "IncentiveGroupKey", implementors: []string{"IncentiveGroupKey"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.IncentiveGroupKey){
			"kind":    func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optEnum(w, k.Kind) },
			"status":  func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optEnum(w, k.Status) },
			"channel": func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optEnum(w, k.Channel) },
			"scheme":  func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optEnum(w, k.Scheme) },
			"month":   func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optStr(w, k.Month) },
			"year":    func(w *bytes.Buffer, k *db.IncentiveGroupKey) { optInt(w, k.Year) },
		}),
		rels: map[string]*relation{
			"province": toOne(&provinceKind, "", provinceOf, func(k *db.IncentiveGroupKey) (string, bool) { return someString(k.ProvinceCode) }, false),
			"wave":     keyWave(waveOf, func(k *db.IncentiveGroupKey) (*int64, *db.Wave) { return k.WaveID, k.Wave }),
		}}
	incentiveGroupKind = &kind{name: "IncentiveGroup", implementors: []string{"IncentiveGroup"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.IncentiveGroup){
			"count":  func(w *bytes.Buffer, g *db.IncentiveGroup) { integer(w, g.Count) },
			"amount": func(w *bytes.Buffer, g *db.IncentiveGroup) { money(w, g.Amount) },
		}),
		rels: map[string]*relation{"key": embedded(&incentiveGroupKeyKind, func(g *db.IncentiveGroup) *db.IncentiveGroupKey { return g.Key })}}

	enrollmentGroupKeyKind = &kind{name: "EnrollmentGroupKey", implementors: []string{"EnrollmentGroupKey"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.EnrollmentGroupKey){
			"category": func(w *bytes.Buffer, k *db.EnrollmentGroupKey) { optStr(w, k.Category) },
			"mode":     func(w *bytes.Buffer, k *db.EnrollmentGroupKey) { optEnum(w, k.Mode) },
			"status":   func(w *bytes.Buffer, k *db.EnrollmentGroupKey) { optEnum(w, k.Status) },
			"month":    func(w *bytes.Buffer, k *db.EnrollmentGroupKey) { optStr(w, k.Month) },
		}),
		rels: map[string]*relation{
			"provider": toOne(&providerKind, "", providerByID, func(k *db.EnrollmentGroupKey) (int64, bool) { return loader.Some(k.ProviderID) }, false),
			"platform": toOne(&platformKind, "", platformOf, func(k *db.EnrollmentGroupKey) (int64, bool) { return loader.Some(k.PlatformID) }, false),
			"province": toOne(&provinceKind, "", provinceOf, func(k *db.EnrollmentGroupKey) (string, bool) { return someString(k.ProvinceCode) }, false),
		}}
	enrollmentGroupKind = &kind{name: "EnrollmentGroup", implementors: []string{"EnrollmentGroup"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.EnrollmentGroup){
			"count":          func(w *bytes.Buffer, g *db.EnrollmentGroup) { integer(w, g.Count) },
			"amount":         func(w *bytes.Buffer, g *db.EnrollmentGroup) { money(w, g.Amount) },
			"completedCount": func(w *bytes.Buffer, g *db.EnrollmentGroup) { integer(w, g.CompletedCount) },
			"completionRate": func(w *bytes.Buffer, g *db.EnrollmentGroup) { float(w, g.CompletionRate) },
		}),
		rels: map[string]*relation{"key": embedded(&enrollmentGroupKeyKind, func(g *db.EnrollmentGroup) *db.EnrollmentGroupKey { return g.Key })}}

	courseGroupKeyKind = &kind{name: "CourseGroupKey", implementors: []string{"CourseGroupKey"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.CourseGroupKey){
			"category": func(w *bytes.Buffer, k *db.CourseGroupKey) { optStr(w, k.Category) },
			"mode":     func(w *bytes.Buffer, k *db.CourseGroupKey) { optEnum(w, k.Mode) },
		}),
		rels: map[string]*relation{
			"provider": toOne(&providerKind, "", providerByID, func(k *db.CourseGroupKey) (int64, bool) { return loader.Some(k.ProviderID) }, false),
		}}
	courseGroupKind = &kind{name: "CourseGroup", implementors: []string{"CourseGroup"},
		leaves: leaves(map[string]func(*bytes.Buffer, *db.CourseGroup){
			"count":         func(w *bytes.Buffer, g *db.CourseGroup) { integer(w, g.Count) },
			"averagePrice":  func(w *bytes.Buffer, g *db.CourseGroup) { float(w, g.AveragePrice) },
			"averageRating": func(w *bytes.Buffer, g *db.CourseGroup) { optFloat(w, g.AverageRating) },
		}),
		rels: map[string]*relation{"key": embedded(&courseGroupKeyKind, func(g *db.CourseGroup) *db.CourseGroupKey { return g.Key })}}
}

// embedded is the relation from a group to its key, which the group holds.
func embedded[P, C any](child **kind, get func(*P) *C) *relation {
	r := &relation{direct: func(p any) (any, bool) {
		c := get(p.(*P))
		return c, c != nil
	}}
	lazyChild(r, child)
	return r
}

// keyWave is a group key's wave. The key holds it with its id and number (db's labels), so a
// selection of those alone reads it straight off the key; another loads it by the key's wave id.
func keyWave[K any](waveOf func(*loader.Loaders) *loader.Loader[int64, *db.Wave], wave func(*K) (*int64, *db.Wave)) *relation {
	r := toOne(&waveKind, "", waveOf, func(k *K) (int64, bool) { id, _ := wave(k); return loader.Some(id) }, false)
	r.direct = func(p any) (any, bool) {
		switch id, w := wave(p.(*K)); {
		case id == nil:
			return nil, true // no wave: null
		case w == nil:
			return nil, false
		default:
			return w, true
		}
	}
	r.directCols = []string{"id", "number"}
	return r
}

// someString is loader.Some for a string key.
func someString(s *string) (string, bool) {
	if s == nil {
		return "", false
	}
	return *s, true
}

// enrollmentCourse is an enrollment's course. A selection of the course's columns that an
// enrollment carries (db.Enrollment's Course fields: its title, category, mode and provider, with
// the provider's id and name) is read with the enrollment, in its statement; so a page's
// enrollments, their courses and the courses' providers take one statement.
func enrollmentCourse() *relation {
	carries := []string{"id", "provider_id", "title", "category", "mode", "provider_name"} // the course's columns that an enrollment carries
	r := toOneKnown(&courseKind, "course_id", func(l *loader.Loaders) *loader.Loader[int64, *db.Course] { return l.CourseByID },
		func(o *db.Enrollment) (int64, bool) { return o.CourseID, true }, true,
		func(o *db.Enrollment, cols []string) (*db.Course, bool) {
			if o.CourseProviderID == 0 || !subset(cols, carries) {
				return nil, false
			}
			return &db.Course{ID: o.CourseID, ProviderID: o.CourseProviderID, Title: o.CourseTitle, Category: o.CourseCategory,
				Mode: o.CourseMode, ProviderName: &o.CourseProviderName}, true
		})
	r.carry, r.carries = []string{"course_provider_id", "course_title", "course_category", "course_mode", "course_provider_name"}, carries
	return r
}

// courseProvider is a course's provider. A selection of its id and name alone is read with the
// course (the course's provider_name, joined in its statement: db.Course.ProviderName), so that
// a page's enrollments' courses and their providers take one statement, not two in a row.
func courseProvider() *relation {
	carries := []string{"id", "name"} // the provider's columns that a course carries
	r := toOneKnown(&providerKind, "provider_id", providerByID, func(o *db.Course) (int64, bool) { return o.ProviderID, true }, true,
		func(o *db.Course, cols []string) (*db.Provider, bool) {
			if o.ProviderName == nil || !subset(cols, carries) {
				return nil, false
			}
			return &db.Provider{ID: o.ProviderID, Name: *o.ProviderName}, true
		})
	r.carry, r.carries = []string{"provider_name"}, carries
	return r
}
