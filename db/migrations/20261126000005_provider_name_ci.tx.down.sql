DROP INDEX IF EXISTS providers_name_lower_key;
CREATE INDEX providers_name_prefix_idx ON providers (lower(name) text_pattern_ops);
