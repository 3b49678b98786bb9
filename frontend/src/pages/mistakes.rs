//! `/mistakes`: the mistake book (错题本), grouped by module and category, each question
//! with its key, explanation and source; one button starts a practice round over it.

use leptos::prelude::*;
use shared::api::quiz::Mistake;

use crate::api;
use crate::components::{load, show, Loaded, Page, Reviewed, Reviews};
use crate::i18n::{t, tf, K};

/// The heading of a mistake's group: "module · category", or the category alone.
fn group_of(m: &Mistake) -> String {
    match &m.module_title {
        Some(t) if *t != m.category => format!("{t} · {}", m.category),
        _ => m.category.clone(),
    }
}

/// The book in groups, in the order groups first appear.
pub fn group_mistakes(items: Vec<Mistake>) -> Vec<(String, Vec<Mistake>)> {
    let mut groups: Vec<(String, Vec<Mistake>)> = Vec::new();
    for m in items {
        let head = group_of(&m);
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, list)) => list.push(m),
            None => groups.push((head, vec![m])),
        }
    }
    groups
}

/// A mistake as a question looked back on, numbered `number` in the book.
pub fn reviewed(number: usize, m: Mistake) -> Reviewed {
    Reviewed {
        number,
        kind: Some(m.kind),
        footer: Some(format!(
            "{} · {}",
            tf(K::MistakesWrong, &[("n", &m.wrong_count.to_string())]),
            tf(K::MistakesProgress, &[("n", &m.right_days.to_string())]),
        )),
        report: Some(m.question_id),
        stem: m.stem,
        options: m.options,
        answer: None,
        key: Some(m.key),
        correct: None,
        explanation: Some(m.explanation),
        source: Some(m.source),
    }
}

/// The mistake book: the count, the rule, the practice link, then the questions by group.
fn book(items: Vec<Mistake>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="card empty">{t(K::MistakesEmpty)}</p> }.into_any();
    }
    let count = tf(K::MistakesCount, &[("n", &items.len().to_string())]);
    let mut n = 0;
    let groups = group_mistakes(items).into_iter().map(|(head, group)| {
        let items: Vec<Reviewed> = group
            .into_iter()
            .map(|m| {
                n += 1;
                reviewed(n, m)
            })
            .collect();
        view! {
            <h2 class="section-title">{head}</h2>
            <Reviews items/>
        }
    });
    view! {
        <section class="card mistakes-head">
            <h2 class="card-title">{count}</h2>
            <p class="muted small">{t(K::MistakesRule)}</p>
            <a class="btn btn-primary btn-block" id="practise-mistakes" href="/mistakes/practice">
                {t(K::MistakesPractice)}
            </a>
        </section>
        {groups.collect_view()}
    }
    .into_any()
}

#[component]
pub fn Mistakes() -> impl IntoView {
    let list = load(|| api::MISTAKES.into());
    view! {
        <Page class="mistakes" title=K::MistakesTitle>
            <Loaded data=list lines=4 ok=show(book)/>
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
            kind: QuestionKind::Single,
            stem: format!("q{id}"),
            options: vec!["甲".into(), "乙".into()],
            key: Answer::Single { option: 1 },
            explanation: "原文：……".into(),
            source: "第1条".into(),
            wrong_count: 2,
            right_days: 1,
        }
    }

    #[test]
    fn mistakes_group_by_module_and_category_in_first_seen_order() {
        let items = vec![
            m(1, Some("党章"), "党章"),
            m(2, Some("2023年党建工作要点"), "作风建设"),
            m(3, Some("党章"), "党章"),
            m(4, None, "其他题目"),
        ];
        let g = group_mistakes(items);
        let heads: Vec<&str> = g.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(heads, ["党章", "2023年党建工作要点 · 作风建设", "其他题目"]);
        assert_eq!(g[0].1.len(), 2);
    }

    #[test]
    fn each_mistake_shows_its_key_tally_and_report_button() {
        let r = reviewed(1, m(7, Some("党章"), "党章"));
        assert_eq!(r.key, Some(Answer::Single { option: 1 }));
        assert_eq!(r.answer, None, "the book shows no answer of the member's");
        assert_eq!(r.footer.as_deref(), Some("答错2次 · 已答对1天"));
        assert_eq!(r.report, Some(7));
        assert_eq!(r.source.as_deref(), Some("第1条"));
    }
}
