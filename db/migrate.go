package db

import (
	"context"
	"embed"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded, timestamped SQL migrations.
func Migrations() (*migrate.Migrations, error) {
	m := migrate.NewMigrations()
	if err := m.Discover(migrationFiles); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return m, nil
}

// Migrator returns a migrator over the embedded migrations that marks a migration applied only
// when it succeeded.
func Migrator(idb *bun.DB) (*migrate.Migrator, error) {
	m, err := Migrations()
	if err != nil {
		return nil, err
	}
	return migrate.NewMigrator(idb, m, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies every pending migration under the migrator's lock and returns the group applied,
// which is empty when the schema was current.
func Migrate(ctx context.Context, idb *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, idb, "migrate", func(mg *migrate.Migrator) (*migrate.MigrationGroup, error) { return mg.Migrate(ctx) })
}

// Rollback undoes the last applied group of migrations.
func Rollback(ctx context.Context, idb *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, idb, "rollback", func(mg *migrate.Migrator) (*migrate.MigrationGroup, error) { return mg.Rollback(ctx) })
}

// locked runs f with the migrator's tables created and its lock held, so that replicas starting at
// once migrate one at a time.
func locked(ctx context.Context, idb *bun.DB, what string, f func(*migrate.Migrator) (*migrate.MigrationGroup, error)) (*migrate.MigrationGroup, error) {
	mg, err := Migrator(idb)
	if err != nil {
		return nil, err
	}
	if err := mg.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	if err := mg.Lock(ctx); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	defer mg.Unlock(ctx) //nolint:errcheck
	group, err := f(mg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return group, nil
}

// Migrated reports whether every embedded migration has been applied.
func Migrated(ctx context.Context, idb *bun.DB) (bool, error) {
	mg, err := Migrator(idb)
	if err != nil {
		return false, err
	}
	ms, err := mg.MigrationsWithStatus(ctx)
	if err != nil {
		return false, fmt.Errorf("migration status: %w", err)
	}
	return len(ms.Unapplied()) == 0, nil
}
