//! Sign-in throttling (OWASP ASVS 5.0 V6.3): password guessing is slowed down without
//! letting anyone lock a real user out of their own account.
//!
//! Three counters, each counting failures in a fixed one-hour window:
//! - **pair** (account, client address): [`PAIR_FREE_FAILURES`] free failures, then each
//!   further attempt on that account from that address waits longer: 30 s, 1, 2, 4, 8 and
//!   at most 15 minutes. Only the guesser's own address is slowed.
//! - **account** (any address): at [`ACCOUNT_CEILING`] failures the account is under
//!   attack. Addresses that have failed on it are refused for the rest of the window; an
//!   address that has not (the owner at their usual desk) still gets in, at one attempt per
//!   [`ACCOUNT_SLOW_INTERVAL_MS`] across all such addresses. Guessing from ever new
//!   addresses slows to a crawl while the owner waits seconds at most.
//! - **address** (any account): at [`ADDRESS_CEILING`] failures, high enough for an
//!   office of hundreds behind one NAT, the address is slowed to one attempt per
//!   [`ADDRESS_SLOW_INTERVAL_MS`]: spraying many accounts stalls, colleagues still get in.
//!
//! Every attempt is counted before its password is checked, in one write transaction that
//! takes the three rows in a fixed order (pair, account, address), so parallel guesses are
//! counted one by one and cannot slip past a limit, and no two sign-ins deadlock. A
//! successful sign-in gives its count back and clears its pair; so does an attempt the
//! server was too busy to check. Crossing a ceiling is logged (`WARN`), and admins list the
//! counters that slow someone down with [`active`].

use shared::api::auth::{ThrottleKind, ThrottledSignIn};

use crate::auth::SessionUser;
use crate::db::{self, throttle::Counter, Db, Tx};
use crate::error::{AppError, AppResult};

/// Failures are counted in fixed windows of this length.
pub const WINDOW_MS: i64 = 60 * 60 * 1000;
/// Failures of one account from one address before its attempts are delayed.
pub const PAIR_FREE_FAILURES: i64 = 5;
/// The first delay of a pair; each further failure doubles it.
pub const PAIR_FIRST_DELAY_MS: i64 = 30 * 1000;
/// The longest delay of a pair.
pub const PAIR_MAX_DELAY_MS: i64 = 15 * 60 * 1000;
/// Failures of one account (from anywhere) in a window that mark it as under attack.
pub const ACCOUNT_CEILING: i64 = 20;
/// Under attack, addresses new to the account get one attempt per this interval.
pub const ACCOUNT_SLOW_INTERVAL_MS: i64 = 10 * 1000;
/// Failures from one address (on any accounts) in a window before it is slowed.
pub const ADDRESS_CEILING: i64 = 200;
/// A slowed address gets one attempt per this interval.
pub const ADDRESS_SLOW_INTERVAL_MS: i64 = 3 * 1000;

const PAIR: &str = "pair";
const ACCOUNT: &str = "account";
const ADDRESS: &str = "address";

/// The delay after a pair's `failures`-th failure (none before [`PAIR_FREE_FAILURES`]).
pub fn pair_delay_ms(failures: i64) -> i64 {
    if failures < PAIR_FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - PAIR_FREE_FAILURES).min(16) as u32;
    (PAIR_FIRST_DELAY_MS << doublings).min(PAIR_MAX_DELAY_MS)
}

/// The three counters one attempt is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub pair: Counter,
    pub account: Counter,
    pub address: Counter,
}

/// What the rules say about one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not checked; the client may try again at this instant.
    Refused { until: i64 },
    /// Checked, and counted as a failure until it succeeds: the counters to store.
    Counted(Counters),
}

/// The rules of the module notes, on counters already started afresh for their window.
pub fn decide(c: Counters, now: i64) -> Verdict {
    if c.pair.blocked_until > now {
        return Verdict::Refused {
            until: c.pair.blocked_until,
        };
    }
    let mut next = c;
    if c.account.failures >= ACCOUNT_CEILING {
        if c.pair.failures > 0 {
            return Verdict::Refused {
                until: c.account.window_start + WINDOW_MS,
            };
        }
        if c.account.blocked_until > now {
            return Verdict::Refused {
                until: c.account.blocked_until,
            };
        }
        next.account.blocked_until = now + ACCOUNT_SLOW_INTERVAL_MS;
    }
    if c.address.failures >= ADDRESS_CEILING {
        if c.address.blocked_until > now {
            return Verdict::Refused {
                until: c.address.blocked_until,
            };
        }
        next.address.blocked_until = now + ADDRESS_SLOW_INTERVAL_MS;
    }
    next.pair.failures += 1;
    next.account.failures += 1;
    next.address.failures += 1;
    if next.pair.failures >= PAIR_FREE_FAILURES {
        next.pair.blocked_until = now + pair_delay_ms(next.pair.failures);
    }
    Verdict::Counted(next)
}

