-- Points (积分) and leaderboards (PostgreSQL): editable rules and settings, the append-only
-- ledger, and the aggregates every total and leaderboard reads. The aggregates are
-- written in the same transaction as each ledger entry (backend/src/db/points.rs), so
-- no read ever scans the ledger.

-- One rule per source: points per unit and the daily cap. Defaults as shared::points.
CREATE TABLE points_rules (
    source     TEXT PRIMARY KEY,
    points     BIGINT NOT NULL,
    daily_cap  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO points_rules (source, points, daily_cap, updated_at) VALUES
    ('sign_in', 1, 1, 0), ('lesson', 1, 6, 0), ('study_time', 1, 6, 0),
    ('daily_quiz', 1, 5, 0), ('weekly_quiz', 1, 5, 0), ('special_quiz', 1, 10, 0),
    ('challenge', 6, 6, 0), ('module', 5, 10, 0);

-- The organization's settings: a single row.
CREATE TABLE points_settings (
    id                 BIGINT PRIMARY KEY CHECK (id = 1),
    default_measure    TEXT NOT NULL CHECK (default_measure IN ('participation', 'average', 'completion')),
    initials_only      BIGINT NOT NULL,
    weekly_goal_kind   TEXT NOT NULL CHECK (weekly_goal_kind IN ('points', 'active_days')),
    weekly_goal_target BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
INSERT INTO points_settings VALUES (1, 'participation', 0, 'points', 60, 0);

-- Never updated or deleted: a correction is a new entry. `reference` names what earned
-- the points (lesson:12, attempt:34, module:5, day:2026-03-01, study:2026-03-01:3); the
-- unique key makes every award idempotent.
CREATE TABLE points_ledger (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    source     TEXT NOT NULL,
    points     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    day_key    TEXT NOT NULL,          -- YYYY-MM-DD in Asia/Shanghai
    reference  TEXT NOT NULL,
    UNIQUE (user_id, source, reference)
);
CREATE INDEX points_ledger_user ON points_ledger (user_id, id);

-- Per member, day and source: points earned (for the caps) and units (study milliseconds
-- for study_time, events for the others). A row means the member did it that day.
CREATE TABLE points_daily (
    user_id BIGINT NOT NULL,
    day_key TEXT NOT NULL,
    source  TEXT NOT NULL,
    points  BIGINT NOT NULL DEFAULT 0,
    units   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day_key, source)
);

-- Per member and period (D:YYYY-MM-DD, W:YYYY-MM-DD, M:YYYY-MM, Y:YYYY, A): points, and
-- rank_key = -points so that one ascending index order is the board's order (points
-- descending, then who reached the total first, then user id) and row-value comparisons
-- find a member's neighbours with a range scan. branch_id / youth_group_id are the
-- member's units at their latest award in the period.
CREATE TABLE points_member_totals (
    period         TEXT NOT NULL,
    user_id        BIGINT NOT NULL,
    branch_id      BIGINT,
    youth_group_id BIGINT,
    points         BIGINT NOT NULL,
    rank_key       BIGINT NOT NULL,
    reached_at     BIGINT NOT NULL,
    PRIMARY KEY (period, user_id)
);
CREATE INDEX points_member_totals_org ON points_member_totals (period, rank_key, reached_at, user_id);
CREATE INDEX points_member_totals_branch ON points_member_totals (period, branch_id, rank_key, reached_at, user_id);
CREATE INDEX points_member_totals_youth ON points_member_totals (period, youth_group_id, rank_key, reached_at, user_id);

-- Per branch or youth group and period: points, members with points, module completions;
-- kind 'org' (group_id 0) holds the same for the whole organization.
CREATE TABLE points_group_totals (
    kind           TEXT NOT NULL CHECK (kind IN ('org', 'branch', 'youth_group')),
    period         TEXT NOT NULL,
    group_id       BIGINT NOT NULL,
    points         BIGINT NOT NULL DEFAULT 0,
    active_members BIGINT NOT NULL DEFAULT 0,
    completions    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, period, group_id)
);

-- Streaks, one row per member; every award also takes this row first, which orders
-- concurrent awards of one member (a row lock) and so keeps them within caps.
CREATE TABLE points_streaks (
    user_id  BIGINT PRIMARY KEY REFERENCES users(id),
    current  BIGINT NOT NULL DEFAULT 0,
    best     BIGINT NOT NULL DEFAULT 0,
    last_day BIGINT                       -- days since 1970-01-01 in Asia/Shanghai
);

-- Modules a member has completed (recorded once, when the module award is made).
CREATE TABLE module_completions (
    user_id      BIGINT NOT NULL REFERENCES users(id),
    module_id    BIGINT NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, module_id)
);

-- Active accounts per branch and youth group, kept by triggers on users, so fair group
-- measures divide by the size without counting 100,000 users per request.
CREATE TABLE org_unit_members (
    kind    TEXT NOT NULL CHECK (kind IN ('branch', 'youth_group')),
    unit_id BIGINT NOT NULL,
    members BIGINT NOT NULL,
    PRIMARY KEY (kind, unit_id)
);
INSERT INTO org_unit_members (kind, unit_id, members)
    SELECT 'branch', branch_id, COUNT(*) FROM users
    WHERE active = 1 AND branch_id IS NOT NULL GROUP BY branch_id;
INSERT INTO org_unit_members (kind, unit_id, members)
    SELECT 'youth_group', youth_group_id, COUNT(*) FROM users
    WHERE active = 1 AND youth_group_id IS NOT NULL GROUP BY youth_group_id;

CREATE FUNCTION org_unit_members_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.active = 1 THEN
        UPDATE org_unit_members SET members = members - 1
            WHERE (kind = 'branch' AND unit_id = OLD.branch_id)
               OR (kind = 'youth_group' AND unit_id = OLD.youth_group_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.active = 1 THEN
        IF NEW.branch_id IS NOT NULL THEN
            INSERT INTO org_unit_members (kind, unit_id, members) VALUES ('branch', NEW.branch_id, 1)
                ON CONFLICT (kind, unit_id) DO UPDATE SET members = org_unit_members.members + 1;
        END IF;
        IF NEW.youth_group_id IS NOT NULL THEN
            INSERT INTO org_unit_members (kind, unit_id, members) VALUES ('youth_group', NEW.youth_group_id, 1)
                ON CONFLICT (kind, unit_id) DO UPDATE SET members = org_unit_members.members + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER org_unit_members_sync AFTER INSERT OR DELETE OR UPDATE OF branch_id, youth_group_id, active
    ON users FOR EACH ROW EXECUTE FUNCTION org_unit_members_sync();
