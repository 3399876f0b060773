-- The whole domain of PRODUCT.md. Ids are UUIDv7 strings (TEXT on both
-- backends, so diesel's schema is the same for both); instants are UTC
-- TIMESTAMPs; dates and wall-clock times are the centre's local ones.
-- The database enforces what it can: foreign keys, uniqueness, states, kinds,
-- non-negative numbers and ordered ranges.

CREATE TABLE institutions (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 2 AND 64),
    name TEXT NOT NULL CHECK (length(name) > 0),
    kind TEXT NOT NULL DEFAULT 'university' CHECK (kind IN ('university', 'yh', 'other')),
    email TEXT NOT NULL CHECK (email LIKE '%_@_%'),
    start_offset_minutes INTEGER NOT NULL DEFAULT 0 CHECK (start_offset_minutes >= 0),
    min_stay_minutes INTEGER NOT NULL DEFAULT 0 CHECK (min_stay_minutes >= 0),
    late_entry_minutes INTEGER NOT NULL DEFAULT 0 CHECK (late_entry_minutes >= 0),
    registration_deadline_days INTEGER NOT NULL DEFAULT 10 CHECK (registration_deadline_days >= 0),
    answer_return TEXT NOT NULL DEFAULT 'scan_email' CHECK (answer_return IN ('scan_email', 'post', 'upload')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE centres (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 2 AND 64),
    name TEXT NOT NULL CHECK (length(name) > 0),
    municipality TEXT NOT NULL,
    address TEXT NOT NULL,
    email TEXT NOT NULL CHECK (email LIKE '%_@_%'),
    timezone TEXT NOT NULL DEFAULT 'Europe/Stockholm',
    language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    invigilator_ratio INTEGER NOT NULL DEFAULT 20 CHECK (invigilator_ratio > 0),
    -- midsommarafton, julafton, nyårsafton closed by default
    closed_on_de_facto_holidays BOOLEAN NOT NULL DEFAULT TRUE,
    max_future_study_bookings INTEGER CHECK (max_future_study_bookings >= 0),
    max_study_hours_per_week INTEGER CHECK (max_study_hours_per_week >= 0),
    -- fee for non-residents, in öre; 0 means no fee
    exam_fee_ore INTEGER NOT NULL DEFAULT 0 CHECK (exam_fee_ore >= 0),
    fee_payment_days INTEGER CHECK (fee_payment_days >= 0),
    retention_days INTEGER NOT NULL DEFAULT 365 CHECK (retention_days >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Municipalities whose residents pay no fee at a centre.
CREATE TABLE fee_exemptions (
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    municipality TEXT NOT NULL CHECK (length(municipality) > 0),
    PRIMARY KEY (centre_id, municipality)
);

CREATE TABLE rooms (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('exam_hall', 'study_area', 'group_room', 'separate_room', 'video_room')),
    seats INTEGER NOT NULL CHECK (seats >= 0),
    computer_seats INTEGER NOT NULL DEFAULT 0 CHECK (computer_seats >= 0 AND computer_seats <= seats),
    accessible BOOLEAN NOT NULL DEFAULT FALSE,
    bookable_exam BOOLEAN NOT NULL DEFAULT FALSE,
    bookable_study BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, name)
);

-- Staffed opening hours and (longer) access-card hours, per weekday, in local
-- wall-clock time. weekday: 0 = Monday … 6 = Sunday (ISO order).
CREATE TABLE centre_hours (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'access_card')),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens TIME NOT NULL,
    closes TIME NOT NULL,
    CHECK (opens < closes)
);
CREATE INDEX centre_hours_centre ON centre_hours (centre_id);

CREATE TABLE closures (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    created_at TIMESTAMP NOT NULL,
    CHECK (from_date <= to_date)
);
CREATE INDEX closures_centre ON closures (centre_id, from_date);

CREATE TABLE users (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    -- stored lower-cased, so uniqueness is case-insensitive
    email TEXT NOT NULL UNIQUE CHECK (email LIKE '%_@_%' AND email = lower(email)),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'centre_admin', 'invigilator', 'institution', 'student')),
    institution_id TEXT REFERENCES institutions (id) ON DELETE RESTRICT,
    -- argon2id PHC string; NULL for accounts that sign in by e-mail link
    password_hash TEXT,
    -- 12 digits (YYYYMMDDNNNC), Luhn-checked by the application
    personnummer TEXT CHECK (personnummer IS NULL OR length(personnummer) = 12),
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    municipality TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_sign_in_at TIMESTAMP,
    CHECK ((role = 'institution') = (institution_id IS NOT NULL))
);

