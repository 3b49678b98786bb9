-- The question bank (SQLite): categories and questions. Options, keys and tags are JSON
-- text so both databases store them alike; `stable_id` is the id written in the files.
CREATE TABLE question_categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE questions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    stable_id     TEXT NOT NULL UNIQUE,
    category_id   BIGINT NOT NULL REFERENCES question_categories(id),
    kind          TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'true_false', 'fill_in')),
    stem          TEXT NOT NULL,
    options       TEXT NOT NULL,
    answer_key    TEXT NOT NULL,
    explanation   TEXT NOT NULL,
    source        TEXT NOT NULL,
    difficulty    BIGINT NOT NULL CHECK (difficulty BETWEEN 1 AND 3),
    tags          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    origin        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX questions_category ON questions (category_id);
