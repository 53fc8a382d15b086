-- Version 4: sessions got their settings (anonymity, the minimum group, the coach's
-- key, revealed results, the pulse's round, the circle, closed), and answers a round
-- (the openness pulse is answered again each round). Runs on files older than 4.
ALTER TABLE sessions ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN min_group INTEGER NOT NULL DEFAULT 5 CHECK (min_group >= 3);
ALTER TABLE sessions ADD COLUMN coach_key TEXT;
ALTER TABLE sessions ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN pulse_round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN circle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_by_key ON sessions(coach_key);
CREATE TABLE answers_v4 (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (participant_id, instrument, item, round)
);
INSERT INTO answers_v4 SELECT participant_id, instrument, item, value, answered_at, 1 FROM answers;
DROP TABLE answers;
ALTER TABLE answers_v4 RENAME TO answers;