-- Centres a centre administrator manages or an invigilator works at.
CREATE TABLE user_centres (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, centre_id)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- SHA-256 of the token, hex; the token itself is shown once and never stored
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    -- first characters of the token, so a person can tell tokens apart
    prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE access_cards (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    card_number TEXT,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX access_cards_student ON access_cards (student_id, centre_id);

CREATE TABLE invigilators (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL CHECK (length(name) > 0),
    email TEXT NOT NULL CHECK (email LIKE '%_@_%'),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, email)
);

-- Weekly availability pattern, local wall-clock time.
CREATE TABLE invigilator_weekly (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    invigilator_id TEXT NOT NULL REFERENCES invigilators (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    from_time TIME NOT NULL,
    to_time TIME NOT NULL,
    CHECK (from_time < to_time)
);
CREATE INDEX invigilator_weekly_inv ON invigilator_weekly (invigilator_id);

-- Dated exceptions: a day (or part of one) off, or extra availability.
CREATE TABLE invigilator_exceptions (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    invigilator_id TEXT NOT NULL REFERENCES invigilators (id) ON DELETE CASCADE,
    date DATE NOT NULL,
    from_time TIME,
    to_time TIME,
    available BOOLEAN NOT NULL,
    CHECK ((from_time IS NULL) = (to_time IS NULL)),
    CHECK (from_time IS NULL OR from_time < to_time),
    CHECK (available = FALSE OR from_time IS NOT NULL)
);
CREATE INDEX invigilator_exceptions_inv ON invigilator_exceptions (invigilator_id, date);

CREATE TABLE exam_requests (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE RESTRICT,
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE RESTRICT,
    course_code TEXT NOT NULL CHECK (length(course_code) > 0),
    course_name TEXT NOT NULL,
    title TEXT NOT NULL CHECK (length(title) > 0),
    -- a fixed start (the campus start) or a window, never both
    starts_at TIMESTAMP,
    window_start TIMESTAMP,
    window_end TIMESTAMP,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    aids TEXT NOT NULL DEFAULT '',
    computer_required BOOLEAN NOT NULL DEFAULT FALSE,
    paper_delivery TEXT NOT NULL DEFAULT 'email' CHECK (paper_delivery IN ('email', 'post', 'upload', 'portal')),
    answer_return TEXT NOT NULL DEFAULT 'scan_email' CHECK (answer_return IN ('scan_email', 'post', 'upload')),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    -- open requests take self-registrations until registration_deadline
    open BOOLEAN NOT NULL DEFAULT FALSE,
    registration_deadline DATE,
    status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'approved', 'rejected', 'scheduled', 'completed', 'cancelled')),
    status_reason TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (
        (starts_at IS NOT NULL AND window_start IS NULL AND window_end IS NULL)
        OR (starts_at IS NULL AND window_start IS NOT NULL AND window_end IS NOT NULL
            AND window_start < window_end)
    )
);
CREATE INDEX exam_requests_centre ON exam_requests (centre_id, status);
CREATE INDEX exam_requests_institution ON exam_requests (institution_id, status);

-- One student writing one exam at one centre.
CREATE TABLE sittings (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    exam_request_id TEXT NOT NULL REFERENCES exam_requests (id) ON DELETE CASCADE,
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE RESTRICT,
    student_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    booking_code TEXT NOT NULL CHECK (length(booking_code) BETWEEN 4 AND 16),
    status TEXT NOT NULL DEFAULT 'requested'
        CHECK (status IN ('requested', 'confirmed', 'rejected', 'checked_in', 'completed', 'no_show', 'cancelled')),
    status_reason TEXT,
    -- accommodations (never a diagnosis)
    extra_time_percent INTEGER NOT NULL DEFAULT 0 CHECK (extra_time_percent BETWEEN 0 AND 300),
    separate_room BOOLEAN NOT NULL DEFAULT FALSE,
    computer BOOLEAN NOT NULL DEFAULT FALSE,
    breaks_minutes INTEGER NOT NULL DEFAULT 0 CHECK (breaks_minutes >= 0),
    other_accommodation TEXT,
    -- placement: all three set, or none
    room_id TEXT REFERENCES rooms (id) ON DELETE RESTRICT,
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    -- answers and iCalendar SEQUENCE
    sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (centre_id, booking_code),
    UNIQUE (exam_request_id, student_id),
    CHECK ((room_id IS NULL) = (starts_at IS NULL) AND (starts_at IS NULL) = (ends_at IS NULL)),
    CHECK (starts_at IS NULL OR starts_at < ends_at),
    CHECK (status NOT IN ('confirmed', 'checked_in', 'completed') OR room_id IS NOT NULL)
);
CREATE INDEX sittings_room_time ON sittings (room_id, starts_at);
CREATE INDEX sittings_student ON sittings (student_id);
CREATE INDEX sittings_centre_time ON sittings (centre_id, starts_at);

