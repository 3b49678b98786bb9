-- Notifications also tell a member that a quiz was published for them ('assigned') and
-- that their error report was answered ('report') (PostgreSQL).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('reminder', 'monthly', 'assigned', 'report'));
