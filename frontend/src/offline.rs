//! What the member app keeps on the phone for when the network is gone: answers the server has
//! not yet accepted (per attempt, in localStorage; sent again when the quiz is opened or the
//! network returns, and the server then decides as for any late save) and the service
//! worker's copy of recent reads (`frontend/sw.js`). Signing out deletes both; signing in
//! deletes the reads, which belonged to the session before.

use shared::grading::Answer;

use crate::browser;

const PREFIX: &str = "beacon.pending.";
/// The service worker's cache of API reads (see `frontend/sw.js`).
const READS: &str = "beacon-data";

/// An answer waiting to be sent.
#[derive(Debug, Clone, PartialEq, miniserde::Serialize, miniserde::Deserialize)]
pub struct Pending {
    pub position: i64,
    pub answer: Answer,
}

fn key(attempt: i64) -> String {
    format!("{PREFIX}{attempt}")
}

/// The answers of `attempt` waiting to be sent (none when storage is unreadable).
pub fn pending(attempt: i64) -> Vec<Pending> {
    browser::stored(&key(attempt))
        .and_then(|text| miniserde::json::from_str(&text).ok())
        .unwrap_or_default()
}

fn store(attempt: i64, list: &[Pending]) {
    if list.is_empty() {
        browser::remove_stored(&key(attempt));
    } else {
        browser::set_stored(&key(attempt), &miniserde::json::to_string(&list.to_vec()));
    }
}

/// `list` with `answer` as the one waiting at `position` (a newer pick replaces an older one).
pub fn with(mut list: Vec<Pending>, position: i64, answer: &Answer) -> Vec<Pending> {
    list.retain(|p| p.position != position);
    list.push(Pending {
        position,
        answer: answer.clone(),
    });
    list
}

/// `list` without what waits at `position`, unless a newer pick than `sent` replaced it.
pub fn without(mut list: Vec<Pending>, position: i64, sent: &Answer) -> Vec<Pending> {
    list.retain(|p| p.position != position || p.answer != *sent);
    list
}

/// Keeps `answer` on the device until the server has it.
pub fn keep(attempt: i64, position: i64, answer: &Answer) {
    store(attempt, &with(pending(attempt), position, answer));
}

/// The server accepted (or finally refused) `answer` at `position`.
pub fn forget(attempt: i64, position: i64, answer: &Answer) {
    store(attempt, &without(pending(attempt), position, answer));
}

/// The attempt is submitted: nothing of it waits any more.
pub fn forget_attempt(attempt: i64) {
    browser::remove_stored(&key(attempt));
}

/// Deletes what the service worker kept of the last session's reads.
pub fn forget_reads() {
    browser::delete_cache(READS);
}

/// Signing out: every waiting answer and every kept read goes.
pub fn clear_device() {
    for k in browser::stored_keys(PREFIX) {
        browser::remove_stored(&k);
    }
    forget_reads();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_pick_replaces_the_waiting_one_and_survives_the_older_ones_reply() {
        let a = Answer::Single { option: 0 };
        let b = Answer::Single { option: 2 };
        let list = with(Vec::new(), 3, &a);
        let list = with(list, 5, &a);
        let list = with(list, 3, &b);
        assert_eq!(list.len(), 2);
        assert!(list.contains(&Pending {
            position: 3,
            answer: b.clone()
        }));
        // The reply to the older pick at 3 must not drop the newer one.
        let list = without(list, 3, &a);
        assert_eq!(list.len(), 2);
        let list = without(list, 3, &b);
        assert_eq!(
            list,
            [Pending {
                position: 5,
                answer: a
            }]
        );
    }

    #[test]
    fn the_queue_reads_back_what_it_wrote() {
        let list = vec![
            Pending {
                position: 1,
                answer: Answer::Multiple {
                    options: vec![0, 2],
                },
            },
            Pending {
                position: 2,
                answer: Answer::FillIn {
                    blanks: vec!["两个维护".into()],
                },
            },
        ];
        let text = miniserde::json::to_string(&list);
        let back: Vec<Pending> = miniserde::json::from_str(&text).unwrap();
        assert_eq!(back, list);
    }
}
