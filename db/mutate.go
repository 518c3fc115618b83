package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Actor is who makes a change: the viewer's scope (role and what it owns), its token subject, and
// the request that carried it. Every write records it in its audit event.
type Actor struct {
	Scope
	Subject   string
	RequestID string
}

// SystemActor is the actor of internal jobs run without a caller.
var SystemActor = Actor{Scope: Unrestricted, Subject: "system"}

// UserError is an expected business refusal, explained to the caller in a payload's userErrors:
// nothing was written.
type UserError struct {
	Code    UserErrorCode
	Message string
	Field   []string
}

// Refusal is an error that carries user errors. A mutation that returns it rolls back, and its
// resolver reports the user errors in the payload rather than as a GraphQL error.
type Refusal struct{ Errors []*UserError }

func (r *Refusal) Error() string {
	if len(r.Errors) == 0 {
		return "refused"
	}
	return r.Errors[0].Message
}

// Refuse returns a Refusal with one user error about the input field path (for example "nik").
func Refuse(code UserErrorCode, field string, format string, args ...any) *Refusal {
	ue := &UserError{Code: code, Message: fmt.Sprintf(format, args...)}
	if field != "" {
		ue.Field = []string{"input", field}
	}
	return &Refusal{Errors: []*UserError{ue}}
}

// UserErrorsOf returns the user errors err carries, or nil when err is not a Refusal.
func UserErrorsOf(err error) []*UserError {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Errors
	}
	return nil
}

// Forbid returns the top-level error for an actor who may not make this change: EUNAUTHENTICATED
// for an anonymous caller, EFORBIDDEN otherwise.
func Forbid(a Actor, what string) error {
	if a.Role == "" {
		return Errorf(EUNAUTHENTICATED, "sign in to %s: send an Authorization: Bearer token", what)
	}
	return Errorf(EFORBIDDEN, "the %s role may not %s", a.Role, what)
}

// RunInTx runs f in one READ COMMITTED transaction, which commits when f returns nil and rolls back
// otherwise; callers lock rows or use conditional updates for their invariants. A serialization
// failure or deadlock is retried up to three times.
func RunInTx(ctx context.Context, bdb *bun.DB, f func(ctx context.Context, tx bun.Tx) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = bdb.RunInTx(ctx, &sql.TxOptions{}, f)
		if !Retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return err
}

// ChangeChannel is the PostgreSQL NOTIFY channel on which every committed change is announced,
// for subscriptions to publish.
const ChangeChannel = "prakerja_changes"

// Audit records a change in the audit trail and announces it on ChangeChannel, both inside tx, so
// that neither exists unless the change commits. before and after are marshalled to JSON objects;
// nil means absent (a creation has no before).
func Audit(ctx context.Context, tx bun.IDB, actor Actor, action, entityType string, entityID int64, before, after any) error {
	ev := &AuditEvent{
		ActorSubject: actor.Subject,
		ActorRole:    string(actor.Role),
		Action:       action,
		EntityType:   entityType,
		RequestID:    actor.RequestID,
	}
	if ev.ActorRole == "" {
		ev.ActorRole = "ANONYMOUS"
	}
	if ev.ActorSubject == "" {
		ev.ActorSubject = "anonymous"
	}
	if entityID != 0 {
		ev.EntityID = &entityID
	}
	var err error
	if ev.Before, err = jsonObject(before); err != nil {
		return err
	}
	if ev.After, err = jsonObject(after); err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(ev).Returning("id, occurred_at").Exec(ctx); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	payload, _ := json.Marshal(map[string]any{
		"action": action, "entityType": entityType, "entityId": entityID, "auditEventId": ev.ID,
	})
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify(?, ?)", ChangeChannel, string(payload)); err != nil {
		return fmt.Errorf("notify %s: %w", action, err)
	}
	return nil
}

func jsonObject(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode %T: %w", v, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]any{"value": json.RawMessage(b)}, nil
	}
	return m, nil
}

// payload is a mutation's result, which always carries a (possibly empty) list of user errors.
type payload interface{ setUserErrors([]*UserError) }

// mutation runs f in one transaction, filling in the payload p. A Refusal from f rolls the
// transaction back and becomes the payload's user errors (with no result); any other error is
// returned as is, for the GraphQL layer to report.
func mutation[P any, PP interface {
	*P
	payload
}](ctx context.Context, bdb *bun.DB, f func(ctx context.Context, tx bun.Tx, p PP) error) (PP, error) {
	var p PP
	err := RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		p = PP(new(P)) // a retry starts from an empty payload
		return f(ctx, tx, p)
	})
	if ue := UserErrorsOf(err); ue != nil {
		refused := PP(new(P))
		refused.setUserErrors(ue)
		return refused, nil
	}
	if err != nil {
		return nil, err
	}
	p.setUserErrors([]*UserError{})
	return p, nil
}
