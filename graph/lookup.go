package graph

import (
	"context"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/graph/loader"
)

// loadTyped resolves a root lookup by global ID that must name an entity of type typ. It fails with
// EINVALID for an ID of another type and returns nil when the entity is missing or hidden.
func loadTyped[V any](ctx context.Context, id db.NodeID, typ string, l *loader.Loader[int64, *V]) (*V, error) {
	key, err := id.Int(typ)
	if err != nil {
		return nil, err
	}
	return loader.Root(ctx, l, key)
}

// findParticipant looks a participant up by global ID or by NIK; exactly one must be given.
func findParticipant(ctx context.Context, idb bun.IDB, id *db.NodeID, nik *string) (*db.Participant, error) {
	switch {
	case (id == nil) == (nik == nil):
		return nil, &db.Error{Code: db.EINVALID, Message: "pass exactly one of id and nik"}
	case id != nil:
		return loadTyped(ctx, *id, db.TypeParticipant, loader.For(ctx).ParticipantByID)
	}
	if !validNIKShape(*nik) {
		return nil, &db.Error{Code: db.EINVALID, Message: "a NIK is 16 digits", Field: []string{"nik"}}
	}
	p, err := db.FindParticipantByNIK(ctx, idb, scopeFor(ctx), *nik)
	if p != nil {
		loader.Register(ctx, []*db.Participant{p}, false)
	}
	return p, err
}

func validNIKShape(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// certificateCourse returns the course a certificate is for. It is public, like the certificate.
func certificateCourse(ctx context.Context, c *db.Certificate) (*db.Course, error) {
	l := loader.For(ctx)
	courseID, err := l.CourseIDByEnrollment.Load(ctx, c.EnrollmentID)
	if err != nil {
		return nil, err
	}
	return loader.Required(ctx, l.CourseByID, courseID)
}

// optionalKey loads the entity a group key names, or nil when the key does not group by it.
func optionalKey[K comparable, V any](ctx context.Context, l *loader.Loader[K, *V], key *K) (*V, error) {
	if key == nil {
		return nil, nil
	}
	return loader.Optional(ctx, l, *key)
}
