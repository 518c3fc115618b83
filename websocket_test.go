package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph/auth"
)

// TestWebsocket checks the graphql-transport-ws endpoint: the origin check that stands in for CORS,
// and authentication from the connection_init payload.
func TestWebsocket(t *testing.T) {
	bdb := dbtest.MustSeededDB(t)
	cfg, _ := loadConfig(func(k string) string {
		return map[string]string{"CORS_ALLOWED_ORIGINS": "https://dashboard.example", "AUTH_SECRET": "ws-test-secret-ws-test-secret-ws-test"}[k]
	})
	verifier, err := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(cfg.AuthSecret)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	dial := func(origin string) (*websocket.Conn, *http.Response, error) {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		return websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
	}
	if c, resp, err := dial("https://evil.example"); err == nil {
		c.CloseNow()
		t.Fatalf("a websocket from another origin was accepted (%d), want it refused", resp.StatusCode)
	}

	token, err := auth.Mint([]byte(cfg.AuthSecret), db.RoleAdmin, "ws-admin", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, origin, token string
		wantCount           bool
	}{
		{"allowed origin, admin", "https://dashboard.example", token, true},
		{"no origin, anonymous", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := dial(tc.origin)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer c.CloseNow()
			send := func(v any) {
				b, _ := json.Marshal(v)
				if err := c.Write(ctx, websocket.MessageText, b); err != nil {
					t.Fatal(err)
				}
			}
			recv := func() map[string]any {
				for {
					_, b, err := c.Read(ctx)
					if err != nil {
						t.Fatalf("read: %v", err)
					}
					var m map[string]any
					_ = json.Unmarshal(b, &m)
					if m["type"] != "ping" && m["type"] != "pong" {
						return m
					}
				}
			}
			payload := map[string]any{}
			if tc.token != "" {
				payload["Authorization"] = "Bearer " + tc.token
			}
			send(map[string]any{"type": "connection_init", "payload": payload})
			if m := recv(); m["type"] != "connection_ack" {
				t.Fatalf("after connection_init got %v, want connection_ack", m)
			}
			send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "{ viewer { anonymous } participants(first: 1) { totalCount } }"}})
			m := recv()
			b, _ := json.Marshal(m)
			got := string(b)
			if tc.wantCount && (!strings.Contains(got, `"totalCount":`+itoa(dbtest.SeededParticipants)) || !strings.Contains(got, `"anonymous":false`)) {
				t.Errorf("admin query over websocket = %s, want every participant", got)
			}
			if !tc.wantCount && !strings.Contains(got, "UNAUTHENTICATED") {
				t.Errorf("anonymous query over websocket = %s, want UNAUTHENTICATED", got)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
