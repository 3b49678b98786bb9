-- Accounts, sessions and the organization tree (PostgreSQL).
-- Times are Unix milliseconds (BIGINT) so the same queries run on SQLite and PostgreSQL.
CREATE TABLE organizations (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE branches (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE cells (
    id          BIGSERIAL PRIMARY KEY,
    branch_id   BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (branch_id, name)
);

CREATE TABLE youth_groups (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE users (
    id                   BIGSERIAL PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('member', 'organizer', 'admin')),
    branch_id            BIGINT REFERENCES branches(id),
    cell_id              BIGINT REFERENCES cells(id),
    youth_group_id       BIGINT REFERENCES youth_groups(id),
    phone                TEXT,
    active               BIGINT NOT NULL DEFAULT 1,      -- 0 or 1: the Any driver has no portable boolean
    must_change_password BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX users_branch ON users (branch_id);
CREATE INDEX users_youth_group ON users (youth_group_id);

CREATE TABLE organizer_branches (
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    branch_id BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, branch_id)
);

CREATE TABLE organizer_youth_groups (
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    youth_group_id BIGINT NOT NULL REFERENCES youth_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, youth_group_id)
);

-- Only a SHA-256 of the session token is stored: a leaked table signs nobody in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id         BIGSERIAL PRIMARY KEY,
    username   TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, created_at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, created_at);
