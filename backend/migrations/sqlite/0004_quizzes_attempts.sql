-- Quizzes, attempts with their frozen questions, and the mistake book (SQLite).
-- Module ↔ question categories: what a module's practice draws from.
CREATE TABLE module_categories (
    module_id   BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES question_categories(id) ON DELETE CASCADE,
    PRIMARY KEY (module_id, category_id)
);

CREATE TABLE quizzes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slug             TEXT UNIQUE,
    title            TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('practice', 'daily', 'weekly', 'special', 'challenge', 'exam')),
    module_id        BIGINT REFERENCES modules(id) ON DELETE CASCADE,
    audience         TEXT NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'units')),
    question_count   BIGINT NOT NULL,
    time_limit_secs  BIGINT,
    pass_mark        BIGINT,
    max_attempts     BIGINT,
    opens_at         BIGINT,
    closes_at        BIGINT,
    multiple_policy  TEXT NOT NULL DEFAULT 'all_or_nothing',
    reveal           TEXT NOT NULL DEFAULT 'after_submit' CHECK (reveal IN ('after_submit', 'after_close', 'never')),
    required         BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- A fixed list of questions (special quizzes); otherwise questions are drawn.
CREATE TABLE quiz_questions (
    quiz_id     BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    position    BIGINT NOT NULL,
    PRIMARY KEY (quiz_id, position)
);

-- Categories a drawn quiz picks from (none: every category).
CREATE TABLE quiz_categories (
    quiz_id     BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES question_categories(id) ON DELETE CASCADE,
    PRIMARY KEY (quiz_id, category_id)
);

CREATE TABLE attempts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz_id        BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The day (daily), week (weekly) or '-' the attempt counts for; with `seq` it keeps
    -- two concurrent starts from creating two attempts.
    period         TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    from_mistakes  BIGINT NOT NULL DEFAULT 0,
    started_at     BIGINT NOT NULL,
    deadline_at    BIGINT,
    submitted_at   BIGINT,
    correct_count  BIGINT,
    score_milli    BIGINT,
    question_count BIGINT NOT NULL,
    UNIQUE (quiz_id, user_id, period, seq)
);
CREATE INDEX attempts_user ON attempts (user_id, started_at);

CREATE TABLE attempt_questions (
    attempt_id   BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    question_id  BIGINT NOT NULL REFERENCES questions(id),
    option_order TEXT NOT NULL,
    answer       TEXT,
    answered_at  BIGINT,
    correct      BIGINT,
    score_milli  BIGINT,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE mistakes (
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id      BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    wrong_count      BIGINT NOT NULL,
    last_wrong_at    BIGINT NOT NULL,
    right_days       BIGINT NOT NULL DEFAULT 0,
    last_right_day   TEXT,
    cleared_at       BIGINT,
    PRIMARY KEY (user_id, question_id)
);
