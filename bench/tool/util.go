package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// target is one GraphQL server under test.
type target struct {
	Name  string // "ours" or "postgraphile"
	URL   string // the /graphql endpoint
	Token string // bearer token, empty for none
}

var httpClient = &http.Client{Timeout: 120 * time.Second}

// post sends one GraphQL request body and returns the raw response.
func (t target) post(body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("%s: HTTP %d: %s", t.Name, resp.StatusCode, truncate(string(b), 300))
	}
	return b, nil
}

// query sends a GraphQL query with variables and returns its data, failing on GraphQL errors.
func (t target) query(q string, vars map[string]any) (map[string]any, []byte, error) {
	body := requestBody(q, vars)
	raw, err := t.post(body)
	if err != nil {
		return nil, raw, err
	}
	var resp struct {
		Data   map[string]any    `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&resp); err != nil {
		return nil, raw, fmt.Errorf("%s: decode response: %v", t.Name, err)
	}
	if len(resp.Errors) > 0 {
		return nil, raw, fmt.Errorf("%s: GraphQL errors: %s", t.Name, truncate(string(resp.Errors[0]), 400))
	}
	return resp.Data, raw, nil
}

func requestBody(q string, vars map[string]any) []byte {
	if vars == nil {
		vars = map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return b
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Navigating decoded JSON.

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func list(v any, path ...string) []any {
	l, _ := get(v, path...).([]any)
	return l
}

// str renders a scalar the same way for both servers: numbers (JSON numbers or the decimal
// strings PostGraphile uses for BigInt) as plain decimals, null as "null".
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return x.String()
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func num(v any) float64 {
	f, _ := strconv.ParseFloat(str(v), 64)
	return f
}

func sortedLines(lines []string) string {
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Processes.

// cpuTicks returns utime+stime of a process, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	_, t, err := procStat(pid)
	return t, err
}

var clkTck = func() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
}()

// procStatusKB returns a field of /proc/<pid>/status in kB (VmHWM, VmRSS).
func procStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line[len(field)+1:])
			if len(f) > 0 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// psql runs one statement with psql against dbURL and returns its unaligned output.
func psql(dbURL, sql string) (string, error) {
	cmd := exec.Command("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", dbURL, "-c", sql)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("psql: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// procStat reads /proc/<pid>/stat and returns its parent's pid and its utime+stime.
func procStat(pid int) (ppid int, ticks int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	s := string(b)
	// The command name is in parentheses and may contain spaces: fields start after the last ')'.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state), f[1] field 4 (ppid); utime is field 14 and stime field 15.
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	pp, err0 := strconv.Atoi(f[1])
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err0 != nil || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return pp, ut + st, nil
}

// postmaster returns the pid of the PostgreSQL server that dbURL reaches: the parent of its
// checkpointer (one psql call, before a run starts).
func postmaster(dbURL string) (int, error) {
	out, err := psql(dbURL, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return 0, fmt.Errorf("no checkpointer in pg_stat_activity (%q)", out)
	}
	ppid, _, err := procStat(pid)
	if err != nil {
		return 0, fmt.Errorf("the checkpointer's process: %v (PostgreSQL must run on this machine)", err)
	}
	return ppid, nil
}

// pgBackendTicks returns utime+stime of the PostgreSQL backends of database dbName and of their
// parallel workers, keyed by pid. It reads /proc only: the children of the postmaster whose
// process title ("postgres: [cluster:] user database host(port) state", or "postgres: [cluster:]
// parallel worker for PID n") says they work for dbName. It starts no process and opens no
// connection, so sampling during a run takes next to nothing from the machine (a psql call per
// sample, as before, took about 30 ms of CPU, 3% of this 2-core machine at two samples a second,
// and only the servers' runs paid it, not the ceiling's).
func pgBackendTicks(pm int, dbName string) map[int]int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	m := map[int]int64{}
	workers := map[int]int64{} // parallel worker → its leader
	ticks := map[int]int64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, t, err := procStat(pid)
		if err != nil || ppid != pm {
			continue
		}
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		title, ok := strings.CutPrefix(strings.TrimRight(strings.ReplaceAll(string(cmd), "\x00", " "), " "), "postgres: ")
		if !ok {
			continue
		}
		f := strings.Fields(title)
		if len(f) > 0 && strings.HasSuffix(f[0], ":") {
			f = f[1:] // the cluster's name
		}
		switch {
		case len(f) >= 5 && f[0] == "parallel" && f[1] == "worker" && f[2] == "for" && f[3] == "PID":
			if leader, err := strconv.Atoi(f[4]); err == nil {
				workers[pid] = int64(leader)
				ticks[pid] = t
			}
		case len(f) >= 3 && f[1] == dbName:
			m[pid] = t
		}
	}
	for pid, leader := range workers {
		if _, ok := m[int(leader)]; ok {
			m[pid] = ticks[pid]
		}
	}
	return m
}

// pgSampler follows the CPU time of the benchmark database's backends while a run goes on.
// Backends can end before the run does (our server closes a connection whose request the client
// abandoned when wrk stops), so one snapshot at each end would lose their work: the sampler keeps
// the last value it saw for each backend. Backends that start during the run count from zero;
// short-lived parallel workers are only partly seen.
type pgSampler struct {
	pm          int // the postmaster
	db          string
	first, last map[int]int64
	stop, done  chan struct{}
}

func startPGSampler(dbURL, dbName string, every time.Duration) *pgSampler {
	pm, err := postmaster(dbURL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchkit: PostgreSQL backend CPU not measured: %v\n", err)
	}
	s := &pgSampler{pm: pm, db: dbName, last: map[int]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	s.first = s.sample()
	for pid, t := range s.first {
		s.last[pid] = t
	}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				for pid, t := range s.sample() {
					s.last[pid] = t
				}
			}
		}
	}()
	return s
}

func (s *pgSampler) sample() map[int]int64 {
	if s.pm == 0 {
		return nil
	}
	return pgBackendTicks(s.pm, s.db)
}

// Stop ends the sampling, takes one last sample and returns the ticks used since the start.
func (s *pgSampler) Stop() int64 {
	close(s.stop)
	<-s.done
	for pid, t := range s.sample() {
		s.last[pid] = t
	}
	var d int64
	for pid, t := range s.last {
		d += t - s.first[pid]
	}
	return d
}

// settle cancels the statements still running in the benchmark database once a run is over and
// waits until none is left. wrk stops with requests in flight; our server cancels the statements of
// a request whose client has gone, PostgreSQL (and PostGraphile) would go on with them, and that
// work would leak into the next run.
func settle(dbURL, dbName string) {
	q := "FROM pg_stat_activity WHERE datname = '" + strings.ReplaceAll(dbName, "'", "''") +
		"' AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		out, err := psql(dbURL, "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) "+q)
		if err != nil || out == "0" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "benchkit: statements were still running a minute after the run; going on")
}

// Metrics of our server.

// scrapeOurs returns prakerja_sql_statements_total and the sum of
// prakerja_http_requests_total{route="/graphql"}.
func scrapeOurs(metricsURL string) (statements, requests float64, err error) {
	resp, err := httpClient.Get(metricsURL)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, perr := strconv.ParseFloat(f[len(f)-1], 64)
		if perr != nil {
			continue
		}
		switch {
		case f[0] == "prakerja_sql_statements_total":
			statements = v
		case strings.HasPrefix(f[0], "prakerja_http_requests_total{") && strings.Contains(f[0], `route="/graphql"`):
			requests += v
		}
	}
	return statements, requests, nil
}

// Files.

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// appendJSONL appends one record to a JSON-lines file.
func appendJSONL(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(append(b, '\n'))
	return err
}

func readJSONL[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []T
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted)-1) + 0.5)
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}
