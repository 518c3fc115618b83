package db_test

import (
	"context"
	"os"
	"testing"

	"prakerja/db"
	"prakerja/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestMigrations checks that the migrations go up, down and up again on an empty database, and
// that the schema they leave is the same each time.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	bdb, _ := dbtest.MustEmptyDB(t)
	tables := func() []string {
		var names []string
		err := bdb.NewSelect().Column("table_name").Table("information_schema.tables").
			Where("table_schema = 'public' AND table_name NOT LIKE 'bun_%'").OrderExpr("table_name").Scan(ctx, &names)
		if err != nil {
			t.Fatalf("list tables: %v", err)
		}
		return names
	}
	if _, err := db.Migrate(ctx, bdb); err != nil {
		t.Fatalf("Migrate() = %v, want nil", err)
	}
	first := tables()
	if len(first) < 20 {
		t.Fatalf("after migrating, %d tables, want at least 20: %v", len(first), first)
	}
	if ok, err := db.Migrated(ctx, bdb); err != nil || !ok {
		t.Fatalf("Migrated() = %v, %v; want true, nil", ok, err)
	}
	if _, err := db.Rollback(ctx, bdb); err != nil {
		t.Fatalf("Rollback() = %v, want nil", err)
	}
	if got := tables(); len(got) != 0 {
		t.Fatalf("after rolling back, tables = %v, want none", got)
	}
	if ok, err := db.Migrated(ctx, bdb); err != nil || ok {
		t.Fatalf("after rollback Migrated() = %v, %v; want false, nil", ok, err)
	}
	if _, err := db.Migrate(ctx, bdb); err != nil {
		t.Fatalf("Migrate() again = %v, want nil", err)
	}
	if got := tables(); len(got) != len(first) {
		t.Fatalf("after migrating again, tables = %v, want %v", got, first)
	}
	var provinces, schemes int
	if err := bdb.NewRaw("SELECT (SELECT count(*) FROM provinces), (SELECT count(*) FROM benefit_schemes)").Scan(ctx, &provinces, &schemes); err != nil {
		t.Fatal(err)
	}
	if provinces != 38 || schemes != 2 {
		t.Fatalf("reference data = %d provinces, %d schemes; want 38, 2", provinces, schemes)
	}
}

// TestConstraints checks that the database itself refuses rows that break the program's rules.
func TestConstraints(t *testing.T) {
	ctx := context.Background()
	bdb := dbtest.MustDB(t)
	for _, tc := range []struct {
		name string
		sql  string
	}{
		{"negative balance", `INSERT INTO households VALUES ('3201010101010001', 1);
			INSERT INTO participants (nik, kk_number, full_name, birth_date, gender, province_code, email, phone, education, employment_status, status, balance, registered_at)
			VALUES ('3201011505900001', '3201010101010001', 'A', '1990-05-15', 'MALE', '32', 'a@b.c', '0812', 'BACHELOR', 'UNEMPLOYED', 'REGISTERED', -1, now())`},
		{"NIK serial 0000", `INSERT INTO households VALUES ('3201010101010001', 1);
			INSERT INTO participants (nik, kk_number, full_name, birth_date, gender, province_code, email, phone, education, employment_status, status, registered_at)
			VALUES ('3201011505900000', '3201010101010001', 'A', '1990-05-15', 'MALE', '32', 'a@b.c', '0812', 'BACHELOR', 'UNEMPLOYED', 'REGISTERED', now())`},
		{"NIK province differs", `INSERT INTO households VALUES ('3201010101010001', 1);
			INSERT INTO participants (nik, kk_number, full_name, birth_date, gender, province_code, email, phone, education, employment_status, status, registered_at)
			VALUES ('3201011505900001', '3201010101010001', 'A', '1990-05-15', 'MALE', '33', 'a@b.c', '0812', 'BACHELOR', 'UNEMPLOYED', 'REGISTERED', now())`},
		{"three members of a KK", `INSERT INTO households VALUES ('3201010101010001', 3)`},
		{"seats over capacity", `INSERT INTO platforms (code, name, website, joined_on) VALUES ('X', 'X', 'x', '2020-01-01');
			INSERT INTO providers (name, kind, province_code) VALUES ('P', 'BLK', '32');
			INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at) VALUES (1, 'T', 'C', 'OFFLINE', 16, now());
			INSERT INTO training_sessions (course_id, starts_at, ends_at, capacity, seats_taken, status) VALUES (1, now(), now() + interval '1 hour', 40, 41, 'FULL')`},
		{"offline class over 40", `INSERT INTO providers (name, kind, province_code) VALUES ('P', 'BLK', '32');
			INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at) VALUES (1, 'T', 'C', 'OFFLINE', 16, now());
			INSERT INTO training_sessions (course_id, starts_at, ends_at, capacity, status, venue_type, venue_name, venue_regency, venue_province_code)
			VALUES (1, now(), now() + interval '1 hour', 41, 'OPEN', 'CLASSROOM', 'R', 'Kota Bandung', '32')`},
		{"rating 6", `INSERT INTO providers (name, kind, province_code) VALUES ('P', 'BLK', '32');
			INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at, review_count, rating_sum) VALUES (1, 'T', 'C', 'OFFLINE', 16, now(), 1, 6)`},
		{"negative price", `INSERT INTO platforms (code, name, website, joined_on) VALUES ('X', 'X', 'x', '2020-01-01');
			INSERT INTO providers (name, kind, province_code) VALUES ('P', 'BLK', '32');
			INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at) VALUES (1, 'T', 'C', 'OFFLINE', 16, now());
			INSERT INTO course_listings (course_id, platform_id, price, listed_at) VALUES (1, 1, -5, now())`},
		{"two listings on one platform", `INSERT INTO platforms (code, name, website, joined_on) VALUES ('X', 'X', 'x', '2020-01-01');
			INSERT INTO providers (name, kind, province_code) VALUES ('P', 'BLK', '32');
			INSERT INTO courses (provider_id, title, category, mode, duration_hours, created_at) VALUES (1, 'T', 'C', 'OFFLINE', 16, now());
			INSERT INTO course_listings (course_id, platform_id, price, listed_at) VALUES (1, 1, 5, now()), (1, 1, 6, now())`},
		{"private provider without NIB", `INSERT INTO providers (name, kind, province_code) VALUES ('P', 'PRIVATE', '32')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := bdb.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback() //nolint:errcheck
			if _, err := tx.ExecContext(ctx, tc.sql); err == nil {
				t.Fatalf("the database accepted a row with %s; want a constraint violation", tc.name)
			} else if db.ErrorCode(err) != db.ECONFLICT {
				t.Fatalf("ErrorCode(%v) = %q, want %q", err, db.ErrorCode(err), db.ECONFLICT)
			}
		})
	}
}
