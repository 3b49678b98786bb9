-- The mistake book shows what the member answered: the answer of the latest wrong grading
-- (JSON of the stored answer, in the question's own option order; 'null' when it was left
-- unanswered). Rows already in the book take it from their latest wrong attempt.
ALTER TABLE mistakes ADD COLUMN last_answer TEXT;
UPDATE mistakes SET last_answer = COALESCE((
    SELECT aq.answer FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id
    WHERE a.user_id = mistakes.user_id AND aq.question_id = mistakes.question_id
      AND aq.correct = 0
    ORDER BY a.id DESC LIMIT 1), 'null');
