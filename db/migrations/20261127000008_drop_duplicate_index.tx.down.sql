CREATE INDEX IF NOT EXISTS enrollments_order_idx ON enrollments (platform_id, order_id);
