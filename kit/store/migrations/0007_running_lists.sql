-- Version 7: Customer Circles as a programme. The Do-Not-Annoy list and delight
-- factors become the circle's running lists (the entries table, from kit/store/tables.py);
-- each old list row becomes a raising of an entry (filled in by after.sql).
-- Stories, ideas and actions can be deleted (kept, marked) and say who sent them
-- from a phone; a session's votes stay hidden until revealed (the sessions held
-- before stay revealed, as they were); the projector keeps the agenda block running.
ALTER TABLE circle_sessions ADD COLUMN revealed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE circle_sessions ADD COLUMN block INTEGER NOT NULL DEFAULT 0;
ALTER TABLE circle_sessions ADD COLUMN block_started TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN entry_id INTEGER REFERENCES entries(id) ON DELETE CASCADE;
ALTER TABLE ideas ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL;
ALTER TABLE actions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
