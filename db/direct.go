package db

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"
)

// Direct scanning. The read paths that pages, lists and lookups take (find, findPerParent,
// byColumn, groups) build their SQL with bun and run it on the pgx connection under database/sql,
// scanning each column straight into the model's field from PostgreSQL's binary format. Through
// bun and database/sql every value became a driver.Value first (an allocation for each string and
// time), was converted again by database/sql and then placed by reflection; on the nested page of
// the benchmark that was a third of the server's CPU.
//
// The result is the same as bun's Scan (TestDirectScanMatchesBun compares every model, every
// column, NULLs included): a NULL leaves a non-pointer field at its zero value and a pointer field
// nil. The statement goes through the query hooks as bun's statements do (hooks.go). Inside a
// transaction (idb is not the *bun.DB from Open), or under WithoutDirectScan, bun scans as before.

type noDirectKey struct{}

// WithoutDirectScan returns a context in which reads scan through bun and database/sql, for
// comparing the two ways.
func WithoutDirectScan(ctx context.Context) context.Context {
	return context.WithValue(ctx, noDirectKey{}, true)
}

// directDB returns the database and its hook hub when reads on idb in ctx can scan directly.
func directDB(ctx context.Context, idb bun.IDB) (*bun.DB, *hub, bool) {
	bdb, ok := idb.(*bun.DB)
	if !ok || ctx.Value(noDirectKey{}) != nil {
		return nil, nil, false
	}
	h := hubOf(bdb)
	return bdb, h, h != nil
}

// scanModels runs q, a select of T's table built with Model(rows), and sets *rows to its rows,
// as q.Scan(ctx) does.
func scanModels[T any](ctx context.Context, idb bun.IDB, q *bun.SelectQuery, rows *[]*T, args ...any) error {
	bdb, h, ok := directDB(ctx, idb)
	if !ok {
		return q.Scan(ctx)
	}
	b, err := q.AppendQuery(bdb.QueryGen(), nil)
	if err != nil {
		return err
	}
	return runDirect(ctx, bdb, h, string(b), args, func(r pgx.Rows) error {
		plan, err := planFor[T](bdb, r.FieldDescriptions())
		if err != nil {
			return err
		}
		fields, dest := plan.instance()
		raw := rawKinds(r, fields)
		out := (*rows)[:0]
		var slab []T // rows are allocated together, in slabs of 1, 2, 4 ... 32
		for r.Next() {
			if len(slab) == 0 {
				slab = make([]T, min(max(len(out), 1), 32))
			}
			row := &slab[0]
			slab = slab[1:]
			base := unsafe.Pointer(row)
			for i := range fields {
				f := &fields[i]
				f.point(base)
				if f.kind == fOther {
					dest[i] = reflect.NewAt(f.typ, f.p).Interface()
				}
			}
			if raw != nil {
				if err := decodeRaw(fields, raw, r.RawValues()); err != nil {
					return err
				}
			} else if err := r.Scan(dest...); err != nil {
				return err
			}
			out = append(out, row)
		}
		*rows = out
		return nil
	})
}

// scanRow runs q, which returns at most one row, into dest, as q.Scan(ctx, dest...) does: with
// sql.ErrNoRows when there is no row.
func scanRow(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, dest ...any) error {
	bdb, h, ok := directDB(ctx, idb)
	if !ok {
		return q.Scan(ctx, dest...)
	}
	b, err := q.AppendQuery(bdb.QueryGen(), nil)
	if err != nil {
		return err
	}
	return runDirect(ctx, bdb, h, string(b), nil, func(r pgx.Rows) error {
		if !r.Next() {
			if err := r.Err(); err != nil {
				return err
			}
			return sql.ErrNoRows
		}
		return r.Scan(dest...)
	})
}

// keyList is where a statement names a list of keys (the parents of a nested page, the ids a
// loader batched). On the direct path it is the bind parameter $1 and the keys are the statement's
// argument: the statement's text is then the same for every list, so pgx prepares it once per
// connection and PostgreSQL plans it from its plan cache. Written into the text, as bun writes
// every argument, each list made a new statement: a Parse and Describe round trip, a fresh parse
// and plan in PostgreSQL, and an eviction from pgx's cache, on every request. Under bun (in a
// transaction, or WithoutDirectScan) the keys are written into the text as before.
type keyList struct {
	frag any   // what the statement's text holds: $1, or the array literal
	args []any // the statement's arguments
}

