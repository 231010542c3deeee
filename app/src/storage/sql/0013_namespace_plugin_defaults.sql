-- The pluginDefaults `.osprey.yml` gives a flow's namespace (and its parents) at the commit a revision
-- was deployed from: part of the revision, as its source is, so an execution pinned to a revision
-- runs with the defaults of that commit. A change of them alone makes a new revision.
ALTER TABLE flow_revisions ADD COLUMN plugin_defaults jsonb NOT NULL DEFAULT '[]'::jsonb;
