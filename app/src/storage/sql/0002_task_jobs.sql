-- The durable engine (app/src/dispatch): executions keep the flow they are pinned to beside their
-- state, so any replica can step them after a restart; runners lease task jobs.

-- The parsed flow (JSON) the execution runs, as it was when the execution was created.
ALTER TABLE executions ADD COLUMN flow jsonb;

-- One row per task-run attempt sent to runners. The pg-boss job (boss_id, in `queue`) carries the
-- TaskJob; this row is the lease: which runner holds it until when, and whether it was settled.
-- job_id is `<task run id>-<attempt>`, the idempotency key of the runner's result.
CREATE TABLE task_jobs (
  job_id           text        PRIMARY KEY,
  execution_id     text        NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  namespace        text        NOT NULL,
  flow_id          text        NOT NULL,
  task_run_id      text        NOT NULL,
  task_id          text        NOT NULL,
  attempt          integer     NOT NULL CHECK (attempt > 0),
  worker_group     text,                       -- NULL: the default group
  queue            text        NOT NULL,
  boss_id          uuid        NOT NULL UNIQUE,
  state            text        NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'lost', 'cancelled', 'released')),
  timeout_ms       integer,
  min_log_level    text        NOT NULL DEFAULT 'TRACE',
  runner_id        text,
  runner_name      text,
  lease_id         text,
  leased_at        timestamptz,
  lease_expires_at timestamptz,
  cancel_requested boolean     NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  ended_at         timestamptz
);
CREATE INDEX task_jobs_lease_expiry ON task_jobs (lease_expires_at) WHERE state = 'leased';
CREATE INDEX task_jobs_open_by_task_run ON task_jobs (task_run_id) WHERE state IN ('queued', 'leased');
CREATE INDEX task_jobs_execution ON task_jobs (execution_id);
