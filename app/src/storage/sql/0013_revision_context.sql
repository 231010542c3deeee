-- What a revision was deployed with besides its file, read from the same commit: the pluginDefaults
-- `.osprey.yml` gives the flow's namespace (and its parents), and the templates its Template tasks
-- include (templates/**.yaml, by "namespace/id"). Part of the revision, as its source is, so an
-- execution pinned to a revision runs with that commit's; a change of them alone makes a new revision.
ALTER TABLE flow_revisions
  ADD COLUMN plugin_defaults jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN templates jsonb NOT NULL DEFAULT '{}'::jsonb;