/// An attempt that was let through and is counted as a failure until [`succeeded`].
#[derive(Debug, Clone)]
pub struct Attempt {
    username: String,
    address: String,
    counted: Counters,
}

impl Attempt {
    /// Attempts left on this account from this address before the delays start.
    pub fn remaining(&self) -> i64 {
        PAIR_FREE_FAILURES - self.counted.pair.failures
    }

    /// The wait before this address may try this account again, after this failure.
    pub fn delay_ms(&self) -> i64 {
        pair_delay_ms(self.counted.pair.failures)
    }

    /// Logs what the failure of this attempt means for the account and the address.
    pub fn failed(&self) {
        let c = &self.counted;
        if c.account.failures == ACCOUNT_CEILING {
            tracing::warn!(
                account = %self.username,
                failures = c.account.failures,
                "sign-in throttle: account reached its failure ceiling; addresses that failed \
                 on it are refused for the rest of the hour"
            );
        }
        if c.address.failures == ADDRESS_CEILING {
            tracing::warn!(
                address = %self.address,
                failures = c.address.failures,
                "sign-in throttle: address reached its failure ceiling and is slowed"
            );
        }
    }
}

fn pair_key(username: &str, address: &str) -> String {
    // Addresses hold no spaces, so the first space splits the key unambiguously.
    format!("{address} {username}")
}

/// Counts an attempt of `username` from `address` before its password is checked, or
/// refuses it with the time the client may try again.
pub async fn reserve(db: &Db, username: &str, address: &str, now: i64) -> AppResult<Attempt> {
    let floor = now - WINDOW_MS;
    let pair = pair_key(username, address);
    let mut tx = db.begin_write().await?;
    let counters = Counters {
        pair: db::throttle::touch(&mut tx, PAIR, &pair, now, floor).await?,
        account: db::throttle::touch(&mut tx, ACCOUNT, username, now, floor).await?,
        address: db::throttle::touch(&mut tx, ADDRESS, address, now, floor).await?,
    };
    match decide(counters, now) {
        Verdict::Refused { until } => {
            tx.commit().await?;
            tracing::info!(account = %username, address, "sign-in refused by the throttle");
            Err(AppError::TooManyAttempts {
                retry_after_secs: (until - now + 999) / 1000,
            })
        }
        Verdict::Counted(next) => {
            db::throttle::set(&mut tx, PAIR, &pair, next.pair).await?;
            db::throttle::set(&mut tx, ACCOUNT, username, next.account).await?;
            db::throttle::set(&mut tx, ADDRESS, address, next.address).await?;
            tx.commit().await?;
            Ok(Attempt {
                username: username.to_string(),
                address: address.to_string(),
                counted: next,
            })
        }
    }
}

/// A successful sign-in, in its session's transaction: the pair starts over and the
/// account and address get their provisional count back.
pub async fn succeeded(tx: &mut Tx, attempt: &Attempt) -> AppResult<()> {
    let pair = pair_key(&attempt.username, &attempt.address);
    db::throttle::delete(tx, PAIR, &pair).await?;
    db::throttle::give_back(tx, ACCOUNT, &attempt.username, false).await?;
    db::throttle::give_back(tx, ADDRESS, &attempt.address, false).await?;
    Ok(())
}

