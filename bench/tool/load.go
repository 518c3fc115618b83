package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// loadResult is one timed wrk run of one query against one server.
type loadResult struct {
	Server      string  `json:"server"` // ours, ours-gomaxprocs1, postgraphile
	Query       string  `json:"query"`
	Round       int     `json:"round"` // 1, 2, …: the servers alternate within each round
	Connections int     `json:"connections"`
	DurationS   float64 `json:"durationS"`
	Requests    int64   `json:"requests"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50ms"`
	P90ms       float64 `json:"p90ms"`
	P99ms       float64 `json:"p99ms"`
	MaxMs       float64 `json:"maxMs"`
	MeanMs      float64 `json:"meanMs"`
	Errors      int64   `json:"errors"` // socket errors, timeouts and non-2xx answers
	ServerCPUs  float64 `json:"serverCpuS"`
	PGCPUs      float64 `json:"pgCpuS"`
	SQLPerReq   float64 `json:"sqlPerReq"` // -1 when the server does not export it
	BytesPerReq float64 `json:"bytesPerReq"`
	LoadAvg     string  `json:"loadAvg"` // of the machine, just before the run
	Verified    bool    `json:"verified"`
}

type wrkJSON struct {
	Requests   int64   `json:"requests"`
	DurationUs int64   `json:"duration_us"`
	Bytes      int64   `json:"bytes"`
	Connect    int64   `json:"connect"`
	Read       int64   `json:"read"`
	Write      int64   `json:"write"`
	Status     int64   `json:"status"`
	Timeout    int64   `json:"timeout"`
	P50        float64 `json:"p50_us"`
	P90        float64 `json:"p90_us"`
	P99        float64 `json:"p99_us"`
	Max        float64 `json:"max_us"`
	Mean       float64 `json:"mean_us"`
}

func runWrk(script, url string, conns int, seconds float64) (wrkJSON, error) {
	args := []string{"-t1", fmt.Sprintf("-c%d", conns), fmt.Sprintf("-d%ds", int(seconds+0.5)), "--timeout", "180s", "-s", script, url}
	cmd := exec.Command("wrk", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return wrkJSON{}, fmt.Errorf("wrk %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "BENCHJSON "); ok {
			var w wrkJSON
			if err := json.Unmarshal([]byte(rest), &w); err != nil {
				return w, fmt.Errorf("wrk output: %v: %s", err, rest)
			}
			return w, nil
		}
	}
	return wrkJSON{}, fmt.Errorf("wrk printed no result:\n%s", out.String())
}

