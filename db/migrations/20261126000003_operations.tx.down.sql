DROP INDEX IF EXISTS enrollments_order_idx;
ALTER TABLE incentives DROP COLUMN IF EXISTS survey_completed_at;
ALTER TABLE placements DROP COLUMN IF EXISTS started_on;
ALTER TABLE payout_accounts DROP CONSTRAINT payout_accounts_status_check;
ALTER TABLE payout_accounts ADD CONSTRAINT payout_accounts_status_check CHECK (status IN ('PENDING', 'VALIDATED', 'REJECTED'));
ALTER TABLE training_sessions DROP COLUMN IF EXISTS cancel_reason;