// keysOf returns the keyList of keys for a statement that scanModels runs on idb in ctx. The
// fragment is an array of bigint without its cast: write "?::bigint[]".
func keysOf(ctx context.Context, idb bun.IDB, keys []int64) keyList {
	if _, _, ok := directDB(ctx, idb); ok {
		return keyList{frag: bun.Safe("$1"), args: []any{keys}}
	}
	return keyList{frag: pgdialect.Array(keys)}
}

// runDirect runs query with args on a pgx connection of bdb's pool, between the query hooks, and
// hands its rows to scan. Under WithPipeline it joins the statements that the pipeline's other
// fetchers send at the same time, in one round trip (pipeline.go).
func runDirect(ctx context.Context, bdb *bun.DB, h *hub, query string, args []any, scan func(pgx.Rows) error) error {
	ctx, after := h.around(ctx, bdb, query, args)
	if p := pipelineOf(ctx); p != nil && !p.alone() {
		err := p.submit(ctx, bdb, &piped{query: query, args: args, scan: scan})
		after(err)
		return err
	}
	it := &piped{ctx: ctx, query: query, args: args, scan: scan, done: make(chan error, 1)}
	h.coal.run(bdb, []*piped{it})
	err := it.wait(ctx)
	after(err)
	return err
}

// scanAll hands rows to scan and closes them.
func scanAll(rows pgx.Rows, scan func(pgx.Rows) error) error {
	defer rows.Close()
	if err := scan(rows); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// onPgx runs f on the pgx connection of a connection from bdb's pool.
func onPgx(ctx context.Context, bdb *bun.DB, f func(*pgx.Conn) error) error {
	conn, err := bdb.DB.Conn(ctx)
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("direct scan: the driver connection is a %T, not pgx's", dc)
		}
		return f(sc.Conn())
	})
	if cerr := conn.Close(); err == nil && cerr != nil && cerr != sql.ErrConnDone {
		err = cerr
	}
	return err
}

// A scanPlan places the columns of a result in the fields of T: one fieldKind and offset per
// column.
type scanPlan struct {
	cols []fieldPlan
}

type fieldPlan struct {
	kind   fieldKind
	ptr    bool         // the field is a pointer to the kind
	offset uintptr      // of the field in the struct
	typ    reflect.Type // the field's type, for fOther
}

type fieldKind uint8

const (
	fOther fieldKind = iota // pgx scans into the field itself (such as a map from jsonb)
	fString
	fInt64
	fInt
	fTime
	fFloat
	fBool
)

type planKey struct {
	typ  reflect.Type
	cols string
}

var plans sync.Map // planKey → *scanPlan

var timeType = reflect.TypeFor[time.Time]()

// planFor returns the plan that scans columns into T, which must each be a field of T's table.
func planFor[T any](bdb *bun.DB, fds []pgconn.FieldDescription) (*scanPlan, error) {
	typ := reflect.TypeFor[T]()
	var sb strings.Builder
	for _, fd := range fds {
		sb.WriteString(fd.Name)
		sb.WriteByte(',')
	}
	key := planKey{typ, sb.String()}
	if p, ok := plans.Load(key); ok {
		return p.(*scanPlan), nil
	}
	table := bdb.Dialect().Tables().Get(typ)
	p := &scanPlan{cols: make([]fieldPlan, len(fds))}
	for i, fd := range fds {
		f, ok := table.FieldMap[fd.Name]
		if !ok {
			return nil, fmt.Errorf("direct scan: %s has no column %s", table.TypeName, fd.Name)
		}
		fp, err := fieldPlanOf(typ, f)
		if err != nil {
			return nil, err
		}
		p.cols[i] = fp
	}
	plans.Store(key, p)
	return p, nil
}

func fieldPlanOf(typ reflect.Type, f *schema.Field) (fieldPlan, error) {
	var fp fieldPlan
	t := typ
	for i, idx := range f.Index {
		sf := t.Field(idx)
		fp.offset += sf.Offset
		t = sf.Type
		if i < len(f.Index)-1 && t.Kind() != reflect.Struct {
			return fp, fmt.Errorf("direct scan: %s.%s is reached through a pointer", typ, f.GoName)
		}
	}
	fp.typ = t
	el := t
	if t.Kind() == reflect.Pointer {
		fp.ptr = true
		el = t.Elem()
	}
	switch {
	case el == timeType:
		fp.kind = fTime
	case el.Kind() == reflect.String:
		fp.kind = fString
	case el.Kind() == reflect.Int64:
		fp.kind = fInt64
	case el.Kind() == reflect.Int && strconv.IntSize == 64:
		fp.kind = fInt
	case el.Kind() == reflect.Float64:
		fp.kind = fFloat
	case el.Kind() == reflect.Bool:
		fp.kind = fBool
	default:
		fp.kind, fp.ptr = fOther, false
	}
	return fp, nil
}

