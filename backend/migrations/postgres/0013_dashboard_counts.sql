-- Pre-aggregated completion counts (PostgreSQL), so that a dashboard over a year sums weeks
-- instead of scanning every member's progress row.
--
-- Each counted (active) row of item_progress contributes, per item and (branch, youth
-- group) pair (0: none), one "started" on the local day (Asia/Shanghai) it was started,
-- one "completed" on the day it was completed, and one "scored" with its best score on
-- the day of its latest graded submission. item_counts_daily and item_counts_weekly
-- (Monday-based: week = (day + 3) / 7) hold those per day and per week;
-- item_counts_total holds started and completed over all time, which the dashboard needs
-- for "started": begun before the period ends and not completed before it starts
-- (total started − started after the period − total completed + completed since its start).
-- Triggers on item_progress move a row's contribution whenever it changes, including when
-- a member moves units or stops counting; rows of zeros are left in place.
CREATE TABLE item_counts_daily (
    day             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    item_id         BIGINT NOT NULL,
    branch_id       BIGINT NOT NULL,
    youth_group_id  BIGINT NOT NULL,
    started         BIGINT NOT NULL,
    completed       BIGINT NOT NULL,
    scored          BIGINT NOT NULL,
    score_milli_sum BIGINT NOT NULL,
    PRIMARY KEY (day, kind, item_id, branch_id, youth_group_id)
);
CREATE TABLE item_counts_weekly (
    kind            TEXT NOT NULL,
    item_id         BIGINT NOT NULL,
    branch_id       BIGINT NOT NULL,
    youth_group_id  BIGINT NOT NULL,
    week            BIGINT NOT NULL,
    started         BIGINT NOT NULL,
    completed       BIGINT NOT NULL,
    scored          BIGINT NOT NULL,
    score_milli_sum BIGINT NOT NULL,
    PRIMARY KEY (kind, item_id, branch_id, youth_group_id, week)
);
-- A short period and the timeline read a few weeks.
CREATE INDEX item_counts_weekly_week ON item_counts_weekly (week);
CREATE TABLE item_counts_total (
    kind           TEXT NOT NULL,
    item_id        BIGINT NOT NULL,
    branch_id      BIGINT NOT NULL,
    youth_group_id BIGINT NOT NULL,
    started        BIGINT NOT NULL,
    completed      BIGINT NOT NULL,
    PRIMARY KEY (kind, item_id, branch_id, youth_group_id)
);

