-- Program operations: what the mutations need beyond the read model.

ALTER TABLE training_sessions ADD COLUMN cancel_reason text;

-- A payout account replaced by a newer validated one.
ALTER TABLE payout_accounts DROP CONSTRAINT payout_accounts_status_check;
ALTER TABLE payout_accounts ADD CONSTRAINT payout_accounts_status_check
    CHECK (status IN ('PENDING', 'VALIDATED', 'REJECTED', 'REPLACED'));

-- When a placed participant starts work.
ALTER TABLE placements ADD COLUMN started_on date;

-- Survey incentives: when the survey was completed.
ALTER TABLE incentives ADD COLUMN survey_completed_at timestamptz;

-- Platform order ids are idempotency keys: a retried order finds its enrollment by them.
CREATE INDEX IF NOT EXISTS enrollments_order_idx ON enrollments (platform_id, order_id);
