package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

type prepared struct {
	Participants int64           `json:"participants"`
	Enrollments  int64           `json:"enrollments"`
	Incentives   int64           `json:"incentives"`
	RowID        int64           `json:"rowId"`
	DeepOffset   int             `json:"deepOffset"`
	DeepCursor   string          `json:"deepCursor"`
	Queries      []preparedQuery `json:"queries"`
}

type preparedQuery struct {
	Name       string            `json:"name"`
	Label      string            `json:"label"`
	Dashboard  bool              `json:"dashboard"`
	Catalogue  bool              `json:"catalogue"`
	OursOnly   bool              `json:"oursOnly"`
	Bodies     map[string]string `json:"bodies"`  // server → request body file
	Scripts    map[string]string `json:"scripts"` // server → wrk Lua script
	Bytes      map[string]int    `json:"bytes"`   // server → response size
	Summary    map[string]string `json:"summary"` // server → what the response holds
	Equivalent *bool             `json:"equivalent,omitempty"`
}

// selectedQueries reads the mix prepared in dir and keeps the queries named in the comma-separated
// list only (all of them when it is empty).
func selectedQueries(dir, only string) ([]preparedQuery, error) {
	var p prepared
	if err := readJSON(filepath.Join(dir, "prepare.json"), &p); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, q := range strings.Split(only, ",") {
		if q = strings.TrimSpace(q); q != "" {
			want[q] = true
		}
	}
	// A query is named in full (b_nested_page) or by its letter (b).
	var out []preparedQuery
	matched := map[string]bool{}
	var names []string
	for _, q := range p.Queries {
		letter, _, _ := strings.Cut(q.Name, "_")
		names = append(names, q.Name)
		if len(want) == 0 || want[q.Name] || want[letter] {
			out = append(out, q)
			matched[q.Name], matched[letter] = true, true
		}
	}
	for q := range want {
		if !matched[q] {
			return nil, fmt.Errorf("BENCH_QUERIES names %q, which is not in the mix; use a letter or a full name: %s", q, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// cmdPrepare writes the request bodies and wrk scripts of the mix into the run directory, after
// checking once that both servers answer each query with the same facts.
func cmdPrepare(args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ExitOnError)
	dir := fs.String("dir", "", "run directory")
	queries := fs.String("queries", "bench/queries", "directory of the .graphql files")
	oursURL := fs.String("ours", "", "our /graphql URL")
	token := fs.String("token", "", "ADMIN bearer token for our server")
	pglURL := fs.String("postgraphile", "", "PostGraphile /graphql URL")
	dbURL := fs.String("db", "", "database URL, for psql")
	deep := fs.Int("deep", 100000, "rows to skip for the deep keyset page (at most half the participants)")
	fs.Parse(args)
	if *dir == "" || *oursURL == "" || *pglURL == "" || *dbURL == "" {
		return fmt.Errorf("prepare needs -dir, -ours, -postgraphile and -db")
	}
	ours := target{Name: "ours", URL: *oursURL, Token: *token}
	pgl := target{Name: "postgraphile", URL: *pglURL}

	var p prepared
	counts, err := psql(*dbURL, "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM enrollments), (SELECT count(*) FROM incentives)")
	if err != nil {
		return err
	}
	f := strings.Split(counts, "|")
	p.Participants, _ = strconv.ParseInt(f[0], 10, 64)
	p.Enrollments, _ = strconv.ParseInt(f[1], 10, 64)
	p.Incentives, _ = strconv.ParseInt(f[2], 10, 64)
	// A participant in the middle of the table who has incentives (so every field is set).
	row, err := psql(*dbURL, "SELECT participant_id FROM incentives WHERE participant_id >= (SELECT max(id) / 2 FROM participants) ORDER BY participant_id LIMIT 1")
	if err != nil {
		return err
	}
	if p.RowID, err = strconv.ParseInt(row, 10, 64); err != nil {
		return fmt.Errorf("no participant with incentives: %q", row)
	}

	// The deep cursor, obtained the way a client would: walking pages of 100 from the start.
	p.DeepOffset = *deep
	if half := int(p.Participants / 2); p.DeepOffset > half {
		p.DeepOffset = half - half%100
	}
	cursor, err := walkCursor(ours, p.DeepOffset)
	if err != nil {
		return err
	}
	p.DeepCursor = cursor

	vars := map[string]map[string]map[string]any{
		"a_participant": {
			"ours":         {"id": base64.RawURLEncoding.EncodeToString([]byte("Participant:" + strconv.FormatInt(p.RowID, 10)))},
			"postgraphile": {"rowId": strconv.FormatInt(p.RowID, 10)},
		},
		"k_keyset_deep": {"ours": {"after": cursor}},
	}

	failed := 0
	for _, q := range mix {
		pq := preparedQuery{Name: q.Name, Label: q.Label, Dashboard: q.Dashboard, Catalogue: q.Catalogue, OursOnly: q.OursOnly,
			Bodies: map[string]string{}, Scripts: map[string]string{}, Bytes: map[string]int{}, Summary: map[string]string{}}
		canon := map[string]string{}
		servers := []target{ours, pgl}
		if q.OursOnly {
			servers = servers[:1]
		}
		for _, t := range servers {
			text, err := os.ReadFile(filepath.Join(*queries, t.Name, q.Name+".graphql"))
			if err != nil {
				return err
			}
			v := vars[q.Name][t.Name]
			data, raw, err := t.query(string(text), v)
			if err != nil {
				return fmt.Errorf("%s on %s: %v", q.Name, t.Name, err)
			}
			body := requestBody(string(text), v)
			bodyPath := filepath.Join(*dir, "bodies", t.Name+"_"+q.Name+".json")
			if err := os.MkdirAll(filepath.Dir(bodyPath), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(bodyPath, body, 0o644); err != nil {
				return err
			}
			scriptPath := filepath.Join(*dir, "lua", t.Name+"_"+q.Name+".lua")
			if err := writeWrkScript(scriptPath, bodyPath, t.Token); err != nil {
				return err
			}
			pq.Bodies[t.Name], pq.Scripts[t.Name], pq.Bytes[t.Name] = bodyPath, scriptPath, len(raw)
			if q.canon != nil {
				canon[t.Name], pq.Summary[t.Name] = q.canon(t.Name, data)
			} else {
				pq.Summary[t.Name] = keysetSummary(data)
			}
		}
		status := "ours only"
		if !q.OursOnly {
			eq := canon["ours"] == canon["postgraphile"]
			pq.Equivalent = &eq
			status = "same data"
			if !eq {
				status = "DIFFERENT"
				failed++
				os.WriteFile(filepath.Join(*dir, "diff_"+q.Name+"_ours.txt"), []byte(canon["ours"]), 0o644)
				os.WriteFile(filepath.Join(*dir, "diff_"+q.Name+"_postgraphile.txt"), []byte(canon["postgraphile"]), 0o644)
			}
		}
		fmt.Printf("  %-32s %-10s ours %7d B  %s", q.Name, status, pq.Bytes["ours"], pq.Summary["ours"])
		if !q.OursOnly {
			fmt.Printf(" | postgraphile %7d B", pq.Bytes["postgraphile"])
		}
		fmt.Println()
		p.Queries = append(p.Queries, pq)
	}
	if err := writeJSON(filepath.Join(*dir, "prepare.json"), p); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d queries answer differently on the two servers (see %s/diff_*)", failed, *dir)
	}
	return nil
}

func keysetSummary(d map[string]any) string {
	nodes := list(d, "participants", "nodes")
	if len(nodes) == 0 {
		return "empty page"
	}
	id, _ := base64.RawURLEncoding.DecodeString(str(get(nodes[0], "id")))
	return fmt.Sprintf("%d participants from %s", len(nodes), id)
}

// walkCursor pages through participants by id, 100 at a time, and returns the end cursor after
// skip rows.
func walkCursor(ours target, skip int) (string, error) {
	const q = `query Walk($after: String) { participants(first: 100, after: $after) { pageInfo { endCursor } } }`
	var after any
	for done := 0; done < skip; done += 100 {
		data, _, err := ours.query(q, map[string]any{"after": after})
		if err != nil {
			return "", fmt.Errorf("walking to the deep cursor: %v", err)
		}
		c := get(data, "participants", "pageInfo", "endCursor")
		if c == nil {
			return "", fmt.Errorf("walking to the deep cursor: the list ended after %d rows", done)
		}
		after = c
	}
	return str(after), nil
}

// writeWrkScript writes a wrk script that POSTs the body file and, when the run ends, prints one
// line of JSON with the counts and latency percentiles (microseconds).
func writeWrkScript(path, bodyPath, token string) error {
	var b strings.Builder
	b.WriteString("-- generated by bench/tool prepare\n")
	b.WriteString("wrk.method = \"POST\"\n")
	b.WriteString("wrk.headers[\"Content-Type\"] = \"application/json\"\n")
	if token != "" {
		fmt.Fprintf(&b, "wrk.headers[\"Authorization\"] = %q\n", "Bearer "+token)
	}
	fmt.Fprintf(&b, "local f = assert(io.open(%q, \"rb\"))\nwrk.body = f:read(\"*a\")\nf:close()\n", bodyPath)
	b.WriteString(`done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
