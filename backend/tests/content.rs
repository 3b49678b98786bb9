//! The content the repository ships, checked as the server would read it: every
//! `question-bank/` file passes the loader's checks (parses; unique ids and stems; choice
//! questions with distinct options and keys among them; well-formed true/false and fill-in
//! keys; non-empty explanation and source), every category meets its minimum size with all
//! four kinds, and the founding document's questions cite every numbered item and quote it
//! faithfully; every `seeds/modules/` file parses, has two to four lessons that name their
//! sources, and practises from a category of the bank, and no category is left without a
//! module. Failures name the file and line of each offending question or module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use backend::domain::question_bank::{self, BankQuestion};
use backend::domain::{content, seeds};
use shared::grading::QuestionKind;

/// The founding document's question category and the prefix of its sources.
const WORK_PLAN_CATEGORY: &str = seeds::WORK_PLAN_TITLE;
const WORK_PLAN_MINIMUM: usize = 40;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bank() -> Vec<BankQuestion> {
    question_bank::parse_dir(&root().join("question-bank")).unwrap_or_else(|errors| {
        panic!(
            "question-bank files have errors:\n  {}",
            errors.join("\n  ")
        )
    })
}

fn modules() -> Vec<content::ModuleFile> {
    content::parse_dir(&root().join("seeds").join(content::MODULES_DIR)).unwrap_or_else(|errors| {
        panic!(
            "seeds/modules files have errors:\n  {}",
            errors.join("\n  ")
        )
    })
}

fn by_category(bank: &[BankQuestion]) -> BTreeMap<&str, Vec<&BankQuestion>> {
    let mut map: BTreeMap<&str, Vec<&BankQuestion>> = BTreeMap::new();
    for q in bank {
        map.entry(q.category.as_str()).or_default().push(q);
    }
    map
}