-- Adds a change of counts to the three tables.
CREATE FUNCTION item_counts_add(p_kind TEXT, p_item BIGINT, p_branch BIGINT, p_group BIGINT,
    p_started_at BIGINT, p_completed_at BIGINT, p_submitted_at BIGINT, p_score BIGINT,
    p_sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_counts_daily AS c (day, kind, item_id, branch_id, youth_group_id, started,
                                        completed, scored, score_milli_sum)
        SELECT e.day, p_kind, p_item, COALESCE(p_branch, 0), COALESCE(p_group, 0),
               SUM(e.s), SUM(e.c), SUM(e.n), SUM(e.v)
        FROM (VALUES ((p_started_at + 28800000) / 86400000, p_sign, 0::BIGINT, 0::BIGINT, 0::BIGINT),
                     ((p_completed_at + 28800000) / 86400000, 0, p_sign, 0, 0),
                     ((p_submitted_at + 28800000) / 86400000, 0, 0, p_sign,
                      p_sign * COALESCE(p_score, 0))) AS e (day, s, c, n, v)
        WHERE e.day IS NOT NULL GROUP BY e.day
    ON CONFLICT (day, kind, item_id, branch_id, youth_group_id) DO UPDATE SET
        started = c.started + EXCLUDED.started, completed = c.completed + EXCLUDED.completed,
        scored = c.scored + EXCLUDED.scored,
        score_milli_sum = c.score_milli_sum + EXCLUDED.score_milli_sum;
    INSERT INTO item_counts_weekly AS c (kind, item_id, branch_id, youth_group_id, week, started,
                                         completed, scored, score_milli_sum)
        SELECT p_kind, p_item, COALESCE(p_branch, 0), COALESCE(p_group, 0), (e.day + 3) / 7,
               SUM(e.s), SUM(e.c), SUM(e.n), SUM(e.v)
        FROM (VALUES ((p_started_at + 28800000) / 86400000, p_sign, 0::BIGINT, 0::BIGINT, 0::BIGINT),
                     ((p_completed_at + 28800000) / 86400000, 0, p_sign, 0, 0),
                     ((p_submitted_at + 28800000) / 86400000, 0, 0, p_sign,
                      p_sign * COALESCE(p_score, 0))) AS e (day, s, c, n, v)
        WHERE e.day IS NOT NULL GROUP BY (e.day + 3) / 7
    ON CONFLICT (kind, item_id, branch_id, youth_group_id, week) DO UPDATE SET
        started = c.started + EXCLUDED.started, completed = c.completed + EXCLUDED.completed,
        scored = c.scored + EXCLUDED.scored,
        score_milli_sum = c.score_milli_sum + EXCLUDED.score_milli_sum;
    INSERT INTO item_counts_total AS c (kind, item_id, branch_id, youth_group_id, started, completed)
        VALUES (p_kind, p_item, COALESCE(p_branch, 0), COALESCE(p_group, 0), p_sign,
                CASE WHEN p_completed_at IS NULL THEN 0 ELSE p_sign END)
    ON CONFLICT (kind, item_id, branch_id, youth_group_id) DO UPDATE SET
        started = c.started + EXCLUDED.started, completed = c.completed + EXCLUDED.completed;
END;
$$;

-- Moves a changed item_progress row's contribution: takes the old one away, adds the new.
CREATE FUNCTION item_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.active = 1 THEN
        PERFORM item_counts_add(OLD.kind, OLD.item_id, OLD.branch_id, OLD.youth_group_id,
            OLD.started_at, OLD.completed_at, OLD.last_submitted_at, OLD.best_score_milli, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.active = 1 THEN
        PERFORM item_counts_add(NEW.kind, NEW.item_id, NEW.branch_id, NEW.youth_group_id,
            NEW.started_at, NEW.completed_at, NEW.last_submitted_at, NEW.best_score_milli, 1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_counts_insert AFTER INSERT ON item_progress
    FOR EACH ROW WHEN (NEW.active = 1) EXECUTE FUNCTION item_counts_track();
CREATE TRIGGER item_counts_update AFTER UPDATE ON item_progress FOR EACH ROW
    WHEN (NEW.started_at IS DISTINCT FROM OLD.started_at
          OR NEW.completed_at IS DISTINCT FROM OLD.completed_at
          OR NEW.last_submitted_at IS DISTINCT FROM OLD.last_submitted_at
          OR NEW.best_score_milli IS DISTINCT FROM OLD.best_score_milli
          OR NEW.active IS DISTINCT FROM OLD.active
          OR NEW.branch_id IS DISTINCT FROM OLD.branch_id
          OR NEW.youth_group_id IS DISTINCT FROM OLD.youth_group_id)
    EXECUTE FUNCTION item_counts_track();
CREATE TRIGGER item_counts_delete AFTER DELETE ON item_progress
    FOR EACH ROW WHEN (OLD.active = 1) EXECUTE FUNCTION item_counts_track();

-- The dashboard and timeline no longer scan item_progress; the drill-down reads it by user.
DROP INDEX item_progress_completed;
DROP INDEX item_progress_units;
DROP STATISTICS item_progress_groups;

-- What is there already.
INSERT INTO item_counts_daily (day, kind, item_id, branch_id, youth_group_id, started,
                               completed, scored, score_milli_sum)
    SELECT day, kind, item_id, b, g, SUM(s), SUM(c), SUM(n), SUM(v)
    FROM (SELECT kind, item_id, COALESCE(branch_id, 0) AS b, COALESCE(youth_group_id, 0) AS g,
                 (started_at + 28800000) / 86400000 AS day, 1 AS s, 0 AS c, 0 AS n, 0::BIGINT AS v
              FROM item_progress WHERE active = 1
          UNION ALL SELECT kind, item_id, COALESCE(branch_id, 0), COALESCE(youth_group_id, 0),
                 (completed_at + 28800000) / 86400000, 0, 1, 0, 0
              FROM item_progress WHERE active = 1 AND completed_at IS NOT NULL
          UNION ALL SELECT kind, item_id, COALESCE(branch_id, 0), COALESCE(youth_group_id, 0),
                 (last_submitted_at + 28800000) / 86400000, 0, 0, 1, COALESCE(best_score_milli, 0)
              FROM item_progress WHERE active = 1 AND last_submitted_at IS NOT NULL) e
    GROUP BY kind, item_id, b, g, day;
INSERT INTO item_counts_weekly (kind, item_id, branch_id, youth_group_id, week, started,
                                completed, scored, score_milli_sum)
    SELECT kind, item_id, branch_id, youth_group_id, (day + 3) / 7, SUM(started), SUM(completed),
           SUM(scored), SUM(score_milli_sum)
    FROM item_counts_daily GROUP BY kind, item_id, branch_id, youth_group_id, (day + 3) / 7;
INSERT INTO item_counts_total (kind, item_id, branch_id, youth_group_id, started, completed)
    SELECT kind, item_id, branch_id, youth_group_id, SUM(started), SUM(completed)
    FROM item_counts_daily GROUP BY kind, item_id, branch_id, youth_group_id;
