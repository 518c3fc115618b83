package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// latencyResult is the latency of one client sending one query after another, warm.
type latencyResult struct {
	Server  string  `json:"server"`
	Query   string  `json:"query"`
	N       int     `json:"n"`
	P50ms   float64 `json:"p50ms"`
	P90ms   float64 `json:"p90ms"`
	MinMs   float64 `json:"minMs"`
	LoadAvg string  `json:"loadAvg"`
}

// cmdLatency measures single-client warm latency: a few warm-up requests, then requests one at a
// time for about -seconds (at least -min, at most -max of them).
func cmdLatency(args []string) error {
	fs := flag.NewFlagSet("latency", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory (prepared)")
	server := fs.String("server", "", "label")
	kind := fs.String("target", "", "ours or postgraphile")
	url := fs.String("url", "", "/graphql URL")
	token := fs.String("token", "", "bearer token")
	queries := fs.String("queries", "", "comma-separated query names; the whole mix when empty")
	seconds := fs.Float64("seconds", 4, "time per query")
	minN := fs.Int("min", 10, "at least this many timed requests")
	maxN := fs.Int("max", 300, "at most this many timed requests")
	fs.Parse(args)
	selected, err := selectedQueries(*dir, *queries)
	if err != nil {
		return err
	}
	t := target{Name: *kind, URL: *url, Token: *token}
	for _, q := range selected {
		bodyPath, ok := q.Bodies[*kind]
		if !ok {
			continue
		}
		body, err := os.ReadFile(bodyPath)
		if err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			if _, err := t.post(body); err != nil {
				return err
			}
		}
		var ms []float64
		start := time.Now()
		for len(ms) < *maxN && (len(ms) < *minN || time.Since(start).Seconds() < *seconds) {
			t0 := time.Now()
			raw, err := t.post(body)
			if err != nil {
				return err
			}
			ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
			var resp struct {
				Errors []json.RawMessage `json:"errors"`
			}
			if json.Unmarshal(raw, &resp) != nil || len(resp.Errors) > 0 {
				return fmt.Errorf("%s on %s: errors in the response: %s", q.Name, *kind, truncate(string(raw), 300))
			}
		}
		sort.Float64s(ms)
		r := latencyResult{Server: *server, Query: q.Name, N: len(ms), P50ms: percentile(ms, 50), P90ms: percentile(ms, 90), MinMs: ms[0], LoadAvg: loadAvg()}
		if err := appendJSONL(filepath.Join(*dir, "latency.jsonl"), r); err != nil {
			return err
		}
		fmt.Printf("  %-17s %-30s single client: p50 %8.2f ms  p90 %8.2f ms  (n=%d)\n", *server, q.Name, r.P50ms, r.P90ms, r.N)
	}
	return nil
}
