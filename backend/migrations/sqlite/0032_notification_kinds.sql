-- Notifications also tell a member that a quiz was published for them ('assigned') and
-- that their error report was answered ('report') (SQLite: a CHECK constraint changes by
-- rebuilding the table; nothing references it).
CREATE TABLE notifications_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'monthly', 'assigned', 'report')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    item_kind   TEXT,                   -- the module or quiz it is about
    item_id     BIGINT,
    sender_id   BIGINT REFERENCES users(id),
    dedup_key   TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT,
    UNIQUE (user_id, dedup_key)
);
INSERT INTO notifications_new (id, user_id, kind, title, body, item_kind, item_id, sender_id,
                               dedup_key, created_at, read_at)
    SELECT id, user_id, kind, title, body, item_kind, item_id, sender_id, dedup_key,
           created_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
