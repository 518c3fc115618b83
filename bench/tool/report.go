package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
)

// cmdReport turns the records of a run directory into a Markdown report and prints its summary.
func cmdReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory")
	out := fs.String("out", "", "Markdown file to write")
	dbURL := fs.String("db", "", "database URL")
	node := fs.String("node", "", "the Node binary PostGraphile ran on")
	pglDir := fs.String("pgldir", "bench/postgraphile", "PostGraphile's package directory")
	command := fs.String("command", "bash bench/run.sh", "the command that produced the run")
	settings := fs.String("settings", "", "the run's settings, for the record")
	started := fs.String("started", "", "when the run started")
	build := fs.String("build", "", "the commit our server was built from")
	seeded := fs.String("seeded", "", "the seed command that built the data set")
	fs.Parse(args)

	var p prepared
	if err := readJSON(filepath.Join(*dir, "prepare.json"), &p); err != nil {
		return err
	}
	loads, err := readJSONL[loadResult](filepath.Join(*dir, "load.jsonl"))
	if err != nil {
		return err
	}
	lats, err := readJSONL[latencyResult](filepath.Join(*dir, "latency.jsonl"))
	if err != nil {
		return err
	}
	rss, err := readJSONL[rssResult](filepath.Join(*dir, "rss.jsonl"))
	if err != nil {
		return err
	}
	idle, err := readJSONL[rssResult](filepath.Join(*dir, "idle.jsonl"))
	if err != nil {
		return err
	}
	pgb, err := readJSONL[pgbenchResult](filepath.Join(*dir, "pgbench.jsonl"))
	if err != nil {
		return err
	}
	rounds := func(server, query string) []loadResult {
		var out []loadResult
		for _, l := range loads {
			if l.Server == server && l.Query == query {
				out = append(out, l)
			}
		}
		return out
	}
	// load is a server's figures for a query: the medians over its rounds.
	load := func(server, query string) *loadResult { return combine(rounds(server, query)) }
	// spread is the range, over the rounds both servers ran, of ours / theirs by measure m.
	spread := func(ours, theirs, query string, m func(*loadResult) float64) string {
		var rs []float64
		for _, o := range rounds(ours, query) {
			for _, t := range rounds(theirs, query) {
				if o.Round == t.Round && m(&o) > 0 && m(&t) > 0 {
					rs = append(rs, m(&o)/m(&t))
				}
			}
		}
		return rangeOf(rs, "×")
	}
	pgbRounds := func(script string) (tps []float64, byRound map[int]float64) {
		byRound = map[int]float64{}
		for _, r := range pgb {
			if r.Script == script {
				tps = append(tps, r.TPS)
				byRound[r.Round] = r.TPS
			}
		}
		return tps, byRound
	}
	lat := func(server, query string) *latencyResult {
		for i := range lats {
			if lats[i].Server == server && lats[i].Query == query {
				return &lats[i]
			}
		}
		return nil
	}
	mem := func(server string) (hwm, idleKB int64) {
		for _, r := range rss {
			if r.Server == server {
				hwm = r.HWMkB
			}
		}
		for _, r := range idle {
			if r.Server == server {
				idleKB = r.IdlekB
			}
		}
		return
	}

	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	w("# Benchmark run %s\n\n", filepath.Base(*dir))
	w("Command: `%s`", *command)
	if *settings != "" {
		w(" (%s)", *settings)
	}
	w(".\n\n")
	if *started != "" {
		w("Started %s.", *started)
	}
	if *build != "" {
		w(" Our server built from commit %s.", *build)
	}
	w("\n\n")
	w("## Machine\n\n")
	for _, l := range machineInfo(*dbURL, *node, *pglDir) {
		w("- %s\n", l)
	}
	w("\nData set: %d participants, %d enrollments, %d incentives (`%s`).\n",
		p.Participants, p.Enrollments, p.Incentives, *seeded)
	w("Servers and load generator share the machine (and PostgreSQL): a run measures the whole stack on %d cores, "+
		"not a server in isolation. The machine's load average before each run is in the raw records (`load.jsonl`).\n\n", runtime.NumCPU())

	w("## The mix and the equivalence check\n\n")
	w("Each query was sent once to both servers before timing; the facts in both answers were compared (the same rows, counts and sums).\n\n")
	w("| query | ours: response | PostGraphile: response | same data |\n|---|---|---|---|\n")
	for _, q := range p.Queries {
		eq := "ours only"
		if q.Equivalent != nil {
			eq = map[bool]string{true: "yes", false: "**NO**"}[*q.Equivalent]
		}
		pg := "—"
		if !q.OursOnly {
			pg = fmt.Sprintf("%s B", commas(int64(q.Bytes["postgraphile"])))
		}
		w("| %s | %s B: %s | %s | %s |\n", q.Label, commas(int64(q.Bytes["ours"])), q.Summary["ours"], pg, eq)
	}

	servers := []struct{ key, name string }{{"ours", "ours (GOMAXPROCS default)"}, {"ours-gomaxprocs1", "ours (GOMAXPROCS=1)"}, {"postgraphile", "PostGraphile v5"}}
	conns, nRounds := 0, 0
	dur := 0.0
	for _, l := range loads {
		conns, dur, nRounds = l.Connections, l.DurationS, max(nRounds, l.Round)
	}
	w("\n## Throughput and latency under load\n\n")
	w("wrk, 1 thread, %d connections, %d round(s) of %.0f s per query and server, each after a warm-up; within a round the servers "+
		"run one after the other, and each figure below is the median over the rounds (a query that PostGraphile completes only a "+
		"few times in a run is timed in round 1 only, for up to 45 s). Server CPU is utime+stime of the server process "+
		"(/proc/<pid>/stat); PG CPU is that of the PostgreSQL backends connected to the benchmark database. SQL/req is "+
		"`prakerja_sql_statements_total` over `prakerja_http_requests_total{route=\"/graphql\"}`.\n\n", conns, nRounds, dur)
	w("| query | server | req/s | p50 ms | p99 ms | req per server CPU-s | server CPU ms/req | PG CPU ms/req | SQL/req | errors |\n")
	w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, q := range p.Queries {
		for _, s := range servers {
			r := load(s.key, q.Name)
			if r == nil {
				continue
			}
			sql := "—"
			if r.SQLPerReq >= 0 {
				sql = fmt.Sprintf("%.2f", r.SQLPerReq)
			}
			errs := fmt.Sprint(r.Errors)
			if !r.Verified {
				errs += " (verify failed)"
			}
			if r.Requests == 0 {
				w("| %s | %s | none finished in %.0f s | — | — | — | — | — | %s | %s |\n", q.Name, s.name, r.DurationS, sql, errs)
				continue
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Name, s.name, f1(r.RPS), f2(r.P50ms), f2(r.P99ms),
				f0(perCPU(r)), f2(msPer(r.ServerCPUs, r.Requests)), f2(msPer(r.PGCPUs, r.Requests)), sql, errs)
		}
	}

	w("\n## Ratios, ours / PostGraphile (same run)\n\n")
	w("Above 1 means we are ahead. Each ratio is of the two servers' medians; the last two columns give the lowest and highest " +
		"ratio of a single round (the servers run back to back within a round), at the default GOMAXPROCS.\n\n")
	w("| query | throughput | throughput, ours at GOMAXPROCS=1 | per server CPU-second | per server CPU-second, GOMAXPROCS=1 | p50 latency (PostGraphile / ours) | throughput, rounds | per CPU-s, rounds |\n|---|--:|--:|--:|--:|--:|--:|--:|\n")
	var summary []string
	summary = append(summary, fmt.Sprintf("%-30s %10s %10s %10s %8s %8s %8s", "query", "ours r/s", "gmp1 r/s", "pgl r/s", "thr×", "CPU×", "gmp1 thr×"))
	for _, q := range p.Queries {
		o, o1, g := load("ours", q.Name), load("ours-gomaxprocs1", q.Name), load("postgraphile", q.Name)
		if o == nil {
			continue
		}
		line := fmt.Sprintf("%-30s %10s %10s %10s", q.Name, f1(o.RPS), f1(rpsOf(o1)), f1(rpsOf(g)))
		if g == nil {
			summary = append(summary, line)
			continue
		}
		if g.Requests == 0 {
			// PostGraphile finished nothing in its run: fewer than one request per run, so ours
			// is ahead by at least its own requests in that time.
			w("| %s | > %.0f× | > %.0f× | — | — | — (PostGraphile finished no request in %.0f s) | | |\n", q.Label,
				o.RPS*g.DurationS, rpsOf(o1)*g.DurationS, g.DurationS)
			summary = append(summary, line+fmt.Sprintf(" %8s", "none"))
			continue
		}
		w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Label, ratio(o.RPS, g.RPS), ratio(rpsOf(o1), g.RPS), ratio(perCPU(o), perCPU(g)),
			ratio(perCPU(o1), perCPU(g)), ratio(g.P50ms, o.P50ms), spread("ours", "postgraphile", q.Name, rpsOf), spread("ours", "postgraphile", q.Name, perCPU))
		summary = append(summary, line+fmt.Sprintf(" %8s %8s %8s", ratio(o.RPS, g.RPS), ratio(perCPU(o), perCPU(g)), ratio(rpsOf(o1), g.RPS)))
	}

	w("\n## Memory\n\n| server | RSS idle after start | peak RSS (VmHWM) after its load runs | ratio to PostGraphile |\n|---|--:|--:|--:|\n")
	_, pglHWM := func() (int64, int64) { h, i := mem("postgraphile"); return i, h }()
	for _, s := range servers {
		hwm, idleKB := mem(s.key)
		if hwm == 0 {
			continue
		}
		w("| %s | %s MiB | %s MiB | %s |\n", s.name, f1(float64(idleKB)/1024), f1(float64(hwm)/1024), ratio(float64(hwm), float64(pglHWM)))
		summary = append(summary, fmt.Sprintf("peak RSS %-26s %8.1f MiB", s.name, float64(hwm)/1024))
	}

	w("\n## The ceiling: the nested page (b) as plain SQL through pgbench\n\n")
	w("The minimal SQL for query b, at the same concurrency (pgbench, 1 thread, prepared statements): *batched* is the 5 statements a " +
		"batching server needs (page; enrollments per participant with a LATERAL limit; courses by ids; providers by ids; incentives per participant), " +
		"with only the selected columns; *joined* is the same with the providers' names joined into the courses' statement (4 statements); " +
		"*carried* joins the courses and their providers' names into the enrollments' statement (3 statements, what our server sends); " +
		"*json* is one statement that builds the whole nested JSON in PostgreSQL (json_agg / json_build_object). " +
		"The ceiling is the fastest of *batched*, *joined* and *carried*.\n\n")
	w("Each pgbench script runs once per round, right after both servers' runs of query b in that round; the figures are medians " +
		"over the rounds, and the last column gives the lowest and highest share of a single round.\n\n")
	w("| what | statements | tps / req/s | p50 ms | p99 ms | ours (default) as a share of it | share, rounds |\n|---|--:|--:|--:|--:|--:|--:|\n")
	ob := load("ours", "b_nested_page")
	for _, script := range []string{"batched", "joined", "carried", "json"} {
		tps, byRound := pgbRounds(script)
		if len(tps) == 0 {
			continue
		}
		var stmts int
		var p50, p99 []float64
		for _, r := range pgb {
			if r.Script == script {
				stmts = r.Statements
				p50, p99 = append(p50, r.P50ms), append(p99, r.P99ms)
			}
		}
		share, shares := "—", []float64{}
		if ob != nil {
			share = pct(ob.RPS, median(tps))
			for _, o := range rounds("ours", "b_nested_page") {
				if t, ok := byRound[o.Round]; ok && t > 0 {
					shares = append(shares, 100*o.RPS/t)
				}
			}
		}
		w("| pgbench %s | %d | %s | %s | %s | %s | %s |\n", script, stmts, f1(median(tps)), f2(median(p50)), f2(median(p99)), share, rangeOf(shares, "%"))
		summary = append(summary, fmt.Sprintf("ceiling pgbench %-8s %10s tps; ours b = %s of it (rounds %s)", script, f1(median(tps)), share, rangeOf(shares, "%")))
	}
	for _, s := range servers {
		if r := load(s.key, "b_nested_page"); r != nil {
			sql := "—"
			if r.SQLPerReq >= 0 {
				sql = fmt.Sprintf("%.2f", r.SQLPerReq)
			}
			w("| %s, query b | %s | %s | %s | %s | | |\n", s.name, sql, f1(r.RPS), f2(r.P50ms), f2(r.P99ms))
		}
	}

	w("\n## Keyset pagination (ours)\n\n")
	w("Participants by id, pages of 50: the first page, and the page after a cursor obtained by walking %s rows.\n\n", commas(int64(p.DeepOffset)))
	w("| page | server | req/s | p50 ms | p99 ms |\n|---|---|--:|--:|--:|\n")
	for _, qn := range []string{"k_keyset_first", "k_keyset_deep"} {
		for _, s := range servers {
			if r := load(s.key, qn); r != nil {
				w("| %s | %s | %s | %s | %s |\n", qn, s.name, f1(r.RPS), f2(r.P50ms), f2(r.P99ms))
			}
		}
	}

	w("\n## Single client, warm\n\n")
	w("One request at a time after 3 warm-up requests (at least 10, for about 4 s). The dashboards' goal at 1M participants: " +
		"each of d–i at most 150 ms, the catalogue (c) at most 10 ms.\n\n")
	w("| query | ours p50 ms | ours p90 ms | PostGraphile p50 ms | goal | ours meets it |\n|---|--:|--:|--:|--:|---|\n")
	for _, q := range p.Queries {
		o, g := lat("ours", q.Name), lat("postgraphile", q.Name)
		if o == nil {
			continue
		}
		gp := "—"
		if g != nil {
			gp = f2(g.P50ms)
		}
		goal, meets := "", ""
		if q.Dashboard || q.Catalogue {
			limit := 150.0
			if q.Catalogue {
				limit = 10
			}
			goal = fmt.Sprintf("≤ %.0f", limit)
			meets = map[bool]string{true: "yes", false: "**no**"}[o.P50ms <= limit]
			summary = append(summary, fmt.Sprintf("single client %-30s ours p50 %8.2f ms (goal %3.0f: %-3s)  pgl p50 %s ms", q.Name, o.P50ms, limit, strings.Trim(meets, "*"), gp))
		}
		w("| %s | %s | %s | %s | %s | %s |\n", q.Label, f2(o.P50ms), f2(o.P90ms), gp, goal, meets)
	}

	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Println(strings.Join(summary, "\n"))
	fmt.Printf("\nreport: %s\n", *out)
	return nil
}

