-- The completion dashboard's read models (PostgreSQL), kept by triggers so that the quiz and
-- study code need not know about them and the dashboard never scans lessons or attempts.
--
-- item_progress: one row per member and module or quiz they have touched, with the member's
-- current branch, youth group and whether they count (active and not an admin) copied in
-- (kept by a trigger on users), so a dashboard is one GROUP BY over this table, read in
-- the order of item_progress_units without sorting. started_at / last_active_at span the member's
-- activity on the item; completed_at is the module's completion or the first passing
-- submission of a quiz; best_score_milli is the best graded score (1000 = 100%).
CREATE TABLE item_progress (
    kind              TEXT NOT NULL CHECK (kind IN ('module', 'quiz')),
    item_id           BIGINT NOT NULL,
    user_id           BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    branch_id         BIGINT,
    youth_group_id    BIGINT,
    active            BIGINT NOT NULL,   -- 1: the member counts (active, not an admin)
    started_at        BIGINT NOT NULL,
    last_active_at    BIGINT NOT NULL,
    completed_at      BIGINT,
    last_submitted_at BIGINT,
    best_score_milli  BIGINT,
    PRIMARY KEY (kind, item_id, user_id)
);
CREATE INDEX item_progress_user ON item_progress (user_id);
-- Completions in time order with what the timeline filters on (an index-only range scan).
CREATE INDEX item_progress_completed ON item_progress (completed_at, active, kind, item_id,
    branch_id, youth_group_id);
-- Covers the dashboard's GROUP BY (item, branch, youth group) in index order.
CREATE INDEX item_progress_units ON item_progress (kind, item_id, branch_id, youth_group_id,
    active, last_active_at, started_at, completed_at, last_submitted_at, best_score_milli);
-- Without it the planner guesses a group per few rows, sorts two million rows to disk and
-- aggregates them in order; knowing there are a few thousand groups, it hashes them.
CREATE STATISTICS item_progress_groups (ndistinct)
    ON kind, item_id, branch_id, youth_group_id FROM item_progress;

-- Answers graded per day (Asia/Shanghai, days since 1970-01-01), branch (0: none; the branch
-- when answered) and question category: the correctness heatmap reads only this.
CREATE TABLE answer_stats (
    day         BIGINT NOT NULL,
    branch_id   BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    answered    BIGINT NOT NULL,
    correct     BIGINT NOT NULL,
    PRIMARY KEY (day, branch_id, category_id)
);
-- The same per week (Monday-based: week = (day + 3) / 7), so that a long period reads
-- whole weeks here and only its partial edge weeks' days above.
CREATE TABLE answer_stats_weekly (
    week        BIGINT NOT NULL,
    branch_id   BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    answered    BIGINT NOT NULL,
    correct     BIGINT NOT NULL,
    PRIMARY KEY (week, branch_id, category_id)
);