// instance returns the scanners of one result set, and the destinations to hand rows.Scan.
func (p *scanPlan) instance() ([]field, []any) {
	fields := make([]field, len(p.cols))
	dest := make([]any, len(p.cols))
	mem := &rowMemory{}
	for i, c := range p.cols {
		fields[i] = field{fieldPlan: c, mem: mem}
		f := &fields[i]
		switch c.kind {
		case fString:
			dest[i] = (*textField)(f)
		case fInt64, fInt:
			dest[i] = (*intField)(f)
		case fTime:
			dest[i] = (*timeField)(f)
		case fFloat:
			dest[i] = (*floatField)(f)
		case fBool:
			dest[i] = (*boolField)(f)
		}
	}
	return fields, dest
}

// field is one column's scanner: it writes into the field at p of the current row. A text
// column keeps the strings it has read, while they repeat.
type field struct {
	fieldPlan
	p     unsafe.Pointer
	mem   *rowMemory // shared by the fields of one result
	texts map[string]string
	hits  int  // values found in texts
	full  bool // the column's values do not repeat enough to share (maxTexts, triedTexts)
}

// maxTexts is how many distinct values of a text column a result set shares. Statuses, kinds and
// categories have fewer. triedTexts is how many distinct values a column may show before it must
// have repeated one of them as often: names and numbers never do, and are then read one string
// each, without filling a map first.
const (
	maxTexts   = 32
	triedTexts = 6
)

func (f *field) point(row unsafe.Pointer) { f.p = unsafe.Add(row, f.offset) }

type (
	textField  field
	intField   field
	timeField  field
	floatField field
	boolField  field
)

// set writes v into the field at p: a T, or a *T when ptr. SQL NULL (!valid) gives nil, or T's
// zero value in a non-pointer field, as bun does.
// Only a pointer field allocates: v's address is never taken, so it stays off the heap.
func set[T any](p unsafe.Pointer, ptr bool, v T, valid bool) {
	switch {
	case ptr && !valid:
		*(**T)(p) = nil
	case ptr:
		c := new(T)
		*c = v
		*(**T)(p) = c
	case valid:
		*(*T)(p) = v
	default:
		var zero T
		*(*T)(p) = zero
	}
}

// ScanBytes reads a text column from the row's buffer (pgx prefers it to ScanText). Equal values
// of a result set share one string: a page of enrollments allocates its statuses once.
func (f *textField) ScanBytes(b []byte) error {
	if b == nil {
		set(f.p, f.ptr, "", false)
		return nil
	}
	set(f.p, f.ptr, f.text(b), true)
	return nil
}

func (f *textField) text(b []byte) string {
	if f.full {
		return f.mem.text(b)
	}
	if s, ok := f.texts[string(b)]; ok {
		f.hits++
		return s
	}
	s := f.mem.text(b)
	if f.texts == nil {
		f.texts = make(map[string]string, 8)
	}
	if n := len(f.texts); n < maxTexts && (n < triedTexts || f.hits >= n) {
		f.texts[s] = s
	} else {
		f.texts, f.full = nil, true
	}
	return s
}

func (f *intField) ScanInt64(v pgtype.Int8) error {
	if f.kind == fInt {
		set(f.p, f.ptr, int(v.Int64), v.Valid)
	} else {
		set(f.p, f.ptr, v.Int64, v.Valid)
	}
	return nil
}

// setTime writes a timestamp or date; an infinite one has no time.Time.
func (f *timeField) setTime(t time.Time, inf pgtype.InfinityModifier, valid bool) error {
	if valid && inf != pgtype.Finite {
		return errors.New("direct scan: an infinite timestamp or date cannot be read into a time")
	}
	if f.ptr && valid {
		*(**time.Time)(f.p) = f.mem.time(t)
		return nil
	}
	set(f.p, f.ptr, t, valid)
	return nil
}

