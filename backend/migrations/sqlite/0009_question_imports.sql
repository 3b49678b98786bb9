-- Question file imports: the uploaded file, kept between the preview and the confirmed
-- import (which reads it again, so what is written is what the file says), the preview
-- summary as JSON, and the outcome.
CREATE TABLE question_imports (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id              BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name            TEXT NOT NULL,
    format               TEXT NOT NULL,
    payload              BLOB,
    category_id          BIGINT REFERENCES question_categories(id) ON DELETE SET NULL,
    owner_branch_id      BIGINT REFERENCES branches(id) ON DELETE CASCADE,
    owner_youth_group_id BIGINT REFERENCES youth_groups(id) ON DELETE CASCADE,
    state                TEXT NOT NULL,
    summary              TEXT NOT NULL,
    error                TEXT,
    created_at           BIGINT NOT NULL,
    finished_at          BIGINT
);
CREATE INDEX question_imports_user ON question_imports (user_id, created_at);