CREATE FUNCTION item_progress_lesson_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                               started_at, last_active_at)
        SELECT 'module', l.module_id, NEW.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
               NEW.started_at, COALESCE(NEW.last_heartbeat_at, NEW.started_at)
        FROM lessons l JOIN users u ON u.id = NEW.user_id WHERE l.id = NEW.lesson_id
    ON CONFLICT (kind, item_id, user_id) DO UPDATE SET
        started_at = LEAST(item_progress.started_at, excluded.started_at),
        last_active_at = GREATEST(item_progress.last_active_at, excluded.last_active_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_lesson_start AFTER INSERT ON lesson_progress
    FOR EACH ROW EXECUTE FUNCTION item_progress_lesson_start();

CREATE FUNCTION item_progress_lesson_beat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE item_progress SET last_active_at = GREATEST(last_active_at, NEW.last_heartbeat_at)
    WHERE kind = 'module' AND user_id = NEW.user_id
      AND item_id = (SELECT module_id FROM lessons WHERE id = NEW.lesson_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_lesson_beat AFTER UPDATE OF last_heartbeat_at ON lesson_progress
    FOR EACH ROW WHEN (NEW.last_heartbeat_at IS NOT NULL)
    EXECUTE FUNCTION item_progress_lesson_beat();

CREATE FUNCTION item_progress_module_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                               started_at, last_active_at, completed_at)
        SELECT 'module', NEW.module_id, NEW.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
               NEW.completed_at, NEW.completed_at, NEW.completed_at
        FROM users u WHERE u.id = NEW.user_id
    ON CONFLICT (kind, item_id, user_id) DO UPDATE SET
        completed_at = COALESCE(item_progress.completed_at, excluded.completed_at),
        last_active_at = GREATEST(item_progress.last_active_at, excluded.last_active_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_module_done AFTER INSERT ON module_completions
    FOR EACH ROW EXECUTE FUNCTION item_progress_module_done();

CREATE FUNCTION item_progress_attempt_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                               started_at, last_active_at)
        SELECT 'quiz', NEW.quiz_id, NEW.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
               NEW.started_at, NEW.started_at
        FROM users u WHERE u.id = NEW.user_id
    ON CONFLICT (kind, item_id, user_id) DO UPDATE SET
        started_at = LEAST(item_progress.started_at, excluded.started_at),
        last_active_at = GREATEST(item_progress.last_active_at, excluded.last_active_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_attempt_start AFTER INSERT ON attempts
    FOR EACH ROW WHEN (NEW.from_mistakes = 0) EXECUTE FUNCTION item_progress_attempt_start();

-- Grading writes correct_count exactly once per attempt (after its questions' grades).
CREATE FUNCTION item_progress_attempt_graded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    graded_at BIGINT := COALESCE(NEW.submitted_at, NEW.started_at);
BEGIN
    UPDATE item_progress SET
        best_score_milli = GREATEST(COALESCE(best_score_milli, 0), COALESCE(NEW.score_milli, 0)),
        last_submitted_at = GREATEST(COALESCE(last_submitted_at, 0), graded_at),
        last_active_at = GREATEST(last_active_at, graded_at),
        completed_at = COALESCE(completed_at, CASE
            WHEN COALESCE(NEW.score_milli, 0) >=
                 COALESCE((SELECT pass_mark FROM quizzes WHERE id = NEW.quiz_id), 0) * 10
            THEN graded_at END)
    WHERE kind = 'quiz' AND item_id = NEW.quiz_id AND user_id = NEW.user_id;
    INSERT INTO answer_stats (day, branch_id, category_id, answered, correct)
        SELECT (NEW.started_at + 28800000) / 86400000, COALESCE(u.branch_id, 0), q.category_id,
               COUNT(*), SUM(COALESCE(aq.correct, 0))
        FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
        JOIN users u ON u.id = NEW.user_id
        WHERE aq.attempt_id = NEW.id GROUP BY q.category_id, u.branch_id
    ON CONFLICT (day, branch_id, category_id) DO UPDATE SET
        answered = answer_stats.answered + excluded.answered,
        correct = answer_stats.correct + excluded.correct;
    INSERT INTO answer_stats_weekly (week, branch_id, category_id, answered, correct)
        SELECT ((NEW.started_at + 28800000) / 86400000 + 3) / 7, COALESCE(u.branch_id, 0), q.category_id,
               COUNT(*), SUM(COALESCE(aq.correct, 0))
        FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
        JOIN users u ON u.id = NEW.user_id
        WHERE aq.attempt_id = NEW.id GROUP BY q.category_id, u.branch_id
    ON CONFLICT (week, branch_id, category_id) DO UPDATE SET
        answered = answer_stats_weekly.answered + excluded.answered,
        correct = answer_stats_weekly.correct + excluded.correct;
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_attempt_graded AFTER UPDATE OF correct_count ON attempts
    FOR EACH ROW WHEN (OLD.correct_count IS NULL AND NEW.correct_count IS NOT NULL
                       AND NEW.from_mistakes = 0)
    EXECUTE FUNCTION item_progress_attempt_graded();

CREATE FUNCTION item_progress_member_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE item_progress SET branch_id = NEW.branch_id, youth_group_id = NEW.youth_group_id,
        active = CASE WHEN NEW.role = 'admin' THEN 0 ELSE NEW.active END
    WHERE user_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER item_progress_member_moved AFTER UPDATE OF branch_id, youth_group_id, active, role
    ON users FOR EACH ROW EXECUTE FUNCTION item_progress_member_moved();

-- What happened before this migration.
INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                           started_at, last_active_at)
    SELECT 'module', l.module_id, p.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
           MIN(p.started_at), MAX(COALESCE(p.last_heartbeat_at, p.started_at))
    FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id JOIN users u ON u.id = p.user_id
    GROUP BY l.module_id, p.user_id, u.branch_id, u.youth_group_id, u.role, u.active;
INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                           started_at, last_active_at, completed_at)
    SELECT 'module', c.module_id, c.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
           c.completed_at, c.completed_at, c.completed_at
    FROM module_completions c JOIN users u ON u.id = c.user_id
ON CONFLICT (kind, item_id, user_id) DO UPDATE SET completed_at = excluded.completed_at,
    last_active_at = GREATEST(item_progress.last_active_at, excluded.last_active_at);
INSERT INTO item_progress (kind, item_id, user_id, branch_id, youth_group_id, active,
                           started_at, last_active_at, completed_at, last_submitted_at,
                           best_score_milli)
    SELECT 'quiz', a.quiz_id, a.user_id, u.branch_id, u.youth_group_id,
               CASE WHEN u.role = 'admin' THEN 0 ELSE u.active END,
           MIN(a.started_at), MAX(COALESCE(a.submitted_at, a.started_at)),
           MIN(CASE WHEN a.correct_count IS NOT NULL
                     AND COALESCE(a.score_milli, 0) >= COALESCE(q.pass_mark, 0) * 10
                    THEN COALESCE(a.submitted_at, a.started_at) END),
           MAX(CASE WHEN a.correct_count IS NOT NULL THEN COALESCE(a.submitted_at, a.started_at) END),
           MAX(CASE WHEN a.correct_count IS NOT NULL THEN COALESCE(a.score_milli, 0) END)
    FROM attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN users u ON u.id = a.user_id
    WHERE a.from_mistakes = 0
    GROUP BY a.quiz_id, a.user_id, u.branch_id, u.youth_group_id, u.role, u.active;
INSERT INTO answer_stats (day, branch_id, category_id, answered, correct)
    SELECT (a.started_at + 28800000) / 86400000, COALESCE(u.branch_id, 0), q.category_id,
           COUNT(*), SUM(COALESCE(aq.correct, 0))
    FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id
    JOIN questions q ON q.id = aq.question_id JOIN users u ON u.id = a.user_id
    WHERE a.correct_count IS NOT NULL AND a.from_mistakes = 0
    GROUP BY (a.started_at + 28800000) / 86400000, COALESCE(u.branch_id, 0), q.category_id;
INSERT INTO answer_stats_weekly (week, branch_id, category_id, answered, correct)
    SELECT (day + 3) / 7, branch_id, category_id, SUM(answered), SUM(correct)
    FROM answer_stats GROUP BY (day + 3) / 7, branch_id, category_id;
