//! The content the repository ships, checked as the server would read it: every
//! `question-bank/` file passes the loader's checks (parses; unique ids and stems; choice
//! questions with distinct options and keys among them; well-formed true/false and fill-in
//! keys; non-empty explanation and source), every category meets its minimum size with all
//! four kinds, and the founding document's questions cite every numbered item (at least two
//! questions each) and quote it faithfully; every `seeds/modules/` file parses, has two to
//! four lessons of 800–2,000 characters that end with their source line, and practises from a
//! category of the bank, and no category is left without a module.
//!
//! Sources: a question or lesson whose `source` cites an article (第N条) of a named document
//! (《…》) must cite a text kept under `seeds/sources/`, in the form that file prescribes
//! (`引作`, which pins the version), and must quote it: every quotation “…” in its
//! explanation (and in its stem, blanks filled with the key) is found word for word in the
//! cited articles, and so is every keyed option and every fill-in answer; every question of
//! the discipline module cites such an article. Stems follow one punctuation convention, and
//! the founding document's own slips appear only inside quotations marked [原文如此].
//! Failures name the file and line of each offending question, lesson or text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use backend::domain::question_bank::{self, BankQuestion};
use backend::domain::{content, seeds};
use shared::grading::QuestionKind;

/// The founding document's question category and the prefix of its sources.
const WORK_PLAN_CATEGORY: &str = seeds::WORK_PLAN_TITLE;
const WORK_PLAN_MINIMUM: usize = 40;
/// Every numbered item of the founding document is asked about at least this often.
const ITEM_MINIMUM: usize = 2;

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

/// Words right before a quotation that say the text lacks it (未提及“学以修身”): such a
/// quotation names what the source does not say and is not checked against it.
const LACKS: [&str; 2] = ["未提及", "未列举"];

/// A top-level quotation “…” of Beacon's own text: where it starts and ends (bytes, the end
/// just past the closing ”), its words with inner ‘…’ turned into “…” as the sources write
/// them, and whether it names what the source lacks.
struct Quote {
    start: usize,
    end: usize,
    text: String,
    lacks: bool,
}

fn quotes(s: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut current = String::new();
    for (i, c) in s.char_indices() {
        match (c, open) {
            ('“', None) => {
                open = Some(i);
                current.clear();
            }
            ('”', Some(start)) => {
                let before = &s[..start];
                // “甲”“乙” or “甲”、“乙” right after 未列举: all of them are what the text lacks.
                let follows_lacking = out
                    .last()
                    .is_some_and(|q: &Quote| q.lacks && matches!(&s[q.end..start], "" | "、"));
                out.push(Quote {
                    start,
                    end: i + c.len_utf8(),
                    text: current.replace('‘', "“").replace('’', "”"),
                    lacks: follows_lacking || LACKS.iter().any(|w| before.ends_with(w)),
                });
                open = None;
            }
            (_, Some(_)) => current.push(c),
            _ => {}
        }
    }
    out
}

/// The top-level “…” fragments of an explanation, with inner ‘…’ turned into “…” as the
/// document writes them; a fragment right after 未提及/未列举 names what the text lacks and
/// is skipped.
fn quoted_fragments(explanation: &str) -> Vec<String> {
    quotes(explanation)
        .into_iter()
        .filter(|q| !q.lacks)
        .map(|q| q.text)
        .collect()
}

