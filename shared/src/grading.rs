//! Grading rules for the four question kinds. Pure functions: the server grades with them
//! (the only place keys are compared); the frontend never sees a key before submission.
//!
//! Multiple choice (多选) is **all-or-nothing** by default: the answer scores only if it
//! selects exactly the keyed options. A quiz may instead allow **partial credit**: any
//! wrong option selected scores 0 (错选不得分); otherwise the score is the share of keyed
//! options selected (少选按比例得分), and only the exact set counts as correct.
//!
//! Fill-in-the-blank (填空) compares each blank with its accepted alternatives after
//! normalizing both: surrounding whitespace trimmed, inner runs of whitespace collapsed,
//! full-width ASCII forms (Ａ, １, ，) and the ideographic space folded to their half-width
//! forms, ASCII letters lower-cased. Each blank scores its share; the question is correct
//! only when every blank is.

use serde::{Deserialize, Serialize};

/// The four kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 单选: exactly one option is keyed.
    Single,
    /// 多选: two or more options are keyed.
    Multiple,
    /// 判断: true or false.
    TrueFalse,
    /// 填空: one or more blanks, each with accepted alternatives.
    FillIn,
}

impl QuestionKind {
    /// Every kind, in the order the app lists them.
    pub const ALL: [QuestionKind; 4] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::TrueFalse,
        QuestionKind::FillIn,
    ];

    /// The name on the wire (serde's `snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::FillIn => "fill_in",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionKind> {
        QuestionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The answer key of one question, by kind. Option indices are positions in the
/// question's canonical option list (before any per-attempt shuffle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKey {
    Single { option: usize },
    Multiple { options: Vec<usize> },
    TrueFalse { value: bool },
    FillIn { blanks: Vec<Vec<String>> },
}

/// A member's answer, in the same terms as the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Single { option: usize },
    Multiple { options: Vec<usize> },
    TrueFalse { value: bool },
    FillIn { blanks: Vec<String> },
}

/// How multiple-choice answers are scored (a quiz setting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MultiplePolicy {
    #[default]
    AllOrNothing,
    PartialCredit,
}

/// The outcome for one question: `score` is a share of the question's points, 0.0 to 1.0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub correct: bool,
    pub score: f64,
}

impl Grade {
    const RIGHT: Grade = Grade {
        correct: true,
        score: 1.0,
    };
    const WRONG: Grade = Grade {
        correct: false,
        score: 0.0,
    };
}

/// Grades an answer against its key. A missing answer, or one of another kind than the
/// key, is wrong.
pub fn grade(key: &AnswerKey, answer: Option<&Answer>, policy: MultiplePolicy) -> Grade {
    let Some(answer) = answer else {
        return Grade::WRONG;
    };
    match (key, answer) {
        (AnswerKey::Single { option: k }, Answer::Single { option: a }) => right_if(k == a),
        (AnswerKey::TrueFalse { value: k }, Answer::TrueFalse { value: a }) => right_if(k == a),
        (AnswerKey::Multiple { options: k }, Answer::Multiple { options: a }) => {
            grade_multiple(k, a, policy)
        }
        (AnswerKey::FillIn { blanks: k }, Answer::FillIn { blanks: a }) => grade_fill_in(k, a),
        _ => Grade::WRONG,
    }
}

fn right_if(ok: bool) -> Grade {
    if ok {
        Grade::RIGHT
    } else {
        Grade::WRONG
    }
}

fn grade_multiple(key: &[usize], answer: &[usize], policy: MultiplePolicy) -> Grade {
    let mut key: Vec<usize> = key.to_vec();
    key.sort_unstable();
    key.dedup();
    let mut chosen: Vec<usize> = answer.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen == key {
        return Grade::RIGHT;
    }
    match policy {
        MultiplePolicy::AllOrNothing => Grade::WRONG,
        MultiplePolicy::PartialCredit => {
            if key.is_empty() || chosen.iter().any(|c| !key.contains(c)) {
                Grade::WRONG
            } else {
                Grade {
                    correct: false,
                    score: chosen.len() as f64 / key.len() as f64,
                }
            }
        }
    }
}

fn grade_fill_in(key: &[Vec<String>], answer: &[String]) -> Grade {
    if key.is_empty() {
        return Grade::WRONG;
    }
    let right = key
        .iter()
        .enumerate()
        .filter(|(i, accepted)| {
            answer.get(*i).is_some_and(|given| {
                let given = normalize(given);
                !given.is_empty() && accepted.iter().any(|a| normalize(a) == given)
            })
        })
        .count();
    Grade {
        correct: right == key.len(),
        score: right as f64 / key.len() as f64,
    }
}

