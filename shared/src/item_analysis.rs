//! Item analysis: after a quiz has attempts, how each question behaved. Pure functions over
//! graded responses, so the numbers can be checked by hand in tests.
//!
//! - *Facility*: the share of responses that were correct.
//! - *Discrimination*: the point-biserial correlation of the item (right = 1, wrong = 0)
//!   with the *rest* score of the same attempt (its share correct without this item).
//!   Leaving the item out keeps it from correlating with itself, which inflates the figure
//!   on short quizzes.
//! - *Option counts*: how often each option was chosen (choice questions; a true/false
//!   question has the options 正确, 错误 in that order).
//! - *Flags*: plain-language hints for the organizer, only once there are enough responses
//!   ([`MIN_RESPONSES_FOR_FLAGS`]) for a pattern to mean something.

use serde::{Deserialize, Serialize};

use crate::grading::{Answer, AnswerKey};

/// Fewer responses than this and no flag is raised: two members do not make a pattern.
pub const MIN_RESPONSES_FOR_FLAGS: u32 = 5;
/// Facility at or above this: almost everyone answered right.
pub const TOO_EASY: f64 = 0.95;

/// One question as one attempt answered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub question_id: i64,
    pub correct: bool,
    /// `None`: left unanswered.
    pub answer: Option<Answer>,
}

/// A plain-language hint about a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemFlag {
    /// 可能有歧义: the strong members do no better than the weak, and a wrong option draws
    /// as many members as the right one or few answer right at all.
    Ambiguous,
    /// 干扰项从未被选择: a wrong option nobody chose does no work.
    UnusedDistractor,
    /// 几乎所有人都答对.
    TooEasy,
    /// 区分度为负：请检查答案 — weaker members answer it right more often than strong ones,
    /// which usually means the key is wrong.
    NegativeDiscrimination,
}

impl ItemFlag {
    /// The words the organizer reads.
    pub fn label(self) -> &'static str {
        match self {
            ItemFlag::Ambiguous => "可能有歧义",
            ItemFlag::UnusedDistractor => "干扰项从未被选择",
            ItemFlag::TooEasy => "几乎所有人都答对",
            ItemFlag::NegativeDiscrimination => "区分度为负：请检查答案",
        }
    }
}

/// What the analysis needs to know of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemKey {
    pub question_id: i64,
    pub key: AnswerKey,
    /// Options shown (0 for fill-in questions).
    pub option_count: usize,
}

/// The figures of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemStats {
    pub question_id: i64,
    /// Submitted attempts that held the question.
    pub responses: u32,
    pub correct: u32,
    /// Share correct, 0.0–1.0 (`None` without responses).
    pub facility: Option<f64>,
    /// Item–rest correlation, −1.0–1.0 (`None` when it is undefined: fewer than two
    /// responses, or everyone scored alike on the item or on the rest).
    pub discrimination: Option<f64>,
    /// Times each option was chosen, in the question's own option order (empty for
    /// fill-in questions).
    pub option_counts: Vec<u32>,
    /// The key's options, same indices as `option_counts`.
    pub key_options: Vec<usize>,
    pub flags: Vec<ItemFlag>,
}

/// Options an answer chose, as indices into the question's options.
fn chosen(answer: &Answer) -> Vec<usize> {
    match answer {
        Answer::Single { option } => vec![*option],
        Answer::Multiple { options } => options.clone(),
        Answer::TrueFalse { value } => vec![if *value { 0 } else { 1 }],
        Answer::FillIn { .. } => Vec::new(),
    }
}

fn key_options(key: &AnswerKey) -> Vec<usize> {
    match key {
        AnswerKey::Single { option } => vec![*option],
        AnswerKey::Multiple { options } => options.clone(),
        AnswerKey::TrueFalse { value } => vec![if *value { 0 } else { 1 }],
        AnswerKey::FillIn { .. } => Vec::new(),
    }
}

