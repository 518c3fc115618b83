package graph_test

import (
	"bytes"
	"net/http"
	"syscall"
	"testing"

	"prakerja/graph"
	"prakerja/graph/loader"
)

// BenchmarkNestedPage serves the benchmark's nested page (bench/queries/ours/b_nested_page.graphql)
// through the whole handler over the seeded test database, with loaders as in production:
//
//	go test -run '^$' -bench NestedPage -benchmem ./graph/
//
// It reports SQL statements per request; add -cpuprofile to see where the server's time goes. The
// "fast" run takes the fast path (fastpath.go), "full" gqlgen's executor, as with FAST_PATH=off.
func BenchmarkNestedPage(b *testing.B) {
	base := mustAPI(b)
	b.Run("fast", func(b *testing.B) { nestedPage(b, base.with(graph.Options{LoaderWait: loader.DefaultWait})) })
	b.Run("full", func(b *testing.B) {
		nestedPage(b, base.with(graph.Options{LoaderWait: loader.DefaultWait, NoFastPath: true}))
	})
}

func nestedPage(b *testing.B, a *api) {
	serve(b, a, `{ participants(first: 50) { pageInfo { hasNextPage endCursor } nodes {
		id nik fullName gender status balance registeredAt
		enrollments(first: 10) { nodes { id price status purchasedAt course { id title category mode provider { id name } } } }
		incentives(first: 10) { nodes { id kind sequence amount dueOn status paidAt } } } } }`)
}

// BenchmarkGroups serves the benchmark's participants by wave and status (query g) and a filtered
// count (query i) through the whole handler, on the fast path:
//
//	go test -run '^$' -bench Groups -benchmem ./graph/
func BenchmarkGroups(b *testing.B) {
	a := mustAPI(b).with(graph.Options{LoaderWait: loader.DefaultWait})
	b.Run("wave-status", func(b *testing.B) {
		serve(b, a, `{ participants { groups(by: [WAVE, STATUS], first: 1000) { key { wave { number } status } count } } }`)
	})
	b.Run("filtered-count", func(b *testing.B) {
		serve(b, a, `{ incentives(filter: {status: PAID, kind: TRAINING, provinceCode: ["32"]}) { totalCount } }`)
	})
}

// serve runs q through a's handler in parallel, and reports statements per request, the size of
// the answer, and the CPU time of this process per request ("cpu-ns/op"): the server's work
// without PostgreSQL's, which ns/op includes on a machine where both share the cores.
func serve(b *testing.B, a *api, q string) {
	run := func() int {
		code, body := post(a.h, a.token, q, nil)
		if code != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
			b.Errorf("status %d: %.300s", code, body)
		}
		return len(body)
	}
	size := run()
	a.queries.Reset()
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			run()
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(a.queries.Count())/float64(b.N), "stmts/op")
	b.ReportMetric(float64(size), "bytes/resp")
}

// processCPU is the user and system CPU time of this process so far, in nanoseconds.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
