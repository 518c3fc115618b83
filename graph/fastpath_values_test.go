package graph

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"prakerja/db"
	"prakerja/graph/model"
)

// TestFastPathValues checks the fast path's value writers against the marshalers the generated
// code uses followed by the HTML escaping encoding/json applies when gqlgen's transport writes the
// response, on values that need escapes, other zones, fractions of seconds and extremes.
func TestFastPathValues(t *testing.T) {
	check := func(what string, got func(*bytes.Buffer), want graphql.Marshaler) {
		t.Helper()
		var g, m, w bytes.Buffer
		got(&g)
		want.MarshalGQL(&m)
		json.HTMLEscape(&w, m.Bytes())
		if g.String() != w.String() {
			t.Errorf("%s: fast path writes %s, the marshaler %s", what, g.String(), w.String())
		}
	}
	for _, s := range []string{"", "Budi Santoso", `say "hi"`, `back\slash`, "tab\tnew\nline\r", "\x00\x1f\x7f",
		"Sulawesi Selatan – Makassar", "ñandú 日本", "bad \xff\xfe utf-8", "</script>&", "line\u2028para\u2029", "3201********0001"} {
		check("String "+s, func(w *bytes.Buffer) { str(w, s) }, graphql.MarshalString(s))
		check("enum "+s, func(w *bytes.Buffer) { enum(w, db.Gender(s)) }, db.Gender(s))
	}
	for _, n := range []int64{0, 1, -1, 7, 2_500_000, math.MaxInt64, math.MinInt64} {
		check("Money", func(w *bytes.Buffer) { money(w, n) }, model.MarshalMoney(n))
		check("Int", func(w *bytes.Buffer) { integer(w, int(n)) }, graphql.MarshalInt(int(n)))
		if n > 0 {
			for _, typ := range []string{db.TypeParticipant, db.TypeEnrollment, db.TypeTrainingSession} {
				check("ID", func(w *bytes.Buffer) { nodeID(w, typ, n) }, db.IntNodeID(typ, n))
			}
		}
	}
	for _, tm := range []time.Time{
		time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2021, 3, 1, 0, 0, 0, 123_000, time.FixedZone("WITA", 8*3600)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, db.Jakarta),
	} {
		check("Time", func(w *bytes.Buffer) { instant(w, tm) }, model.MarshalTime(tm))
		check("Date", func(w *bytes.Buffer) { day(w, tm) }, model.MarshalDate(tm))
	}
}