// rowMemory is where the rows of one result keep their texts and the times of their nullable
// time columns: a few shared blocks instead of an allocation per value (a page of incentives has
// a paid_at in most rows, a page of participants a name and a NIK in each). A block lives as long
// as any value in it; rows are read for one request.
type rowMemory struct {
	texts []byte
	times []time.Time
}

const (
	textBlock    = 2048 // bytes of texts per block
	maxBlockText = 256  // longer texts get their own allocation
	timesBlock   = 16   // times per block
)

// text returns b as a string in the result's text blocks.
func (m *rowMemory) text(b []byte) string {
	if len(b) == 0 || len(b) > maxBlockText {
		return string(b)
	}
	if cap(m.texts)-len(m.texts) < len(b) {
		m.texts = make([]byte, 0, textBlock)
	}
	off := len(m.texts)
	m.texts = append(m.texts, b...) // never written again: the string below may alias it
	return unsafe.String(&m.texts[off], len(b))
}

// time returns a pointer to a copy of t in the result's time blocks.
func (m *rowMemory) time(t time.Time) *time.Time {
	if len(m.times) == 0 {
		m.times = make([]time.Time, timesBlock)
	}
	p := &m.times[0]
	m.times = m.times[1:]
	*p = t
	return p
}

func (f *timeField) ScanTimestamptz(v pgtype.Timestamptz) error {
	return f.setTime(v.Time, v.InfinityModifier, v.Valid)
}

func (f *timeField) ScanTimestamp(v pgtype.Timestamp) error {
	return f.setTime(v.Time, v.InfinityModifier, v.Valid)
}

func (f *timeField) ScanDate(v pgtype.Date) error {
	return f.setTime(v.Time, v.InfinityModifier, v.Valid)
}

func (f *floatField) ScanFloat64(v pgtype.Float8) error {
	set(f.p, f.ptr, v.Float64, v.Valid)
	return nil
}

func (f *boolField) ScanBool(v pgtype.Bool) error {
	set(f.p, f.ptr, v.Bool, v.Valid)
	return nil
}

// Raw decoding. When every column of a result is of a type and format below, scanModels reads
// the row's raw values itself instead of through rows.Scan: the same conversions as pgx's scan
// plans for these scanners (binary integers, floats, booleans, timestamptz and dates; text as its
// bytes), without a scan plan's dispatch per value. On the nested page that was most of what
// scanning cost beyond the values themselves. A result with any other column (jsonb, numeric, a
// text-format integer) is scanned by pgx as before. TestDirectScanMatchesBun compares both with
// bun's scanning over every table.

type rawKind uint8

const (
	rawText rawKind = iota + 1
	rawInt8
	rawInt4
	rawInt2
	rawTimestamptz
	rawDate
	rawFloat8
	rawBool
)

// binaryKinds are the binary columns that each kind of field decodes raw, by type.
var binaryKinds = func() map[fieldKind]map[uint32]rawKind {
	ints := map[uint32]rawKind{pgtype.Int8OID: rawInt8, pgtype.Int4OID: rawInt4, pgtype.Int2OID: rawInt2}
	return map[fieldKind]map[uint32]rawKind{
		fInt64: ints,
		fInt:   ints,
		fTime:  {pgtype.TimestamptzOID: rawTimestamptz, pgtype.DateOID: rawDate},
		fFloat: {pgtype.Float8OID: rawFloat8},
		fBool:  {pgtype.BoolOID: rawBool},
	}
}()

// rawKinds returns how to decode each column of r into fields, or nil when some column needs
// pgx's scan plans.
func rawKinds(r pgx.Rows, fields []field) []rawKind {
	fds := r.FieldDescriptions()
	if len(fds) != len(fields) {
		return nil
	}
	types := r.Conn().TypeMap()
	kinds := make([]rawKind, len(fds))
	for i, fd := range fds {
		binary := fd.Format == pgx.BinaryFormatCode
		var k rawKind
		switch fields[i].kind {
		case fString:
			switch fd.DataTypeOID {
			case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
				k = rawText
			default:
				// A type pgx does not know (an enum) comes as its text.
				if _, known := types.TypeForOID(fd.DataTypeOID); !known && !binary {
					k = rawText
				}
			}
		default:
			if binary {
				k = binaryKinds[fields[i].kind][fd.DataTypeOID]
			}
		}
		if k == 0 {
			return nil
		}
		kinds[i] = k
	}
	return kinds
}

