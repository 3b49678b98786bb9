-- Issue 13: keys only per the reveal rule, and closing a quiz closes its attempts.

-- Set when the quiz was closed while the attempt was open: the attempt was graded at its
-- saved answers then, and the member can no longer save or submit.
ALTER TABLE attempts ADD COLUMN closed_by_quiz BIGINT NOT NULL DEFAULT 0;
-- Set when a graded attempt had wrong answers whose keys its quiz did not yet reveal: they
-- enter the mistake book once the rule allows (an "after close" quiz closes, a rule
-- changes), never before. Earlier attempts were recorded at once: 0.
ALTER TABLE attempts ADD COLUMN mistakes_pending BIGINT NOT NULL DEFAULT 0;
CREATE INDEX attempts_mistakes_pending ON attempts (user_id) WHERE mistakes_pending = 1;

