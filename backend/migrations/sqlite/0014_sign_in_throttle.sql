-- Sign-in throttling (domain/throttle.rs): one counter per (account, address) pair, per
-- account and per client address, each counting failures in a fixed window. Every attempt
-- is counted before its password is checked and given back when it succeeds, so parallel
-- guesses cannot slip past a limit. Replaces the append-only login_failures log.
CREATE TABLE sign_in_throttle (
    kind          TEXT NOT NULL CHECK (kind IN ('pair', 'account', 'address')),
    key           TEXT NOT NULL,
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX sign_in_throttle_window ON sign_in_throttle (window_start);

DROP TABLE login_failures;
