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
	group, err := mg.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return group, nil
}

// Rollback undoes the last applied group of migrations.
func Rollback(ctx context.Context, idb *bun.DB) (*migrate.MigrationGroup, error) {
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
	group, err := mg.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("rollback: %w", err)
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
