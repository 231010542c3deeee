-- Polling triggers (the JDBC Trigger): a trigger kind the schedule leader evaluates every interval.
ALTER TABLE triggers DROP CONSTRAINT IF EXISTS triggers_kind_check;
ALTER TABLE triggers ADD CONSTRAINT triggers_kind_check
  CHECK (kind IN ('schedule', 'schedule-on-dates', 'flow', 'webhook', 'git', 'polling', 'unknown'));