/// Pearson correlation of two equally long series; `None` if either does not vary.
fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    if n < 2 || n != ys.len() {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Analyses every question of `keys` over the submitted `attempts` (each a list of
/// responses). Responses to questions not in `keys` still count towards the attempt's
/// rest score.
pub fn analyze(keys: &[ItemKey], attempts: &[Vec<Response>]) -> Vec<ItemStats> {
    keys.iter()
        .map(|k| {
            let mut option_counts = vec![0u32; k.option_count];
            let (mut item, mut rest) = (Vec::new(), Vec::new());
            for attempt in attempts {
                let Some(r) = attempt.iter().find(|r| r.question_id == k.question_id) else {
                    continue;
                };
                let others = attempt.len() - 1;
                let others_right =
                    attempt.iter().filter(|o| o.correct).count() - usize::from(r.correct);
                item.push(if r.correct { 1.0 } else { 0.0 });
                rest.push(if others == 0 {
                    0.0
                } else {
                    others_right as f64 / others as f64
                });
                if let Some(a) = &r.answer {
                    for o in chosen(a) {
                        if let Some(c) = option_counts.get_mut(o) {
                            *c += 1;
                        }
                    }
                }
            }
            let responses = item.len() as u32;
            let correct = item.iter().filter(|x| **x > 0.5).count() as u32;
            let facility = (responses > 0).then(|| f64::from(correct) / f64::from(responses));
            let discrimination = correlation(&item, &rest);
            let key_options = key_options(&k.key);
            let flags = flags(
                responses,
                facility,
                discrimination,
                &option_counts,
                &key_options,
            );
            ItemStats {
                question_id: k.question_id,
                responses,
                correct,
                facility,
                discrimination,
                option_counts,
                key_options,
                flags,
            }
        })
        .collect()
}

/// The hints for one question's figures.
pub fn flags(
    responses: u32,
    facility: Option<f64>,
    discrimination: Option<f64>,
    option_counts: &[u32],
    key_options: &[usize],
) -> Vec<ItemFlag> {
    let mut out = Vec::new();
    if responses < MIN_RESPONSES_FOR_FLAGS {
        return out;
    }
    let facility = facility.unwrap_or(0.0);
    let distractors: Vec<u32> = option_counts
        .iter()
        .enumerate()
        .filter(|(i, _)| !key_options.contains(i))
        .map(|(_, c)| *c)
        .collect();
    let weakest_key = key_options
        .iter()
        .filter_map(|i| option_counts.get(*i))
        .min()
        .copied();
    let rival = match (weakest_key, distractors.iter().max()) {
        (Some(k), Some(d)) => *d > 0 && *d >= k,
        _ => false,
    };
    if discrimination.is_some_and(|d| d < 0.0) {
        out.push(ItemFlag::NegativeDiscrimination);
    }
    // A popular distractor is a good one when the strong members avoid it; only with weak
    // discrimination does it point at a second defensible answer.
    let weak = discrimination.is_none_or(|d| d < 0.2);
    if weak && (rival || facility < 0.4) {
        out.push(ItemFlag::Ambiguous);
    }
    if distractors.contains(&0) {
        out.push(ItemFlag::UnusedDistractor);
    }
    if facility >= TOO_EASY {
        out.push(ItemFlag::TooEasy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(q: i64, option: usize, key: usize) -> Response {
        Response {
            question_id: q,
            correct: option == key,
            answer: Some(Answer::Single { option }),
        }
    }

    /// A worked example, checked by hand. Five members, three single-choice questions
    /// (4 options each; keys: q1 → A, q2 → B, q3 → C).
    ///
    /// | member | q1 | q2 | q3 |
    /// |---|---|---|---|
    /// | 1 | A ✓ | B ✓ | D ✗ |
    /// | 2 | A ✓ | B ✓ | D ✗ |
    /// | 3 | A ✓ | A ✗ | C ✓ |
    /// | 4 | A ✓ | A ✗ | C ✓ |
    /// | 5 | B ✗ | A ✗ | C ✓ |
    #[test]
    fn a_worked_example() {
        let keys: Vec<ItemKey> = [(1, 0), (2, 1), (3, 2)]
            .into_iter()
            .map(|(q, k)| ItemKey {
                question_id: q,
                key: AnswerKey::Single { option: k },
                option_count: 4,
            })
            .collect();
        let rows = [[0, 1, 3], [0, 1, 3], [0, 0, 2], [0, 0, 2], [1, 0, 2]];
        let attempts: Vec<Vec<Response>> = rows
            .iter()
            .map(|r| vec![single(1, r[0], 0), single(2, r[1], 1), single(3, r[2], 2)])
            .collect();
        let stats = analyze(&keys, &attempts);

        // q1: 4 of 5 right. Item x = [1,1,1,1,0]; rest (q2,q3 share right) =
        // [.5,.5,.5,.5,.5]: the rest does not vary, so no correlation.
        assert_eq!(stats[0].correct, 4);
        assert_eq!(stats[0].facility, Some(0.8));
        assert_eq!(stats[0].discrimination, None);
        assert_eq!(stats[0].option_counts, vec![4, 1, 0, 0]);
        // C and D never chosen.
        assert_eq!(stats[0].flags, vec![ItemFlag::UnusedDistractor]);

        // q2: x = [1,1,0,0,0]; rest (q1,q3) = [.5,.5,1,1,.5].
        // mean x = .4, mean y = .7; Σ(x−x̄)(y−ȳ) = 2·(.6)(−.2) + 2·(−.4)(.3) + (−.4)(−.2)
        // = −.24 −.24 +.08 = −.40; Σ(x−x̄)² = 1.2; Σ(y−ȳ)² = 3·.04 + 2·.09 = .30;
        // r = −.40 / √(1.2·.30) = −.40/.6 = −0.6667.
        let d = stats[1].discrimination.unwrap();
        assert!((d - (-2.0 / 3.0)).abs() < 1e-9, "{d}");
        assert_eq!(stats[1].facility, Some(0.4));
        assert_eq!(stats[1].option_counts, vec![3, 2, 0, 0]);
        // A (wrong) drew 3, the key B only 2; C and D unused; negative discrimination.
        assert_eq!(
            stats[1].flags,
            vec![
                ItemFlag::NegativeDiscrimination,
                ItemFlag::Ambiguous,
                ItemFlag::UnusedDistractor
            ]
        );

        // q3: x = [0,0,1,1,1]; rest (q1,q2) = [1,1,.5,.5,0].
        // mean x = .6, mean y = .6; Σ = 2·(−.6)(.4) + 2·(.4)(−.1) + (.4)(−.6) = −.48 −.08 −.24
        // = −.80; Σx² = 1.2; Σy² = 2·.16 + 2·.01 + .36 = .70; r = −.8/√.84 = −0.8729.
        let d = stats[2].discrimination.unwrap();
        assert!((d - (-0.8 / 0.84f64.sqrt())).abs() < 1e-9, "{d}");
        assert_eq!(stats[2].key_options, vec![2]);
    }

    #[test]
    fn easy_and_few_and_unanswered() {
        let keys = [ItemKey {
            question_id: 7,
            key: AnswerKey::TrueFalse { value: true },
            option_count: 2,
        }];
        let tf = |value: Option<bool>, correct| Response {
            question_id: 7,
            correct,
            answer: value.map(|value| Answer::TrueFalse { value }),
        };
        // Four responses: no flags yet, however lopsided.
        let four: Vec<Vec<Response>> = (0..4).map(|_| vec![tf(Some(true), true)]).collect();
        let s = &analyze(&keys, &four)[0];
        assert_eq!(s.facility, Some(1.0));
        assert!(s.flags.is_empty());
        // Twenty responses, all right: too easy, and 错误 was never chosen.
        let many: Vec<Vec<Response>> = (0..20).map(|_| vec![tf(Some(true), true)]).collect();
        let s = &analyze(&keys, &many)[0];
        assert_eq!(s.option_counts, vec![20, 0]);
        assert_eq!(s.flags, vec![ItemFlag::UnusedDistractor, ItemFlag::TooEasy]);
        // An unanswered question counts as a wrong response but chooses no option.
        let s = &analyze(&keys, &[vec![tf(None, false)]])[0];
        assert_eq!((s.responses, s.correct), (1, 0));
        assert_eq!(s.option_counts, vec![0, 0]);
        // A question nobody was given.
        let s = &analyze(&keys, &[])[0];
        assert_eq!((s.responses, s.facility, s.discrimination), (0, None, None));
    }

    #[test]
    fn a_good_item_separates_strong_from_weak() {
        // q1 is answered right exactly by the members who do well on q2..q4.
        let keys = [ItemKey {
            question_id: 1,
            key: AnswerKey::Multiple {
                options: vec![0, 2],
            },
            option_count: 4,
        }];
        let attempt = |strong: bool| {
            let mut v = vec![Response {
                question_id: 1,
                correct: strong,
                answer: Some(Answer::Multiple {
                    options: if strong { vec![0, 2] } else { vec![0, 1, 3] },
                }),
            }];
            for q in 2..5 {
                v.push(Response {
                    question_id: q,
                    correct: strong,
                    answer: None,
                });
            }
            v
        };
        let attempts: Vec<_> = [true, true, true, false, false, false]
            .into_iter()
            .map(attempt)
            .collect();
        let s = &analyze(&keys, &attempts)[0];
        assert!((s.discrimination.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(s.option_counts, vec![6, 3, 3, 3]);
        // Facility .5, discrimination 1: no flags.
        assert!(s.flags.is_empty(), "{:?}", s.flags);
    }

    #[test]
    fn every_flag_has_words() {
        assert_eq!(
            ItemFlag::NegativeDiscrimination.label(),
            "区分度为负：请检查答案"
        );
        assert_eq!(ItemFlag::Ambiguous.label(), "可能有歧义");
    }
}
