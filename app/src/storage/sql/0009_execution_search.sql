-- The executions list (REST search, console): newest first with the id as tie-break, so a keyset page
-- ("after this row") is an index range; the same order per state and per flow; labels by containment.
CREATE INDEX executions_created_id ON executions (created_at DESC, id DESC);
CREATE INDEX executions_state_created ON executions (state, created_at DESC, id DESC);
CREATE INDEX executions_flow_created ON executions (namespace, flow_id, created_at DESC, id DESC);
CREATE INDEX executions_labels ON executions USING gin ((document -> 'labels') jsonb_path_ops);
CREATE INDEX executions_sha ON executions (sha text_pattern_ops);
DROP INDEX executions_created;
DROP INDEX executions_flow;
