-- Issue 17 quiz builder: a draw rule may also name a question kind (single, multiple,
-- true_false, fill_in; NULL = any), and a quiz may mix fixed questions with draw rules
-- (no schema change: the fixed list and the rules were separate tables already).
ALTER TABLE quiz_draw_rules ADD COLUMN kind TEXT;
