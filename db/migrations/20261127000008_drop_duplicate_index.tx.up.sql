-- enrollments_order_idx (platform_id, order_id) repeats the index of the UNIQUE (platform_id,
-- order_id) constraint, which serves every lookup by order: 100 MB at a million participants,
-- maintained on every purchase and rebuilt by every bulk seed, for nothing.
DROP INDEX IF EXISTS enrollments_order_idx;
