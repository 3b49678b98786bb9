-- Question imports parse their file once: the preview stores what it read (`parsed`, JSON)
-- and confirming plans from that, so the uploaded bytes are no longer kept. A confirmed
-- import records which process writes it (`runner`) and when that process last said it
-- was alive (`heartbeat_at`), so an import whose process died can be confirmed again.
ALTER TABLE question_imports ADD COLUMN parsed TEXT;
ALTER TABLE question_imports ADD COLUMN runner TEXT;
ALTER TABLE question_imports ADD COLUMN heartbeat_at BIGINT;
CREATE INDEX question_imports_state ON question_imports (state, created_at);
