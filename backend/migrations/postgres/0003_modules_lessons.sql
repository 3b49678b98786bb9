-- Study modules, their lessons and audiences, and each member's reading progress (PostgreSQL).
CREATE TABLE modules (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,          -- stable id of seeded modules
    title       TEXT NOT NULL,
    track       TEXT NOT NULL CHECK (track IN ('theory', 'discipline', 'other')),
    description TEXT NOT NULL,
    -- 'all' = the whole organization; otherwise the rows of module_branches/_youth_groups.
    audience    TEXT NOT NULL CHECK (audience IN ('all', 'units')),
    due_at      BIGINT,
    position    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE module_branches (
    module_id BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    branch_id BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    PRIMARY KEY (module_id, branch_id)
);

CREATE TABLE module_youth_groups (
    module_id      BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    youth_group_id BIGINT NOT NULL REFERENCES youth_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (module_id, youth_group_id)
);

CREATE TABLE lessons (
    id          BIGSERIAL PRIMARY KEY,
    module_id   BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    title       TEXT NOT NULL,
    body_md     TEXT NOT NULL,
    source      TEXT NOT NULL,
    char_count  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (module_id, position)
);

CREATE TABLE lesson_progress (
    user_id           BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lesson_id         BIGINT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    credited_ms       BIGINT NOT NULL DEFAULT 0,
    last_heartbeat_at BIGINT,
    reached_end       BIGINT NOT NULL DEFAULT 0,
    completed_at      BIGINT,
    started_at        BIGINT NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
