-- The whole schema as this kit writes it. A new file gets all of it; an older
-- file first takes the numbered steps it lacks, then whatever tables are missing.
-- Every statement is safe to run again.

-- People and team sessions (kit/store)
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    anonymous INTEGER NOT NULL DEFAULT 1,
    min_group INTEGER NOT NULL DEFAULT 5 CHECK (min_group >= 3),
    coach_key TEXT UNIQUE,
    revealed INTEGER NOT NULL DEFAULT 0,
    pulse_round INTEGER NOT NULL DEFAULT 1,
    circle TEXT NOT NULL DEFAULT '',
    closed INTEGER NOT NULL DEFAULT 0,
    focus_round INTEGER NOT NULL DEFAULT 1,
    cvc_target INTEGER NOT NULL DEFAULT 0 CHECK (cvc_target BETWEEN 0 AND 100)
);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    resume_code TEXT NOT NULL UNIQUE,
    session TEXT REFERENCES sessions(code),
    display_name TEXT NOT NULL DEFAULT '',
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    batch INTEGER REFERENCES upload_batches(id),
    origin TEXT
);
CREATE TABLE IF NOT EXISTS upload_batches (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sessions(code),
    kind TEXT NOT NULL,
    files TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pulse_respondents (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    respondent_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (participant_id, round)
);
CREATE TABLE IF NOT EXISTS attempts (
    client TEXT NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_client ON attempts(client, kind, at);
CREATE TABLE IF NOT EXISTS answers (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (participant_id, instrument, item, round)
);
CREATE INDEX IF NOT EXISTS participants_by_session ON participants(session);
CREATE TABLE IF NOT EXISTS maps (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS map_elements (
    participant_id INTEGER NOT NULL REFERENCES maps(participant_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    bridge INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, position)
);
CREATE TABLE IF NOT EXISTS circles (
    code TEXT PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS circles_by_owner ON circles(participant_id);
CREATE TABLE IF NOT EXISTS map_connections (
    participant_id INTEGER NOT NULL REFERENCES maps(participant_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    handover TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    promise TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (participant_id, position)
);

-- The organisation's value-chain check (kit/organisation/storage.py): one manager's
-- check, kept whole as JSON, and the session's notes (kit/store/sessions.py).
CREATE TABLE IF NOT EXISTS value_chain_checks (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS session_notes (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('action', 'guardrail')),
    category TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1,
    at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS session_notes_by_session ON session_notes(session);
-- A team figure kept between changes (the managers' checks together, who moved
-- between rounds): taken again only when the minimum group of its people differ.
CREATE TABLE IF NOT EXISTS kept_figures (
    session TEXT NOT NULL,
    figure TEXT NOT NULL,
    level INTEGER NOT NULL,
    people TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (session, figure)
);

-- Customer Circle sessions (kit/circles/sessions.py)
CREATE TABLE IF NOT EXISTS circle_sessions (
    id INTEGER PRIMARY KEY,
    circle TEXT NOT NULL REFERENCES circles(code) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    held_on TEXT NOT NULL,
    votes_per_person INTEGER NOT NULL DEFAULT 3,
    revealed INTEGER NOT NULL DEFAULT 0,
    block INTEGER NOT NULL DEFAULT 0,
    block_started TEXT NOT NULL DEFAULT '',
    UNIQUE (circle, number)
);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    teller TEXT NOT NULL DEFAULT '',
    act TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    prevention TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS factors (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    story_id INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    entry_id INTEGER REFERENCES entries(id) ON DELETE CASCADE
);
-- The circle's running lists: an entry outlives the session that raised it;
-- each raising is a row of factors.
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    circle TEXT NOT NULL REFERENCES circles(code) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    merged_into INTEGER REFERENCES entries(id) ON DELETE SET NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entries_by_circle ON entries(circle);
CREATE INDEX IF NOT EXISTS factors_by_entry ON factors(entry_id);
-- Every edit, merge, delete and undo, kept so the programme's history stays honest.
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    circle TEXT NOT NULL REFERENCES circles(code) ON DELETE CASCADE,
    session INTEGER NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    thing TEXT NOT NULL,
    thing_id INTEGER NOT NULL,
    change TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS changes_by_circle ON changes(circle);
CREATE TABLE IF NOT EXISTS attendance (
    session_id INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (session_id, name)
);
CREATE TABLE IF NOT EXISTS ideas (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES circle_sessions(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS votes (
    idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    voter TEXT NOT NULL COLLATE NOCASE,
    count INTEGER NOT NULL,
    PRIMARY KEY (idea_id, voter)
);
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY,
    circle TEXT NOT NULL REFERENCES circles(code) ON DELETE CASCADE,
    idea_id INTEGER REFERENCES ideas(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    opened INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS action_events (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    session INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);

-- Kept trait scores and the anonymity gate's published figures (kit/instruments/trait_scores.py)
CREATE TABLE IF NOT EXISTS trait_scores (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    trait TEXT NOT NULL,
    total REAL NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (participant_id, instrument, round, trait)
);
CREATE TABLE IF NOT EXISTS completions (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    PRIMARY KEY (participant_id, instrument, round)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS published_levels (
    session TEXT NOT NULL,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    grp INTEGER NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (session, instrument, round, grp)
);
CREATE TABLE IF NOT EXISTS published_scores (
    session TEXT NOT NULL,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    grp INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    trait TEXT NOT NULL,
    mean REAL NOT NULL,
    PRIMARY KEY (session, instrument, round, participant_id, trait)
);
CREATE TABLE IF NOT EXISTS score_changes (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    round INTEGER NOT NULL,
    PRIMARY KEY (participant_id, instrument, round)
);
CREATE TABLE IF NOT EXISTS published_texts (
    session TEXT NOT NULL,
    instrument TEXT NOT NULL,
    item TEXT NOT NULL,
    round INTEGER NOT NULL,
    grp INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    PRIMARY KEY (session, instrument, item, round, participant_id)
);
