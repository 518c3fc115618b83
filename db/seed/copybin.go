package seed

import (
	"encoding/binary"
	"io"
)

// PostgreSQL's binary COPY format, written by hand so that twenty million rows cost no per-value
// allocation: a header, then per row a field count and per field a length and the value in the
// type's binary send format, then a trailer.

// pgEpoch is 2000-01-01 00:00:00 UTC in Unix seconds and days: binary timestamps count
// microseconds, and dates days, from it.
const (
	pgEpochSec  = 946684800
	pgEpochDays = 10957
)

// copyBuf accumulates rows. Each value written is one field; fields whose column the database
// lacks (an optional column a migration has not added) are skipped.
type copyBuf struct {
	b    []byte
	skip []bool // per field; nil when every column is present
	kept int    // fields per row after skipping
	fi   int    // index of the next field in the current row
}

func (c *copyBuf) header() {
	c.b = append(c.b, "PGCOPY\n\xff\r\n\x00"...)
	c.b = binary.BigEndian.AppendUint32(c.b, 0) // flags
	c.b = binary.BigEndian.AppendUint32(c.b, 0) // header extension length
}

func (c *copyBuf) trailer() { c.b = binary.BigEndian.AppendUint16(c.b, 0xffff) }

// row starts a row of the table's full column list.
func (c *copyBuf) row(fields int) {
	if c.skip == nil {
		c.kept = fields
	}
	c.fi = 0
	c.b = binary.BigEndian.AppendUint16(c.b, uint16(c.kept))
}

// next reports whether the next field is written, and moves on.
func (c *copyBuf) next() bool {
	i := c.fi
	c.fi++
	return c.skip == nil || !c.skip[i]
}

func (c *copyBuf) rawNull() { c.b = binary.BigEndian.AppendUint32(c.b, 0xffffffff) }

func (c *copyBuf) null() {
	if c.next() {
		c.rawNull()
	}
}

// int8 writes a bigint.
func (c *copyBuf) int8(v int64) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, 8)
		c.b = binary.BigEndian.AppendUint64(c.b, uint64(v))
	}
}

// int4 writes an integer.
func (c *copyBuf) int4(v int32) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, 4)
		c.b = binary.BigEndian.AppendUint32(c.b, uint32(v))
	}
}

// int2 writes a smallint.
func (c *copyBuf) int2(v int16) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, 2)
		c.b = binary.BigEndian.AppendUint16(c.b, uint16(v))
	}
}

func (c *copyBuf) text(s string) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(s)))
		c.b = append(c.b, s...)
	}
}

// textOrNull writes s, or NULL when s is empty.
func (c *copyBuf) textOrNull(s string) {
	if s == "" {
		c.null()
		return
	}
	c.text(s)
}

// textBytes writes a text value built in a scratch buffer.
func (c *copyBuf) textBytes(s []byte) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(s)))
		c.b = append(c.b, s...)
	}
}

// ts writes a timestamptz from Unix seconds.
func (c *copyBuf) ts(unix int64) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, 8)
		c.b = binary.BigEndian.AppendUint64(c.b, uint64((unix-pgEpochSec)*1_000_000))
	}
}

// tsOrNull writes a timestamptz, NULL when unix is 0.
func (c *copyBuf) tsOrNull(unix int64) {
	if unix == 0 {
		c.null()
		return
	}
	c.ts(unix)
}

// date writes a date from days since 1970-01-01.
func (c *copyBuf) date(days int32) {
	if c.next() {
		c.b = binary.BigEndian.AppendUint32(c.b, 4)
		c.b = binary.BigEndian.AppendUint32(c.b, uint32(days-pgEpochDays))
	}
}

// dateOrNull writes a date, NULL when days is 0.
func (c *copyBuf) dateOrNull(days int32) {
	if days == 0 {
		c.null()
		return
	}
	c.date(days)
}

// rowReader is an io.Reader over the binary COPY stream of n rows produced by emit. pgconn reads it
// from its own goroutine, so generating bytes overlaps with sending them.
type rowReader struct {
	n, i   int
	emit   func(i int, c *copyBuf)
	buf    copyBuf
	off    int
	done   bool
	onRows func(n int)
}

const chunk = 256 << 10

func newRowReader(n int, emit func(i int, c *copyBuf), skip []bool, onRows func(int)) *rowReader {
	r := &rowReader{n: n, emit: emit, onRows: onRows}
	r.buf.b = make([]byte, 0, chunk+4096)
	r.buf.skip = skip
	if skip != nil {
		for _, s := range skip {
			if !s {
				r.buf.kept++
			}
		}
	}
	r.buf.header()
	return r
}

func (r *rowReader) Read(p []byte) (int, error) {
	if r.off == len(r.buf.b) {
		if r.done {
			return 0, io.EOF
		}
		r.buf.b, r.off = r.buf.b[:0], 0
		start := r.i
		for r.i < r.n && len(r.buf.b) < chunk {
			r.emit(r.i, &r.buf)
			r.i++
		}
		if r.onRows != nil && r.i > start {
			r.onRows(r.i - start)
		}
		if r.i == r.n {
			r.buf.trailer()
			r.done = true
		}
	}
	n := copy(p, r.buf.b[r.off:])
	r.off += n
	return n, nil
}
