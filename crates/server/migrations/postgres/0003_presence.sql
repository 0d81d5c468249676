-- Version 3: who is online across nodes. Each node counts its own open
-- sockets per user; a node that stops refreshing `nodes.seen_at` (it died)
-- has its rows swept by the others.
CREATE TABLE nodes (
    node_id TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

CREATE TABLE presence (
    service_sid TEXT NOT NULL,
    identity    TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    PRIMARY KEY (service_sid, identity, node_id)
);
CREATE INDEX presence_by_node ON presence(node_id);
