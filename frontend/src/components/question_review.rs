use shared::grading::{Answer, QuestionKind};

use crate::answers::{answer_text, is_chosen, letter, question_kind_key};
use crate::html::{el, esc};
use crate::i18n::{t, tf, K};

/// A question looked back on (result page, mistake book).
#[derive(Debug, Clone, Default)]
pub struct Review<'a> {
    pub number: usize,
    pub kind: Option<QuestionKind>,
    pub stem: &'a str,
    pub options: &'a [String],
    pub answer: Option<&'a Answer>,
    pub key: Option<&'a Answer>,
    /// Right or wrong, when graded; the member's answer is shown only then.
    pub correct: Option<bool>,
    pub explanation: Option<&'a str>,
    pub source: Option<&'a str>,
    /// A last line, e.g. the mistake book's tally.
    pub footer: Option<String>,
    /// The question's id, when the member may report it as wrong (答题纠错): a button
    /// with `data-action="report"` for the page's click handler.
    pub report: Option<i64>,
}

/// The question as HTML: options with the key and the member's choice marked, both
/// answers in words, the explanation and the source. Without a key (not revealed yet) only
/// the member's own answer is shown.
pub fn review_html(r: &Review) -> String {
    let mut h = String::from(r#"<article class="card review"><header class="q-head">"#);
    h += &el("span", "q-no", &r.number.to_string());
    if let Some(kind) = r.kind {
        h += &el("span", "badge muted-badge", t(question_kind_key(kind)));
    }
    if let Some(c) = r.correct {
        h += &el(
            "span",
            if c { "verdict ok" } else { "verdict bad" },
            t(if c { K::ResultRight } else { K::ResultWrong }),
        );
    }
    h += "</header>";
    h += &el("p", "q-stem", r.stem);
    if matches!(r.kind, Some(QuestionKind::Single | QuestionKind::Multiple)) {
        h += r#"<ol class="rv-opts">"#;
        for (i, text) in r.options.iter().enumerate() {
            let class = match (is_chosen(r.key, i), is_chosen(r.answer, i)) {
                (true, _) => "rv-opt key",
                (false, true) => "rv-opt miss",
                _ => "rv-opt",
            };
            h += &format!(
                r#"<li class="{class}"><b>{}</b>{}</li>"#,
                letter(i),
                esc(text)
            );
        }
        h += "</ol>";
    }
    // Graded, or not revealed yet but answered: the member may always see their own answer.
    if r.correct.is_some() || r.answer.is_some() {
        let yours = r
            .answer
            .map(answer_text)
            .unwrap_or_else(|| t(K::ResultNoAnswer).to_string());
        h += &el("p", "rv-line", &tf(K::ResultYourAnswer, &[("a", &yours)]));
    }
    if let Some(k) = r.key {
        h += &el(
            "p",
            "rv-line key",
            &tf(K::ResultKey, &[("a", &answer_text(k))]),
        );
    }
    if let Some(e) = r.explanation {
        h += &format!(
            r#"<div class="rv-note"><b>{}</b><p>{}</p></div>"#,
            t(K::Explanation),
            esc(e)
        );
    }
    if let Some(s) = r.source {
        h += &format!(
            r#"<p class="rv-source"><b>{}</b>{}</p>"#,
            t(K::Source),
            esc(s)
        );
    }
    if let Some(f) = &r.footer {
        h += &el("p", "rv-tally", f);
    }
    if let Some(id) = r.report {
        h += &format!(
            r#"<button type="button" class="rv-report" data-action="report" data-id="{id}">{}</button>"#,
            t(K::ReportAction)
        );
    }
    h += "</article>";
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_a_wrong_choice_are_marked_and_text_is_escaped() {
        let options = vec!["<b>甲</b>".to_string(), "乙".to_string(), "丙".to_string()];
        let answer = Answer::Single { option: 2 };
        let key = Answer::Single { option: 0 };
        let h = review_html(&Review {
            number: 3,
            kind: Some(QuestionKind::Single),
            stem: "题干",
            options: &options,
            answer: Some(&answer),
            key: Some(&key),
            correct: Some(false),
            explanation: Some("原文：“两个维护”"),
            source: Some("第1条"),
            footer: None,
            report: Some(42),
        });
        assert!(h.contains(r#"<li class="rv-opt key"><b>A</b>&lt;b&gt;甲&lt;/b&gt;</li>"#));
        assert!(h.contains(r#"<li class="rv-opt miss"><b>C</b>丙</li>"#));
        assert!(h.contains("您的答案：C"));
        assert!(h.contains("正确答案：A"));
        assert!(h.contains("verdict bad"));
        assert!(h.contains("第1条"));
        assert!(h.contains(r#"data-action="report" data-id="42""#));
    }

    #[test]
    fn unrevealed_questions_show_only_the_members_answer() {
        let answer = Answer::TrueFalse { value: true };
        let h = review_html(&Review {
            number: 1,
            kind: Some(QuestionKind::TrueFalse),
            stem: "题干",
            answer: Some(&answer),
            // Not revealed: no verdict either, since a true/false verdict is the key.
            correct: None,
            ..Default::default()
        });
        assert!(h.contains("您的答案：正确"));
        assert!(!h.contains("verdict"));
        assert!(!h.contains("正确答案"));
        assert!(!h.contains("rv-note"));
    }
}
