package db

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/uptrace/bun"
)

// cell is one value of a row of an aggregate: a group key (text or a number) or a measure.
// Numbers are float64, exact for the integers aggregates return (counts, ids and sums of rupiah
// stay far below 2^53).
type cell struct {
	text *string // a text; equal texts of one statement share the pointer
	num  float64
	null bool
}

func (c cell) int64() int64 { return int64(c.num) }

// textOf returns the cell's text as a *T. Keys of one statement share the pointer of equal texts,
// so a statement's 212 statuses are three strings; nothing writes through a key's fields.
// (T's underlying type is string, so the pointer converts as it is.)
func textOf[T ~string](c cell) *T { return (*T)(unsafe.Pointer(c.text)) }

// queryCells runs q and returns its column names and its rows. On the direct path the values are
// decoded from the wire into cells, which share one allocation per 64 rows; repeated key texts
// (statuses, categories) are allocated once per statement.
func queryCells(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, args ...any) ([]string, [][]cell, error) {
	var cols []string
	var out [][]cell
	if bdb, h, ok := directDB(ctx, idb); ok {
		b, err := q.AppendQuery(bdb.QueryGen(), nil)
		if err != nil {
			return nil, nil, err
		}
		err = runDirect(ctx, bdb, h, string(b), args, func(r pgx.Rows) error {
			fds := r.FieldDescriptions()
			for _, fd := range fds {
				cols = append(cols, fd.Name)
			}
			m := r.Conn().TypeMap()
			texts := interner{}
			var slab []cell
			for r.Next() {
				raw := r.RawValues()
				if len(slab) < len(raw) {
					slab = make([]cell, len(raw)*64)
				}
				row := slab[:len(raw):len(raw)]
				slab = slab[len(raw):]
				for i, v := range raw {
					if err := decodeCell(m, fds[i], v, &row[i], texts); err != nil {
						return fmt.Errorf("column %s: %w", fds[i].Name, err)
					}
				}
				out = append(out, row)
			}
			return nil
		})
		return cols, out, err
	}
	rows, err := q.Rows(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	if cols, err = rows.Columns(); err != nil {
		return nil, nil, err
	}
	v := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range v {
		dest[i] = &v[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		row := make([]cell, len(cols))
		for i, x := range v {
			row[i] = cellOf(x)
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

// decodeCell reads one value as the server sent it: the integer, float and text types directly,
// anything else through pgx's codec for its type.
func decodeCell(m *pgtype.Map, fd pgconn.FieldDescription, b []byte, c *cell, texts interner) error {
	switch {
	case b == nil:
		c.null = true
		return nil
	case isText(fd.DataTypeOID):
		c.text = texts.of(b) // the same bytes in either format
		return nil
	}
	if fd.Format == pgx.BinaryFormatCode {
		switch fd.DataTypeOID {
		case pgtype.Int8OID:
			if len(b) == 8 {
				c.num = float64(int64(binary.BigEndian.Uint64(b)))
				return nil
			}
		case pgtype.Int4OID:
			if len(b) == 4 {
				c.num = float64(int32(binary.BigEndian.Uint32(b)))
				return nil
			}
		case pgtype.Int2OID:
			if len(b) == 2 {
				c.num = float64(int16(binary.BigEndian.Uint16(b)))
				return nil
			}
		case pgtype.Float8OID:
			if len(b) == 8 {
				c.num = math.Float64frombits(binary.BigEndian.Uint64(b))
				return nil
			}
		case pgtype.Float4OID:
			if len(b) == 4 {
				c.num = float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
				return nil
			}
		}
	} else {
		switch fd.DataTypeOID {
		case pgtype.Int8OID, pgtype.Int4OID, pgtype.Int2OID, pgtype.Float8OID, pgtype.Float4OID, pgtype.NumericOID:
			f, err := strconv.ParseFloat(string(b), 64)
			c.num = f
			return err
		}
		if _, known := m.TypeForOID(fd.DataTypeOID); !known {
			c.text = texts.of(b) // an enum: its label
			return nil
		}
	}
	t, ok := m.TypeForOID(fd.DataTypeOID)
	if !ok {
		return fmt.Errorf("cannot read type %d in format %d", fd.DataTypeOID, fd.Format)
	}
	v, err := t.Codec.DecodeValue(m, fd.DataTypeOID, fd.Format, b)
	if err != nil {
		return err
	}
	*c = cellOf(v)
	return nil
}

// isText reports whether oid is one of the text types.
func isText(oid uint32) bool {
	switch oid {
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		return true
	}
	return false
}

// cellOf turns a value as a driver returns it into a cell.
func cellOf(v any) cell {
	switch x := v.(type) {
	case nil:
		return cell{null: true}
	case string:
		return cell{text: &x}
	case []byte:
		s := string(x)
		return cell{text: &s}
	case time.Time:
		s := x.Format(time.DateOnly)
		return cell{text: &s}
	}
	return cell{num: toFloat(v)}
}

// interner returns one string, behind one pointer, per distinct text of a statement, up to a
// bound.
type interner map[string]*string

func (in interner) of(b []byte) *string {
	if p, ok := in[string(b)]; ok {
		return p
	}
	s := string(b)
	if len(in) < 256 {
		in[s] = &s
	}
	return &s
}
