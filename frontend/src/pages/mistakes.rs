//! `/mistakes`: the mistake book (错题本), grouped by module and category, each question
//! with its key, explanation and source; one button starts a practice round over it.
//! The book is read as `Value` (see `crate::json`): it is only displayed.

use leptos::prelude::*;
use serde_json::Value;

use crate::answers::{answer_of, question_kind};
use crate::api;
use crate::components::{review_html, Fetch, Page, Review, Reviews};
use crate::html::{button_link, el};
use crate::i18n::{t, tf, K};
use crate::json::{i, items, opt_s, s, strings};

/// The heading of a mistake's group: "module · category", or the category alone.
fn group_of(m: &Value) -> String {
    let category = s(m, "category");
    match opt_s(m, "module_title") {
        Some(t) if t != category => format!("{t} · {category}"),
        _ => category.to_string(),
    }
}

/// The book in groups (`Mistake`s), in the order groups first appear.
pub fn group_mistakes(items: &[Value]) -> Vec<(String, Vec<&Value>)> {
    let mut groups: Vec<(String, Vec<&Value>)> = Vec::new();
    for m in items {
        let head = group_of(m);
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, list)) => list.push(m),
            None => groups.push((head, vec![m])),
        }
    }
    groups
}

/// The mistake book: the count, the rule, the practice link, then the questions by group.
pub fn mistakes_html(items: &[Value]) -> String {
    if items.is_empty() {
        return el("p", "card empty", t(K::MistakesEmpty));
    }
    let mut h = String::from(r#"<section class="card mistakes-head">"#);
    h += &el(
        "h2",
        "card-title",
        &tf(K::MistakesCount, &[("n", &items.len().to_string())]),
    );
    h += &el("p", "muted small", t(K::MistakesRule));
    h += &button_link(
        "/mistakes/practice",
        "btn-primary btn-block",
        "practise-mistakes",
        t(K::MistakesPractice),
    );
    h += "</section>";
    let mut n = 0;
    for (head, group) in group_mistakes(items) {
        h += &el("h2", "section-title", &head);
        for m in group {
            n += 1;
            let options = strings(m, "options");
            let key = m.get("key").and_then(answer_of);
            h += &review_html(&Review {
                number: n,
                kind: question_kind(s(m, "kind")),
                stem: s(m, "stem"),
                options: &options,
                key: key.as_ref(),
                explanation: Some(s(m, "explanation")),
                source: Some(s(m, "source")),
                footer: Some(format!(
                    "{} · {}",
                    tf(K::MistakesWrong, &[("n", &i(m, "wrong_count").to_string())]),
                    tf(
                        K::MistakesProgress,
                        &[("n", &i(m, "right_days").to_string())]
                    ),
                )),
                report: Some(i(m, "question_id")),
                ..Default::default()
            });
        }
    }
    h
}

#[component]
pub fn Mistakes() -> impl IntoView {
    let book = Fetch::new(|| api::MISTAKES.into());
    view! {
        <Page class="mistakes" title=K::MistakesTitle>
            {book.show(4, |v| view! { <Reviews html=mistakes_html(items(&v))/> }.into_any())}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::quiz::Mistake;
    use shared::grading::{Answer, QuestionKind};

    fn m(id: i64, module: Option<&str>, category: &str) -> Value {
        serde_json::to_value(Mistake {
            question_id: id,
            category: category.into(),
            module_title: module.map(Into::into),
            kind: QuestionKind::Single,
            stem: format!("q{id}"),
            options: vec!["甲".into(), "乙".into()],
            key: Answer::Single { option: 1 },
            explanation: "原文：……".into(),
            source: "第1条".into(),
            wrong_count: 2,
            right_days: 1,
        })
        .unwrap()
    }

    #[test]
    fn mistakes_group_by_module_and_category_in_first_seen_order() {
        let items = [
            m(1, Some("党章"), "党章"),
            m(2, Some("2023年党建工作要点"), "作风建设"),
            m(3, Some("党章"), "党章"),
            m(4, None, "其他题目"),
        ];
        let g = group_mistakes(&items);
        let heads: Vec<&str> = g.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(heads, ["党章", "2023年党建工作要点 · 作风建设", "其他题目"]);
        assert_eq!(g[0].1.len(), 2);
    }

    #[test]
    fn the_book_shows_keys_and_the_practice_link() {
        let h = mistakes_html(&[m(1, Some("党章"), "党章")]);
        assert!(h.contains("共1道错题"));
        assert!(h.contains(r#"id="practise-mistakes" href="/mistakes/practice""#));
        assert!(h.contains(r#"<li class="rv-opt key"><b>B</b>乙</li>"#));
        assert!(h.contains("正确答案：B"));
        assert!(h.contains("单选题"));
        assert!(h.contains("答错2次 · 已答对1天"));
        assert!(h.contains("第1条"));
        assert!(!h.contains("您的答案"));
        assert!(mistakes_html(&[]).contains("错题本里没有题目"));
    }
}
