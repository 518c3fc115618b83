DROP TABLE IF EXISTS app_settings, audit_events, placements, payments, incentives, incentive_schedules,
    payout_accounts, reviews, certificates, balance_ledger, enrollments, training_sessions, course_listings,
    courses, providers, platforms, wave_applications, blacklist, participants, households,
    wave_province_quotas, waves, benefit_schemes, provinces CASCADE;