fn work_plan() -> seeds::WorkPlan {
    let path = root().join("seeds").join(seeds::WORK_PLAN_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    seeds::parse_work_plan(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The numbers of the document's items ("16.强化纪律约束。…" → 16).
fn item_numbers(plan: &seeds::WorkPlan) -> BTreeSet<u32> {
    plan.parts
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|item| {
            let digits: String = item.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// What a founding-document question cites: `Some(n)` for "2023年党建工作要点 第n条",
/// `None` for the opening paragraph ("2023年党建工作要点 总体要求"); an error otherwise.
fn cited_item(source: &str) -> Result<Option<u32>, String> {
    let rest = source
        .strip_prefix(WORK_PLAN_CATEGORY)
        .map(str::trim_start)
        .ok_or_else(|| format!("出处应以“{WORK_PLAN_CATEGORY}”开头：{source:?}"))?;
    if rest == "总体要求" {
        return Ok(None);
    }
    rest.strip_prefix('第')
        .and_then(|r| r.strip_suffix('条'))
        .and_then(|n| n.parse().ok())
        .map(Some)
        .ok_or_else(|| format!("出处应写作“{WORK_PLAN_CATEGORY} 第N条”：{source:?}"))
}

/// The top-level “…” fragments of an explanation, with inner ‘…’ turned into “…” as the
/// document writes them; a fragment right after 未提及/未列举 names what the text lacks and
/// is skipped.
fn quoted_fragments(explanation: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    let mut skip = false;
    let mut before = String::new();
    for c in explanation.chars() {
        match c {
            '“' if depth == 0 => {
                depth = 1;
                current.clear();
                skip = before.ends_with("未提及") || before.ends_with("未列举");
            }
            '”' if depth == 1 => {
                depth = 0;
                if !skip {
                    out.push(current.replace('‘', "“").replace('’', "”"));
                }
            }
            _ if depth == 1 => current.push(c),
            _ => before.push(c),
        }
    }
    out
}

#[test]
fn every_question_bank_file_passes_the_loader_checks() {
    let bank = bank();
    assert!(!bank.is_empty());
    // parse_dir already refuses duplicates; say so plainly if that ever changes.
    let ids: BTreeSet<&str> = bank.iter().map(|q| q.stable_id.as_str()).collect();
    assert_eq!(ids.len(), bank.len(), "question ids are unique");
    let stems: BTreeSet<&str> = bank.iter().map(|q| q.draft.stem.as_str()).collect();
    assert_eq!(stems.len(), bank.len(), "no two questions share a stem");
}

#[test]
fn every_category_has_its_minimum_of_all_four_kinds() {
    let bank = bank();
    let mut errors = Vec::new();
    for (category, questions) in by_category(&bank) {
        let file = questions[0].origin.split(':').next().unwrap_or_default();
        let minimum = if category == WORK_PLAN_CATEGORY {
            WORK_PLAN_MINIMUM
        } else {
            MODULE_MINIMUM
        };
        if questions.len() < minimum {
            errors.push(format!(
                "{file}:1: 分类“{category}”有{}道题，至少需要{minimum}道",
                questions.len()
            ));
        }
        let kinds: BTreeSet<String> = questions
            .iter()
            .map(|q| format!("{:?}", q.draft.kind))
            .collect();
        for kind in [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::TrueFalse,
            QuestionKind::FillIn,
        ] {
            if !kinds.contains(&format!("{kind:?}")) {
                errors.push(format!("{file}:1: 分类“{category}”缺少{kind:?}题"));
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

/// Every other category is a study module's and needs at least this many questions.
const MODULE_MINIMUM: usize = 30;

#[test]
fn every_numbered_item_of_the_founding_document_is_cited() {
    let plan = work_plan();
    let items = item_numbers(&plan);
    assert_eq!(items.len(), 22, "items 1–23 without 12");
    assert!(!items.contains(&12), "the document has no item 12");
    let bank = bank();
    let mut errors = Vec::new();
    let mut cited = BTreeSet::new();
    for q in bank.iter().filter(|q| q.category == WORK_PLAN_CATEGORY) {
        match cited_item(&q.draft.source) {
            Ok(Some(n)) if items.contains(&n) => {
                cited.insert(n);
            }
            Ok(Some(n)) => errors.push(format!(
                "{}: 题目 {} 引用了原文没有的第{n}条",
                q.origin, q.stable_id
            )),
            Ok(None) => {}
            Err(e) => errors.push(format!("{}: 题目 {}：{e}", q.origin, q.stable_id)),
        }
    }
    for n in items.difference(&cited) {
        errors.push(format!(
            "question-bank: 原文第{n}条没有任何题目引用（出处写作“{WORK_PLAN_CATEGORY} 第{n}条”）"
        ));
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn founding_document_questions_quote_the_text_faithfully() {
    let plan = work_plan();
    let text: String = std::iter::once(plan.preface.clone())
        .chain(
            plan.parts
                .iter()
                .flat_map(|p| std::iter::once(p.heading.clone()).chain(p.items.clone())),
        )
        .collect::<Vec<_>>()
        .join("\n");
    let bank = bank();
    let mut errors = Vec::new();
    for q in bank.iter().filter(|q| q.category == WORK_PLAN_CATEGORY) {
        let e = &q.draft.explanation;
        if !e.contains("原文") {
            errors.push(format!(
                "{}: 题目 {} 的解析应引用原文（原文：“……”）",
                q.origin, q.stable_id
            ));
        }
        let fragments = quoted_fragments(e);
        if fragments.is_empty() {
            errors.push(format!("{}: 题目 {} 的解析没有引文", q.origin, q.stable_id));
        }
        for f in fragments {
            let f = f.trim_end_matches('。');
            if !text.contains(f) {
                errors.push(format!(
                    "{}: 题目 {} 的引文与原文不符：“{f}”",
                    q.origin, q.stable_id
                ));
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn quoted_fragments_skip_what_the_text_lacks() {
    assert_eq!(
        quoted_fragments("原文：“做到‘两个维护’”，未提及“学以修身”。另见“第二句”。"),
        vec!["做到“两个维护”".to_string(), "第二句".to_string()]
    );
    assert_eq!(cited_item("2023年党建工作要点 第16条"), Ok(Some(16)));
    assert_eq!(cited_item("2023年党建工作要点 总体要求"), Ok(None));
    assert!(cited_item("2023年党建工作要点 十六").is_err());
}

#[test]
fn every_module_practises_from_its_own_category_and_has_two_to_four_lessons() {
    let bank = bank();
    let categories = by_category(&bank);
    let modules = modules();
    let mut errors = Vec::new();
    let mut practised = BTreeSet::from([WORK_PLAN_CATEGORY]);
    for m in &modules {
        if !categories.contains_key(m.category.as_str()) {
            errors.push(format!(
                "{}: 题库中没有分类“{}”（question-bank/ 中应有 category = \"{}\" 的文件）",
                m.category_origin, m.category, m.category
            ));
        }
        if !practised.insert(m.category.as_str()) {
            errors.push(format!(
                "{}: 分类“{}”已由另一个模块使用",
                m.category_origin, m.category
            ));
        }
        if !(2..=4).contains(&m.lessons.len()) {
            errors.push(format!(
                "{}: 模块 {} 有{}课，应为二至四课",
                m.category_origin,
                m.slug,
                m.lessons.len()
            ));
        }
        for l in &m.lessons {
            if !l.source.contains('《') {
                errors.push(format!(
                    "{}: 课文出处应写明文件名（《……》）：{:?}",
                    l.origin, l.source
                ));
            }
        }
        if m.track != "theory" && m.track != "discipline" {
            errors.push(format!(
                "{}: 模块 {} 的 track 应为 theory 或 discipline",
                m.category_origin, m.slug
            ));
        }
    }
    for (category, questions) in &categories {
        if !practised.contains(category) {
            errors.push(format!(
                "{}: 分类“{category}”没有对应的学习专题（seeds/modules/）",
                questions[0].origin
            ));
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn both_tracks_have_at_least_three_modules() {
    let modules = modules();
    for track in ["theory", "discipline"] {
        let n = modules.iter().filter(|m| m.track == track).count();
        assert!(
            n >= 3,
            "seeds/modules: {n} {track} modules, at least 3 are needed"
        );
    }
}
