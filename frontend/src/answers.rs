//! The quiz screens' rules as plain functions: option letters, building an answer from taps
//! and typing, whether a question counts as answered, where to resume, and how an answer
//! or a key reads ("ABD", "正确", "两个维护；四个意识").

#[cfg(not(feature = "console"))]
use shared::api::quiz::AttemptQuestion;
use shared::api::quiz::QuizKind;
use shared::grading::{Answer, QuestionKind};

use crate::i18n::{t, K};

/// The letter of option `i`: A, B, C…
pub fn letter(i: usize) -> char {
    char::from(b'A' + (i.min(25)) as u8)
}

/// The catalogue key naming a question kind.
pub fn question_kind_key(kind: QuestionKind) -> K {
    match kind {
        QuestionKind::Single => K::QSingle,
        QuestionKind::Multiple => K::QMultiple,
        QuestionKind::TrueFalse => K::QTrueFalse,
        QuestionKind::FillIn => K::QFillIn,
    }
}

/// The catalogue key naming a quiz kind.
pub fn quiz_kind_key(kind: QuizKind) -> K {
    match kind {
        QuizKind::Practice => K::KindPractice,
        QuizKind::Daily => K::KindDaily,
        QuizKind::Weekly => K::KindWeekly,
        QuizKind::Special => K::KindSpecial,
        QuizKind::Challenge => K::KindChallenge,
        QuizKind::Exam => K::KindExam,
    }
}

/// The answer after tapping option `i` of a choice question (or the true/false button
/// `i`: 0 true, 1 false). A multiple-choice tap toggles the option.
#[cfg(not(feature = "console"))]
pub fn tap(kind: QuestionKind, current: Option<&Answer>, i: usize) -> Option<Answer> {
    match kind {
        QuestionKind::Single => Some(Answer::Single { option: i }),
        QuestionKind::TrueFalse => Some(Answer::TrueFalse { value: i == 0 }),
        QuestionKind::Multiple => {
            let mut options = match current {
                Some(Answer::Multiple { options }) => options.clone(),
                _ => Vec::new(),
            };
            if let Some(at) = options.iter().position(|o| *o == i) {
                options.remove(at);
            } else {
                // Kept in order by inserting in place (the list is a few options long; a
                // general sort would add its code to the phone's download).
                let at = options.partition_point(|o| *o < i);
                options.insert(at, i);
            }
            Some(Answer::Multiple { options })
        }
        QuestionKind::FillIn => current.cloned(),
    }
}

/// The answer after typing `text` into blank `blank` of a fill-in question with `blanks`
/// blanks.
#[cfg(not(feature = "console"))]
pub fn type_blank(current: Option<&Answer>, blanks: usize, blank: usize, text: String) -> Answer {
    let mut all = match current {
        Some(Answer::FillIn { blanks }) => blanks.clone(),
        _ => Vec::new(),
    };
    all.resize(blanks.max(blank + 1), String::new());
    all[blank] = text;
    Answer::FillIn { blanks: all }
}

/// Whether option (or true/false button) `i` is selected in `answer`.
#[cfg_attr(feature = "console", allow(dead_code))]
pub fn is_chosen(answer: Option<&Answer>, i: usize) -> bool {
    match answer {
        Some(Answer::Single { option }) => *option == i,
        Some(Answer::Multiple { options }) => options.contains(&i),
        Some(Answer::TrueFalse { value }) => *value == (i == 0),
        _ => false,
    }
}

