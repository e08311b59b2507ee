-- Accounts keyed on the national ID number, their second factor, lockout state and staff roles;
-- one-time codes; registrations in progress.

CREATE TABLE identity.accounts (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    nin                 char(20) NOT NULL UNIQUE CHECK (nin ~ '^[0-9]{20}$'),
    first_name          text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    middle_name         text CHECK (length(middle_name) <= 100),
    last_name           text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    date_of_birth       date NOT NULL,
    phone               text NOT NULL CHECK (phone ~ '^\+255[67][0-9]{8}$'),
    email               text CHECK (length(email) <= 254),
    language            text NOT NULL DEFAULT 'sw' CHECK (language IN ('sw', 'en')),
    password_hash       text NOT NULL,
    second_factor       text NOT NULL DEFAULT 'sms' CHECK (second_factor IN ('sms', 'totp')),
    totp_secret         text,                         -- protected with ASP.NET Data Protection
    failed_attempts     integer NOT NULL DEFAULT 0,   -- consecutive wrong passwords or codes
    locked_until        timestamptz,
    security_stamp      uuid NOT NULL DEFAULT gen_random_uuid(), -- changes revoke every session
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Staff are citizens with roles. agency_code is set for agency officers only.
CREATE TABLE identity.account_roles (
    account_id   uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('helpdesk_agent', 'helpdesk_supervisor', 'agency_officer', 'administrator')),
    agency_code  text NOT NULL DEFAULT '',
    granted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, role, agency_code),
    CHECK ((role = 'agency_officer') = (agency_code <> ''))
);

-- Registrations in progress: the registry check, then the phone, then the password. Short-lived.
CREATE TABLE identity.registrations (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    nin                     char(20) NOT NULL,
    first_name              text NOT NULL,
    middle_name             text,
    last_name               text NOT NULL,
    date_of_birth           date NOT NULL,
    phone                   text NOT NULL,
    purpose                 text NOT NULL CHECK (purpose IN ('register', 'reset_password')),
    registry_verification   text NOT NULL,
    question_sw             text NOT NULL,
    question_en             text NOT NULL,
    registry_verified_at    timestamptz,
    phone_verified_at       timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    expires_at              timestamptz NOT NULL
);
CREATE INDEX registrations_expiry ON identity.registrations (expires_at);

-- One-time codes sent by SMS. Only a hash of the code is kept.
CREATE TABLE identity.one_time_codes (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subject      text NOT NULL,         -- 'account:{id}' or 'registration:{id}'
    purpose      text NOT NULL,
    phone        text NOT NULL,
    code_hash    bytea NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    consumed_at  timestamptz
);
CREATE INDEX one_time_codes_subject ON identity.one_time_codes (subject, purpose, created_at DESC);
