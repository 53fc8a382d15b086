-- Version 8: the organisation's side. Sessions got a round for focus and attitude
-- (workbook 2 is asked again, to see who moved between the blocks) and the coach's
-- target share of Customer Value Creators. The value-chain checks and the session's
-- notes (coaching actions between rounds, the team's guardrails) come from
-- kit/store/tables.py. Runs on files older than 8.
ALTER TABLE sessions ADD COLUMN focus_round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN cvc_target INTEGER NOT NULL DEFAULT 0 CHECK (cvc_target BETWEEN 0 AND 100);
