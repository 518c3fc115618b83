package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Error codes. The graph package translates them to extensions.code in exactly one place.
const (
	EINVALID         = "invalid"         // the caller's input is malformed or out of range
	ENOTFOUND        = "not_found"       // the entity does not exist, or the caller may not see it
	ECONFLICT        = "conflict"        // a unique or state rule refused the change
	EFORBIDDEN       = "forbidden"       // the caller may not do this
	EUNAUTHENTICATED = "unauthenticated" // the caller's credentials are missing or invalid
	EINTERNAL        = "internal"        // anything else; never shown to a client in detail
)

// Error is an application error with a code, a message safe to show to a client, and optionally the
// input field it is about.
type Error struct {
	Code    string
	Message string
	Field   []string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, ENOTFOUND for sql.ErrNoRows,
// ECONFLICT for integrity violations, and EINTERNAL otherwise (and "" for nil).
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ENOTFOUND
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505", "23503", "23514", "23P01": // unique, foreign key, check, exclusion
			return ECONFLICT
		}
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: an *Error's message, or a generic sentence
// for everything else, so that no SQL or driver text leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	switch ErrorCode(err) {
	case ENOTFOUND:
		return "not found"
	case ECONFLICT:
		return "the change conflicts with existing data"
	}
	return "internal error"
}

// Retryable reports whether err is a serialization failure or deadlock that a retry may cure.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// TimedOut reports whether err is a statement cut short by statement_timeout or a cancelled query
// (SQLSTATE 57014), or a context that ran out of time.
func TimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &pgErr) && pgErr.Code == "57014"
}
