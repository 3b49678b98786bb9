-- The organizers' question editor (PostgreSQL): a category tree, questions owned by a branch or
-- youth group (neither: the organization's own bank, which admins edit), versions, and
-- members' error reports (答题纠错).
ALTER TABLE question_categories ADD COLUMN parent_id BIGINT REFERENCES question_categories(id);
ALTER TABLE questions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE questions ADD COLUMN owner_branch_id BIGINT REFERENCES branches(id);
ALTER TABLE questions ADD COLUMN owner_youth_group_id BIGINT REFERENCES youth_groups(id);

-- Superseded versions only: a question's current content stays in `questions`. An edit of
-- a question that some attempt holds copies the old content here and bumps the version, so
-- past attempts keep showing (and are graded by) what was answered.
CREATE TABLE question_versions (
    question_id  BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    stem         TEXT NOT NULL,
    options      TEXT NOT NULL,
    answer_key   TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    source       TEXT NOT NULL,
    difficulty   BIGINT NOT NULL,
    tags         TEXT NOT NULL,
    replaced_at  BIGINT NOT NULL,
    PRIMARY KEY (question_id, version)
);

-- The version an attempt froze (questions start at 1, so existing attempts hold version 1).
ALTER TABLE attempt_questions ADD COLUMN question_version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX attempt_questions_question ON attempt_questions (question_id, question_version);

CREATE TABLE question_reports (
    id               BIGSERIAL PRIMARY KEY,
    question_id      BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    question_version BIGINT NOT NULL,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    comment          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'rejected')),
    reply            TEXT,
    resolved_by      BIGINT REFERENCES users(id),
    resolved_at      BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX question_reports_question ON question_reports (question_id, status);
