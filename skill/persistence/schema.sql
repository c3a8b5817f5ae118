-- One row per partition key (the Alexa user id by default): the persistent attributes as JSON.
-- The skill's own record is {"visits": n, "step": n or null, "record": random id}; see changes.py.
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL
);

-- One row that /healthz rewrites to prove the store takes writes; it says nothing about anyone.
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checks INTEGER NOT NULL
);
