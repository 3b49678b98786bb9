//! `/quizzes`: the quizzes open to the member (daily, weekly, special, challenge, practice,
//! exams), each with where they stand and a link to start or resume. Read as `Value`
//! (see `crate::json`): the list is only displayed.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::quiz::QuizKind;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{Fetch, Page};
use crate::format::{date, duration};
use crate::html::{button_link, el};
use crate::i18n::{locale, t, tf, K};
use crate::json::{b, i, items, obj, opt_s, s};

/// The small facts under a quiz's title (`QuizSummary`): size, time limit, pass mark,
/// attempts, closing.
pub fn quiz_facts(q: &Value) -> Vec<String> {
    let kind = QuizKind::parse(s(q, "kind"));
    let mut out = vec![if kind == Some(QuizKind::Challenge) {
        t(K::QuizChallengeRule).to_string()
    } else {
        tf(
            K::QuizQuestions,
            &[("n", &i(q, "question_count").to_string())],
        )
    }];
    let some = |key| obj(q, key).and_then(Value::as_i64);
    if let Some(secs) = some("time_limit_secs") {
        out.push(tf(K::QuizTimeLimit, &[("time", &duration(secs, locale()))]));
    }
    if let Some(p) = some("pass_mark") {
        out.push(tf(K::QuizPassMark, &[("n", &p.to_string())]));
    }
    if let Some(max) = some("max_attempts") {
        out.push(tf(
            K::QuizAttempts,
            &[
                ("used", &i(q, "attempts_used").to_string()),
                ("max", &max.to_string()),
            ],
        ));
    }
    if let Some(c) = some("closes_at") {
        out.push(tf(K::QuizCloses, &[("date", &date(c, locale()))]));
    }
    out
}

/// A quiz with its facts and one action: resume the open attempt, start one (through
/// `/quizzes/{id}/start`), or why not.
pub fn quiz_card_html(q: &Value) -> String {
    let kind = QuizKind::parse(s(q, "kind")).unwrap_or(QuizKind::Practice);
    let open = obj(q, "open_attempt_id").and_then(Value::as_i64);
    let action = match (open, b(q, "can_start")) {
        (Some(a), _) => button_link(
            &format!("/attempts/{a}"),
            "btn-primary btn-small",
            "",
            t(K::QuizResume),
        ),
        (None, true) => button_link(
            &format!("/quizzes/{}/start", i(q, "id")),
            "btn-primary btn-small",
            "",
            t(K::QuizStart),
        ),
        (None, false) => el(
            "span",
            "quiz-blocked",
            opt_s(q, "blocked_reason").unwrap_or(t(K::QuizDoneToday)),
        ),
    };
    format!(
        r#"<article class="card quiz-card {}">{}{}{}<div class="quiz-action">{action}</div></article>"#,
        kind.as_str(),
        el("span", "badge", t(quiz_kind_key(kind))),
        el("h2", "quiz-title", s(q, "title")),
        el("p", "muted small", &quiz_facts(q).join(" · ")),
    )
}

/// The quiz list and the link to the history.
pub fn quizzes_html(qs: &[Value]) -> String {
    let mut h: String = if qs.is_empty() {
        el("p", "card empty", t(K::QuizzesEmpty))
    } else {
        qs.iter().map(quiz_card_html).collect()
    };
    h += &format!(
        r#"<a class="link-row card" href="/history">{}</a>"#,
        el("span", "link-title", t(K::QuizHistory))
    );
    h
}

#[component]
pub fn Quizzes() -> impl IntoView {
    let list = Fetch::new(|| api::QUIZZES.into());
    view! {
        <Page class="quizzes" title=K::QuizzesTitle>
            {list.region(5, |v| quizzes_html(items(&v)))}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::quiz::QuizSummary;

    fn quiz(kind: QuizKind) -> QuizSummary {
        QuizSummary {
            id: 7,
            title: "每日答题".into(),
            kind,
            module_id: None,
            question_count: 5,
            time_limit_secs: Some(600),
            pass_mark: Some(60),
            max_attempts: Some(3),
            opens_at: None,
            closes_at: None,
            attempts_used: 1,
            can_start: true,
            blocked_reason: None,
            open_attempt_id: None,
        }
    }

    #[test]
    fn cards_offer_the_right_action() {
        let v = |q: &QuizSummary| serde_json::to_value(q).unwrap();
        let mut q = quiz(QuizKind::Exam);
        assert!(quiz_card_html(&v(&q)).contains(r#"href="/quizzes/7/start""#));
        assert!(quiz_card_html(&v(&q)).contains("专题考试"));
        assert_eq!(
            quiz_facts(&v(&q)),
            ["5题", "限时10分钟", "60分及格", "已答1/3次"]
        );
        q.open_attempt_id = Some(12);
        assert!(quiz_card_html(&v(&q)).contains(r#"href="/attempts/12""#));
        q.open_attempt_id = None;
        q.can_start = false;
        q.blocked_reason = Some("答题次数已用完".into());
        let h = quiz_card_html(&v(&q));
        assert!(h.contains("答题次数已用完") && !h.contains("/start"));
        assert_eq!(
            quiz_facts(&v(&quiz(QuizKind::Challenge)))[0],
            "答对继续，答错即止"
        );
    }
}
