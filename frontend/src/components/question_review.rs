//! A question looked back on (the result page, the mistake book): options with the key and
//! the member's choice marked, both answers in words, the explanation and the source.
//! The member app's; the console's question editor has its own preview.

use leptos::prelude::*;
use shared::grading::{Answer, QuestionKind};

use crate::answers::{answer_text, is_chosen, letter, question_kind_key};
use crate::i18n::{t, tf, K};

/// A question looked back on, as [`QuestionReview`] shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reviewed {
    pub number: usize,
    pub kind: Option<QuestionKind>,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: Option<Answer>,
    pub key: Option<Answer>,
    /// Right or wrong, when graded; the member's answer is shown only then (or when they
    /// gave one).
    pub correct: Option<bool>,
    pub explanation: Option<String>,
    pub source: Option<String>,
    /// A last line, e.g. the mistake book's tally.
    pub footer: Option<String>,
    /// The question's id, when the member may report it as wrong (答题纠错).
    pub report: Option<i64>,
}

/// How option `i` is marked: the key, the member's wrong choice, or neither.
pub fn option_class(key: Option<&Answer>, answer: Option<&Answer>, i: usize) -> &'static str {
    match (is_chosen(key, i), is_chosen(answer, i)) {
        (true, _) => "rv-opt key",
        (false, true) => "rv-opt miss",
        _ => "rv-opt",
    }
}

/// "您的答案：…" (graded, or answered: the member may always see their own answer) and
/// "正确答案：…" (once revealed).
pub fn answer_lines(r: &Reviewed) -> (Option<String>, Option<String>) {
    let yours = (r.correct.is_some() || r.answer.is_some()).then(|| {
        let a = r
            .answer
            .as_ref()
            .map(answer_text)
            .unwrap_or_else(|| t(K::ResultNoAnswer).to_string());
        tf(K::ResultYourAnswer, &[("a", &a)])
    });
    let key = r
        .key
        .as_ref()
        .map(|k| tf(K::ResultKey, &[("a", &answer_text(k))]));
    (yours, key)
}

/// A question looked back on; its 纠错 button (when `review.report` is set) calls
/// `on_report` with the question's id.
#[component]
pub fn QuestionReview(review: Reviewed, on_report: Callback<i64>) -> impl IntoView {
    let (yours, key_line) = answer_lines(&review);
    let r = review;
    let choice = matches!(r.kind, Some(QuestionKind::Single | QuestionKind::Multiple));
    let options = choice.then(|| {
        let marks: Vec<&'static str> = (0..r.options.len())
            .map(|i| option_class(r.key.as_ref(), r.answer.as_ref(), i))
            .collect();
        view! {
            <ol class="rv-opts">
                {r.options
                    .iter()
                    .zip(marks)
                    .enumerate()
                    .map(|(i, (text, class))| view! { <li class=class><b>{letter(i).to_string()}</b>{text.clone()}</li> })
                    .collect_view()}
            </ol>
        }
    });
    view! {
        <article class="card review">
            <header class="q-head">
                <span class="q-no">{r.number}</span>
                {r.kind.map(|k| view! { <span class="badge muted-badge">{t(question_kind_key(k))}</span> })}
                {r.correct.map(|c| view! {
                    <span class=if c { "verdict ok" } else { "verdict bad" }>
                        {t(if c { K::ResultRight } else { K::ResultWrong })}
                    </span>
                })}
            </header>
            <p class="q-stem">{r.stem}</p>
            {options}
            {yours.map(|y| view! { <p class="rv-line">{y}</p> })}
            {key_line.map(|k| view! { <p class="rv-line key">{k}</p> })}
            {r.explanation.map(|e| view! {
                <div class="rv-note"><b>{t(K::Explanation)}</b><p>{e}</p></div>
            })}
            {r.source.map(|s| view! { <p class="rv-source"><b>{t(K::Source)}</b>{s}</p> })}
            {r.footer.map(|f| view! { <p class="rv-tally">{f}</p> })}
            {r.report.map(|id| view! {
                <button type="button" class="rv-report" on:click=move |_| on_report.run(id)>
                    {t(K::ReportAction)}
                </button>
            })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_answers_and_keys_are_marked() {
        let r = Reviewed {
            number: 3,
            kind: Some(QuestionKind::Single),
            stem: "题干".into(),
            options: vec!["甲".into(), "乙".into(), "丙".into()],
            answer: Some(Answer::Single { option: 2 }),
            key: Some(Answer::Single { option: 0 }),
            correct: Some(false),
            ..Default::default()
        };
        let marks: Vec<&str> = (0..3)
            .map(|i| option_class(r.key.as_ref(), r.answer.as_ref(), i))
            .collect();
        assert_eq!(marks, ["rv-opt key", "rv-opt", "rv-opt miss"]);
        let (yours, key) = answer_lines(&r);
        assert_eq!(yours.as_deref(), Some("您的答案：C"));
        assert_eq!(key.as_deref(), Some("正确答案：A"));
        // Graded without an answer: 未作答.
        let blank = Reviewed {
            answer: None,
            ..r.clone()
        };
        assert!(answer_lines(&blank)
            .0
            .unwrap()
            .contains(t(K::ResultNoAnswer)));
        // Not revealed and not answered: neither line.
        let hidden = Reviewed {
            kind: Some(QuestionKind::TrueFalse),
            ..Default::default()
        };
        assert_eq!(answer_lines(&hidden), (None, None));
        // Not revealed but answered: only the member's own answer.
        let own = Reviewed {
            kind: Some(QuestionKind::TrueFalse),
            answer: Some(Answer::TrueFalse { value: true }),
            ..Default::default()
        };
        assert_eq!(answer_lines(&own), (Some("您的答案：正确".into()), None));
    }
}
