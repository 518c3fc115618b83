package db_test

import (
	"context"
	"testing"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// TestStatementTimeout checks that a statement cut short by statement_timeout is recognized as a
// timeout, so that clients get extensions.code TIMEOUT rather than an internal error.
func TestStatementTimeout(t *testing.T) {
	bdb := dbtest.MustDB(t)
	ctx := context.Background()
	tx, err := bdb.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = '50ms'"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, "SELECT pg_sleep(2)")
	if err == nil || !db.TimedOut(err) {
		t.Fatalf("TimedOut(%v) = false, want true", err)
	}
	if db.TimedOut(context.Canceled) {
		t.Errorf("TimedOut(context.Canceled) = true, want false")
	}
}