/// An attempt whose password was never checked (the server was busy): as if not made.
pub async fn withdraw(db: &Db, attempt: &Attempt) -> AppResult<()> {
    let pair = pair_key(&attempt.username, &attempt.address);
    let mut tx = db.begin_write().await?;
    // Any earlier block had passed, or the attempt would have been refused.
    db::throttle::give_back(&mut tx, PAIR, &pair, true).await?;
    db::throttle::give_back(&mut tx, ACCOUNT, &attempt.username, true).await?;
    db::throttle::give_back(&mut tx, ADDRESS, &attempt.address, true).await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets counters whose window has ended and that block nothing (hourly housekeeping).
pub async fn sweep(db: &Db, now: i64) -> AppResult<u64> {
    let mut conn = db.pool.acquire().await?;
    Ok(db::throttle::sweep(&mut conn, now - WINDOW_MS, now).await?)
}

/// The counters slowing someone down now, most failures first (admins).
pub async fn active(db: &Db, user: &SessionUser, now: i64) -> AppResult<Vec<ThrottledSignIn>> {
    user.require_admin()?;
    let mut conn = db.pool.acquire().await?;
    let rows =
        db::throttle::active(&mut conn, now - WINDOW_MS, now, PAIR_FREE_FAILURES, 500).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (kind, threshold) = match r.kind.as_str() {
                PAIR => (ThrottleKind::Pair, PAIR_FREE_FAILURES),
                ACCOUNT => (ThrottleKind::Account, ACCOUNT_CEILING),
                ADDRESS => (ThrottleKind::Address, ADDRESS_CEILING),
                _ => return None,
            };
            let blocking = r.blocked_until > now;
            if r.failures < threshold && !blocking {
                return None;
            }
            let (address, account) = match kind {
                ThrottleKind::Pair => {
                    let (a, u) = r.key.split_once(' ').unwrap_or((&r.key, ""));
                    (Some(a.to_string()), Some(u.to_string()))
                }
                ThrottleKind::Account => (None, Some(r.key)),
                ThrottleKind::Address => (Some(r.key), None),
            };
            Some(ThrottledSignIn {
                kind,
                account,
                address,
                failures: r.failures,
                window_start: r.window_start,
                blocked_until: blocking.then_some(r.blocked_until),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(now: i64) -> Counter {
        Counter {
            failures: 0,
            window_start: now,
            blocked_until: 0,
        }
    }

    fn counters(now: i64) -> Counters {
        Counters {
            pair: fresh(now),
            account: fresh(now),
            address: fresh(now),
        }
    }

    /// Runs `n` failed attempts through the rules, as `reserve` would store them.
    fn fail(mut c: Counters, n: usize, mut now: i64) -> (Counters, i64) {
        for _ in 0..n {
            match decide(c, now) {
                Verdict::Counted(next) => c = next,
                Verdict::Refused { until } => {
                    now = until;
                    continue;
                }
            }
        }
        (c, now)
    }

    #[test]
    fn delays_grow_after_the_free_failures_up_to_fifteen_minutes() {
        let delays: Vec<i64> = (1..=12).map(pair_delay_ms).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900].map(|s| s * 1000)
        );
    }

    #[test]
    fn a_pair_is_refused_only_during_its_delay() {
        let now = 1_000_000;
        let (c, _) = fail(counters(now), 5, now);
        assert_eq!(c.pair.failures, 5);
        assert_eq!(
            decide(c, now + 1),
            Verdict::Refused {
                until: now + 30_000
            }
        );
        assert!(matches!(decide(c, now + 30_000), Verdict::Counted(_)));
    }

    #[test]
    fn an_account_under_attack_still_admits_addresses_that_have_not_failed() {
        let now = 5_000_000;
        let mut c = counters(now);
        c.account.failures = ACCOUNT_CEILING;
        // An address that failed on the account is refused until the window ends.
        let mut failed = c;
        failed.pair.failures = 1;
        assert_eq!(
            decide(failed, now),
            Verdict::Refused {
                until: now + WINDOW_MS
            }
        );
        // A clean address gets in, and takes the slot for the next interval.
        let Verdict::Counted(next) = decide(c, now) else {
            panic!("a clean address is admitted");
        };
        assert_eq!(next.account.blocked_until, now + ACCOUNT_SLOW_INTERVAL_MS);
        let mut another = c;
        another.account = next.account;
        assert_eq!(
            decide(another, now + 1),
            Verdict::Refused {
                until: now + ACCOUNT_SLOW_INTERVAL_MS
            }
        );
        assert!(matches!(
            decide(another, now + ACCOUNT_SLOW_INTERVAL_MS),
            Verdict::Counted(_)
        ));
    }

    #[test]
    fn a_busy_address_is_slowed_not_shut() {
        let now = 9_000_000;
        let mut c = counters(now);
        c.address.failures = ADDRESS_CEILING;
        let Verdict::Counted(next) = decide(c, now) else {
            panic!("the first attempt passes");
        };
        c.address = next.address;
        assert_eq!(
            decide(c, now + 1),
            Verdict::Refused {
                until: now + ADDRESS_SLOW_INTERVAL_MS
            }
        );
        assert!(matches!(
            decide(c, now + ADDRESS_SLOW_INTERVAL_MS),
            Verdict::Counted(_)
        ));
    }
}