CREATE TABLE study_bookings (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    centre_id TEXT NOT NULL REFERENCES centres (id) ON DELETE RESTRICT,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE RESTRICT,
    student_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    booking_code TEXT NOT NULL CHECK (length(booking_code) BETWEEN 4 AND 16),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    created_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP,
    UNIQUE (centre_id, booking_code),
    CHECK (starts_at < ends_at),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX study_bookings_room_time ON study_bookings (room_id, starts_at);
CREATE INDEX study_bookings_student ON study_bookings (student_id);

CREATE TABLE invigilator_assignments (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    invigilator_id TEXT NOT NULL REFERENCES invigilators (id) ON DELETE RESTRICT,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE RESTRICT,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX invigilator_assignments_inv ON invigilator_assignments (invigilator_id, starts_at);
CREATE INDEX invigilator_assignments_room ON invigilator_assignments (room_id, starts_at);

-- The exam paper's metadata; the encrypted content lives in file storage under
-- storage_key and is deleted after the sitting (deleted_at).
CREATE TABLE exam_papers (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    exam_request_id TEXT NOT NULL REFERENCES exam_requests (id) ON DELETE CASCADE,
    filename TEXT NOT NULL CHECK (length(filename) > 0),
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    storage_key TEXT NOT NULL UNIQUE,
    readable_from TIMESTAMP NOT NULL,
    uploaded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);

-- Every read of an exam paper (provsekretess).
CREATE TABLE exam_paper_accesses (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    exam_paper_id TEXT NOT NULL REFERENCES exam_papers (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    accessed_at TIMESTAMP NOT NULL,
    ip TEXT
);

CREATE TABLE answer_returns (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    sitting_id TEXT NOT NULL REFERENCES sittings (id) ON DELETE CASCADE,
    method TEXT NOT NULL CHECK (method IN ('scan_email', 'post', 'upload')),
    tracking_number TEXT,
    sent_at TIMESTAMP NOT NULL,
    sent_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    received_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    CHECK (method <> 'post' OR tracking_number IS NOT NULL),
    CHECK (received_at IS NULL OR received_at >= sent_at)
);
CREATE INDEX answer_returns_sitting ON answer_returns (sitting_id);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    sitting_id TEXT NOT NULL REFERENCES sittings (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('late_arrival', 'left_early', 'break', 'suspected_cheating', 'other')),
    occurred_at TIMESTAMP NOT NULL,
    minutes INTEGER CHECK (minutes >= 0),
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX incidents_sitting ON incidents (sitting_id);

CREATE TABLE fees (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    sitting_id TEXT REFERENCES sittings (id) ON DELETE CASCADE,
    study_booking_id TEXT REFERENCES study_bookings (id) ON DELETE CASCADE,
    payer TEXT NOT NULL CHECK (payer IN ('student', 'institution')),
    amount_ore INTEGER NOT NULL CHECK (amount_ore >= 0),
    status TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'waived')),
    due_date DATE,
    paid_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK ((sitting_id IS NULL) <> (study_booking_id IS NULL)),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

-- Mail is written here in the same transaction as the change that causes it,
-- and delivered by the worker with retries.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL CHECK (to_address LIKE '%_@_%'),
    to_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    ics TEXT,
    related_kind TEXT,
    related_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    at TIMESTAMP NOT NULL,
    actor_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- who acted, kept readable after the user is gone ("cli", an e-mail address)
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL CHECK (length(action) > 0),
    target_kind TEXT,
    target_id TEXT,
    ip TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
