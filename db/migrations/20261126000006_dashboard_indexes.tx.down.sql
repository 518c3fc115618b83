DROP INDEX IF EXISTS participants_wave_status_idx;
DROP INDEX IF EXISTS incentives_province_status_kind_idx;
