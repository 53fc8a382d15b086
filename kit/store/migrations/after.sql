-- Run after every upgrade. Every pulse answer's person and round gets a respondent
-- id (answers that came from files or older stores included); randomblob, so it
-- owes nothing to any id.
INSERT OR IGNORE INTO pulse_respondents SELECT DISTINCT participant_id, round,
    'r-' || lower(hex(randomblob(6))) FROM answers WHERE instrument = :pulse;
