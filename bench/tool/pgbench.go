package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// pgbenchResult is the SQL ceiling of the nested page (query b), straight from pgbench.
type pgbenchResult struct {
	Script      string  `json:"script"` // batched, joined, carried or json
	Round       int     `json:"round"`
	Statements  int     `json:"statements"`
	Connections int     `json:"connections"`
	DurationS   float64 `json:"durationS"`
	Xacts       int64   `json:"xacts"`
	Failed      int64   `json:"failed"`
	TPS         float64 `json:"tps"`
	P50ms       float64 `json:"p50ms"`
	P99ms       float64 `json:"p99ms"`
	MeanMs      float64 `json:"meanMs"`
	ResultBytes int     `json:"resultBytes"` // size of what the statements return (psql text)
	LoadAvg     string  `json:"loadAvg"`
}

// The minimal SQL of the nested page: the first 50 participants by id; for each, up to 10
// enrollments (one more to know there are more) with their course and its provider; up to 10
// incentives. Only the columns the GraphQL query selects.
const (
	sqlPage        = `SELECT id, nik, full_name, gender, status, balance, registered_at FROM participants ORDER BY id LIMIT 51;`
	sqlEnrollments = `SELECT e.id, e.participant_id, e.course_id, e.price, e.status, e.purchased_at FROM unnest('{%s}'::bigint[]) WITH ORDINALITY AS parent(id, ord) CROSS JOIN LATERAL (SELECT id, participant_id, course_id, price, status, purchased_at FROM enrollments WHERE participant_id = parent.id ORDER BY id LIMIT 11) e ORDER BY parent.ord, e.id;`
	sqlCourses     = `SELECT id, provider_id, title, category, mode FROM courses WHERE id = ANY('{%s}'::bigint[]);`
	sqlProviders   = `SELECT id, name FROM providers WHERE id = ANY('{%s}'::bigint[]);`
	// The courses with their providers' names joined: the other minimal form, which our server
	// sends since it reads a provider's id and name with its course (four statements).
	sqlCoursesJoined = `SELECT c.id, c.provider_id, c.title, c.category, c.mode, pr.name FROM courses c LEFT JOIN providers pr ON pr.id = c.provider_id WHERE c.id = ANY('{%s}'::bigint[]);`
	// The enrollments with their courses and the courses' providers' names joined: the third
	// minimal form, which our server sends since it reads a course's columns with its enrollment
	// (three statements).
	sqlEnrollmentsCarried = `SELECT e.id, e.participant_id, e.course_id, e.price, e.status, e.purchased_at, c.provider_id, c.title, c.category, c.mode, pr.name FROM unnest('{%s}'::bigint[]) WITH ORDINALITY AS parent(id, ord) CROSS JOIN LATERAL (SELECT id, participant_id, course_id, price, status, purchased_at FROM enrollments WHERE participant_id = parent.id ORDER BY id LIMIT 11) e LEFT JOIN courses c ON c.id = e.course_id LEFT JOIN providers pr ON pr.id = c.provider_id ORDER BY parent.ord, e.id;`
	sqlIncentives         = `SELECT i.id, i.participant_id, i.kind, i.sequence, i.amount, i.due_on, i.status, i.paid_at FROM unnest('{%s}'::bigint[]) WITH ORDINALITY AS parent(id, ord) CROSS JOIN LATERAL (SELECT id, participant_id, kind, sequence, amount, due_on, status, paid_at FROM incentives WHERE participant_id = parent.id ORDER BY id LIMIT 11) i ORDER BY parent.ord, i.id;`
	sqlJSON               = `SELECT json_build_object('nodes', coalesce(json_agg(json_build_object(` +
		`'id', p.id, 'nik', p.nik, 'fullName', p.full_name, 'gender', p.gender, 'status', p.status, 'balance', p.balance, 'registeredAt', p.registered_at, ` +
		`'enrollments', (SELECT coalesce(json_agg(json_build_object('id', e.id, 'price', e.price, 'status', e.status, 'purchasedAt', e.purchased_at, ` +
		`'course', json_build_object('id', c.id, 'title', c.title, 'category', c.category, 'mode', c.mode, 'provider', json_build_object('id', pr.id, 'name', pr.name))) ORDER BY e.id), '[]') ` +
		`FROM (SELECT id, course_id, price, status, purchased_at FROM enrollments WHERE participant_id = p.id ORDER BY id LIMIT 10) e JOIN courses c ON c.id = e.course_id JOIN providers pr ON pr.id = c.provider_id), ` +
		`'incentives', (SELECT coalesce(json_agg(json_build_object('id', i.id, 'kind', i.kind, 'sequence', i.sequence, 'amount', i.amount, 'dueOn', i.due_on, 'status', i.status, 'paidAt', i.paid_at) ORDER BY i.id), '[]') ` +
		`FROM (SELECT id, kind, sequence, amount, due_on, status, paid_at FROM incentives WHERE participant_id = p.id ORDER BY id LIMIT 10) i)` +
		`) ORDER BY p.id), '[]'), 'hasNextPage', (SELECT count(*) > 50 FROM (SELECT 1 FROM participants ORDER BY id LIMIT 51) n)) ` +
		`FROM (SELECT id, nik, full_name, gender, status, balance, registered_at FROM participants ORDER BY id LIMIT 50) p;`
)

