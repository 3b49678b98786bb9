-- Issue 13: keys only per the reveal rule, closing a quiz closes its attempts, and study
-- time never more than wall time across lessons.

-- Set when the quiz was closed while the attempt was open: the attempt was graded at its
-- saved answers then, and the member can no longer save or submit.
ALTER TABLE attempts ADD COLUMN closed_by_quiz BIGINT NOT NULL DEFAULT 0;
-- Set when a graded attempt had wrong answers whose keys its quiz did not yet reveal: they
-- enter the mistake book once the rule allows (an "after close" quiz closes, a rule
-- changes), never before. Earlier attempts were recorded at once: 0.
ALTER TABLE attempts ADD COLUMN mistakes_pending BIGINT NOT NULL DEFAULT 0;
CREATE INDEX attempts_mistakes_pending ON attempts (user_id) WHERE mistakes_pending = 1;

-- Per member: the moment up to which study time has been credited, whatever the lesson.
-- Every heartbeat credits only time after it, so lessons read side by side (or heartbeats
-- forged to many lessons at once) share one wall clock.
CREATE TABLE study_clocks (
    user_id        BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    credited_until BIGINT NOT NULL
);