/// A quotation as it is looked up: without the sentence's closing punctuation.
fn quoted_words(text: &str) -> &str {
    text.trim_end_matches(['。', '，', '；', '：'])
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
fn every_numbered_item_of_the_founding_document_is_cited_at_least_twice() {
    let plan = work_plan();
    let items = item_numbers(&plan);
    assert_eq!(items.len(), 22, "items 1–23 without 12");
    assert!(!items.contains(&12), "the document has no item 12");
    let bank = bank();
    let mut errors = Vec::new();
    let mut cited: BTreeMap<u32, usize> = BTreeMap::new();
    for q in bank.iter().filter(|q| q.category == WORK_PLAN_CATEGORY) {
        match cited_item(&q.draft.source) {
            Ok(Some(n)) if items.contains(&n) => {
                *cited.entry(n).or_default() += 1;
            }
            Ok(Some(n)) => errors.push(format!(
                "{}: 题目 {} 引用了原文没有的第{n}条",
                q.origin, q.stable_id
            )),
            Ok(None) => {}
            Err(e) => errors.push(format!("{}: 题目 {}：{e}", q.origin, q.stable_id)),
        }
    }
    for n in &items {
        let count = cited.get(n).copied().unwrap_or(0);
        if count < ITEM_MINIMUM {
            errors.push(format!(
                "question-bank/2023-party-building-work-plan.toml:1: 原文第{n}条只有{count}道题引用，至少需要{ITEM_MINIMUM}道（出处写作“{WORK_PLAN_CATEGORY} 第{n}条”）"
            ));
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

/// The founding document's text as quotations are looked up in it: preface, part headings
/// and items, one per line.
fn work_plan_text() -> String {
    let plan = work_plan();
    std::iter::once(plan.preface.clone())
        .chain(
            plan.parts
                .iter()
                .flat_map(|p| std::iter::once(p.heading.clone()).chain(p.items.clone())),
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn founding_document_questions_quote_the_text_faithfully() {
    let text = work_plan_text();
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
        for f in &fragments {
            let f = quoted_words(f);
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
    assert_eq!(
        quoted_fragments("未列举“甲”“乙”、“丙”，而是“丁”。"),
        vec!["丁".to_string()]
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

// ---------------------------------------------------------------------------------------
// Kept texts of the documents questions cite by article (seeds/sources/)
// ---------------------------------------------------------------------------------------

/// The folder of kept texts, relative to the repository root.
const SOURCES_DIR: &str = "seeds/sources";

/// The header fields every kept text declares (`# 键：值`, one per line, before the text).
const SOURCE_HEADER: [&str; 7] = [
    "标题",
    "引作",
    "制定机关",
    "施行",
    "官方文本",
    "收录范围",
    "核对",
];

/// The discipline module's category: every one of its questions cites an article (or the
/// heading note, or chapter titles) of a kept text.
const DISCIPLINE_CATEGORY: &str = "纪律处分条例与四种形态";

/// One document kept under `seeds/sources/`: its title 《…》, the form every source citing
/// it must start with (`引作`, e.g. 《中国共产党纪律处分条例》（2023年修订）), its heading note
/// (题注), chapter titles and articles. Items written 一、二、… count as articles 1, 2, ….
struct KeptText {
    file: String,
    title: String,
    cite_as: String,
    note: String,
    chapters: BTreeMap<u32, String>,
    articles: BTreeMap<u32, String>,
}

/// "一百一十三" → 113, "十二" → 12, "一百零一" → 101; `None` for anything else.
fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let (mut total, mut current) = (0u32, 0u32);
    for c in s.chars() {
        match c {
            '十' => {
                total += if current == 0 { 10 } else { current * 10 };
                current = 0;
            }
            '百' if current > 0 => {
                total += current * 100;
                current = 0;
            }
            _ => {
                current = match c {
                    '〇' | '零' => 0,
                    '一' => 1,
                    '二' => 2,
                    '三' => 3,
                    '四' => 4,
                    '五' => 5,
                    '六' => 6,
                    '七' => 7,
                    '八' => 8,
                    '九' => 9,
                    _ => return None,
                }
            }
        }
    }
    Some(total + current)
}

/// The Chinese numeral at the start of `s` (possibly empty) and the rest.
fn leading_numeral(s: &str) -> (&str, &str) {
    let end = s
        .char_indices()
        .find(|(_, c)| !"〇零一二三四五六七八九十百".contains(*c))
        .map_or(s.len(), |(i, _)| i);
    s.split_at(end)
}

/// What a line of a kept text starts: `第N编/章/节　…` (a heading), `第N条　…` or `N、…` (an
/// article, with its first paragraph).
enum LineStart<'a> {
    Heading(char, u32),
    Article(u32, &'a str),
    Other,
}

fn line_start(line: &str) -> LineStart<'_> {
    if let Some(rest) = line.strip_prefix('第') {
        let (digits, rest) = leading_numeral(rest);
        if let (Some(n), Some(unit)) = (chinese_number(digits), rest.chars().next()) {
            let after = rest[unit.len_utf8()..].trim_start_matches([' ', '　']);
            let spaced = after.len() < rest.len() - unit.len_utf8();
            match unit {
                '条' if spaced => return LineStart::Article(n, after),
                '编' | '章' | '节' if spaced => return LineStart::Heading(unit, n),
                _ => {}
            }
        }
    }
    let (digits, rest) = leading_numeral(line);
    if let (Some(n), Some(after)) = (chinese_number(digits), rest.strip_prefix('、')) {
        return LineStart::Article(n, after);
    }
    LineStart::Other
}

fn parse_kept_text(file: &str, text: &str) -> Result<KeptText, Vec<String>> {
    let mut errors = Vec::new();
    let mut header: BTreeMap<&str, &str> = BTreeMap::new();
    let mut note = String::new();
    let mut chapters = BTreeMap::new();
    let mut articles: BTreeMap<u32, String> = BTreeMap::new();
    let mut current: Option<u32> = None;
    let mut in_header = true;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{file}:{}", i + 1);
        if in_header {
            if let Some(field) = line.strip_prefix("# ") {
                match field.split_once('：') {
                    Some((key, value)) if !value.trim().is_empty() => {
                        header.insert(key, value.trim());
                    }
                    _ => errors.push(format!("{at}: 文件头应写作“# 键：值”")),
                }
                continue;
            }
            in_header = false;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line_start(line) {
            LineStart::Heading(unit, n) => {
                current = None;
                if unit == '章' && chapters.insert(n, line.to_string()).is_some() {
                    errors.push(format!("{at}: 第{n}章重复"));
                }
            }
            LineStart::Article(n, first) => {
                if articles.keys().next_back().is_some_and(|last| *last >= n) {
                    errors.push(format!("{at}: 条文应按条号递增、不重复（第{n}条）"));
                }
                articles.insert(n, first.to_string());
                current = Some(n);
            }
            LineStart::Other => match current {
                Some(n) => {
                    let body = articles.get_mut(&n).expect("current article");
                    body.push('\n');
                    body.push_str(line);
                }
                None if articles.is_empty() && line.starts_with('（') => {
                    note.push_str(line);
                }
                None => errors.push(format!("{at}: 这一行不属于任何条文：{line:?}")),
            },
        }
    }
    for key in SOURCE_HEADER {
        if !header.contains_key(key) {
            errors.push(format!("{file}:1: 文件头缺少“# {key}：……”"));
        }
    }
    let title = header.get("标题").copied().unwrap_or_default().to_string();
    let cite_as = header.get("引作").copied().unwrap_or_default().to_string();
    if !(title.starts_with('《') && title.ends_with('》') && cite_as.starts_with(&title)) {
        errors.push(format!(
            "{file}:1: 标题应为《……》，引作应以标题开头：{title:?} / {cite_as:?}"
        ));
    }
    if articles.is_empty() {
        errors.push(format!("{file}:1: 没有收录任何条文"));
    }
    if errors.is_empty() {
        Ok(KeptText {
            file: file.to_string(),
            title,
            cite_as,
            note,
            chapters,
            articles,
        })
    } else {
        Err(errors)
    }
}

fn kept_texts() -> Vec<KeptText> {
    let dir = root().join(SOURCES_DIR);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let name = format!(
            "{SOURCES_DIR}/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        match parse_kept_text(&name, &std::fs::read_to_string(&path).unwrap()) {
            Ok(t) => texts.push(t),
            Err(e) => errors.extend(e),
        }
    }
    let mut titles = BTreeMap::new();
    for t in &texts {
        if let Some(first) = titles.insert(t.title.clone(), t.file.clone()) {
            errors.push(format!("{}:1: {} 已收录于 {first}", t.file, t.title));
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
    texts
}

/// What one `source` cites of a kept text: article numbers, chapters whose titles are
/// cited (第六章至第十一章章名), and whether the heading note (题注) is.
struct Citation<'a> {
    text: &'a KeptText,
    articles: Vec<u32>,
    chapter_titles: Vec<u32>,
    note: bool,
}

impl Citation<'_> {
    fn is_empty(&self) -> bool {
        self.articles.is_empty() && self.chapter_titles.is_empty() && !self.note
    }

    /// The cited words, or a message for each unit the kept text lacks.
    fn words(&self) -> Result<String, Vec<String>> {
        let mut words = Vec::new();
        let mut missing = Vec::new();
        for n in &self.articles {
            match self.text.articles.get(n) {
                Some(a) => words.push(a.as_str()),
                None => missing.push(format!("第{}条", chinese(*n))),
            }
        }
        for n in &self.chapter_titles {
            match self.text.chapters.get(n) {
                Some(h) => words.push(h.as_str()),
                None => missing.push(format!("第{}章章名", chinese(*n))),
            }
        }
        if self.note {
            words.push(self.text.note.as_str());
        }
        if missing.is_empty() {
            Ok(words.join("\n"))
        } else {
            Err(missing
                .into_iter()
                .map(|m| format!("{} 未收录于 {}", m, self.text.file))
                .collect())
        }
    }
}

/// 113 → "一百一十三" (for messages).
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut s = String::new();
    if h > 0 {
        s.push_str(D[h as usize]);
        s.push('百');
    }
    match (h, t, u) {
        (_, 0, 0) => {}
        (0, 0, _) => s.push_str(D[u as usize]),
        (_, 0, _) => {
            s.push('零');
            s.push_str(D[u as usize]);
        }
        (0, 1, _) => s.push('十'),
        _ => {
            s.push_str(D[t as usize]);
            s.push('十');
        }
    }
    if t > 0 && u > 0 {
        s.push_str(D[u as usize]);
    }
    s
}

/// The cited units in what follows a document's name: 第N条 (also 第N条至第M条), 第N章章名
/// (also 第N章至第M章章名) and 题注.
fn cited_units(rest: &str) -> (Vec<u32>, Vec<u32>, bool) {
    // (unit, number, what follows the unit)
    let mut tokens: Vec<(char, u32, &str)> = Vec::new();
    for (i, _) in rest.match_indices('第') {
        let (digits, after) = leading_numeral(&rest[i + '第'.len_utf8()..]);
        if let (Some(n), Some(unit)) = (chinese_number(digits), after.chars().next()) {
            tokens.push((unit, n, &after[unit.len_utf8()..]));
        }
    }
    let mut articles = Vec::new();
    let mut chapters = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (unit, from, tail) = tokens[i];
        let (to, tail) = match tokens.get(i + 1) {
            Some(&(u, to, t)) if u == unit && tail.starts_with("至第") && from < to => {
                i += 1;
                (to, t)
            }
            _ => (from, tail),
        };
        match unit {
            '条' => articles.extend(from..=to),
            '章' if tail.starts_with("章名") => chapters.extend(from..=to),
            _ => {}
        }
        i += 1;
    }
    (articles, chapters, rest.contains("题注"))
}

/// Whether a source names an article (第N条, Chinese or Arabic numerals) after a 《…》.
fn names_an_article(after_title: &str) -> bool {
    after_title.match_indices('第').any(|(i, _)| {
        let rest = &after_title[i + '第'.len_utf8()..];
        let end = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || "〇零一二三四五六七八九十百".contains(*c)))
            .map_or(rest.len(), |(i, _)| i);
        end > 0 && rest[end..].starts_with('条')
    })
}

/// The kept texts a `source` cites, part by part (parts separated by “；”): a part naming a
/// kept document must start with its 引作; a part naming an article of a document that is not
/// kept is an error. The founding document is cited its own way and checked elsewhere.
fn citations<'a>(source: &str, kept: &'a [KeptText]) -> Result<Vec<Citation<'a>>, String> {
    let mut out = Vec::new();
    for part in source.split(['；', ';']).map(str::trim) {
        let Some(open) = part.find('《') else {
            continue;
        };
        let Some(close) = part[open..].find('》').map(|i| open + i + '》'.len_utf8()) else {
            return Err(format!("出处的书名号不成对：{part:?}"));
        };
        let title = &part[open..close];
        match kept.iter().find(|t| t.title == title) {
            Some(text) => {
                let Some(rest) = part.strip_prefix(text.cite_as.as_str()) else {
                    return Err(format!(
                        "出处应写作“{}……”（见 {}）：{part:?}",
                        text.cite_as, text.file
                    ));
                };
                let (articles, chapter_titles, note) = cited_units(rest);
                out.push(Citation {
                    text,
                    articles,
                    chapter_titles,
                    note,
                });
            }
            None if title == "《2023年市发展改革委党的建设工作要点》" => {}
            None if names_an_article(&part[close..]) => {
                return Err(format!(
                    "出处引用了{title}的条文，但 {SOURCES_DIR}/ 中没有收录该文件：{part:?}"
                ));
            }
            None => {}
        }
    }
    Ok(out)
}

