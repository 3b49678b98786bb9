-- Issue 17: study modules authored in the app. Ownership mirrors questions: a module owned by
-- a branch or a youth group is edited by that unit's organizers (and admins); one owned by
-- neither is the organization's (admins only). `authored` = 1 marks modules created through
-- the API; 0 (every row before this migration, and everything `seeds/` loads by slug) is a
-- shipped module, read-only in the app. `required` says whether an assigned module is
-- required work (必学); shipped modules always were.
ALTER TABLE modules ADD COLUMN owner_branch_id BIGINT REFERENCES branches(id);
ALTER TABLE modules ADD COLUMN owner_youth_group_id BIGINT REFERENCES youth_groups(id);
ALTER TABLE modules ADD COLUMN authored BIGINT NOT NULL DEFAULT 0;
ALTER TABLE modules ADD COLUMN required BIGINT NOT NULL DEFAULT 1;

-- Lessons keep versions like questions: editing a lesson someone has started copies the old
-- text here and bumps `version`; the member's progress row (by lesson id) is kept.
-- `min_seconds`: the author's minimum study time; NULL = derived from the length.
ALTER TABLE lessons ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE lessons ADD COLUMN min_seconds BIGINT;
CREATE TABLE lesson_versions (
    id          BIGSERIAL PRIMARY KEY,
    lesson_id   BIGINT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    title       TEXT NOT NULL,
    body_md     TEXT NOT NULL,
    source      TEXT NOT NULL,
    replaced_at BIGINT NOT NULL,
    UNIQUE (lesson_id, version)
);
