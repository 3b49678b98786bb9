//! `/mistakes`: the mistake book (错题本), grouped by module and category, each question
//! with its key, explanation and source; one button starts a practice round over it.

use leptos::prelude::*;
use shared::api::quiz::Mistake;

use crate::api;
use crate::components::{review_html, Fetch, Page, Review};
use crate::html::{button_link, el, Html};
use crate::i18n::{t, tf, K};

/// The book in groups, headed "module · category" (or the category alone), in the order
/// groups first appear.
pub fn group_mistakes(items: Vec<Mistake>) -> Vec<(String, Vec<Mistake>)> {
    let mut groups: Vec<(String, Vec<Mistake>)> = Vec::new();
    for m in items {
        let head = match &m.module_title {
            Some(t) if *t != m.category => format!("{t} · {}", m.category),
            _ => m.category.clone(),
        };
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, list)) => list.push(m),
            None => groups.push((head, vec![m])),
        }
    }
    groups
}

/// The mistake book: the count, the rule, the practice link, then the questions by group.
pub fn mistakes_html(items: Vec<Mistake>) -> String {
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
    for (head, list) in group_mistakes(items) {
        h += &el("h2", "section-title", &head);
        for m in &list {
            n += 1;
            h += &review_html(&Review {
                number: n,
                kind: Some(m.kind),
                stem: &m.stem,
                options: &m.options,
                key: Some(&m.key),
                explanation: Some(&m.explanation),
                source: Some(&m.source),
                footer: Some(format!(
                    "{} · {}",
                    tf(K::MistakesWrong, &[("n", &m.wrong_count.to_string())]),
                    tf(K::MistakesProgress, &[("n", &m.right_days.to_string())]),
                )),
                ..Default::default()
            });
        }
    }
    h
}

#[component]
pub fn Mistakes() -> impl IntoView {
    let list = Fetch::new(|| api::MISTAKES.into());
    view! {
        <Page class="mistakes" title=K::MistakesTitle>
            {list.show(4, |items: Vec<Mistake>| view! { <Html html=mistakes_html(items)/> }.into_any())}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::grading::{Answer, QuestionKind};

    fn m(id: i64, module: Option<&str>, category: &str) -> Mistake {
        Mistake {
            question_id: id,
            category: category.into(),
            module_title: module.map(Into::into),
            kind: QuestionKind::TrueFalse,
            stem: format!("q{id}"),
            options: vec![],
            key: Answer::TrueFalse { value: true },
            explanation: String::new(),
            source: String::new(),
            wrong_count: 1,
            right_days: 0,
        }
    }

    #[test]
    fn mistakes_group_by_module_and_category_in_first_seen_order() {
        let g = group_mistakes(vec![
            m(1, Some("党章"), "党章"),
            m(2, Some("2023年党建工作要点"), "作风建设"),
            m(3, Some("党章"), "党章"),
            m(4, None, "其他题目"),
        ]);
        let heads: Vec<&str> = g.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(heads, ["党章", "2023年党建工作要点 · 作风建设", "其他题目"]);
        assert_eq!(g[0].1.len(), 2);
    }

    #[test]
    fn the_book_shows_keys_and_the_practice_link() {
        let h = mistakes_html(vec![m(1, Some("党章"), "党章")]);
        assert!(h.contains("共1道错题"));
        assert!(h.contains(r#"id="practise-mistakes" href="/mistakes/practice""#));
        assert!(h.contains("正确答案：正确"));
        assert!(h.contains("答错1次"));
        assert!(!h.contains("你的答案"));
        assert!(mistakes_html(vec![]).contains("错题本里没有题目"));
    }
}