/// The words a source cites, or `None` when it cites no unit of a kept text.
fn cited_words(source: &str, kept: &[KeptText]) -> Result<Option<String>, Vec<String>> {
    let cites = citations(source, kept).map_err(|e| vec![e])?;
    let mut words = Vec::new();
    let mut errors = Vec::new();
    for c in cites.iter().filter(|c| !c.is_empty()) {
        match c.words() {
            Ok(w) => words.push(w),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        Err(errors)
    } else if words.is_empty() {
        Ok(None)
    } else {
        Ok(Some(words.join("\n")))
    }
}

/// A stem with each blank (two or more underscores) replaced by the first accepted answer.
fn filled_stem(stem: &str, blanks: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut answers = blanks.iter().map(|b| b.first().map_or("", String::as_str));
    let mut chars = stem.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' && chars.peek() == Some(&'_') {
            while chars.peek() == Some(&'_') {
                chars.next();
            }
            out.push_str(answers.next().unwrap_or(""));
        } else {
            out.push(c);
        }
    }
    out
}

/// An option's words without the quotation marks around a whole option (“四史”).
fn option_words(option: &str) -> &str {
    option
        .strip_prefix('“')
        .and_then(|o| o.strip_suffix('”'))
        .unwrap_or(option)
}

/// The problems of one question that cites kept text `words` (see the module doc).
fn source_problems(q: &BankQuestion, words: &str) -> Vec<String> {
    use shared::grading::AnswerKey;
    let mut problems = Vec::new();
    let d = &q.draft;
    let explained = quotes(&d.explanation);
    if !explained.iter().any(|x| !x.lacks) {
        problems.push("解析应引用所引条文（“……”）".to_string());
    }
    let mut checked: Vec<String> = explained
        .into_iter()
        .filter(|x| !x.lacks)
        .map(|x| x.text)
        .collect();
    let stem = match &d.key {
        AnswerKey::FillIn { blanks } => filled_stem(&d.stem, blanks),
        AnswerKey::Single { option } => d.stem.replace("（  ）", option_words(&d.options[*option])),
        _ => d.stem.clone(),
    };
    checked.extend(
        quotes(&stem)
            .into_iter()
            .filter(|x| !x.lacks && !x.text.contains("（  ）"))
            .map(|x| x.text),
    );
    for text in &checked {
        let w = quoted_words(text);
        if !words.contains(w) {
            problems.push(format!("引文不见于所引条文：“{w}”"));
        }
    }
    let keyed: Vec<&str> = match &d.key {
        AnswerKey::Single { option } => vec![option_words(&d.options[*option])],
        AnswerKey::Multiple { options } => options
            .iter()
            .map(|i| option_words(&d.options[*i]))
            .collect(),
        AnswerKey::FillIn { blanks } => blanks
            .iter()
            .filter_map(|b| b.first().map(String::as_str))
            .collect(),
        AnswerKey::TrueFalse { .. } => Vec::new(),
    };
    for k in keyed {
        if !words.contains(k) {
            problems.push(format!("答案“{k}”不见于所引条文"));
        }
    }
    problems
}

