-- The quiz builder: quizzes owned by a branch or youth group (neither: the organization),
-- their life (draft → published → closed), audience by unit, option shuffling, points per
-- correct answer within the admin's rule, and draw rules (count per category and
-- difficulty). Quizzes that existed before were all live: they start as published.
ALTER TABLE quizzes ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
ALTER TABLE quizzes ADD COLUMN owner_branch_id BIGINT REFERENCES branches(id);
ALTER TABLE quizzes ADD COLUMN owner_youth_group_id BIGINT REFERENCES youth_groups(id);
ALTER TABLE quizzes ADD COLUMN created_by BIGINT REFERENCES users(id);
ALTER TABLE quizzes ADD COLUMN shuffle_options BIGINT NOT NULL DEFAULT 1;
ALTER TABLE quizzes ADD COLUMN points_per_correct BIGINT;

CREATE TABLE quiz_branches (
    quiz_id   BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    branch_id BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    PRIMARY KEY (quiz_id, branch_id)
);

CREATE TABLE quiz_youth_groups (
    quiz_id        BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    youth_group_id BIGINT NOT NULL REFERENCES youth_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (quiz_id, youth_group_id)
);

CREATE TABLE quiz_draw_rules (
    quiz_id     BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    category_id BIGINT NOT NULL REFERENCES question_categories(id),
    count       BIGINT NOT NULL,
    difficulty  BIGINT,
    PRIMARY KEY (quiz_id, position)
);

CREATE INDEX attempts_quiz ON attempts (quiz_id, submitted_at);
