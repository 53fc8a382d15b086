-- Run after every upgrade and import, after kit.store.core.number_respondents.
-- Every list row without an entry (from a store before version 7) gets one: rows
-- of one circle and kind with the same words, case and outer spaces aside, share it.
INSERT INTO entries (circle, kind, text)
SELECT s.circle, f.kind, f.text FROM factors f JOIN circle_sessions s ON s.id = f.session_id
WHERE f.entry_id IS NULL AND f.id = (
    SELECT min(g.id) FROM factors g JOIN circle_sessions t ON t.id = g.session_id
    WHERE g.entry_id IS NULL AND t.circle = s.circle AND g.kind = f.kind
    AND lower(trim(g.text)) = lower(trim(f.text)))
ORDER BY f.id;
UPDATE factors SET entry_id = (
    SELECT min(e.id) FROM entries e JOIN circle_sessions s ON s.circle = e.circle
    WHERE s.id = factors.session_id AND e.kind = factors.kind
    AND lower(trim(e.text)) = lower(trim(factors.text)))
WHERE entry_id IS NULL;
