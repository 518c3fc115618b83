package generated

// This file is written by hand; gqlgen leaves it alone. It lends the generated argument parsers to
// the fast path (graph/fastpath.go), so that both executors read arguments the same way.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// FieldArgs parses the raw arguments of typeName.fieldName exactly as the generated resolvers
// do, coercing input objects, enums and scalars into their Go types. es must come from
// NewExecutableSchema. A field it does not know is an error.
func FieldArgs(ctx context.Context, es graphql.ExecutableSchema, typeName, fieldName string, raw map[string]any) (map[string]any, error) {
	e, ok := es.(*executableSchema)
	if !ok {
		return nil, fmt.Errorf("FieldArgs: not a generated schema: %T", es)
	}
	ec := newExecutionContext(graphql.GetOperationContext(ctx), e, nil)
	switch typeName + "." + fieldName {
	case "Query.participants":
		return ec.field_Query_participants_args(ctx, raw)
	case "Query.participant":
		return ec.field_Query_participant_args(ctx, raw)
	case "Query.courses":
		return ec.field_Query_courses_args(ctx, raw)
	case "Query.course":
		return ec.field_Query_course_args(ctx, raw)
	case "Query.providers":
		return ec.field_Query_providers_args(ctx, raw)
	case "Query.provider":
		return ec.field_Query_provider_args(ctx, raw)
	case "Query.enrollments":
		return ec.field_Query_enrollments_args(ctx, raw)
	case "Query.incentives":
		return ec.field_Query_incentives_args(ctx, raw)
	case "ParticipantConnection.groups":
		return ec.field_ParticipantConnection_groups_args(ctx, raw)
	case "CourseConnection.groups":
		return ec.field_CourseConnection_groups_args(ctx, raw)
	case "EnrollmentConnection.groups":
		return ec.field_EnrollmentConnection_groups_args(ctx, raw)
	case "IncentiveConnection.groups":
		return ec.field_IncentiveConnection_groups_args(ctx, raw)
	case "Participant.enrollments":
		return ec.field_Participant_enrollments_args(ctx, raw)
	case "Participant.incentives":
		return ec.field_Participant_incentives_args(ctx, raw)
	case "Course.enrollments":
		return ec.field_Course_enrollments_args(ctx, raw)
	case "Provider.courses":
		return ec.field_Provider_courses_args(ctx, raw)
	case "Provider.enrollments":
		return ec.field_Provider_enrollments_args(ctx, raw)
	}
	return nil, fmt.Errorf("FieldArgs: no parser for %s.%s", typeName, fieldName)
}
