package auth_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph/auth"
)

func TestDevSecret(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		bdb := dbtest.MustDB(t)
		first, err := auth.DevSecret(ctx, bdb)
		if err != nil {
			t.Fatalf("DevSecret() error = %v", err)
		}
		if got := len(first); got != 32 {
			t.Errorf("len(DevSecret()) = got %v, want %v", got, 32)
		}
		second, err := auth.DevSecret(ctx, bdb)
		if err != nil {
			t.Fatalf("DevSecret() again: error = %v", err)
		}
		if !bytes.Equal(second, first) {
			t.Errorf("DevSecret() again = got %x, want %x", second, first)
		}
		// The key signs tokens that a verifier built from it accepts.
		token, err := auth.Mint(first, db.RoleAdmin, "dev", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		v := mustVerifier(t, auth.Config{Secret: second})
		if _, err := v.Verify(token); err != nil {
			t.Errorf("Verify(Mint(DevSecret())) error = got %v, want %v", err, nil)
		}
	})
	t.Run("OKConcurrent", func(t *testing.T) {
		bdb := dbtest.MustDB(t)
		const n = 8
		keys := make([][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { keys[i], errs[i] = auth.DevSecret(ctx, bdb) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("DevSecret() #%d error = %v", i, errs[i])
			}
			if !bytes.Equal(keys[i], keys[0]) {
				t.Errorf("DevSecret() #%d = got %x, want %x", i, keys[i], keys[0])
			}
		}
		var rows int
		if err := bdb.NewRaw("SELECT count(*) FROM app_settings WHERE key = 'dev_auth_secret'").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Errorf("stored keys = got %v, want %v", rows, 1)
		}
	})
	t.Run("OKInTransaction", func(t *testing.T) {
		bdb := dbtest.MustDB(t)
		var inTx []byte
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			inTx, err = auth.DevSecret(ctx, tx)
			return err
		})
		if err != nil {
			t.Fatalf("DevSecret(tx) error = %v", err)
		}
		after, err := auth.DevSecret(ctx, bdb)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(after, inTx) {
			t.Errorf("DevSecret() after commit = got %x, want %x", after, inTx)
		}
	})
}