/// Normalizes a typed answer for comparison (see the module notes).
pub fn normalize(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Longest accepted text for one fill-in blank.
pub const MAX_BLANK_CHARS: usize = 200;

/// Why an answer cannot be accepted for a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerShapeError {
    WrongKind,
    NoSuchOption,
    WrongBlankCount,
    TooLong,
}

/// Checks that an answer fits its question: same kind, existing options, one text per
/// blank of bounded length. Nothing is graded here.
pub fn check_shape(
    key: &AnswerKey,
    option_count: usize,
    answer: &Answer,
) -> Result<(), AnswerShapeError> {
    match (key, answer) {
        (AnswerKey::Single { .. }, Answer::Single { option }) => {
            if *option < option_count {
                Ok(())
            } else {
                Err(AnswerShapeError::NoSuchOption)
            }
        }
        (AnswerKey::Multiple { .. }, Answer::Multiple { options }) => {
            if options.len() <= option_count && options.iter().all(|o| *o < option_count) {
                Ok(())
            } else {
                Err(AnswerShapeError::NoSuchOption)
            }
        }
        (AnswerKey::TrueFalse { .. }, Answer::TrueFalse { .. }) => Ok(()),
        (AnswerKey::FillIn { blanks }, Answer::FillIn { blanks: given }) => {
            if given.len() != blanks.len() {
                Err(AnswerShapeError::WrongBlankCount)
            } else if given.iter().any(|g| g.chars().count() > MAX_BLANK_CHARS) {
                Err(AnswerShapeError::TooLong)
            } else {
                Ok(())
            }
        }
        _ => Err(AnswerShapeError::WrongKind),
    }
}

/// Maps an answer given in an attempt's shuffled option order (`order[shown] = canonical`)
/// to the question's canonical option indices. Out-of-range indices are kept out of range.
pub fn to_canonical(answer: &Answer, order: &[usize]) -> Answer {
    let map = |i: usize| order.get(i).copied().unwrap_or(usize::MAX);
    match answer {
        Answer::Single { option } => Answer::Single {
            option: map(*option),
        },
        Answer::Multiple { options } => Answer::Multiple {
            options: options.iter().map(|o| map(*o)).collect(),
        },
        other => other.clone(),
    }
}

/// Maps a canonical answer or key to the attempt's shown order.
pub fn to_shown(answer: &Answer, order: &[usize]) -> Answer {
    let map = |c: usize| order.iter().position(|o| *o == c).unwrap_or(usize::MAX);
    match answer {
        Answer::Single { option } => Answer::Single {
            option: map(*option),
        },
        Answer::Multiple { options } => {
            let mut shown: Vec<usize> = options.iter().map(|o| map(*o)).collect();
            shown.sort_unstable();
            Answer::Multiple { options: shown }
        }
        other => other.clone(),
    }
}

