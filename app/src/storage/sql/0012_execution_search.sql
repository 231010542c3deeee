-- The executions list (REST search, console). Newest first with the id as tie-break, so a keyset page
-- ("after this row") is an index range; the same order per state and per flow. The labels and the
-- branch / pull request of the git event that started an execution are copied out of the document
-- (generated columns): filtering on them then reads a few bytes per row, not the whole document.
ALTER TABLE executions
  ADD COLUMN labels jsonb GENERATED ALWAYS AS (coalesce(document -> 'labels', '[]'::jsonb)) STORED,
  ADD COLUMN trigger_branch text GENERATED ALWAYS AS (document #>> '{trigger,variables,branch}') STORED,
  ADD COLUMN trigger_pr text GENERATED ALWAYS AS (document #>> '{trigger,variables,number}') STORED;
CREATE INDEX executions_created_id ON executions (created_at DESC, id DESC);
CREATE INDEX executions_state_created ON executions (state, created_at DESC, id DESC);
CREATE INDEX executions_flow_created ON executions (namespace, flow_id, created_at DESC, id DESC);
CREATE INDEX executions_labels ON executions USING gin (labels jsonb_path_ops);
CREATE INDEX executions_sha ON executions (sha text_pattern_ops);
CREATE INDEX executions_branch ON executions (trigger_branch, created_at DESC, id DESC) WHERE trigger_branch IS NOT NULL;
CREATE INDEX executions_pr ON executions (trigger_pr, created_at DESC, id DESC) WHERE trigger_pr IS NOT NULL;
DROP INDEX executions_created;
DROP INDEX executions_flow;
