//! Group commit of answer saves, the hottest write (one per pick during a quiz). Saves
//! that arrive while the writer is busy wait in one queue; the writer takes all of them
//! (up to [`MAX_BATCH`]) and writes them with **one** conditional `UPDATE … FROM (VALUES …)
//! RETURNING` statement, which commits them together and says which rows it changed. A
//! save is answered only after that statement has committed, so an acknowledged save is on
//! disk as much as any other commit. With one save waiting, the batch is that save alone:
//! nothing waits for a batch to fill.
//!
//! Each row re-checks, atomically with the write, what the caller checked on a reader
//! connection or knows from [`FrozenQuestions`]: the save's session is current (so a save
//! needs no statement of its own to look it up) and its member owns the attempt, open (not submitted, not closed with its quiz),
//! its quiz not closed, and neither the attempt's deadline nor the quiz's closing time
//! passed at the save's own time. On PostgreSQL the statement share-locks the attempts it
//! writes, so a submission or a closing that is claiming one either waits for the save (and
//! grades it) or committed first (and the save writes nothing).
//!
//! [`FrozenQuestions`] keeps, per instance, what a save needs to know of its question that
//! can never change once the attempt has started (its owner, whether it is a challenge, the
//! key's shape and the option order frozen at the start), filled when the attempt is shown
//! or first saved, so a save skips the reader statement and is its session's read plus its share of one batched write. Nothing
//! that can change (submitted, closed, deadline, the quiz's status) is kept: the batched
//! statement checks those, so another instance's submission or closing is seen at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shared::grading::AnswerKey;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::DbKind;

/// Most saves written by one statement (5 parameters each).
pub const MAX_BATCH: usize = 256;

/// One answer to write.
#[derive(Debug, Clone)]
pub struct AnswerSave {
    pub attempt_id: i64,
    pub position: i64,
    /// The hash of the session it came with: the statement writes only when that session
    /// is current (unexpired, its account active) and its account owns the attempt.
    pub token_hash: String,
    /// The answer as stored (canonical JSON).
    pub answer: String,
    /// When the member saved it (Unix ms): the deadline is checked against it.
    pub at: i64,
}

struct Queued {
    save: AnswerSave,
    done: oneshot::Sender<Result<bool, Arc<sqlx::Error>>>,
}

/// The queue in front of the writer. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AnswerSaves {
    queue: mpsc::Sender<Queued>,
}

impl AnswerSaves {
    /// Starts the writer task on `writer` (the pool write statements run on).
    pub fn start(writer: AnyPool, kind: DbKind) -> AnswerSaves {
        let (queue, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_loop(rx, writer, kind));
        AnswerSaves { queue }
    }

    /// Writes `save` if its attempt is still open: true when written, false when the
    /// attempt was not the member's, not open or past its time (nothing written).
    pub async fn save(&self, save: AnswerSave) -> sqlx::Result<bool> {
        let (done, answer) = oneshot::channel();
        let gone = || sqlx::Error::PoolClosed;
        self.queue
            .send(Queued { save, done })
            .await
            .map_err(|_| gone())?;
        match answer.await.map_err(|_| gone())? {
            Ok(written) => Ok(written),
            Err(e) => Err(sqlx::Error::Protocol(format!(
                "batched answer save failed: {e}"
            ))),
        }
    }
}

/// What a save checks its answer against: the facts of one attempt's question that are
/// fixed when the attempt starts. An attempt's owner and questions are written once, ids are
/// never reused (`AUTOINCREMENT`, `BIGSERIAL`), a quiz's kind is locked once it has an
/// attempt, and editing a question an attempt holds copies the held version first, so a
/// cached entry can only be missing, never wrong.
#[derive(Debug)]
pub struct FrozenQuestion {
    pub user_id: i64,
    /// A challenge run, graded at each save: those always take the write transaction.
    pub challenge: bool,
    pub key: AnswerKey,
    pub option_count: usize,
    /// The shown-to-stored option order of this attempt.
    pub order: Vec<usize>,
}

