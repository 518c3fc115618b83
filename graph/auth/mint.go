package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/uptrace/bun"

	"prakerja/db"
)

// Mint returns an HS256 token for local use (the `token` subcommand, tests), signed with secret
// and valid for ttl from now.
//
// For ADMIN and ANALYST subject is any non-empty string and becomes sub. For PARTICIPANT, PROVIDER
// and PLATFORM subject names what the caller owns: the global ID of a Participant, Provider or
// Platform respectively, or a plain positive integer taken as that entity's key; its global ID is
// written both as sub and as owner.
//
// It fails with EINVALID when secret is shorter than MinSecretLen, role is unknown, subject is
// empty or not an ID of the role's type, or ttl is not positive.
func Mint(secret []byte, role db.Role, subject string, ttl time.Duration) (string, error) {
	if len(secret) < MinSecretLen {
		return "", db.Errorf(db.EINVALID, "the signing key has %d bytes; it needs at least %d", len(secret), MinSecretLen)
	}
	if !role.IsValid() {
		return "", db.Errorf(db.EINVALID, "unknown role %q", clip(string(role)))
	}
	if ttl <= 0 {
		return "", db.Errorf(db.EINVALID, "token lifetime %v is not positive", ttl)
	}
	if subject == "" {
		return "", db.Errorf(db.EINVALID, "the subject is empty")
	}
	c := claims{Role: role}
	if typ, scoped := ownerTypes[role]; scoped {
		owner, err := ownerOf(subject, typ)
		if err != nil {
			return "", err
		}
		subject, c.Owner = owner, owner
	}
	now := time.Now()
	c.Subject = subject
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return token, nil
}

// ownerOf returns the global ID that subject names for an entity of type typ: subject itself when
// it is such an ID, or the ID of key subject when it is a positive integer. It fails with EINVALID
// otherwise.
func ownerOf(subject, typ string) (string, error) {
	if id, err := strconv.ParseInt(subject, 10, 64); err == nil {
		if id <= 0 {
			return "", db.Errorf(db.EINVALID, "%s key %d is not positive", typ, id)
		}
		return db.IntNodeID(typ, id).String(), nil
	}
	if _, err := ownerID(subject, typ); err != nil {
		return "", db.Errorf(db.EINVALID, "subject %q is not a %s ID", clip(subject), typ)
	}
	return subject, nil
}

// devSecretKey is the app_settings key of the development signing key.
const devSecretKey = "dev_auth_secret"

// DevSecret returns the development HS256 signing key: 32 random bytes generated on first use and
// kept base64-encoded in app_settings under 'dev_auth_secret', so that the server and the `token`
// subcommand agree across restarts. Concurrent first callers all get the one key that was stored.
// Anyone who can read app_settings can mint tokens with it: production sets AUTH_SECRET or a JWKS.
//
// It returns the database's error, wrapped, when the key cannot be stored or read, and an error
// when the stored value is not base64 of at least MinSecretLen bytes.
func DevSecret(ctx context.Context, idb bun.IDB) ([]byte, error) {
	fresh := make([]byte, MinSecretLen)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("generate development signing key: %w", err)
	}
	// Insert-if-absent then read, so that whichever caller's insert won, everyone reads its key.
	if _, err := idb.NewRaw(
		"INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		devSecretKey, base64.StdEncoding.EncodeToString(fresh),
	).Exec(ctx); err != nil {
		return nil, fmt.Errorf("store development signing key: %w", err)
	}
	var value string
	if err := idb.NewRaw("SELECT value FROM app_settings WHERE key = ?", devSecretKey).Scan(ctx, &value); err != nil {
		return nil, fmt.Errorf("read development signing key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(key) < MinSecretLen {
		return nil, fmt.Errorf("app_settings %s is not base64 of at least %d bytes", devSecretKey, MinSecretLen)
	}
	return key, nil
}