// cmdLoad times queries of the mix against one server with wrk, at a fixed concurrency for a
// fixed duration, after a warm-up, and appends the results to <dir>/load.jsonl.
func cmdLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory (prepared)")
	server := fs.String("server", "", "label of the server process: ours, ours-gomaxprocs1, postgraphile")
	kind := fs.String("target", "", "which queries to send: ours or postgraphile")
	url := fs.String("url", "", "/graphql URL")
	token := fs.String("token", "", "bearer token (ours)")
	pid := fs.Int("pid", 0, "the server's process id, for CPU time")
	metrics := fs.String("metrics", "", "our /metrics URL (statements per request)")
	dbURL := fs.String("db", "", "database URL (psql), for PostgreSQL backend CPU")
	dbName := fs.String("dbname", "", "database name")
	queries := fs.String("queries", "", "comma-separated query names; all of the mix when empty")
	duration := fs.Float64("duration", 15, "seconds per timed run")
	warmup := fs.Float64("warmup", 3, "seconds of warm-up before each timed run")
	maxDuration := fs.Float64("maxduration", 45, "seconds per timed run for a query that completes few requests in -duration")
	conns := fs.Int("conns", 16, "concurrent connections")
	round := fs.Int("round", 1, "the round this run belongs to (the report takes each measure's median over the rounds)")
	fs.Parse(args)
	if *dir == "" || *server == "" || *kind == "" || *url == "" || *pid == 0 {
		return fmt.Errorf("load needs -dir, -server, -target, -url and -pid")
	}
	selected, err := selectedQueries(*dir, *queries)
	if err != nil {
		return err
	}
	t := target{Name: *kind, URL: *url, Token: *token}
	for _, q := range selected {
		script, ok := q.Scripts[*kind]
		if !ok {
			continue
		}
		seconds := *duration
		if *warmup > 0 {
			// Warm-up with one connection: it warms caches, plans and JITs as well as sixteen would,
			// and leaves at most one request behind when it stops.
			wu, err := runWrk(script, *url, 1, *warmup)
			if err != nil {
				return err
			}
			// A query too slow to complete a couple of rounds of requests at full concurrency in the
			// planned time gets a longer run (-maxduration), so that its figures rest on more requests.
			perReq := *warmup / float64(max(wu.Requests, 1))
			if perReq*float64(*conns)*2 > seconds {
				seconds = max(seconds, *maxDuration)
				if *round > 1 {
					// Such a query is timed once: its ratio is in the hundreds, far beyond what
					// the machine's drift between rounds could move.
					fmt.Printf("  %-17s %-30s round %d: skipped (a slow query is timed in round 1 only)\n", *server, q.Name, *round)
					settle(*dbURL, *dbName)
					continue
				}
			}
			settle(*dbURL, *dbName)
		}
		var (
			r   loadResult
			w   wrkJSON
			pgT int64
		)
		for attempt := 0; ; attempt++ {
			r = loadResult{Server: *server, Query: q.Name, Round: *round, Connections: *conns, SQLPerReq: -1, LoadAvg: loadAvg()}
			var st0, rq0 float64
			if *metrics != "" {
				var err error
				if st0, rq0, err = scrapeOurs(*metrics); err != nil {
					return err
				}
			}
			cpu0, err := cpuTicks(*pid)
			if err != nil {
				return fmt.Errorf("server process %d: %v", *pid, err)
			}
			sampler := startPGSampler(*dbURL, *dbName, 500*time.Millisecond)
			w, err = runWrk(script, *url, *conns, seconds)
			cpu1, cpuErr := cpuTicks(*pid)
			pgT = sampler.Stop()
			if err != nil {
				return err
			}
			if cpuErr != nil {
				return fmt.Errorf("server process %d died during the run: %v", *pid, cpuErr)
			}
			if *metrics != "" {
				st1, rq1, err := scrapeOurs(*metrics)
				if err != nil {
					return err
				}
				if rq1 > rq0 {
					r.SQLPerReq = (st1 - st0) / (rq1 - rq0)
				}
			}
			r.ServerCPUs = float64(cpu1-cpu0) / clkTck
			settle(*dbURL, *dbName)
			if w.Requests >= int64(*conns) || attempt > 0 {
				break
			}
			// Too few requests for the figures to rest on: once more, for -maxduration, or for
			// twice that when it already ran that long.
			next := *maxDuration
			if seconds >= *maxDuration {
				next = 2 * *maxDuration
			}
			fmt.Printf("  %-17s %-30s only %d requests in %.0f s: running it again for %.0f s\n", *server, q.Name, w.Requests, seconds, next)
			seconds = next
		}
		r.DurationS = float64(w.DurationUs) / 1e6
		r.Requests = w.Requests
		if r.DurationS > 0 {
			r.RPS = float64(w.Requests) / r.DurationS
		}
		r.P50ms, r.P90ms, r.P99ms, r.MaxMs, r.MeanMs = w.P50/1000, w.P90/1000, w.P99/1000, w.Max/1000, w.Mean/1000
		r.Errors = w.Connect + w.Read + w.Write + w.Status + w.Timeout
		r.PGCPUs = float64(pgT) / clkTck
		if w.Requests > 0 {
			r.BytesPerReq = float64(w.Bytes) / float64(w.Requests)
		}
		// One more request, read in full: the server still answers this query without errors.
		body, err := os.ReadFile(q.Bodies[*kind])
		if err != nil {
			return err
		}
		if raw, err := t.post(body); err == nil {
			var resp struct {
				Errors []json.RawMessage `json:"errors"`
			}
			r.Verified = json.Unmarshal(raw, &resp) == nil && len(resp.Errors) == 0
		}
		if err := appendJSONL(filepath.Join(*dir, "load.jsonl"), r); err != nil {
			return err
		}
		perCPU := 0.0
		if r.ServerCPUs > 0 {
			perCPU = float64(r.Requests) / r.ServerCPUs
		}
		sql := ""
		if r.SQLPerReq >= 0 {
			sql = fmt.Sprintf(" sql/req %.2f", r.SQLPerReq)
		}
		fmt.Printf("  %-17s %-30s r%d %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  %8.0f req/CPU-s%s  errors %d%s\n",
			*server, q.Name, r.Round, r.RPS, r.P50ms, r.P99ms, perCPU, sql, r.Errors, map[bool]string{true: "", false: "  (verify FAILED)"}[r.Verified])
		time.Sleep(500 * time.Millisecond)
	}
	return nil
}

// rssResult is a server process's memory after its load runs.
type rssResult struct {
	Server  string `json:"server"`
	HWMkB   int64  `json:"hwmKB"` // VmHWM: peak resident set size
	RSSkB   int64  `json:"rssKB"` // VmRSS now
	IdlekB  int64  `json:"idleKB"`
	Threads int    `json:"threads"`
}

// cmdRSS records a server's peak RSS (VmHWM) in <dir>/rss.jsonl; -idle records the RSS of the
// freshly started server instead, in <dir>/idle.jsonl.
func cmdRSS(args []string) error {
	fs := flag.NewFlagSet("rss", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory")
	server := fs.String("server", "", "label")
	pid := fs.Int("pid", 0, "process id")
	idle := fs.Bool("idle", false, "record the idle RSS of a freshly started server")
	fs.Parse(args)
	rss, err := procStatusKB(*pid, "VmRSS")
	if err != nil {
		return err
	}
	if *idle {
		return appendJSONL(filepath.Join(*dir, "idle.jsonl"), rssResult{Server: *server, IdlekB: rss})
	}
	hwm, err := procStatusKB(*pid, "VmHWM")
	if err != nil {
		return err
	}
	th, _ := procStatusKB(*pid, "Threads")
	r := rssResult{Server: *server, HWMkB: hwm, RSSkB: rss, Threads: int(th)}
	fmt.Printf("  %-17s peak RSS %.1f MiB (now %.1f MiB, %d threads)\n", *server, float64(hwm)/1024, float64(rss)/1024, th)
	return appendJSONL(filepath.Join(*dir, "rss.jsonl"), r)
}
