//! Password hashing (argon2id) on a few dedicated threads behind one queue.
//!
//! argon2id needs 19 MiB of memory per hash by design. Run on tokio's blocking pool, a
//! burst of sign-ins hashed dozens at once: memory peaked above 2 GB and stayed with the
//! allocator, and the CPU-bound work starved everything else. Here one thread per core
//! hashes, each into memory it keeps between jobs, so hashing never holds more than
//! `workers × 19 MiB` and a burst waits in line. A caller that answers a person (sign-in)
//! passes the longest wait it accepts and gets [`AppError::Busy`] beyond it, so the client
//! hears "busy, retry in n s" instead of waiting out a timeout.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};

/// Stored hashes asking for more memory than this (256 MiB) are refused rather than
/// computed: ours use 19 MiB, and a hash is data a database restore could have altered.
const MAX_BLOCKS: usize = 256 * 1024;

/// What one hash is assumed to cost until the first ones have been timed.
const INITIAL_ESTIMATE: Duration = Duration::from_millis(50);

/// The process's hasher, with one worker per core.
pub fn hasher() -> &'static Hasher {
    static HASHER: OnceLock<Hasher> = OnceLock::new();
    HASHER.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hasher::new(workers)
    })
}

/// Hashes a new password (waits in line however long the queue is).
pub async fn hash(password: String) -> AppResult<String> {
    hasher().hash(password).await
}

/// Checks a password against a stored hash (waits in line); a malformed hash never matches.
pub async fn verify(password: String, hash: String) -> AppResult<bool> {
    hasher().verify(password, hash, None).await
}

/// A queue of hashing jobs served by a fixed set of threads.
pub struct Hasher {
    sender: mpsc::Sender<Job>,
    stats: Arc<Stats>,
    workers: usize,
}

struct Stats {
    /// Jobs accepted and not yet finished (waiting or running).
    in_queue: AtomicUsize,
    /// Moving average of one job's duration, in microseconds.
    average_micros: AtomicU64,
}

enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<Result<String, String>>,
    },
    Verify {
        password: String,
        hash: String,
        reply: oneshot::Sender<bool>,
    },
}

impl Hasher {
    /// Starts `workers` hashing threads; they end when the hasher is dropped.
    pub fn new(workers: usize) -> Hasher {
        let workers = workers.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let stats = Arc::new(Stats {
            in_queue: AtomicUsize::new(0),
            average_micros: AtomicU64::new(INITIAL_ESTIMATE.as_micros() as u64),
        });
        for n in 0..workers {
            let receiver = Arc::clone(&receiver);
            let stats = Arc::clone(&stats);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&receiver, &stats))
                .expect("start a password hashing thread");
        }
        Hasher {
            sender,
            stats,
            workers,
        }
    }

    /// How long a job queued now would wait before a worker starts it.
    pub fn expected_wait(&self) -> Duration {
        self.wait_behind(self.stats.in_queue.load(Ordering::Relaxed))
    }

    fn wait_behind(&self, ahead: usize) -> Duration {
        let rounds = (ahead / self.workers) as u64;
        Duration::from_micros(rounds * self.stats.average_micros.load(Ordering::Relaxed))
    }

    /// Takes a place in line unless the wait would exceed `max_wait`.
    fn enter(&self, max_wait: Option<Duration>) -> AppResult<()> {
        let admitted =
            self.stats
                .in_queue
                .fetch_update(
                    Ordering::AcqRel,
                    Ordering::Acquire,
                    |ahead| match max_wait {
                        Some(max) if self.wait_behind(ahead) > max => None,
                        _ => Some(ahead + 1),
                    },
                );
        match admitted {
            Ok(_) => Ok(()),
            Err(ahead) => {
                let wait = self.wait_behind(ahead);
                tracing::warn!(
                    queued = ahead,
                    wait_ms = wait.as_millis() as u64,
                    "password hashing queue full"
                );
                Err(AppError::Busy {
                    retry_after_secs: wait.as_secs().clamp(1, 60) as i64,
                })
            }
        }
    }

    fn submit(&self, job: Job) -> AppResult<()> {
        self.sender.send(job).map_err(|_| {
            self.stats.in_queue.fetch_sub(1, Ordering::AcqRel);
            AppError::internal("password hashing threads have stopped")
        })
    }

    /// Hashes a new password with the default argon2id parameters and a random salt.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.enter(None)?;
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash { password, reply })?;
        answer
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }

    /// Checks a password against a stored PHC string, refusing with [`AppError::Busy`] when
    /// the line is longer than `max_wait`.
    pub async fn verify(
        &self,
        password: String,
        hash: String,
        max_wait: Option<Duration>,
    ) -> AppResult<bool> {
        self.enter(max_wait)?;
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify {
            password,
            hash,
            reply,
        })?;
        answer.await.map_err(AppError::internal)
    }
}