/// Most entries kept (each about 200 bytes: 20 MB at most; every question of an attempt
/// is remembered when the attempt is shown, so 10,000 members × 10 questions fit); when full
/// the cache starts over, which costs every open attempt one more read per question.
const FROZEN_CAPACITY: usize = 100_000;

/// Remembered questions by (attempt, position).
type FrozenMap = HashMap<(i64, i64), Arc<FrozenQuestion>>;

/// The per-instance cache of [`FrozenQuestion`]s by (attempt, position). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct FrozenQuestions {
    map: Arc<Mutex<FrozenMap>>,
}

impl FrozenQuestions {
    pub fn get(&self, attempt_id: i64, position: i64) -> Option<Arc<FrozenQuestion>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(attempt_id, position)).cloned()
    }

    pub fn insert(&self, attempt_id: i64, position: i64, q: Arc<FrozenQuestion>) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= FROZEN_CAPACITY {
            map.clear();
        }
        map.insert((attempt_id, position), q);
    }
}

async fn write_loop(mut rx: mpsc::Receiver<Queued>, writer: AnyPool, kind: DbKind) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let saves: Vec<AnswerSave> = batch.iter().map(|q| q.save.clone()).collect();
        match write_batch(&writer, kind, &saves).await {
            Ok(written) => {
                for q in batch.drain(..) {
                    let key = (q.save.attempt_id, q.save.position);
                    let _ = q.done.send(Ok(written.contains(&key)));
                }
            }
            Err(e) => {
                let e = Arc::new(e);
                for q in batch.drain(..) {
                    let _ = q.done.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Writes the batch in one statement; returns the (attempt, position) pairs written. Of
/// several saves to one question, the latest in the queue is written and all of them
/// count as written if it was: in order, each would have replaced the one before.
async fn write_batch(
    writer: &AnyPool,
    kind: DbKind,
    saves: &[AnswerSave],
) -> sqlx::Result<Vec<(i64, i64)>> {
    let mut latest: Vec<&AnswerSave> = Vec::with_capacity(saves.len());
    for s in saves.iter().rev() {
        if !latest
            .iter()
            .any(|l| l.attempt_id == s.attempt_id && l.position == s.position)
        {
            latest.push(s);
        }
    }
    let values: Vec<String> = (0..latest.len())
        .map(|i| {
            let b = i * 5;
            format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            )
        })
        .collect();
    let lock = match kind {
        DbKind::Postgres => " FOR SHARE OF a",
        DbKind::Sqlite => "",
    };
    // VALUES columns are column1 … column5 on both databases: attempt, position, session
    // token hash, answer, time of the save.
    let sql = format!(
        "UPDATE attempt_questions SET answer = b.column4, answered_at = b.column5, correct = NULL \
         FROM (VALUES {}) AS b \
         WHERE attempt_questions.attempt_id = b.column1 AND attempt_questions.position = b.column2 \
           AND EXISTS (SELECT 1 FROM attempts a JOIN quizzes q ON q.id = a.quiz_id \
             WHERE a.id = b.column1 AND a.user_id = {member} AND a.submitted_at IS NULL \
               AND a.closed_by_quiz = 0 AND q.status <> 'closed' \
               AND (a.deadline_at IS NULL OR a.deadline_at + {grace} >= b.column5) \
               AND (q.closes_at IS NULL OR q.closes_at + {grace} >= b.column5){lock}) \
         RETURNING attempt_questions.attempt_id, attempt_questions.position",
        values.join(", "),
        grace = shared::api::quiz::SAVE_GRACE_MS,
        member = super::sessions::current_user_sql("b.column3", "b.column5"),
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    for s in latest {
        q = q
            .bind(s.attempt_id)
            .bind(s.position)
            .bind(s.token_hash.clone())
            .bind(s.answer.clone())
            .bind(s.at);
    }
    q.fetch_all(writer).await
}
