"""The county file's schema: numbered steps that are only ever appended, and the fixed file id.

Every merged table carries the same bookkeeping columns (see SYNC_COLUMNS): a stable UUID, the
revision id of its last change, when and on which computer that change was made, and a tombstone
flag so a deletion can travel to another copy of the file.
"""

from __future__ import annotations

from collections.abc import Callable
import hashlib
import sqlite3

# "TCMC" in ASCII: marks a SQLite file as a tcmcounty county file.
APPLICATION_ID = 0x54434D43

SYNC_COLUMNS = """
    id TEXT PRIMARY KEY NOT NULL,
    rev TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
"""

# Tables whose records are merged between copies, in an order that respects foreign keys.
SYNCED_TABLES = (
    "setting",
    "profile",
    "county_year",
    "institution",
    "institution_year",
    "institution_township",
    "activity",
    "task",
    "phase",
    "review",
    "review_inst",
    "review_finding",
    "evidence",
    "check_review",
    "planned_action",
)
# Tables every county file has had since version 1: what opening checks before any upgrade.
V1_TABLES = tuple(t for t in SYNCED_TABLES
                  if t not in ("phase", "check_review", "review", "review_inst", "review_finding",
                               "institution_township", "planned_action"))

def _nonneg(*cols: str) -> str:
    return ",\n    ".join(f"CHECK ({c} IS NULL OR {c} >= 0)" for c in cols)