/// One worker: takes jobs in turn, hashing into memory it keeps for the next job.
fn work(receiver: &Mutex<mpsc::Receiver<Job>>, stats: &Stats) {
    let mut memory: Vec<Block> = Vec::new();
    loop {
        let job = {
            let receiver = receiver.lock().unwrap_or_else(|e| e.into_inner());
            receiver.recv()
        };
        let Ok(job) = job else { return };
        let started = Instant::now();
        // The line is shorter before the caller hears back, so what it sees next is true.
        // A caller that went away (its request was cancelled) no longer wants the answer.
        match job {
            Job::Hash { password, reply } => {
                let hashed = hash_with(&mut memory, password.as_bytes());
                stats.finished(started);
                let _ = reply.send(hashed);
            }
            Job::Verify {
                password,
                hash,
                reply,
            } => {
                let matched = verify_with(&mut memory, password.as_bytes(), &hash);
                stats.finished(started);
                let _ = reply.send(matched);
            }
        }
    }
}

impl Stats {
    /// A job that began at `started` is done: it leaves the line and joins the average.
    fn finished(&self, started: Instant) {
        let took = started.elapsed().as_micros() as u64;
        let _ = self
            .average_micros
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |avg| {
                Some((avg * 7 + took) / 8)
            });
        self.in_queue.fetch_sub(1, Ordering::AcqRel);
    }
}

fn reserve(memory: &mut Vec<Block>, blocks: usize) {
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
}

fn hash_with(memory: &mut Vec<Block>, password: &[u8]) -> Result<String, String> {
    let params = Params::default();
    reserve(memory, params.block_count());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| e.to_string())?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt_bytes, &mut out, &mut memory[..])
        .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

fn verify_with(memory: &mut Vec<Block>, password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    if params.block_count() > MAX_BLOCKS {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    reserve(memory, params.block_count());
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..])
        .is_ok()
        // Output's equality is constant-time.
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crate_both_ways() {
        let hasher = Hasher::new(2);
        let ours = hasher.hash("Beacon2023".into()).await.unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"Beacon2023", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"beacon2023", &parsed)
            .is_err());

        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"Beacon2023", &salt)
            .unwrap()
            .to_string();
        for (password, hash, expected) in [
            ("Beacon2023", &theirs, true),
            ("Beacon2024", &theirs, false),
            ("Beacon2023", &ours, true),
            ("", &ours, false),
        ] {
            let got = hasher
                .verify(password.into(), hash.clone(), None)
                .await
                .unwrap();
            assert_eq!(got, expected, "{password} against {hash}");
        }
    }

    #[tokio::test]
    async fn malformed_or_oversized_hashes_never_match() {
        let hasher = Hasher::new(1);
        for hash in [
            "",
            "plain text",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ",
            // 1 GiB of memory asked for: refused, not computed.
            "$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8xKjCFE6ZAVy2m7fXwuAcZx1tXqB5r/SBqH9vZG4c0Y",
        ] {
            assert!(!hasher.verify("x".into(), hash.into(), None).await.unwrap());
        }
    }

    #[tokio::test]
    async fn a_full_line_is_refused_with_a_retry_time() {
        let hasher = Arc::new(Hasher::new(1));
        let hash = hasher.hash("Beacon2023".into()).await.unwrap();
        // Ten jobs wait behind one worker; a caller who accepts no wait is turned away.
        let waiting: Vec<_> = (0..10)
            .map(|_| {
                let (h, hash) = (Arc::clone(&hasher), hash.clone());
                tokio::spawn(async move { h.verify("Beacon2023".into(), hash, None).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(hasher.expected_wait() > Duration::ZERO);
        let refused = hasher
            .verify("Beacon2023".into(), hash.clone(), Some(Duration::ZERO))
            .await;
        match refused {
            Err(AppError::Busy { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected Busy, got {other:?}"),
        }
        for w in waiting {
            assert!(
                w.await.unwrap().unwrap(),
                "every queued job still completes"
            );
        }
        assert_eq!(hasher.stats.in_queue.load(Ordering::Relaxed), 0);
    }
}
