package graph

import (
	"bytes"
	"context"
	"encoding/base64"
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
)

func init() {
	provinceKind = &kind{name: "Province", implementors: []string{"Province", "Node"},
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
			"courses": nested[db.Provider, db.Course, db.CourseFilter, db.CourseOrder](&courseKind, "CourseConnection", db.ByProvider, idProvider,
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Course]] { return l.CoursePages },
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, int] { return l.CourseCounts }),
			"enrollments": nested[db.Provider, db.Enrollment, db.EnrollmentFilter, db.EnrollmentOrder](&enrollmentKind, "EnrollmentConnection", db.ByProvider, idProvider,
				enrollmentPages, enrollmentCounts),
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
			"provider": toOne(&providerKind, "provider_id", providerByID,
				func(o *db.Course) (int64, bool) { return o.ProviderID, true }, true),
			"enrollments": nested[db.Course, db.Enrollment, db.EnrollmentFilter, db.EnrollmentOrder](&enrollmentKind, "EnrollmentConnection", db.ByCourse, idCourse,
				enrollmentPages, enrollmentCounts),
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
			"course": toOne(&courseKind, "course_id", func(l *loader.Loaders) *loader.Loader[int64, *db.Course] { return l.CourseByID },
				func(o *db.Enrollment) (int64, bool) { return o.CourseID, true }, true),
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
			"enrollments": nested[db.Participant, db.Enrollment, db.EnrollmentFilter, db.EnrollmentOrder](&enrollmentKind, "EnrollmentConnection", db.ByParticipant, idParticipant,
				enrollmentPages, enrollmentCounts),
			"incentives": nested[db.Participant, db.Incentive, db.IncentiveFilter, db.IncentiveOrder](&incentiveKind, "IncentiveConnection", db.ByParticipant, idParticipant,
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Incentive]] {
					return l.IncentivePages
				},
				func(l *loader.Loaders) *loader.Loader[loader.PageKey, int] { return l.IncentiveCounts }),
		}}
	for _, set := range pendingChildren {
		set()
	}
	pendingChildren = nil
}

func participantByID(l *loader.Loaders) *loader.Loader[int64, *db.Participant] {
	return l.ParticipantByID
}
func providerByID(l *loader.Loaders) *loader.Loader[int64, *db.Provider] { return l.ProviderByID }
func enrollmentPages(l *loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[db.Enrollment]] {
	return l.EnrollmentPages
}
func enrollmentCounts(l *loader.Loaders) *loader.Loader[loader.PageKey, int] {
	return l.EnrollmentCounts
}

// --- root fields ---------------------------------------------------------------------------------

// rootField is a Query field the fast path covers: a connection (list) or a lookup (find).
type rootField struct {
	node     **kind
	connType string
	list     func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error)
	find     func(x *fx, a map[string]any) (any, error)
}

var rootFields = map[string]rootField{
	"participants": {node: &participantKind, connType: "ParticipantConnection",
		list: func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error) {
			f, _ := a["filter"].(*db.ParticipantFilter)
			o, _ := a["orderBy"].(*db.ParticipantOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Participants(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, nil, err
			}
			return newConn(c.Connection), c.TotalCount, nil
		}},
	"courses": {node: &courseKind, connType: "CourseConnection",
		list: func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error) {
			f, _ := a["filter"].(*db.CourseFilter)
			o, _ := a["orderBy"].(*db.CourseOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Courses(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, nil, err
			}
			return newConn(c.Connection), c.TotalCount, nil
		}},
	"providers": {node: &providerKind, connType: "ProviderConnection",
		list: func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error) {
			f, _ := a["filter"].(*db.ProviderFilter)
			o, _ := a["orderBy"].(*db.ProviderOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Providers(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, nil, err
			}
			return newConn(c.Connection), c.TotalCount, nil
		}},
	"enrollments": {node: &enrollmentKind, connType: "EnrollmentConnection",
		list: func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error) {
			f, _ := a["filter"].(*db.EnrollmentFilter)
			o, _ := a["orderBy"].(*db.EnrollmentOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Enrollments(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, nil, err
			}
			return newConn(c.Connection), c.TotalCount, nil
		}},
	"incentives": {node: &incentiveKind, connType: "IncentiveConnection",
		list: func(ctx context.Context, x *fx, a map[string]any) (connection, model.CountFunc, error) {
			f, _ := a["filter"].(*db.IncentiveFilter)
			o, _ := a["orderBy"].(*db.IncentiveOrder)
			p := pageArgsOf(a)
			c, err := x.f.r.Query().Incentives(ctx, p.First, p.After, p.Last, p.Before, f, o)
			if err != nil {
				return nil, nil, err
			}
			return newConn(c.Connection), c.TotalCount, nil
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
	// Filled by fetch.
	value any
	page  connection
	total int
}

func (x *fx) compileRoot(sel ast.SelectionSet) ([]*rootSel, error) {
	fields, err := x.collect(sel, []string{"Query"})
	if err != nil {
		return nil, err
	}
	out := make([]*rootSel, 0, len(fields))
	for _, f := range fields {
		r := &rootSel{field: f}
		out = append(out, r)
		if f.Name == "__typename" {
			continue
		}
		def, ok := rootFields[f.Name]
		if !ok {
			return nil, errSlow
		}
		r.def = def
		if r.args, err = x.args("Query", f); err != nil {
			return nil, err
		}
		if def.list != nil {
			if r.conn, err = x.compileConn(def.connType, *def.node, f.Selections); err != nil {
				return nil, err
			}
			if !r.conn.rows { // totals alone: the full executor reads no rows for them
				return nil, errSlow
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
		page, count, err := r.def.list(db.WithColumns(x.ctx, r.conn.cols), x, r.args)
		if err != nil {
			return errSlow
		}
		r.page = page
		if r.conn.count {
			if r.total, err = count(x.ctx); err != nil {
				return errSlow
			}
		}
		return r.conn.fetch(x, page.nodes())
	default:
		v, err := r.def.find(x, r.args)
		if err != nil {
			return errSlow
		}
		r.value = v
		if v == nil {
			return nil
		}
		return r.obj.fetch(x, []any{v})
	}
}

func (r *rootSel) write(x *fx) {
	switch {
	case r.field.Name == "__typename":
		str(&x.buf, "Query")
	case r.conn != nil:
		r.conn.write(x, r.page, r.total)
	default:
		r.obj.write(x, r.value)
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
// (gqlgen's string marshaler, strconv.Quote): printable ASCII without quotes or backslashes.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// str writes a String as graphql.MarshalString does.
func str(w *bytes.Buffer, s string) {
	if !plain(s) {
		graphql.MarshalString(s).MarshalGQL(w)
		return
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

func optStr(w *bytes.Buffer, s *string) { writeOptString(w, s) }

// enum writes an enum value as the db enums' MarshalGQL does (strconv.Quote); values are plain.
func enum[E ~string](w *bytes.Buffer, e E) {
	if !plain(string(e)) {
		_, _ = w.WriteString(strconv.Quote(string(e)))
		return
	}
	w.WriteByte('"')
	w.WriteString(string(e))
	w.WriteByte('"')
}

// nodeID writes a global ID as db.NodeID's MarshalGQL does: base64url needs no escapes.
func nodeID(w *bytes.Buffer, typ string, id int64) {
	var raw [48]byte
	b := append(append(append(raw[:0], typ...), ':'), strconv.FormatInt(id, 10)...)
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
	if graphql.MarshalFloatContext(*f).MarshalGQLContext(context.Background(), w) != nil {
		panic("fast path: a float that JSON cannot hold") // the full executor reports it
	}
}
