-- Pre-aggregated completion counts (SQLite), so that a dashboard over a year sums weeks
-- instead of scanning every member's progress row. The tables are clustered on their keys
-- (WITHOUT ROWID): a dashboard reads them in key order without visiting another b-tree.
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
) WITHOUT ROWID;
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
) WITHOUT ROWID;
-- A short period and the timeline read a few weeks: all of them in week order here.
CREATE INDEX item_counts_weekly_week ON item_counts_weekly (week, kind, item_id, branch_id,
    youth_group_id, started, completed, scored, score_milli_sum);
CREATE TABLE item_counts_total (
    kind           TEXT NOT NULL,
    item_id        BIGINT NOT NULL,
    branch_id      BIGINT NOT NULL,
    youth_group_id BIGINT NOT NULL,
    started        BIGINT NOT NULL,
    completed      BIGINT NOT NULL,
    PRIMARY KEY (kind, item_id, branch_id, youth_group_id)
) WITHOUT ROWID;

-- Inserting a change of counts here adds it to the three tables (one place for the
-- item_progress triggers below).
CREATE VIEW item_count_changes AS
    SELECT day, kind, item_id, branch_id, youth_group_id, started, completed, scored,
           score_milli_sum FROM item_counts_daily WHERE 0;
CREATE TRIGGER item_count_changes_add INSTEAD OF INSERT ON item_count_changes BEGIN
    INSERT INTO item_counts_daily (day, kind, item_id, branch_id, youth_group_id, started,
                                   completed, scored, score_milli_sum)
        VALUES (NEW.day, NEW.kind, NEW.item_id, NEW.branch_id, NEW.youth_group_id,
                NEW.started, NEW.completed, NEW.scored, NEW.score_milli_sum)
    ON CONFLICT (day, kind, item_id, branch_id, youth_group_id) DO UPDATE SET
        started = started + excluded.started, completed = completed + excluded.completed,
        scored = scored + excluded.scored, score_milli_sum = score_milli_sum + excluded.score_milli_sum;
    INSERT INTO item_counts_weekly (kind, item_id, branch_id, youth_group_id, week, started,
                                    completed, scored, score_milli_sum)
        VALUES (NEW.kind, NEW.item_id, NEW.branch_id, NEW.youth_group_id, (NEW.day + 3) / 7,
                NEW.started, NEW.completed, NEW.scored, NEW.score_milli_sum)
    ON CONFLICT (kind, item_id, branch_id, youth_group_id, week) DO UPDATE SET
        started = started + excluded.started, completed = completed + excluded.completed,
        scored = scored + excluded.scored, score_milli_sum = score_milli_sum + excluded.score_milli_sum;
    INSERT INTO item_counts_total (kind, item_id, branch_id, youth_group_id, started, completed)
        SELECT NEW.kind, NEW.item_id, NEW.branch_id, NEW.youth_group_id, NEW.started, NEW.completed
        WHERE NEW.started <> 0 OR NEW.completed <> 0
    ON CONFLICT (kind, item_id, branch_id, youth_group_id) DO UPDATE SET
        started = started + excluded.started, completed = completed + excluded.completed;
END;

CREATE TRIGGER item_counts_insert AFTER INSERT ON item_progress WHEN NEW.active = 1 BEGIN
    INSERT INTO item_count_changes
        SELECT day, NEW.kind, NEW.item_id, COALESCE(NEW.branch_id, 0),
               COALESCE(NEW.youth_group_id, 0), SUM(s), SUM(c), SUM(n), SUM(v)
        FROM (SELECT (NEW.started_at + 28800000) / 86400000 AS day, 1 AS s, 0 AS c, 0 AS n, 0 AS v
              UNION ALL SELECT (NEW.completed_at + 28800000) / 86400000, 0, 1, 0, 0
                  WHERE NEW.completed_at IS NOT NULL
              UNION ALL SELECT (NEW.last_submitted_at + 28800000) / 86400000, 0, 0, 1,
                               COALESCE(NEW.best_score_milli, 0)
                  WHERE NEW.last_submitted_at IS NOT NULL)
        GROUP BY day;
END;

CREATE TRIGGER item_counts_update AFTER UPDATE ON item_progress
WHEN NEW.started_at IS NOT OLD.started_at OR NEW.completed_at IS NOT OLD.completed_at
  OR NEW.last_submitted_at IS NOT OLD.last_submitted_at
  OR NEW.best_score_milli IS NOT OLD.best_score_milli OR NEW.active IS NOT OLD.active
  OR NEW.branch_id IS NOT OLD.branch_id OR NEW.youth_group_id IS NOT OLD.youth_group_id
