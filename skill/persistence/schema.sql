-- One row per partition key (the Alexa user id by default): the persistent attributes as JSON.
-- The skill's own record is {"visits": n, "step": n or null, "record": random id}; see changes.py.
-- expires_at (Unix seconds, a whole day) is set 90 days ahead on every write; rows past it are purged.
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    expires_at INTEGER
);
