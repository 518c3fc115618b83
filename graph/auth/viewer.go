// Package auth turns a bearer token into a Viewer, the authenticated caller, and carries that viewer
// through a request's context.
//
// Tokens are JWTs. Locally they are HS256, signed with AUTH_SECRET or the development key kept in
// the database (DevSecret); in production they are RS256/ES256/PS256, signed by an OIDC provider
// whose keys are fetched from its JWKS and refreshed in the background. A Verifier accepts only the
// algorithms its Config enables, so that neither `alg: none` nor HS/RS key confusion can pass.
//
// Claims: sub (the caller), role (a db.Role), exp (required), nbf and iat (checked when present),
// and for PARTICIPANT, PROVIDER and PLATFORM the claim owner, the global ID of what the caller owns.
package auth

import (
	"context"

	"prakerja/db"
)

// Viewer is the authenticated caller. A nil *Viewer is an anonymous caller.
type Viewer struct {
	Subject       string // the token's sub
	Role          db.Role
	ParticipantID int64 // set for PARTICIPANT
	ProviderID    int64 // set for PROVIDER
	PlatformID    int64 // set for PLATFORM
}

// Scope returns the data scope of the viewer: the zero db.Scope (anonymous) for a nil viewer,
// every row for ADMIN, and otherwise the viewer's role and the IDs of what it owns, for the db
// package to apply.
func (v *Viewer) Scope() db.Scope {
	switch {
	case v == nil:
		return db.Scope{}
	case v.Role == db.RoleAdmin:
		return db.Scope{Role: db.RoleAdmin, All: true}
	}
	return db.Scope{
		Role:          v.Role,
		ParticipantID: v.ParticipantID,
		ProviderID:    v.ProviderID,
		PlatformID:    v.PlatformID,
	}
}

// IsAnonymous reports whether v is the anonymous caller (nil).
func (v *Viewer) IsAnonymous() bool { return v == nil }

type viewerKey struct{}

// WithViewer returns a copy of ctx carrying v; a nil v marks the caller anonymous.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer that WithViewer put in ctx, or nil when the caller is anonymous
// (or ctx carries no viewer at all).
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}
