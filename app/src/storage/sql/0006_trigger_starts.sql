-- The trigger outbox: an execution a trigger decided to start is written here in the same
-- transaction as the trigger's new state (a Schedule's last instant, a Flow trigger's consumed
-- preconditions). A relay on every replica starts it with this row's id as the execution id and
-- deletes the row; starting an id twice makes one execution, so a crash anywhere between the
-- trigger commit and the start neither loses nor duplicates the start.
CREATE TABLE trigger_starts (
  id             text        PRIMARY KEY,      -- the id the execution gets
  namespace      text        NOT NULL,
  flow_id        text        NOT NULL,
  trigger_id     text        NOT NULL,
  trig           jsonb       NOT NULL,         -- the trigger as it fired (type, definition, pinned commit)
  request        jsonb       NOT NULL,         -- trigger variables, inputs, labels, correlation id
  created_at     timestamptz NOT NULL,
  claimed_until  timestamptz,                  -- a relay is starting it until then (NULL: free)
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text
);
CREATE INDEX trigger_starts_claimable ON trigger_starts (claimed_until NULLS FIRST, created_at);