_V1 = f"""
CREATE TABLE setting (
    {SYNC_COLUMNS},
    value TEXT
);

CREATE TABLE profile (
    {SYNC_COLUMNS},
    name TEXT NOT NULL,
    based_on TEXT,
    body TEXT NOT NULL
);

CREATE TABLE county_year (
    {SYNC_COLUMNS},
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    resident_population INTEGER,
    elderly_population INTEGER,
    elderly_managed INTEGER,
    infant_population INTEGER,
    infant_managed INTEGER,
    alliance_population INTEGER,
    satisfaction REAL CHECK (satisfaction IS NULL OR satisfaction BETWEEN 0 AND 1),
    {_nonneg("resident_population", "elderly_population", "elderly_managed",
             "infant_population", "infant_managed", "alliance_population")},
    CHECK (elderly_managed IS NULL OR elderly_population IS NULL
           OR elderly_managed <= elderly_population),
    CHECK (infant_managed IS NULL OR infant_population IS NULL
           OR infant_managed <= infant_population)
);
CREATE UNIQUE INDEX county_year_year ON county_year(year);

CREATE TABLE institution (
    {SYNC_COLUMNS},
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    type TEXT NOT NULL CHECK (type IN ('county_tcm_hospital', 'county_general_hospital',
        'maternal_child', 'chc', 'township_hc', 'chs', 'village_clinic', 'tcm_clinic', 'other')),
    township TEXT,
    code TEXT,
    parent_id TEXT REFERENCES institution(id),
    ownership TEXT NOT NULL DEFAULT 'public' CHECK (ownership IN ('public', 'private')),
    active_from INTEGER CHECK (active_from IS NULL OR active_from BETWEEN 2000 AND 2100),
    active_to INTEGER CHECK (active_to IS NULL OR active_to BETWEEN 2000 AND 2100),
    note TEXT,
    CHECK (active_from IS NULL OR active_to IS NULL OR active_from <= active_to)
);
CREATE INDEX institution_name ON institution(name);
CREATE INDEX institution_parent ON institution(parent_id);

CREATE TABLE institution_year (
    {SYNC_COLUMNS},
    institution_id TEXT NOT NULL REFERENCES institution(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    inst_type TEXT,
    hall_state TEXT CHECK (hall_state IS NULL
        OR hall_state IN ('none', 'built', 'standard', 'upgraded')),
    hall_grade TEXT CHECK (hall_grade IS NULL OR hall_grade IN ('normal', 'boutique', 'model')),
    platform_connected INTEGER CHECK (platform_connected IS NULL OR platform_connected IN (0, 1)),
    tcm_corner INTEGER CHECK (tcm_corner IS NULL OR tcm_corner IN (0, 1)),
    service_place INTEGER CHECK (service_place IS NULL OR service_place IN (0, 1)),
    tech_categories INTEGER,
    tech_items INTEGER,
    physicians INTEGER,
    tcm_physicians INTEGER,
    other_tcm_staff INTEGER,
    tcm_gps INTEGER,
    west_learn_tcm INTEGER,
    visits INTEGER,
    tcm_visits INTEGER,
    dept_preventive INTEGER CHECK (dept_preventive IS NULL OR dept_preventive IN (0, 1)),
    dept_rehab INTEGER CHECK (dept_rehab IS NULL OR dept_rehab IN (0, 1)),
    dept_infectious INTEGER CHECK (dept_infectious IS NULL OR dept_infectious IN (0, 1)),
    {_nonneg("tech_categories", "tech_items", "physicians", "tcm_physicians", "other_tcm_staff",
             "tcm_gps", "west_learn_tcm", "visits", "tcm_visits")},
    CHECK (tcm_physicians IS NULL OR physicians IS NULL OR tcm_physicians <= physicians),
    CHECK (tcm_visits IS NULL OR visits IS NULL OR tcm_visits <= visits),
    CHECK (tech_categories IS NULL OR tech_items IS NULL OR tech_categories <= tech_items)
);
CREATE UNIQUE INDEX institution_year_key ON institution_year(institution_id, year);
CREATE INDEX institution_year_year ON institution_year(year);

CREATE TABLE activity (
    {SYNC_COLUMNS},
    institution_id TEXT NOT NULL REFERENCES institution(id),
    date TEXT NOT NULL CHECK (date BETWEEN '2000-01-01' AND '2100-12-31'),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    people INTEGER CHECK (people IS NULL OR people >= 0),
    tcm_content INTEGER NOT NULL DEFAULT 1 CHECK (tcm_content IN (0, 1)),
    note TEXT
);
CREATE INDEX activity_date ON activity(date);
CREATE INDEX activity_institution ON activity(institution_id);

CREATE TABLE task (
    {SYNC_COLUMNS},
    category TEXT,
    number TEXT,
    text TEXT NOT NULL,
    lead_unit TEXT,
    assist_units TEXT,
    deadline TEXT CHECK (deadline IS NULL OR deadline BETWEEN '2000-01-01' AND '2100-12-31'),
    phase TEXT,
    status TEXT NOT NULL DEFAULT '未开始'
        CHECK (status IN ('未开始', '推进中', '已完成', '已延期')),
    note TEXT
);

-- Evidence files live inside the county file, so one file carries everything; the bytes are
-- stored once per content hash in `blob`.
CREATE TABLE evidence (
    {SYNC_COLUMNS},
    owner_table TEXT NOT NULL,
    owner_id TEXT,
    indicator_id TEXT,
    year INTEGER,
    filename TEXT NOT NULL,
    mime TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blob(sha256),
    note TEXT
);
CREATE INDEX evidence_owner ON evidence(owner_table, owner_id);

CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY NOT NULL,
    data BLOB NOT NULL
);

-- Every revision a record has had in this file (or in a file merged into it): a merge uses it
-- to tell "changed on one side only" from "changed on both sides".
CREATE TABLE revlog (
    record_id TEXT NOT NULL,
    rev TEXT NOT NULL,
    PRIMARY KEY (record_id, rev)
) WITHOUT ROWID;

CREATE TABLE audit (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    machine TEXT NOT NULL,
    host TEXT,
    action TEXT NOT NULL,
    table_name TEXT,
    record_id TEXT,
    label TEXT,
    field TEXT,
    old TEXT,
    new TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_record ON audit(record_id);
"""


# Version 2: the phases of the creation plan (筹备 → 实施 → 评估验收 → 整改提升), with dates.
_V2 = f"""
CREATE TABLE phase (
    {SYNC_COLUMNS},
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    start_date TEXT CHECK (start_date IS NULL OR start_date BETWEEN '2000-01-01' AND '2100-12-31'),
    end_date TEXT CHECK (end_date IS NULL OR end_date BETWEEN '2000-01-01' AND '2100-12-31'),
    ord INTEGER,
    note TEXT,
    CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
"""

