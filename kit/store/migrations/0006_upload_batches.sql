-- Version 6: the anonymity gate. People who arrive through an upload, or from an
-- address already seen, wait in a batch the coach confirms; the address is kept
-- as a one-way origin. The gate's new tables come from kit/store/tables.py. Runs on files
-- older than 6 (version 5 only added tables, which kit/store/tables.py creates).
ALTER TABLE participants ADD COLUMN batch INTEGER REFERENCES upload_batches(id);
ALTER TABLE participants ADD COLUMN origin TEXT;
