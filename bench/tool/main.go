// Command benchkit is the measuring half of bench/run.sh: it prepares the query mix (checking that
// our server and PostGraphile answer each query with the same data), drives wrk and pgbench, reads
// CPU time and memory from /proc and our /metrics, and writes the report. run.sh starts and stops
// the servers; see bench/README.md.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchkit prepare|load|rss|latency|pgbench|report [flags]")
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"prepare": cmdPrepare, "load": cmdLoad, "rss": cmdRSS, "latency": cmdLatency, "pgbench": cmdPgbench, "report": cmdReport,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "benchkit: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := cmd(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "benchkit %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