# Version 3: the register over the years.
# - `institution_year.carried`: values copied from last year by 开始新年度 that nobody has
#   confirmed yet, as "YEAR:field,field…" (empty or NULL once all are confirmed or changed).
# - `check_review`: a plausibility check (数据核查) marked 已核实 with a note; its id is computed
#   from the check's key, so two copies that mark the same check merge into one record.
# - An institution that has never had a first year starts in the earliest year it has figures
#   for, as an import would have set it: a centre opened in 2023 stops failing 2022 as 未填报.
#   The new revision is computed from the old one, so two copies upgraded apart agree.
_V3_SQL = f"""
ALTER TABLE institution_year ADD COLUMN carried TEXT;

CREATE TABLE check_review (
    {SYNC_COLUMNS},
    check_key TEXT NOT NULL,
    year INTEGER CHECK (year IS NULL OR year BETWEEN 2000 AND 2100),
    institution_id TEXT,
    verified INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1)),
    note TEXT
);
CREATE INDEX check_review_year ON check_review(year);
"""

_V3_STARTS = """
SELECT i.id, i.rev, min(y.year) AS first
FROM institution i JOIN institution_year y ON y.institution_id = i.id AND y.deleted = 0
WHERE i.active_from IS NULL
GROUP BY i.id
HAVING i.active_to IS NULL OR min(y.year) <= i.active_to
"""


