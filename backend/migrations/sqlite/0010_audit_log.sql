-- The audit log (SQLite): who changed what, when, with the record before and after as
-- JSON text (never a password or its hash). Written in the transaction of the change, so a
-- change and its entry commit together or not at all. Append-only.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    BIGINT REFERENCES users(id),
    actor_name  TEXT NOT NULL,          -- the actor's display name at the time
    action      TEXT NOT NULL,          -- create, update, delete, reset_password, import
    entity      TEXT NOT NULL,          -- member, branch, cell, youth_group, points_rules, ...
    entity_id   TEXT,                   -- the record's id (text: some records are keyed by name)
    before_json TEXT,
    after_json  TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (created_at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at);
CREATE INDEX audit_log_entity ON audit_log (entity, created_at);
