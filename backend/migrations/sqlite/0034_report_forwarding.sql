-- Issue 17: an organizer forwards an error report on an organization question (which only
-- admins edit) to the admins with a note; admins work through the forwarded ones as a queue.
ALTER TABLE question_reports ADD COLUMN forwarded_by BIGINT REFERENCES users(id);
ALTER TABLE question_reports ADD COLUMN forwarded_at BIGINT;
ALTER TABLE question_reports ADD COLUMN forward_note TEXT;
CREATE INDEX question_reports_forwarded ON question_reports (status, forwarded_at);
