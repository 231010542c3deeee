-- The deployed triggers of each flow (the trigger registry). What a trigger remembers between
-- evaluations (cursor, precondition progress, next fire time, stopped by stopAfter) stays in
-- trigger_state, under the same key; it is kept while the definition's fingerprint is unchanged.
CREATE TABLE triggers (
  namespace     text        NOT NULL,
  flow_id       text        NOT NULL,
  trigger_id    text        NOT NULL,
  type          text        NOT NULL,            -- Kestra type name as declared
  kind          text        NOT NULL CHECK (kind IN ('schedule', 'schedule-on-dates', 'flow', 'webhook', 'git', 'unknown')),
  definition    jsonb       NOT NULL,            -- the trigger as declared in the flow
  fingerprint   text        NOT NULL,            -- sha256 of the definition without its description
  repository    text        NOT NULL,            -- where the flow was deployed from (executions pin to it)
  sha           text        NOT NULL,
  path          text        NOT NULL,
  revision      integer     NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false, -- declared `disabled: true`
  problem       text,                            -- why Osprey refused the trigger; NULL when accepted
  registered_at timestamptz NOT NULL,            -- when this definition was first registered
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, flow_id, trigger_id)
);
CREATE INDEX triggers_kind ON triggers (kind) WHERE NOT disabled AND problem IS NULL;
