package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"prakerja/db"
	"prakerja/graph/generated"
	"prakerja/graph/model"
)

// Limits bound what one operation may ask for. Each is checked after parsing and validation and
// before any resolver runs, so a refused operation costs no SQL.
type Limits struct {
	// MaxDepth bounds how deeply selections nest (introspection fields excluded). Default 12.
	MaxDepth int
	// MaxAliases bounds how many aliased fields an operation has. Default 50.
	MaxAliases int
	// MaxFields bounds how many fields an operation selects, counting every fragment use. Default 1000.
	MaxFields int
	// MaxComplexity bounds the operation's cost, in which page sizes multiply down the tree.
	// Default 20000.
	MaxComplexity int
	// MaxTokens bounds how many tokens the parser reads. Default 15000.
	MaxTokens int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, 12)
	def(&l.MaxAliases, 50)
	def(&l.MaxFields, 1000)
	def(&l.MaxComplexity, 20000)
	def(&l.MaxTokens, 15000)
	return l
}

// The extensions.code of each limit.
const (
	CodeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit      = "ALIAS_LIMIT_EXCEEDED"
	CodeFieldLimit      = "FIELD_LIMIT_EXCEEDED"
	CodeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeTokenLimit      = "TOKEN_LIMIT_EXCEEDED"
)

// shapeLimits is a gqlgen extension that checks depth, aliases, the number of fields and every
// page size of an operation before it executes.
type shapeLimits struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimits{}

func (shapeLimits) ExtensionName() string                   { return "ShapeLimits" }
func (shapeLimits) Validate(graphql.ExecutableSchema) error { return nil }
func (l shapeLimits) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	w := walker{limits: l.Limits, vars: rc.Variables, active: map[string]bool{}}
	w.selections(rc.Operation.SelectionSet, 1)
	return w.err
}

type walker struct {
	limits  Limits
	vars    map[string]any
	active  map[string]bool // fragments being expanded, against cycles
	fields  int
	aliases int
	err     *gqlerror.Error
}

func (w *walker) fail(code, format string, args ...any) {
	if w.err == nil {
		w.err = &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
	}
}

func (w *walker) selections(set ast.SelectionSet, depth int) {
	for _, sel := range set {
		if w.err != nil {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			w.field(s, depth)
		case *ast.InlineFragment:
			w.selections(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			if s.Definition == nil || w.active[s.Name] {
				continue // validation rejects unknown fragments and cycles; never loop here
			}
			w.active[s.Name] = true
			w.selections(s.Definition.SelectionSet, depth)
			delete(w.active, s.Name)
		}
	}
}

func (w *walker) field(f *ast.Field, depth int) {
	w.fields++
	if f.Alias != "" && f.Alias != f.Name {
		w.aliases++
	}
	if strings.HasPrefix(f.Name, "__") {
		depth = 0 // introspection has its own fixed shape, deeper than any data query
	}
	switch {
	case depth > w.limits.MaxDepth:
		w.fail(CodeDepthLimit, "the query nests deeper than %d levels", w.limits.MaxDepth)
	case w.aliases > w.limits.MaxAliases:
		w.fail(CodeAliasLimit, "the query has more than %d aliases", w.limits.MaxAliases)
	case w.fields > w.limits.MaxFields:
		w.fail(CodeFieldLimit, "the query selects more than %d fields", w.limits.MaxFields)
	}
	maxPage := int64(db.MaxPageSize)
	if f.Name == "groups" {
		maxPage = db.MaxGroups
	}
	for _, arg := range f.Arguments {
		if arg.Name != "first" && arg.Name != "last" {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil || v == nil {
			continue
		}
		if n, ok := v.(int64); ok && (n < 0 || n > maxPage) {
			w.err = &gqlerror.Error{
				Message:    fmt.Sprintf("%s must be between 0 and %d, got %d", arg.Name, maxPage, n),
				Path:       ast.Path{ast.PathName(f.Alias)},
				Extensions: map[string]any{"code": CodeBadUserInput, "field": []string{arg.Name}},
			}
			return
		}
	}
	w.selections(f.SelectionSet, depth+1)
}

// pageCost is the cost of a connection: its children once per item of the page it asks for.
func pageCost(child int, first, last *int) int {
	n := db.DefaultPageSize
	if first != nil {
		n = *first
	} else if last != nil {
		n = *last
	}
	n = max(0, min(n, db.MaxPageSize))
	return 1 + n*child
}

// smallList is the cost of a small closed list such as a course's listings: assume ten items.
func smallList(child int) int { return 1 + 10*child }

// complexity returns the cost functions of every field whose cost depends on how many items it
// returns. Other fields cost one plus their children.
func complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	c.Query.Waves = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.WaveFilter, _ *db.WaveOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Participants = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.ParticipantFilter, _ *db.ParticipantOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Providers = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.ProviderFilter, _ *db.ProviderOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Courses = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.CourseFilter, _ *db.CourseOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.TrainingSessions = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.TrainingSessionFilter, _ *db.TrainingSessionOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Enrollments = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.EnrollmentFilter, _ *db.EnrollmentOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Incentives = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.IncentiveFilter, _ *db.IncentiveOrder) int {
		return pageCost(ch, first, last)
	}
	c.Query.Nodes = func(ch int, ids []*db.NodeID) int { return 1 + len(ids)*ch }
	c.Query.Platforms = smallList
	c.Query.Provinces = func(ch int) int { return 1 + 38*ch }
	enrollments := func(ch int, first *int, _ *string, last *int, _ *string, _ *db.EnrollmentFilter, _ *db.EnrollmentOrder) int {
		return pageCost(ch, first, last)
	}
	c.Participant.Enrollments = enrollments
	c.Course.Enrollments = enrollments
	c.Provider.Enrollments = enrollments
	c.TrainingSession.Enrollments = enrollments
	c.Participant.Incentives = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.IncentiveFilter, _ *db.IncentiveOrder) int {
		return pageCost(ch, first, last)
	}
	c.Provider.Courses = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.CourseFilter, _ *db.CourseOrder) int {
		return pageCost(ch, first, last)
	}
	c.Course.Sessions = func(ch int, first *int, _ *string, last *int, _ *string, _ *db.TrainingSessionFilter, _ *db.TrainingSessionOrder) int {
		return pageCost(ch, first, last)
	}
	// A group costs its fields once per group asked for; the GROUP BY itself is one statement.
	groupCost := func(ch int, first *int) int {
		n := db.DefaultGroups
		if first != nil {
			n = max(0, min(*first, db.MaxGroups))
		}
		return 10 + n*ch/10
	}
	c.ParticipantConnection.Groups = func(ch int, _ []model.ParticipantDimension, first *int, _ *model.ParticipantGroupOrder) int {
		return groupCost(ch, first)
	}
	c.CourseConnection.Groups = func(ch int, _ []model.CourseDimension, first *int, _ *model.CourseGroupOrder) int {
		return groupCost(ch, first)
	}
	c.EnrollmentConnection.Groups = func(ch int, _ []model.EnrollmentDimension, first *int, _ *model.EnrollmentGroupOrder) int {
		return groupCost(ch, first)
	}
	c.IncentiveConnection.Groups = func(ch int, _ []model.IncentiveDimension, first *int, _ *model.IncentiveGroupOrder) int {
		return groupCost(ch, first)
	}
	c.Course.Listings = smallList
	c.Incentive.Payments = smallList
	c.Participant.PayoutAccounts = smallList
	c.Participant.Placements = smallList
	c.Wave.ProvinceQuotas = func(ch int) int { return 1 + 38*ch }
	return c
}