def _v3(conn: sqlite3.Connection) -> None:
    for statement in _V3_SQL.split(";"):
        if statement.strip():
            conn.execute(statement)
    for inst_id, rev, first in conn.execute(_V3_STARTS).fetchall():
        new_rev = hashlib.sha1(f"v3-start/{rev}/{first}".encode()).hexdigest()[:32]
        conn.execute("UPDATE institution SET active_from = ?, rev = ? WHERE id = ?",
                     (first, new_rev, inst_id))
        conn.execute("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                     (inst_id, new_rev))


# Version 4, the standard's facts (issue 16): the 中医馆 construction figures that decide 达标 (area, rooms,
# treatment-room area), the county TCM hospital's grade, 基层指导科 and 适宜技术推广中心, the TCM
# department and 中药房 of the general and maternal-child hospitals, family-doctor teams with TCM
# staff, and the county's 中医药健康文化素养水平 survey figure.
_V_STANDARD = """
ALTER TABLE institution_year ADD COLUMN hall_area INTEGER CHECK (hall_area IS NULL OR hall_area >= 0);
ALTER TABLE institution_year ADD COLUMN hall_consult_rooms INTEGER
    CHECK (hall_consult_rooms IS NULL OR hall_consult_rooms >= 0);
ALTER TABLE institution_year ADD COLUMN hall_treat_rooms INTEGER
    CHECK (hall_treat_rooms IS NULL OR hall_treat_rooms >= 0);
ALTER TABLE institution_year ADD COLUMN hall_treat_area INTEGER
    CHECK (hall_treat_area IS NULL OR hall_treat_area >= 0);
ALTER TABLE institution_year ADD COLUMN hospital_grade TEXT
    CHECK (hospital_grade IS NULL OR hospital_grade IN ('none', '2b', '2a', '3b', '3a'));
ALTER TABLE institution_year ADD COLUMN dept_guidance INTEGER
    CHECK (dept_guidance IS NULL OR dept_guidance IN (0, 1));
ALTER TABLE institution_year ADD COLUMN tech_center INTEGER
    CHECK (tech_center IS NULL OR tech_center IN (0, 1));
ALTER TABLE institution_year ADD COLUMN tcm_dept INTEGER
    CHECK (tcm_dept IS NULL OR tcm_dept IN (0, 1));
ALTER TABLE institution_year ADD COLUMN tcm_pharmacy INTEGER
    CHECK (tcm_pharmacy IS NULL OR tcm_pharmacy IN (0, 1));
ALTER TABLE institution_year ADD COLUMN fd_teams INTEGER CHECK (fd_teams IS NULL OR fd_teams >= 0);
ALTER TABLE institution_year ADD COLUMN fd_teams_tcm INTEGER
    CHECK (fd_teams_tcm IS NULL OR (fd_teams_tcm >= 0 AND (fd_teams IS NULL OR fd_teams_tcm <= fd_teams)));
ALTER TABLE county_year ADD COLUMN tcm_literacy REAL
    CHECK (tcm_literacy IS NULL OR tcm_literacy BETWEEN 0 AND 1);
"""

# Version 5, 模拟现场评审 (issue 17): a review of a year with the rule and seed its sample was drawn by, the
# institutions drawn (in route order; a hand swap keeps the one drawn and the clerk's note), and
# the findings per institution and item of the standard. A finding's id is stable (review,
# institution, item), so a township's file and the bureau's merge into one record.
_V_REVIEW = f"""
CREATE TABLE review (
    {SYNC_COLUMNS},
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    review_date TEXT CHECK (review_date IS NULL OR review_date BETWEEN '2000-01-01' AND '2100-12-31'),
    seed INTEGER NOT NULL,
    rule TEXT NOT NULL,
    note TEXT
);
CREATE INDEX review_year ON review(year);

CREATE TABLE review_inst (
    {SYNC_COLUMNS},
    review_id TEXT NOT NULL REFERENCES review(id),
    institution_id TEXT NOT NULL REFERENCES institution(id),
    ord INTEGER,
    drawn_id TEXT,
    swap_note TEXT
);
CREATE INDEX review_inst_review ON review_inst(review_id);

CREATE TABLE review_finding (
    {SYNC_COLUMNS},
    review_id TEXT NOT NULL REFERENCES review(id),
    institution_id TEXT NOT NULL REFERENCES institution(id),
    item_id TEXT NOT NULL,
    verdict TEXT CHECK (verdict IS NULL OR verdict IN ('符合', '不符合')),
    note TEXT
);
CREATE INDEX review_finding_review ON review_finding(review_id);
"""

# Version 6, the township as a fact of the year (issue 29): an institution's earlier townships, one
# record per period before the present one. A record says the institution belonged to `township`
# up to and including `until_year` (from the year after the previous record's); from the year
# after its last record on, it belongs to `institution.township`, which therefore stays the
# township of today. A file upgraded from an earlier version has no such record: every
# institution's township holds for all its years, as it showed before, and two copies upgraded
# apart agree without writing a revision. A record's id is computed from the institution and
# the year (db.townships), so two copies that record the same change merge into one record.
_V_TOWNSHIP_YEARS = f"""
CREATE TABLE institution_township (
    {SYNC_COLUMNS},
    institution_id TEXT NOT NULL REFERENCES institution(id),
    until_year INTEGER NOT NULL CHECK (until_year BETWEEN 2000 AND 2100),
    township TEXT
);
CREATE UNIQUE INDEX institution_township_key ON institution_township(institution_id, until_year);
"""

# Version 7, 达标路径 (issue 28): an action of the year's path marked 已安排, with the person responsible and
# the date it is due. Its id is computed from the year and the action's key (the standard's item,
# and the institution for an action at one), so two copies that arrange the same action merge
# into one record; taking the mark back leaves a tombstone, carried by a merge like any deletion.
_V_PATH = f"""
CREATE TABLE planned_action (
    {SYNC_COLUMNS},
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    action_key TEXT NOT NULL,
    item_id TEXT NOT NULL,
    institution_id TEXT REFERENCES institution(id),
    what TEXT,
    person TEXT,
    due_date TEXT CHECK (due_date IS NULL OR due_date BETWEEN '2000-01-01' AND '2100-12-31'),
    note TEXT
);
CREATE INDEX planned_action_year ON planned_action(year);
"""

# Version 8, facts the national texts ask for (issue 24): whether a county hospital has set up the
# 中医健康宣教基地 (N1: 所有县级区域依托县级医院设置中医健康宣教基地), and whether a general or
# maternal-child hospital has a 煎药室 beside its 中药房.
_V_BASIS = """
ALTER TABLE institution_year ADD COLUMN decoction_room INTEGER
    CHECK (decoction_room IS NULL OR decoction_room IN (0, 1));
ALTER TABLE institution_year ADD COLUMN edu_base INTEGER
    CHECK (edu_base IS NULL OR edu_base IN (0, 1));
"""

# Append only: step N takes a file from user_version N-1 to N, as a SQL script or a function of
# the connection run inside the step's transaction. Released steps never change; a fixture file
# per released version lives in tests/fixtures/.
Step = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Step] = [_V1, _V2, _v3, _V_STANDARD, _V_REVIEW, _V_TOWNSHIP_YEARS, _V_PATH,
                         _V_BASIS]


def current_version() -> int:
    return len(MIGRATIONS)