func machineInfo(dbURL, node, pglDir string) []string {
	var lines []string
	nproc, _ := exec.Command("nproc").Output()
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(l[strings.IndexByte(l, ':')+1:])
				break
			}
		}
	}
	lines = append(lines, fmt.Sprintf("CPU: %s × %s", strings.TrimSpace(string(nproc)), model))
	if kb, err := procStatusKBFile("/proc/meminfo", "MemTotal"); err == nil {
		lines = append(lines, fmt.Sprintf("Memory: %.1f GiB", float64(kb)/1024/1024))
	}
	if kern, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		lines = append(lines, "Linux "+strings.TrimSpace(string(kern)))
	}
	if v, err := psql(dbURL, "SELECT version()"); err == nil {
		lines = append(lines, "PostgreSQL: "+v)
	}
	if v, err := psql(dbURL, "SELECT current_setting('shared_buffers') || ' shared_buffers, ' || current_setting('max_connections') || ' max_connections, work_mem ' || current_setting('work_mem') || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather') || ', jit ' || current_setting('jit')"); err == nil {
		lines = append(lines, "PostgreSQL settings: "+v)
	}
	if v, err := exec.Command("go", "version").Output(); err == nil {
		lines = append(lines, "Go: "+strings.TrimSpace(string(v))+" (ours built with it)")
	}
	if node != "" {
		if v, err := exec.Command(node, "--version").Output(); err == nil {
			lines = append(lines, "Node (PostGraphile): "+strings.TrimSpace(string(v)))
		}
	}
	var pkgs []string
	for _, pkg := range []string{"postgraphile", "postgraphile-plugin-connection-filter", "@graphile/pg-aggregates", "grafast", "pg"} {
		var m struct {
			Version string `json:"version"`
		}
		if b, err := os.ReadFile(filepath.Join(pglDir, "node_modules", pkg, "package.json")); err == nil && json.Unmarshal(b, &m) == nil {
			pkgs = append(pkgs, pkg+" "+m.Version)
		}
	}
	if len(pkgs) > 0 {
		lines = append(lines, "PostGraphile packages: "+strings.Join(pkgs, ", "))
	}
	if v, err := exec.Command("wrk", "--version").CombinedOutput(); err == nil || len(v) > 0 {
		lines = append(lines, "Load generator: "+strings.TrimSpace(strings.Split(string(v), "\n")[0]))
	}
	if v, err := exec.Command("pgbench", "--version").Output(); err == nil {
		lines = append(lines, "Ceiling: "+strings.TrimSpace(string(v)))
	}
	lines = append(lines, "Load average at report time: "+loadAvg())
	return lines
}

