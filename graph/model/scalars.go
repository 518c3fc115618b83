// Package model holds the GraphQL-only types: scalars, connections and the Node interface. Entity
// types are the storage structs of package db, bound by gqlgen.
package model

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"prakerja/db"
)

// MarshalMoney writes whole rupiah as a JSON number.
func MarshalMoney(v int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.FormatInt(v, 10)) })
}

// UnmarshalMoney reads whole rupiah from an integer. It fails with EINVALID on fractions, strings
// and values beyond 64 bits.
func UnmarshalMoney(v any) (int64, error) {
	bad := db.Errorf(db.EINVALID, "Money must be a whole number of rupiah, got %v", v)
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0, bad
		}
		return i, nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, bad
		}
		return int64(n), nil
	}
	return 0, bad
}

// MarshalDate writes a day as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(t.Format(time.DateOnly))) })
}

// UnmarshalDate reads a day written YYYY-MM-DD. It fails with EINVALID on anything else.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, db.Errorf(db.EINVALID, "Date must be a string YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, db.Errorf(db.EINVALID, "Date must be a real day written YYYY-MM-DD, got %q", truncate(s))
	}
	return t, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

var _ = fmt.Sprint

// MarshalTime writes an instant as RFC 3339 in Western Indonesian Time (WIB), the program's zone.
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.In(db.Jakarta).Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 instant. It fails with EINVALID on anything else.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, db.Errorf(db.EINVALID, "Time must be an RFC 3339 string")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, db.Errorf(db.EINVALID, "Time must be RFC 3339, for example 2024-05-01T09:00:00+07:00, got %q", truncate(s))
	}
	return t, nil
}
