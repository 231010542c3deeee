-- WorkingDirectory on remote runners: every child of a WorkingDirectory task run must run on the
-- runner that ran its first child (the folder is there). A child's job carries the WorkingDirectory
-- task run id as its affinity key; the first lease of a key records its runner here, and later jobs
-- of the key go to that runner's own queue. A lost runner marks its keys lost: the remaining
-- children fail instead of running in an empty folder elsewhere.
ALTER TABLE task_jobs ADD COLUMN affinity_key text;

CREATE TABLE task_affinities (
  key           text        PRIMARY KEY,      -- the WorkingDirectory task run id
  execution_id  text        NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  task_id       text        NOT NULL,         -- the WorkingDirectory task id (for messages)
  runner_id     text        NOT NULL,
  runner_name   text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  lost_at       timestamptz,                  -- the runner was lost or left: remaining children fail
  finished_at   timestamptz                   -- the WorkingDirectory ended: the runner may delete the folder
);
CREATE INDEX task_affinities_finished ON task_affinities (runner_id) WHERE finished_at IS NOT NULL;
CREATE INDEX task_affinities_open ON task_affinities (runner_id) WHERE finished_at IS NULL AND lost_at IS NULL;