func procStatusKBFile(path, field string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			var v int64
			_, err := fmt.Sscan(strings.TrimSpace(line[len(field)+1:]), &v)
			return v, err
		}
	}
	return 0, fmt.Errorf("no %s in %s", field, path)
}

// combine returns one result for a server's rounds of a query: each rate, latency and cost per
// request is the median over the rounds; requests, durations and errors are summed, and the CPU
// seconds are set so that the per-request costs come out as those medians.
func combine(rs []loadResult) *loadResult {
	if len(rs) == 0 {
		return nil
	}
	if len(rs) == 1 {
		return &rs[0]
	}
	c := rs[0]
	c.Requests, c.DurationS, c.Errors, c.Verified = 0, 0, 0, true
	var rps, p50, p90, p99, maxMs, mean, perCPUs, pgMs, sqlPer, bytesPer []float64
	for i := range rs {
		r := &rs[i]
		c.Requests += r.Requests
		c.DurationS += r.DurationS
		c.Errors += r.Errors
		c.Verified = c.Verified && r.Verified
		rps = append(rps, r.RPS)
		if r.Requests == 0 {
			continue
		}
		p50, p90, p99, maxMs, mean = append(p50, r.P50ms), append(p90, r.P90ms), append(p99, r.P99ms), append(maxMs, r.MaxMs), append(mean, r.MeanMs)
		if r.ServerCPUs > 0 {
			perCPUs = append(perCPUs, perCPU(r))
		}
		pgMs = append(pgMs, msPer(r.PGCPUs, r.Requests))
		if r.SQLPerReq >= 0 {
			sqlPer = append(sqlPer, r.SQLPerReq)
		}
		bytesPer = append(bytesPer, r.BytesPerReq)
	}
	c.RPS, c.P50ms, c.P90ms, c.P99ms, c.MaxMs, c.MeanMs = median(rps), median(p50), median(p90), median(p99), median(maxMs), median(mean)
	c.ServerCPUs = 0
	if m := median(perCPUs); m > 0 {
		c.ServerCPUs = float64(c.Requests) / m
	}
	c.PGCPUs = median(pgMs) * float64(c.Requests) / 1000
	c.SQLPerReq = -1
	if len(sqlPer) > 0 {
		c.SQLPerReq = median(sqlPer)
	}
	c.BytesPerReq = median(bytesPer)
	return &c
}

