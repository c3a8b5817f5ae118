-- One row per partition key (the Alexa user id by default): the persistent attributes as JSON.
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    updated_at TEXT
);
