-- Provider names are unique regardless of letter case, so that a race cannot register one twice.
DROP INDEX IF EXISTS providers_name_prefix_idx;
CREATE UNIQUE INDEX providers_name_lower_key ON providers (lower(name) text_pattern_ops);