// median returns the median of vs (the mean of the middle two of an even count), 0 for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// rangeOf writes the lowest and highest of vs ("4.1–4.9×"), or "—" for fewer than two.
func rangeOf(vs []float64, unit string) string {
	if len(vs) < 2 {
		return "—"
	}
	lo, hi := slices.Min(vs), slices.Max(vs)
	if unit == "%" {
		return fmt.Sprintf("%.0f–%.0f%%", lo, hi)
	}
	return fmt.Sprintf("%.2f–%.2f%s", lo, hi, unit)
}

func perCPU(r *loadResult) float64 {
	if r == nil || r.ServerCPUs <= 0 {
		return 0
	}
	return float64(r.Requests) / r.ServerCPUs
}

func rpsOf(r *loadResult) float64 {
	if r == nil {
		return 0
	}
	return r.RPS
}

func msPer(cpuS float64, n int64) float64 {
	if n == 0 {
		return 0
	}
	return cpuS * 1000 / float64(n)
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func pct(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100*a/b)
}

func f0(v float64) string {
	if v == 0 {
		return "—"
	}
	return commas(int64(v + 0.5))
}
func f1(v float64) string {
	if v == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", v)
}
func f2(v float64) string { return fmt.Sprintf("%.2f", v) }

func commas(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	out = append([]string{s}, out...)
	r := strings.Join(out, ",")
	if neg {
		r = "-" + r
	}
	return r
}