/// Every article kept under `seeds/sources/` is cited by some question or lesson: the
/// folder keeps the texts Beacon cites, not a library.
#[test]
fn every_kept_text_parses_and_every_kept_article_is_cited() {
    let kept = kept_texts();
    let mut cited: BTreeSet<(String, u32)> = BTreeSet::new();
    let sources = bank()
        .into_iter()
        .map(|q| q.draft.source)
        .chain(
            modules()
                .into_iter()
                .flat_map(|m| m.lessons)
                .map(|l| l.source),
        )
        .collect::<Vec<_>>();
    for source in &sources {
        for c in citations(source, &kept).unwrap_or_default() {
            cited.extend(c.articles.iter().map(|n| (c.text.file.clone(), *n)));
        }
    }
    let mut errors = Vec::new();
    for t in &kept {
        for n in t.articles.keys() {
            if !cited.contains(&(t.file.clone(), *n)) {
                errors.push(format!(
                    "{}: 第{}条没有任何题目或课文引用，不必收录",
                    t.file,
                    chinese(*n)
                ));
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn questions_citing_an_article_quote_the_kept_text() {
    let kept = kept_texts();
    let bank = bank();
    let mut errors = Vec::new();
    for q in &bank {
        let at = format!("{}: 题目 {}", q.origin, q.stable_id);
        match cited_words(&q.draft.source, &kept) {
            Err(e) => errors.extend(e.into_iter().map(|e| format!("{at}：{e}"))),
            Ok(None) if q.category == DISCIPLINE_CATEGORY => errors.push(format!(
                "{at}：本专题的题目应引用 {SOURCES_DIR}/ 所收条文（第N条、题注或第N章章名）：{:?}",
                q.draft.source
            )),
            Ok(None) => {}
            Ok(Some(words)) => {
                for p in source_problems(q, &words) {
                    errors.push(format!("{at}：{p}"));
                }
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn lessons_citing_an_article_quote_the_kept_text_or_the_founding_document() {
    let kept = kept_texts();
    let plan = work_plan_text();
    let mut errors = Vec::new();
    for m in modules() {
        for l in &m.lessons {
            match cited_words(&l.source, &kept) {
                Err(e) => errors.extend(e.into_iter().map(|e| format!("{}: {e}", l.origin))),
                Ok(None) => {}
                Ok(Some(words)) => {
                    for x in quotes(&l.body).into_iter().filter(|x| !x.lacks) {
                        let w = quoted_words(&x.text);
                        if !words.contains(w) && !plan.contains(w) {
                            errors.push(format!(
                                "{}: 课文“{}”的引文不见于所引条文或创始文件：“{w}”",
                                l.origin, l.title
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn citations_are_read_as_documented() {
    assert_eq!(chinese_number("一百一十三"), Some(113));
    assert_eq!(chinese_number("一百零一"), Some(101));
    assert_eq!(chinese_number("十二"), Some(12));
    assert_eq!(chinese_number("二十"), Some(20));
    assert_eq!(chinese_number("五十二"), Some(52));
    assert_eq!(chinese_number(""), None);
    assert_eq!(chinese(113), "一百一十三");
    assert_eq!(chinese(101), "一百零一");
    assert_eq!(chinese(12), "十二");
    assert_eq!(chinese(150), "一百五十");
    assert_eq!(
        cited_units("第十条、第一百一十三条"),
        (vec![10, 113], vec![], false)
    );
    assert_eq!(
        cited_units("第三条至第五条"),
        (vec![3, 4, 5], vec![], false)
    );
    assert_eq!(
        cited_units("第二编 分则 第六章至第十一章章名"),
        (vec![], vec![6, 7, 8, 9, 10, 11], false)
    );
    assert_eq!(cited_units("第一章第七条"), (vec![7], vec![], false));
    assert_eq!(cited_units("题注"), (vec![], vec![], true));
    assert!(names_an_article("第7条"));
    assert!(names_an_article("（2015年）第三条"));
    assert!(!names_an_article("第四部分"));
    let text = parse_kept_text(
        "t.txt",
        "# 标题：《示例条例》\n# 引作：《示例条例》（2023年）\n# 制定机关：某\n# 施行：某\n# 官方文本：某\n# 收录范围：某\n# 核对：某\n\n（题注）\n\n第一章　总则\n\n第二条　第一款。\n第二款。\n\n第一百零一条　另一条。\n",
    )
    .unwrap();
    assert_eq!(text.articles[&2], "第一款。\n第二款。");
    assert_eq!(text.articles[&101], "另一条。");
    assert_eq!(text.chapters[&1], "第一章　总则");
    assert_eq!(text.note, "（题注）");
    let kept = [text];
    assert!(citations("《示例条例》第二条", &kept).is_err());
    assert!(citations("《未收录条例》第二条", &kept).is_err());
    assert!(citations("《未收录条例》第二部分", &kept)
        .unwrap()
        .is_empty());
    assert_eq!(
        cited_words("《示例条例》（2023年）第一百零一条", &kept).unwrap(),
        Some("另一条。".to_string())
    );
    assert!(cited_words("《示例条例》（2023年）第三条", &kept).is_err());
    assert_eq!(
        filled_stem("甲____乙__丙", &[vec!["一".into()], vec!["二".into()]]),
        "甲一乙二丙"
    );
}

// ---------------------------------------------------------------------------------------
// Punctuation of stems, lessons, and the founding document's slips
// ---------------------------------------------------------------------------------------

/// The blank of a choice stem: full-width parentheses around two spaces.
const CHOICE_BLANK: &str = "（  ）";

/// The stem convention: a choice stem is a statement with exactly one （  ） where the answer
/// goes, never a question ending in “？”; a true/false stem is a statement ending in “。”; a
/// fill-in stem marks its blanks with underscores and has no （  ）.
fn stem_problem(kind: QuestionKind, stem: &str) -> Option<String> {
    if stem.contains('？') || stem.contains('?') {
        return Some("题干不用问号，选择题以“（  ）”标出答案位置".to_string());
    }
    let blanks = stem.matches(CHOICE_BLANK).count();
    match kind {
        QuestionKind::Single | QuestionKind::Multiple if blanks != 1 => Some(format!(
            "选择题题干应有且只有一处“{CHOICE_BLANK}”（现有{blanks}处）"
        )),
        QuestionKind::TrueFalse | QuestionKind::FillIn if blanks > 0 => {
            Some(format!("判断题、填空题题干不用“{CHOICE_BLANK}”"))
        }
        QuestionKind::TrueFalse if !stem.ends_with('。') => {
            Some("判断题题干应是以“。”结尾的陈述句".to_string())
        }
        _ => None,
    }
}

#[test]
fn stems_follow_one_punctuation_convention() {
    let mut errors = Vec::new();
    for q in bank() {
        if let Some(p) = stem_problem(q.draft.kind, &q.draft.stem) {
            errors.push(format!("{}: 题目 {}：{p}", q.origin, q.stable_id));
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

/// A lesson's length in characters, not counting whitespace.
const LESSON_CHARS: std::ops::RangeInclusive<usize> = 800..=2000;

/// The line a lesson ends with: its exact source.
const SOURCE_LINE: &str = "出处：";

#[test]
fn lessons_are_800_to_2000_characters_and_end_with_their_source() {
    let mut errors = Vec::new();
    for m in modules() {
        for l in &m.lessons {
            let n = l.body.chars().filter(|c| !c.is_whitespace()).count();
            if !LESSON_CHARS.contains(&n) {
                errors.push(format!(
                    "{}: 课文“{}”有{n}字，应为{}至{}字（不计空白）",
                    l.origin,
                    l.title,
                    LESSON_CHARS.start(),
                    LESSON_CHARS.end()
                ));
            }
            let last = l.body.lines().rev().find(|x| !x.trim().is_empty());
            let ok = last.is_some_and(|line| {
                let line = line.trim();
                line.starts_with(SOURCE_LINE)
                    && titles(&l.source).iter().all(|t| line.contains(t.as_str()))
            });
            if !ok {
                errors.push(format!(
                    "{}: 课文“{}”应以出处行结尾（“{SOURCE_LINE}”并写明 source 中的每一份文件）",
                    l.origin, l.title
                ));
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

/// The 《…》 titles in a text.
fn titles(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('《') {
        let Some(close) = rest[open..].find('》') else {
            break;
        };
        let end = open + close + '》'.len_utf8();
        out.push(rest[open..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// The founding document's own slips, as they stand in its text. Beacon quotes the document
/// faithfully, so they may appear in its text only inside a quotation that is followed at
/// once by this mark, and never in its own words.
const SLIPS: [&str; 6] = [
    "2022年市发展改革委党的建设工作总体要求", // the opening of a 2023 plan says 2022
    "项目和3+X",                              // an unbalanced quotation mark follows 3+X
    "融合结合",                               // two verbs where one is meant
    "锲而不舍的纠",                           // 的 for the adverbial 地
    "持续不断的整治",                         // likewise
    "经典典诵",                               // for 经典诵读
];
const AS_WRITTEN: &str = "[原文如此]";

fn slip_problems(text: &str) -> Vec<String> {
    let qs = quotes(text);
    let mut problems = Vec::new();
    for slip in SLIPS {
        for (at, _) in text.match_indices(slip) {
            match qs.iter().find(|q| q.start < at && at < q.end) {
                None => problems.push(format!(
                    "原文的笔误“{slip}”只能在引文中出现（并紧接着标注{AS_WRITTEN}）"
                )),
                Some(q) if !text[q.end..].starts_with(AS_WRITTEN) => problems.push(format!(
                    "引文含原文笔误“{slip}”，引号后应紧接着标注{AS_WRITTEN}"
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

#[test]
fn the_founding_documents_slips_are_marked_and_never_repeated() {
    let text = work_plan_text();
    for slip in SLIPS {
        assert!(
            text.contains(slip),
            "the document no longer contains {slip:?}"
        );
    }
    let mut errors = Vec::new();
    for q in bank() {
        let d = &q.draft;
        for field in std::iter::once(&d.stem)
            .chain(&d.options)
            .chain([&d.explanation, &d.source])
        {
            for p in slip_problems(field) {
                errors.push(format!("{}: 题目 {}：{p}", q.origin, q.stable_id));
            }
        }
    }
    for m in modules() {
        for p in slip_problems(&m.description)
            .into_iter()
            .chain(slip_problems(&m.title))
        {
            errors.push(format!("{}: {p}", m.category_origin));
        }
        for l in &m.lessons {
            for field in [&l.title, &l.source, &l.body] {
                for p in slip_problems(field) {
                    errors.push(format!("{}: {p}", l.origin));
                }
            }
        }
    }
    assert!(errors.is_empty(), "\n  {}", errors.join("\n  "));
}

#[test]
fn stem_and_slip_rules_read_as_documented() {
    assert!(stem_problem(QuestionKind::Single, "甲是（  ）。").is_none());
    assert!(stem_problem(QuestionKind::Multiple, "下列哪些属于甲？").is_some());
    assert!(stem_problem(QuestionKind::Single, "甲是（  ），乙是（  ）。").is_some());
    assert!(stem_problem(QuestionKind::TrueFalse, "甲是乙。").is_none());
    assert!(stem_problem(QuestionKind::TrueFalse, "甲是乙").is_some());
    assert!(stem_problem(QuestionKind::FillIn, "甲是____。").is_none());
    assert!(slip_problems("原文：“锲而不舍的纠‘四风’树新风”[原文如此]。").is_empty());
    assert_eq!(slip_problems("原文：“锲而不舍的纠‘四风’树新风”。").len(), 1);
    assert_eq!(slip_problems("要锲而不舍的纠正。").len(), 1);
    assert_eq!(
        titles("《甲》第一条；《乙》"),
        vec!["《甲》".to_string(), "《乙》".to_string()]
    );
}
