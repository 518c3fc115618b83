package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"prakerja/db"
)

// The extensions.code values of errors this API produces, besides gqlgen's own
// (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED).
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeForbidden       = "FORBIDDEN"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeInternal        = "INTERNAL_SERVER_ERROR"
)

// codes maps db error codes to extensions.code: the one place where errors are translated.
var codes = map[string]string{
	db.EINVALID:         CodeBadUserInput,
	db.ENOTFOUND:        CodeNotFound,
	db.ECONFLICT:        CodeConflict,
	db.EFORBIDDEN:       CodeForbidden,
	db.EUNAUTHENTICATED: CodeUnauthenticated,
	db.EINTERNAL:        CodeInternal,
}

type requestIDKey struct{}

// WithRequestID returns a context carrying the request's id, for logs and error reports.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// errorPresenter turns any error into a client-safe GraphQL error with an extensions.code. An
// application error keeps its message; an error gqlgen made itself (parse, validation, a limit)
// passes through; anything else is logged with the request id and shown as "internal error", so
// that no SQL, driver message or stack reaches a client.
func errorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		var appErr *db.Error
		switch {
		case errors.As(err, &appErr):
			gqlErr.Message = appErr.Message
			gqlErr.Extensions["code"] = codes[appErr.Code]
			if len(appErr.Field) > 0 {
				gqlErr.Extensions["field"] = appErr.Field
			}
			return gqlErr
		case gqlErr.Err == nil:
			// Made by gqlgen or gqlparser: the message is about the query, not about internals.
			if strings.HasPrefix(gqlErr.Message, "exceeded token limit") {
				gqlErr.Extensions["code"] = CodeTokenLimit
			}
			if _, ok := gqlErr.Extensions["code"]; !ok {
				gqlErr.Extensions["code"] = CodeBadUserInput
			}
			return gqlErr
		}
		if db.ErrorCode(err) == db.ENOTFOUND {
			gqlErr.Message = "not found"
			gqlErr.Extensions["code"] = CodeNotFound
			return gqlErr
		}
		if db.TimedOut(err) || errors.Is(err, context.Canceled) {
			// A client that went away is routine; a request that ran out of time is worth a look.
			level := slog.LevelWarn
			if errors.Is(err, context.Canceled) {
				level = slog.LevelDebug
			}
			logger.Log(ctx, level, "request cancelled or timed out", "request_id", RequestID(ctx), "path", gqlErr.Path.String(), "err", err)
			gqlErr.Message = "the request was cancelled or took too long"
			gqlErr.Extensions = map[string]any{"code": "TIMEOUT", "requestId": RequestID(ctx)}
			return gqlErr
		}
		logger.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "path", gqlErr.Path.String(), "err", err)
		gqlErr.Message = "internal error"
		gqlErr.Extensions = map[string]any{"code": CodeInternal, "requestId": RequestID(ctx)}
		return gqlErr
	}
}

// recoverFunc turns a panic in a resolver into an internal error, logging the stack server-side.
func recoverFunc(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		return &gqlerror.Error{
			Message:    "internal error",
			Extensions: map[string]any{"code": CodeInternal, "requestId": RequestID(ctx)},
		}
	}
}
