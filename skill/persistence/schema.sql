-- One row per partition key (the Alexa user id by default): the persistent attributes as JSON.
-- The skill's own record is {"visits": n, "step": n or null, "record": random id}; see changes.py.
-- expires_at (Unix seconds, a whole day) is set 90 days ahead on every write; rows past it are purged.
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    expires_at INTEGER
);

-- Request ids answered (skill/web/replays.py), none of them hers: each kept until the moment its request's
-- timestamp is refused anyway (Unix seconds). Keyed by that moment first, so new ids are appended at the
-- end and the purge cuts from the front.
CREATE TABLE IF NOT EXISTS answered_requests (
    until INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (until, id)
) WITHOUT ROWID;