// PostgreSQL's binary timestamps count microseconds, and its dates days, from 2000-01-01 UTC; the
// largest and smallest values stand for infinity and -infinity.
const (
	microsecFromUnixEpochToY2K = 946_684_800 * 1_000_000
	infinityMicroseconds       = math.MaxInt64
	negInfinityMicroseconds    = math.MinInt64
	infinityDays               = math.MaxInt32
	negInfinityDays            = math.MinInt32
)

// y2kMicros returns the instant microseconds after 2000-01-01 UTC, in time.Local, as pgx does.
func y2kMicros(us int64) time.Time {
	return time.Unix(microsecFromUnixEpochToY2K/1_000_000+us/1_000_000,
		(microsecFromUnixEpochToY2K%1_000_000*1_000)+(us%1_000_000*1_000))
}

func infinity[N int64 | int32](v, pos, neg N) pgtype.InfinityModifier {
	switch v {
	case pos:
		return pgtype.Infinity
	case neg:
		return pgtype.NegativeInfinity
	}
	return pgtype.Finite
}

// rawWidth checks a binary value's length.
func rawWidth(b []byte, n int, what string) error {
	if len(b) != n {
		return fmt.Errorf("direct scan: %s value of %d bytes, want %d", what, len(b), n)
	}
	return nil
}

// decodeRaw places one row's raw values in fields, each as kinds says.
func decodeRaw(fields []field, kinds []rawKind, vals [][]byte) error {
	if len(vals) != len(fields) {
		return fmt.Errorf("direct scan: %d values for %d columns", len(vals), len(fields))
	}
	for i, b := range vals {
		f := &fields[i]
		if b == nil {
			// NULL: the zero value, or nil in a pointer field (set).
			switch f.kind {
			case fString:
				set(f.p, f.ptr, "", false)
			case fInt64:
				set(f.p, f.ptr, int64(0), false)
			case fInt:
				set(f.p, f.ptr, 0, false)
			case fTime:
				set(f.p, f.ptr, time.Time{}, false)
			case fFloat:
				set(f.p, f.ptr, 0.0, false)
			case fBool:
				set(f.p, f.ptr, false, false)
			}
			continue
		}
		var err error
		switch kinds[i] {
		case rawText:
			err = (*textField)(f).ScanBytes(b)
		case rawInt8:
			if err = rawWidth(b, 8, "int8"); err == nil {
				err = (*intField)(f).ScanInt64(pgtype.Int8{Int64: int64(binary.BigEndian.Uint64(b)), Valid: true})
			}
		case rawInt4:
			if err = rawWidth(b, 4, "int4"); err == nil {
				err = (*intField)(f).ScanInt64(pgtype.Int8{Int64: int64(int32(binary.BigEndian.Uint32(b))), Valid: true})
			}
		case rawInt2:
			if err = rawWidth(b, 2, "int2"); err == nil {
				err = (*intField)(f).ScanInt64(pgtype.Int8{Int64: int64(int16(binary.BigEndian.Uint16(b))), Valid: true})
			}
		case rawTimestamptz:
			if err = rawWidth(b, 8, "timestamptz"); err == nil {
				us := int64(binary.BigEndian.Uint64(b))
				inf := infinity(us, infinityMicroseconds, negInfinityMicroseconds)
				var t time.Time
				if inf == pgtype.Finite {
					t = y2kMicros(us)
				}
				err = (*timeField)(f).setTime(t, inf, true)
			}
		case rawDate:
			if err = rawWidth(b, 4, "date"); err == nil {
				days := int32(binary.BigEndian.Uint32(b))
				inf := infinity(days, infinityDays, negInfinityDays)
				var t time.Time
				if inf == pgtype.Finite {
					t = time.Date(2000, 1, int(1+days), 0, 0, 0, 0, time.UTC)
				}
				err = (*timeField)(f).setTime(t, inf, true)
			}
		case rawFloat8:
			if err = rawWidth(b, 8, "float8"); err == nil {
				err = (*floatField)(f).ScanFloat64(pgtype.Float8{Float64: math.Float64frombits(binary.BigEndian.Uint64(b)), Valid: true})
			}
		case rawBool:
			if err = rawWidth(b, 1, "bool"); err == nil {
				err = (*boolField)(f).ScanBool(pgtype.Bool{Bool: b[0] == 1, Valid: true})
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
