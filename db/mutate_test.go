package db_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// TestAuditAnnouncesCommittedChanges checks that Audit writes its event and announces the change
// on the change channel only when the transaction commits: what subscriptions will publish.
func TestAuditAnnouncesCommittedChanges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bdb := dbtest.MustDB(t)
	var name string
	if err := bdb.NewRaw("SELECT current_database()").Scan(ctx, &name); err != nil {
		t.Fatal(err)
	}
	listener, err := pgx.Connect(ctx, dbtest.URLFor(name))
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(context.Background())
	if _, err := listener.Exec(ctx, "LISTEN "+db.ChangeChannel); err != nil {
		t.Fatal(err)
	}
	actor := db.Actor{Scope: db.Unrestricted, Subject: "tester", RequestID: "req-1"}

	// A rolled-back change leaves neither an event nor a notification.
	rollback := errors.New("roll back")
	err = db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		if err := db.Audit(ctx, tx, actor, "createProvider", db.TypeProvider, 7, nil, map[string]any{"name": "X"}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("RunInTx = %v, want the rollback error", err)
	}
	// A committed one leaves both.
	if err := db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		return db.Audit(ctx, tx, actor, "openWave", db.TypeWave, 3, map[string]any{"status": "DRAFT"}, map[string]any{"status": "OPEN"})
	}); err != nil {
		t.Fatal(err)
	}
	waitCtx, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	n, err := listener.WaitForNotification(waitCtx)
	if err != nil {
		t.Fatalf("no notification after a commit: %v", err)
	}
	var got struct {
		Action     string `json:"action"`
		EntityType string `json:"entityType"`
		EntityID   int64  `json:"entityId"`
	}
	if err := json.Unmarshal([]byte(n.Payload), &got); err != nil || got.Action != "openWave" || got.EntityType != db.TypeWave || got.EntityID != 3 {
		t.Fatalf("notification %q, want the committed openWave of wave 3 (the rolled-back change must not appear)", n.Payload)
	}
	var events []db.AuditEvent
	if err := bdb.NewSelect().Model(&events).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Action != "openWave" || events[0].ActorSubject != "tester" || events[0].RequestID != "req-1" ||
		events[0].Before["status"] != "DRAFT" || events[0].After["status"] != "OPEN" {
		t.Fatalf("audit events = %+v, want the one committed openWave with actor, request and before/after", events)
	}
}