/// A key written as the answer that would be right (for showing after submission).
pub fn key_as_answer(key: &AnswerKey) -> Answer {
    match key {
        AnswerKey::Single { option } => Answer::Single { option: *option },
        AnswerKey::Multiple { options } => Answer::Multiple {
            options: options.clone(),
        },
        AnswerKey::TrueFalse { value } => Answer::TrueFalse { value: *value },
        AnswerKey::FillIn { blanks } => Answer::FillIn {
            blanks: blanks
                .iter()
                .map(|alts| alts.first().cloned().unwrap_or_default())
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: MultiplePolicy = MultiplePolicy::AllOrNothing;
    const PARTIAL: MultiplePolicy = MultiplePolicy::PartialCredit;

    #[test]
    fn single_and_true_false() {
        let k = AnswerKey::Single { option: 2 };
        assert!(grade(&k, Some(&Answer::Single { option: 2 }), STRICT).correct);
        assert!(!grade(&k, Some(&Answer::Single { option: 1 }), STRICT).correct);
        assert!(!grade(&k, None, STRICT).correct);
        let k = AnswerKey::TrueFalse { value: false };
        assert_eq!(
            grade(&k, Some(&Answer::TrueFalse { value: false }), STRICT).score,
            1.0
        );
        assert_eq!(
            grade(&k, Some(&Answer::TrueFalse { value: true }), STRICT).score,
            0.0
        );
        // An answer of another kind never matches.
        assert!(!grade(&k, Some(&Answer::Single { option: 0 }), STRICT).correct);
    }

    #[test]
    fn multiple_is_all_or_nothing_by_default() {
        let k = AnswerKey::Multiple {
            options: vec![0, 1, 3],
        };
        let exact = Answer::Multiple {
            options: vec![3, 0, 1],
        };
        assert_eq!(grade(&k, Some(&exact), STRICT), Grade::RIGHT);
        let dup = Answer::Multiple {
            options: vec![3, 0, 1, 1],
        };
        assert!(
            grade(&k, Some(&dup), STRICT).correct,
            "repeats do not matter"
        );
        let fewer = Answer::Multiple {
            options: vec![0, 1],
        };
        assert_eq!(grade(&k, Some(&fewer), STRICT), Grade::WRONG);
        let more = Answer::Multiple {
            options: vec![0, 1, 2, 3],
        };
        assert_eq!(grade(&k, Some(&more), STRICT), Grade::WRONG);
    }

    #[test]
    fn multiple_partial_credit_rewards_subsets_only() {
        let k = AnswerKey::Multiple {
            options: vec![0, 1, 3, 4],
        };
        let half = Answer::Multiple {
            options: vec![0, 4],
        };
        let g = grade(&k, Some(&half), PARTIAL);
        assert!(!g.correct);
        assert!((g.score - 0.5).abs() < 1e-9);
        let with_wrong = Answer::Multiple {
            options: vec![0, 1, 2],
        };
        assert_eq!(grade(&k, Some(&with_wrong), PARTIAL), Grade::WRONG);
        let none = Answer::Multiple { options: vec![] };
        assert_eq!(grade(&k, Some(&none), PARTIAL).score, 0.0);
        let all = Answer::Multiple {
            options: vec![4, 3, 1, 0],
        };
        assert_eq!(grade(&k, Some(&all), PARTIAL), Grade::RIGHT);
    }

    #[test]
    fn fill_in_normalizes_width_case_and_spaces() {
        let k = AnswerKey::FillIn {
            blanks: vec![
                vec!["两个维护".into()],
                vec!["四个意识".into(), "“四个意识”".into()],
            ],
        };
        let a = Answer::FillIn {
            blanks: vec![" 两个维护\u{3000}".into(), "四个意识".into()],
        };
        assert_eq!(grade(&k, Some(&a), STRICT), Grade::RIGHT);
        let half = Answer::FillIn {
            blanks: vec!["两个维护".into(), "四个自信".into()],
        };
        let g = grade(&k, Some(&half), STRICT);
        assert!(!g.correct);
        assert!((g.score - 0.5).abs() < 1e-9);
        let short = Answer::FillIn {
            blanks: vec!["两个维护".into()],
        };
        assert!(!grade(&k, Some(&short), STRICT).correct);
        let k = AnswerKey::FillIn {
            blanks: vec![vec!["ABC 123".into()]],
        };
        let a = Answer::FillIn {
            blanks: vec!["ａｂｃ　　１２３".into()],
        };
        assert!(grade(&k, Some(&a), STRICT).correct);
        let empty = AnswerKey::FillIn {
            blanks: vec![vec!["".into()]],
        };
        let a = Answer::FillIn {
            blanks: vec!["".into()],
        };
        assert!(
            !grade(&empty, Some(&a), STRICT).correct,
            "an empty answer is never right"
        );
    }

    #[test]
    fn normalize_folds_full_width_punctuation() {
        assert_eq!(normalize("２０２３年，　ＯＫ！"), "2023年, ok!");
        assert_eq!(normalize("  a \t b  "), "a b");
    }

    #[test]
    fn shuffled_answers_map_to_canonical_and_back() {
        // Shown order: canonical options 2, 0, 3, 1.
        let order = [2, 0, 3, 1];
        let shown = Answer::Multiple {
            options: vec![0, 3],
        };
        let canonical = to_canonical(&shown, &order);
        assert_eq!(
            canonical,
            Answer::Multiple {
                options: vec![2, 1]
            }
        );
        assert_eq!(to_shown(&canonical, &order), shown);
        let key = AnswerKey::Multiple {
            options: vec![1, 2],
        };
        assert!(grade(&key, Some(&canonical), STRICT).correct);
        assert_eq!(
            to_canonical(&Answer::Single { option: 9 }, &order),
            Answer::Single { option: usize::MAX }
        );
    }

    #[test]
    fn answer_shapes_are_checked() {
        let single = AnswerKey::Single { option: 0 };
        assert!(check_shape(&single, 4, &Answer::Single { option: 3 }).is_ok());
        assert_eq!(
            check_shape(&single, 4, &Answer::Single { option: 4 }),
            Err(AnswerShapeError::NoSuchOption)
        );
        assert_eq!(
            check_shape(&single, 4, &Answer::TrueFalse { value: true }),
            Err(AnswerShapeError::WrongKind)
        );
        let fill = AnswerKey::FillIn {
            blanks: vec![vec!["a".into()], vec!["b".into()]],
        };
        assert_eq!(
            check_shape(
                &fill,
                0,
                &Answer::FillIn {
                    blanks: vec!["a".into()]
                }
            ),
            Err(AnswerShapeError::WrongBlankCount)
        );
        assert_eq!(
            check_shape(
                &fill,
                0,
                &Answer::FillIn {
                    blanks: vec!["a".into(), "长".repeat(201)]
                }
            ),
            Err(AnswerShapeError::TooLong)
        );
    }
}
