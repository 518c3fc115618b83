package seed

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress reports phases either as a progress bar (on a terminal) or as one plain line per phase.
// A nil writer makes it silent. add may be called from the COPY reader's goroutine.
type progress struct {
	w     io.Writer
	bar   bool
	mu    sync.Mutex
	cur   *progressbar.ProgressBar
	phase string
	count int64
	start time.Time
}

func newProgress(w io.Writer, bar bool) *progress { return &progress{w: w, bar: bar} }

// begin starts a phase of total steps (rows, people, statements).
func (p *progress) begin(phase string, total int64) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase, p.count, p.start = phase, 0, time.Now()
	if p.bar {
		p.cur = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%-24s", phase)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
}

// describe renames the current bar (one bar can cover several steps, such as copying each table).
func (p *progress) describe(phase string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil {
		p.cur.Describe(fmt.Sprintf("%-24s", phase))
	}
}

// perStep reports whether each step gets its own plain line (no bar).
func (p *progress) perStep() bool { return p.w != nil && !p.bar }

func (p *progress) add(n int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count += int64(n)
	if p.cur != nil {
		_ = p.cur.Add(n)
	}
}

// end finishes the phase; what describes the result for the plain line ("1,234 rows").
func (p *progress) end(what string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil {
		_ = p.cur.Finish()
		p.cur = nil
		return
	}
	fmt.Fprintf(p.w, "seed: %-28s %16s %8.2fs\n", p.phase, what, time.Since(p.start).Seconds())
}

// thousands formats n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}
