-- In-app notifications and reminders (PostgreSQL).
-- One row per recipient. `dedup_key` (e.g. 'monthly:2026-03') makes generated
-- notifications idempotent per member; staff reminders have none.
CREATE TABLE notifications (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'monthly')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    item_kind   TEXT,                   -- the module or quiz a reminder is about
    item_id     BIGINT,
    sender_id   BIGINT REFERENCES users(id),
    dedup_key   TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- Scheduled jobs that must run once per period across every instance (e.g. the monthly
-- reminder 'monthly:2026-03'): the first instance to insert the row runs the job;
-- finished_at tells a later run whether an interrupted job needs resuming.
CREATE TABLE scheduled_runs (
    run_key     TEXT PRIMARY KEY,
    claimed_at  BIGINT NOT NULL,
    finished_at BIGINT,
    recipients  BIGINT NOT NULL DEFAULT 0
);