BEGIN
    INSERT INTO item_count_changes
        SELECT day, NEW.kind, NEW.item_id, b, g, SUM(s), SUM(c), SUM(n), SUM(v)
        FROM (SELECT COALESCE(OLD.branch_id, 0) AS b, COALESCE(OLD.youth_group_id, 0) AS g,
                     (OLD.started_at + 28800000) / 86400000 AS day, -1 AS s, 0 AS c, 0 AS n, 0 AS v
                  WHERE OLD.active = 1
              UNION ALL SELECT COALESCE(OLD.branch_id, 0), COALESCE(OLD.youth_group_id, 0),
                               (OLD.completed_at + 28800000) / 86400000, 0, -1, 0, 0
                  WHERE OLD.active = 1 AND OLD.completed_at IS NOT NULL
              UNION ALL SELECT COALESCE(OLD.branch_id, 0), COALESCE(OLD.youth_group_id, 0),
                               (OLD.last_submitted_at + 28800000) / 86400000, 0, 0, -1,
                               -COALESCE(OLD.best_score_milli, 0)
                  WHERE OLD.active = 1 AND OLD.last_submitted_at IS NOT NULL
              UNION ALL SELECT COALESCE(NEW.branch_id, 0), COALESCE(NEW.youth_group_id, 0),
                               (NEW.started_at + 28800000) / 86400000, 1, 0, 0, 0
                  WHERE NEW.active = 1
              UNION ALL SELECT COALESCE(NEW.branch_id, 0), COALESCE(NEW.youth_group_id, 0),
                               (NEW.completed_at + 28800000) / 86400000, 0, 1, 0, 0
                  WHERE NEW.active = 1 AND NEW.completed_at IS NOT NULL
              UNION ALL SELECT COALESCE(NEW.branch_id, 0), COALESCE(NEW.youth_group_id, 0),
                               (NEW.last_submitted_at + 28800000) / 86400000, 0, 0, 1,
                               COALESCE(NEW.best_score_milli, 0)
                  WHERE NEW.active = 1 AND NEW.last_submitted_at IS NOT NULL)
        GROUP BY b, g, day
        HAVING SUM(s) <> 0 OR SUM(c) <> 0 OR SUM(n) <> 0 OR SUM(v) <> 0;
END;

CREATE TRIGGER item_counts_delete AFTER DELETE ON item_progress WHEN OLD.active = 1 BEGIN
    INSERT INTO item_count_changes
        SELECT day, OLD.kind, OLD.item_id, COALESCE(OLD.branch_id, 0),
               COALESCE(OLD.youth_group_id, 0), SUM(s), SUM(c), SUM(n), SUM(v)
        FROM (SELECT (OLD.started_at + 28800000) / 86400000 AS day, -1 AS s, 0 AS c, 0 AS n, 0 AS v
              UNION ALL SELECT (OLD.completed_at + 28800000) / 86400000, 0, -1, 0, 0
                  WHERE OLD.completed_at IS NOT NULL
              UNION ALL SELECT (OLD.last_submitted_at + 28800000) / 86400000, 0, 0, -1,
                               -COALESCE(OLD.best_score_milli, 0)
                  WHERE OLD.last_submitted_at IS NOT NULL)
        GROUP BY day;
END;

-- The dashboard and timeline no longer scan item_progress; the drill-down reads it by user.
DROP INDEX item_progress_completed;
DROP INDEX item_progress_units;

-- What is there already.
INSERT INTO item_count_changes
    SELECT day, kind, item_id, b, g, SUM(s), SUM(c), SUM(n), SUM(v)
    FROM (SELECT kind, item_id, COALESCE(branch_id, 0) AS b, COALESCE(youth_group_id, 0) AS g,
                 (started_at + 28800000) / 86400000 AS day, 1 AS s, 0 AS c, 0 AS n, 0 AS v
              FROM item_progress WHERE active = 1
          UNION ALL SELECT kind, item_id, COALESCE(branch_id, 0), COALESCE(youth_group_id, 0),
                 (completed_at + 28800000) / 86400000, 0, 1, 0, 0
              FROM item_progress WHERE active = 1 AND completed_at IS NOT NULL
          UNION ALL SELECT kind, item_id, COALESCE(branch_id, 0), COALESCE(youth_group_id, 0),
                 (last_submitted_at + 28800000) / 86400000, 0, 0, 1, COALESCE(best_score_milli, 0)
              FROM item_progress WHERE active = 1 AND last_submitted_at IS NOT NULL)
    GROUP BY kind, item_id, b, g, day;
