-- Background jobs as rows, so that any instance behind the load balancer answers their
-- progress and serves their result: who owns a job, what it is, how far it got, which
-- process runs it and when that process last said it was alive (a running job whose
-- heartbeat is older than 30 s is reported failed, never hangs). Per-person limits are
-- counted here, so they hold across instances.
CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    units_done    BIGINT NOT NULL DEFAULT 0,
    units_total   BIGINT NOT NULL DEFAULT 0,
    rows_done     BIGINT NOT NULL DEFAULT 0,
    file_name     TEXT NOT NULL,
    format        TEXT NOT NULL,
    error         TEXT,
    error_code    TEXT,
    file_size     BIGINT,
    runner        TEXT NOT NULL,
    heartbeat_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX jobs_user_status ON jobs (user_id, status);
CREATE INDEX jobs_created ON jobs (created_at);

-- A finished job's file, in chunks of at most 1 MiB (seq from 0), read in order by the
-- download on whichever instance it reaches; removed with the job after its retention.
CREATE TABLE job_files (
    job_id  BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    bytes   BYTEA NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- A confirmed question import's progress (questions written), written with its
-- heartbeat, so an instance other than the one writing it reports how far it got.
ALTER TABLE question_imports ADD COLUMN done BIGINT NOT NULL DEFAULT 0;