// cmdPgbench runs the ceiling: the nested page's minimal SQL through pgbench, as the batched
// statements a server would send (with the ids the earlier statements returned, as literals) and
// as one statement that builds the JSON in PostgreSQL.
func cmdPgbench(args []string) error {
	fs := flag.NewFlagSet("pgbench", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory")
	dbURL := fs.String("db", "", "database URL")
	duration := fs.Float64("duration", 15, "seconds per run")
	warmup := fs.Float64("warmup", 3, "seconds of warm-up")
	conns := fs.Int("conns", 16, "clients")
	round := fs.Int("round", 1, "the round this run belongs to")
	fs.Parse(args)

	ids := func(sql string) (string, error) {
		s, err := psql(*dbURL, sql)
		if err == nil && s == "" {
			err = fmt.Errorf("no ids from %s", sql)
		}
		return s, err
	}
	page := `(SELECT id FROM participants ORDER BY id LIMIT 50)`
	pids, err := ids(`SELECT string_agg(id::text, ',' ORDER BY id) FROM ` + page + ` s`)
	if err != nil {
		return err
	}
	courseIDs, err := ids(`SELECT string_agg(DISTINCT e.course_id::text, ',') FROM ` + page + ` p CROSS JOIN LATERAL (SELECT course_id FROM enrollments WHERE participant_id = p.id ORDER BY id LIMIT 10) e`)
	if err != nil {
		return err
	}
	providerIDs, err := ids(`SELECT string_agg(DISTINCT provider_id::text, ',') FROM courses WHERE id = ANY('{` + courseIDs + `}'::bigint[])`)
	if err != nil {
		return err
	}
	batched := []string{sqlPage, fmt.Sprintf(sqlEnrollments, pids), fmt.Sprintf(sqlCourses, courseIDs),
		fmt.Sprintf(sqlProviders, providerIDs), fmt.Sprintf(sqlIncentives, pids)}
	joined := []string{sqlPage, fmt.Sprintf(sqlEnrollments, pids), fmt.Sprintf(sqlCoursesJoined, courseIDs),
		fmt.Sprintf(sqlIncentives, pids)}
	carried := []string{sqlPage, fmt.Sprintf(sqlEnrollmentsCarried, pids), fmt.Sprintf(sqlIncentives, pids)}
	scripts := []struct {
		name  string
		stmts []string
	}{{"batched", batched}, {"joined", joined}, {"carried", carried}, {"json", []string{sqlJSON}}}

	for _, s := range scripts {
		path := filepath.Join(*dir, "pgbench", s.name+".sql")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(strings.Join(s.stmts, "\n")+"\n"), 0o644); err != nil {
			return err
		}
		size := 0
		for _, st := range s.stmts {
			out, err := psql(*dbURL, strings.TrimSuffix(st, ";"))
			if err != nil {
				return fmt.Errorf("%s: %v", s.name, err)
			}
			size += len(out)
		}
		if *warmup > 0 {
			if _, err := runPgbench(*dbURL, path, *conns, *warmup, ""); err != nil {
				return err
			}
		}
		logPrefix := filepath.Join(*dir, "pgbench", fmt.Sprintf("%s_r%d_log", s.name, *round))
		r, err := runPgbench(*dbURL, path, *conns, *duration, logPrefix)
		if err != nil {
			return err
		}
		r.Script, r.Round, r.Statements, r.ResultBytes = s.name, *round, len(s.stmts), size
		if err := appendJSONL(filepath.Join(*dir, "pgbench.jsonl"), r); err != nil {
			return err
		}
		fmt.Printf("  pgbench %-8s r%d %d statement(s)  %8.1f tps  p50 %6.2f ms  p99 %6.2f ms  (%d transactions, %d failed, %d B of results)\n",
			s.name, r.Round, r.Statements, r.TPS, r.P50ms, r.P99ms, r.Xacts, r.Failed, r.ResultBytes)
	}
	return nil
}

var (
	reTPS    = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	reXacts  = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
	reFailed = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
	reMean   = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

func runPgbench(dbURL, script string, conns int, seconds float64, logPrefix string) (pgbenchResult, error) {
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(conns), "-j", "1", "-T", strconv.Itoa(int(seconds + 0.5)), "-f", script}
	if logPrefix != "" {
		old, _ := filepath.Glob(logPrefix + ".*")
		for _, f := range old {
			os.Remove(f)
		}
		args = append(args, "-l", "--log-prefix", logPrefix)
	}
	args = append(args, dbURL)
	r := pgbenchResult{Connections: conns, LoadAvg: loadAvg()}
	cmd := exec.Command("pgbench", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("pgbench: %v: %s%s", err, out.String(), stderr.String())
	}
	text := out.String()
	if m := reTPS.FindStringSubmatch(text); m != nil {
		r.TPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := reXacts.FindStringSubmatch(text); m != nil {
		r.Xacts, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reFailed.FindStringSubmatch(text); m != nil {
		r.Failed, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reMean.FindStringSubmatch(text); m != nil {
		r.MeanMs, _ = strconv.ParseFloat(m[1], 64)
	}
	r.DurationS = seconds
	if logPrefix == "" {
		return r, nil
	}
	// Per-transaction log: client_id transaction_no time_us script_no time_epoch time_us ...
	files, _ := filepath.Glob(logPrefix + ".*")
	var lat []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return r, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			fl := strings.Fields(line)
			if len(fl) < 3 {
				continue
			}
			if us, err := strconv.ParseFloat(fl[2], 64); err == nil {
				lat = append(lat, us/1000)
			}
		}
		os.Remove(f)
	}
	sort.Float64s(lat)
	r.P50ms, r.P99ms = percentile(lat, 50), percentile(lat, 99)
	return r, nil
}
