package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph/auth"
)

// TestReadmeWalkthrough runs the README's end-to-end walkthrough exactly as written, block by block,
// filling each block's variables from the results of the blocks before it, as a reader would in
// the playground.
func TestReadmeWalkthrough(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start, end := strings.Index(text, "## Walkthrough"), strings.Index(text, "## Access")
	if start < 0 || end < start {
		t.Fatal("README.md has no walkthrough section before ## Access")
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(text[start:end], -1)
	if len(blocks) < 12 {
		t.Fatalf("the walkthrough has %d GraphQL blocks, want at least 12", len(blocks))
	}

	bdb := dbtest.MustSeededDB(t)
	secret := "readme-test-secret-readme-test-secret"
	cfg, _ := loadConfig(func(k string) string { return map[string]string{"AUTH_SECRET": secret, "RATE_LIMIT": "0"}[k] })
	verifier, _ := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(secret)})
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)
	admin, _ := auth.Mint([]byte(secret), db.RoleAdmin, "readme-admin", time.Hour)

	post := func(token, query string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Data   map[string]any `json:"data"`
			Errors []any          `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
			t.Fatalf("%s\nvariables %v\n= %d %s", query, vars, rec.Code, rec.Body.String())
		}
		for name, v := range resp.Data {
			if p, ok := v.(map[string]any); ok {
				if ue, _ := p["userErrors"].([]any); len(ue) > 0 {
					t.Fatalf("%s refused: %v\n%s", name, ue, query)
				}
			}
		}
		return resp.Data
	}
	// What a reader looks up and copies between steps.
	state := map[string]any{"dueBy": time.Now().In(db.Jakarta).AddDate(0, 0, 1).Format(time.DateOnly)}
	lookup := post(admin, `{ providers(first: 1) { nodes { id } } platforms { id } }`, nil)
	state["provider"] = lookup["providers"].(map[string]any)["nodes"].([]any)[0].(map[string]any)["id"]
	state["platform"] = lookup["platforms"].([]any)[0].(map[string]any)["id"]
	varRe := regexp.MustCompile(`\$(\w+):`)
	path := func(data map[string]any, keys ...string) any {
		var v any = data
		for _, k := range keys {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		return v
	}
	for i, b := range blocks {
		query := b[1]
		vars := map[string]any{}
		for _, m := range varRe.FindAllStringSubmatch(query, -1) {
			v, ok := state[m[1]]
			if !ok {
				t.Fatalf("block %d needs $%s, which no earlier step gave:\n%s", i+1, m[1], query)
			}
			vars[m[1]] = v
		}
		token := admin
		if strings.Contains(query, "submitReview") || strings.Contains(query, "completeSurvey") {
			token, _ = auth.Mint([]byte(secret), db.RoleParticipant, state["participant"].(string), time.Hour)
		}
		data := post(token, query, vars)
		for k, keys := range map[string][]string{
			"participant": {"registerParticipant", "participant", "id"},
			"course":      {"createCourse", "course", "id"},
			"listing":     {"listCourse", "listing", "id"},
			"enrollment":  {"purchaseTraining", "enrollment", "id"},
		} {
			if v := path(data, keys...); v != nil {
				state[k] = v
			}
		}
	}
	// The walkthrough paid the installment and recorded the placement.
	var status string
	pid, _ := db.ParseNodeID(state["participant"].(string))
	key, _ := pid.Int(db.TypeParticipant)
	if err := bdb.NewRaw(`SELECT status FROM incentives WHERE participant_id = ? AND kind = 'TRAINING'`, key).Scan(t0(), &status); err != nil || status != "PAID" {
		t.Errorf("after the walkthrough the installment is %q (%v), want PAID", status, err)
	}
}

func t0() context.Context { return context.Background() }

// TestReadmeDashboards runs the README's dashboard queries as an ANALYST, as written, and checks
// that every total and every list of groups or rows in their answers is non-empty.
func TestReadmeDashboards(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start, end := strings.Index(text, "## Dashboard queries"), strings.Index(text, "## Walkthrough")
	if start < 0 || end < start {
		t.Fatal("README.md has no dashboard section before the walkthrough")
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(text[start:end], -1)
	if len(blocks) < 3 {
		t.Fatalf("the dashboard section has %d GraphQL blocks, want at least 3", len(blocks))
	}
	bdb := dbtest.MustSeededDB(t)
	secret := "readme-test-secret-readme-test-secret"
	cfg, _ := loadConfig(func(k string) string { return map[string]string{"AUTH_SECRET": secret, "RATE_LIMIT": "0"}[k] })
	verifier, _ := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(secret)})
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)
	analyst, _ := auth.Mint([]byte(secret), db.RoleAnalyst, "readme-analyst", time.Hour)

	var check func(path string, v any)
	check = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				check(path+"."+k, c)
			}
		case []any:
			if len(x) == 0 {
				t.Errorf("%s is empty", path)
			}
			for _, c := range x {
				check(path+"[]", c)
			}
		case float64:
			if strings.HasSuffix(path, "totalCount") && x == 0 {
				t.Errorf("%s is 0", path)
			}
		}
	}
	for i, b := range blocks {
		body, _ := json.Marshal(map[string]any{"query": b[1]})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+analyst)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Data   map[string]any `json:"data"`
			Errors []any          `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 || resp.Data == nil {
			t.Fatalf("dashboard query %d:\n%s\n= %d %s", i+1, b[1], rec.Code, rec.Body.String())
		}
		check(fmt.Sprintf("query %d", i+1), resp.Data)
	}
}