/// The text typed into blank `i`.
#[cfg(not(feature = "console"))]
pub fn blank_text(answer: Option<&Answer>, i: usize) -> String {
    match answer {
        Some(Answer::FillIn { blanks }) => blanks.get(i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Whether an answer says anything: an option chosen, or a blank filled.
#[cfg(not(feature = "console"))]
pub fn is_answered(answer: Option<&Answer>) -> bool {
    match answer {
        None => false,
        Some(Answer::Multiple { options }) => !options.is_empty(),
        Some(Answer::FillIn { blanks }) => blanks.iter().any(|b| !b.trim().is_empty()),
        Some(_) => true,
    }
}

/// Where to resume an attempt: the first unanswered question, or the last one.
#[cfg(not(feature = "console"))]
pub fn resume_index(questions: &[AttemptQuestion]) -> usize {
    questions
        .iter()
        .position(|q| !is_answered(q.answer.as_ref()))
        .unwrap_or(questions.len().saturating_sub(1))
}

/// How many of `answers` are still empty.
#[cfg(not(feature = "console"))]
pub fn unanswered(answers: &[Option<Answer>]) -> usize {
    answers.iter().filter(|a| !is_answered(a.as_ref())).count()
}

/// An answer or key as it reads: letters, 正确/错误, or the blanks separated by "；".
pub fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Single { option } => letter(*option).to_string(),
        Answer::Multiple { options } => options.iter().map(|o| letter(*o)).collect(),
        Answer::TrueFalse { value: true } => t(K::True).to_string(),
        Answer::TrueFalse { value: false } => t(K::False).to_string(),
        Answer::FillIn { blanks } => blanks.join("；"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(feature = "console"))]
    fn q(answer: Option<Answer>) -> AttemptQuestion {
        AttemptQuestion {
            position: 0,
            kind: QuestionKind::Single,
            stem: String::new(),
            options: vec!["a".into(), "b".into()],
            blanks: 0,
            answer,
        }
    }

    #[test]
    fn letters_run_from_a() {
        assert_eq!(letter(0), 'A');
        assert_eq!(letter(7), 'H');
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn taps_build_answers() {
        assert_eq!(
            tap(QuestionKind::Single, None, 2),
            Some(Answer::Single { option: 2 })
        );
        assert_eq!(
            tap(QuestionKind::TrueFalse, None, 1),
            Some(Answer::TrueFalse { value: false })
        );
        let a = tap(QuestionKind::Multiple, None, 3);
        let a = tap(QuestionKind::Multiple, a.as_ref(), 0);
        assert_eq!(
            a,
            Some(Answer::Multiple {
                options: vec![0, 3]
            })
        );
        let a = tap(QuestionKind::Multiple, a.as_ref(), 3);
        assert_eq!(a, Some(Answer::Multiple { options: vec![0] }));
        assert!(is_chosen(a.as_ref(), 0));
        assert!(!is_chosen(a.as_ref(), 3));
        assert!(is_chosen(Some(&Answer::TrueFalse { value: true }), 0));
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn blanks_fill_in_place() {
        let a = type_blank(None, 3, 1, "四个意识".into());
        assert_eq!(
            a,
            Answer::FillIn {
                blanks: vec!["".into(), "四个意识".into(), "".into()]
            }
        );
        assert!(is_answered(Some(&a)));
        assert_eq!(blank_text(Some(&a), 1), "四个意识");
        assert_eq!(blank_text(Some(&a), 5), "");
        let blank = type_blank(None, 1, 0, "  ".into());
        assert!(!is_answered(Some(&blank)));
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn resuming_starts_at_the_first_open_question() {
        let one = Some(Answer::Single { option: 1 });
        assert_eq!(resume_index(&[q(one.clone()), q(None), q(None)]), 1);
        assert_eq!(resume_index(&[q(one.clone()), q(one.clone())]), 1);
        assert_eq!(resume_index(&[]), 0);
        assert_eq!(
            unanswered(&[one, None, Some(Answer::Multiple { options: vec![] })]),
            2
        );
    }

    #[test]
    fn answers_read_as_letters_and_words() {
        assert_eq!(answer_text(&Answer::Single { option: 1 }), "B");
        assert_eq!(
            answer_text(&Answer::Multiple {
                options: vec![0, 1, 3]
            }),
            "ABD"
        );
        assert_eq!(answer_text(&Answer::TrueFalse { value: false }), "错误");
        assert_eq!(
            answer_text(&Answer::FillIn {
                blanks: vec!["a".into(), "b".into()]
            }),
            "a；b"
        );
    }
}
