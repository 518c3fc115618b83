package db_test

import (
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"prakerja/db"
)

// TestLiteralsWriteAsBunIn checks that the filters' lists are written as bun.In writes them, for
// every kind of value the filters use, quotes and backslashes included.
func TestLiteralsWriteAsBunIn(t *testing.T) {
	gen := schema.NewQueryGen(pgdialect.New())
	for name, c := range map[string][2]schema.QueryAppender{
		"strings": {db.Literals([]string{"32", "O'Brien", `a\\b`, ""}), bun.In([]string{"32", "O'Brien", `a\\b`, ""})},
		"enums": {db.Literals([]db.IncentiveStatus{db.IncentiveStatusPaid, db.IncentiveStatusFailed}),
			bun.In([]db.IncentiveStatus{db.IncentiveStatusPaid, db.IncentiveStatusFailed})},
		"ints":   {db.Literals([]int{1, -2, 300}), bun.In([]int{1, -2, 300})},
		"int64s": {db.Literals([]int64{1 << 40, 0}), bun.In([]int64{1 << 40, 0})},
		"floats": {db.Literals([]float64{1.5}), bun.In([]float64{1.5})},
	} {
		got, err := c[0].AppendQuery(gen, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c[1].AppendQuery(gen, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: wrote %s, bun.In writes %s", name, got, want)
		}
	}
}
