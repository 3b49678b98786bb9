//! The `question-bank/` folder: questions as human-editable TOML files, one file per
//! category (the format is documented in `question-bank/README.md`). Every file is parsed
//! and validated before anything is written; an error names the file and line. Loading
//! upserts by each question's stable `id` in one transaction, so loading twice changes
//! nothing.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared::api::questions::Owner;
use shared::grading::{AnswerKey, QuestionKind};
use shared::question::{self, QuestionDraft};

use crate::db::{self, Db};
use crate::domain::question_io::LineIndex;
use crate::error::AppResult;

/// One question read from a file, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct BankQuestion {
    pub stable_id: String,
    pub category: String,
    pub draft: QuestionDraft,
    /// `file:line` of the question's `[[questions]]` table.
    pub origin: String,
}

/// What a load changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    category: String,
    #[serde(default)]
    questions: Vec<toml::Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: String,
    stem: String,
    #[serde(default)]
    options: Vec<String>,
    answer: RawAnswer,
    explanation: String,
    source: String,
    #[serde(default = "default_difficulty")]
    difficulty: i64,
    #[serde(default)]
    tags: Vec<String>,
}

fn default_difficulty() -> i64 {
    1
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAnswer {
    Bool(bool),
    Text(String),
    Blanks(Vec<RawBlank>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawBlank {
    One(String),
    Many(Vec<String>),
}

fn parse_kind(s: &str) -> Option<QuestionKind> {
    match s.trim() {
        "single" | "单选" | "单选题" => Some(QuestionKind::Single),
        "multiple" | "多选" | "多选题" => Some(QuestionKind::Multiple),
        "true_false" | "判断" | "判断题" => Some(QuestionKind::TrueFalse),
        "fill_in" | "填空" | "填空题" => Some(QuestionKind::FillIn),
        _ => None,
    }
}

fn parse_key(kind: QuestionKind, answer: RawAnswer) -> Result<AnswerKey, String> {
    match (kind, answer) {
        (QuestionKind::Single, RawAnswer::Text(t)) => match question::parse_letters(&t) {
            Some(v) if v.len() == 1 => Ok(AnswerKey::Single { option: v[0] }),
            _ => Err(format!(
                "单选题的 answer 应为一个选项字母，如 \"B\"，而不是 {t:?}"
            )),
        },
        (QuestionKind::Multiple, RawAnswer::Text(t)) => match question::parse_letters(&t) {
            Some(v) => Ok(AnswerKey::Multiple { options: v }),
            None => Err(format!(
                "多选题的 answer 应为选项字母，如 \"ABD\"，而不是 {t:?}"
            )),
        },
        (QuestionKind::TrueFalse, RawAnswer::Bool(b)) => Ok(AnswerKey::TrueFalse { value: b }),
        (QuestionKind::TrueFalse, RawAnswer::Text(t)) => match t.trim() {
            "对" | "正确" | "√" => Ok(AnswerKey::TrueFalse { value: true }),
            "错" | "错误" | "×" => Ok(AnswerKey::TrueFalse { value: false }),
            _ => Err(format!("判断题的 answer 应为 true 或 false，而不是 {t:?}")),
        },
        (QuestionKind::FillIn, RawAnswer::Blanks(blanks)) => Ok(AnswerKey::FillIn {
            blanks: blanks
                .into_iter()
                .map(|b| match b {
                    RawBlank::One(s) => vec![s],
                    RawBlank::Many(v) => v,
                })
                .collect(),
        }),
        (QuestionKind::FillIn, RawAnswer::Text(t)) => Ok(AnswerKey::FillIn {
            blanks: vec![vec![t]],
        }),
        _ => Err("answer 的写法与题型不符（见 question-bank/README.md）".into()),
    }
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Parses one file. `name` is how errors refer to it (a path relative to the repository).
pub fn parse_file(name: &str, text: &str) -> Result<Vec<BankQuestion>, Vec<String>> {
    parse_with(name, text, false)
}

/// Parses one uploaded file (an import, `question_io::toml_bank`): as [`parse_file`], but
/// an id may be any text an id column may hold (not only the repository's lowercase ASCII,
/// so an export of questions with ids such as `党章-01` reads back with the same ids), and
/// an explanation or source may be empty, as in the other import formats.
pub fn parse_upload(name: &str, text: &str) -> Result<Vec<BankQuestion>, Vec<String>> {
    parse_with(name, text, true)
}

/// Whether an uploaded file's id is acceptable: 1–128 characters, no surrounding space,
/// no control characters (the rule of every import format).
pub fn valid_upload_id(id: &str) -> bool {
    !id.is_empty()
        && id.trim() == id
        && id.chars().count() <= 128
        && !id.chars().any(char::is_control)
}

fn parse_with(name: &str, text: &str, upload: bool) -> Result<Vec<BankQuestion>, Vec<String>> {
    let lines = LineIndex::new(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
        vec![format!("{name}:{line}: {}", e.message())]
    })?;
    let category = raw.category.trim().to_string();
    let mut errors = Vec::new();
    if category.is_empty() || category.chars().count() > 60 {
        errors.push(format!("{name}:1: category 不能为空，且不超过60个字符"));
    }
    let mut out = Vec::new();
    for spanned in raw.questions {
        let line = lines.line(spanned.span().start);
        let q = spanned.into_inner();
        let at = format!("{name}:{line}");
        if upload && !valid_upload_id(&q.id) {
            errors.push(format!(
                "{at}: id {:?} 应为1至128个字符，首尾不能有空格，不能含换行等控制字符",
                q.id
            ));
            continue;
        }
        if !upload && !valid_id(&q.id) {
            errors.push(format!(
                "{at}: id {:?} 应由1至64个小写字母、数字或 - _ . 组成",
                q.id
            ));
            continue;
        }
        let Some(kind) = parse_kind(&q.kind) else {
            errors.push(format!(
                "{at}: 题目 {} 的 kind {:?} 无效，应为 single、multiple、true_false 或 fill_in",
                q.id, q.kind
            ));
            continue;
        };
        let key = match parse_key(kind, q.answer) {
            Ok(k) => k,
            Err(m) => {
                errors.push(format!("{at}: 题目 {}：{m}", q.id));
                continue;
            }
        };
        let draft = QuestionDraft {
            kind,
            stem: q.stem.trim().to_string(),
            options: q.options.iter().map(|o| o.trim().to_string()).collect(),
            key,
            explanation: q.explanation.trim().to_string(),
            source: q.source.trim().to_string(),
            difficulty: u8::try_from(q.difficulty).unwrap_or(0),
            tags: q.tags.iter().map(|t| t.trim().to_string()).collect(),
        };
        let checked = if upload {
            question::validate_import(&draft)
        } else {
            question::validate(&draft)
        };
        if let Err(e) = checked {
            errors.push(format!("{at}: 题目 {} 的 {}：{}", q.id, e.field, e.message));
            continue;
        }
        out.push(BankQuestion {
            stable_id: q.id,
            category: category.clone(),
            draft,
            origin: at,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Files read from a folder: (`prefix/file name`, text) pairs and the errors of those that
/// could not be read.
pub(crate) type ReadFiles = (Vec<(String, String)>, Vec<String>);

/// The `*.toml` files of `dir`, sorted by name, each as (`prefix/file name`, text). A file
/// that cannot be read as UTF-8 becomes an error naming it (line 1) instead.
pub(crate) fn read_toml_files(dir: &Path, prefix: &str) -> Result<ReadFiles, Vec<String>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| vec![format!("{}: {e}", dir.display())])?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let name = format!(
            "{prefix}/{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        match std::fs::read_to_string(&path) {
            Ok(text) => texts.push((name, text)),
            Err(e) => errors.push(format!("{name}:1: 无法读取（需为 UTF-8 文本）：{e}")),
        }
    }
    Ok((texts, errors))
}

/// Parses every `*.toml` file of `dir` (sorted by name) and checks what spans files:
/// ids are unique and no two questions have the same stem.
pub fn parse_dir(dir: &Path) -> Result<Vec<BankQuestion>, Vec<String>> {
    let prefix = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (files, mut errors) = read_toml_files(dir, &prefix)?;
    let mut all = Vec::new();
    for (name, text) in &files {
        match parse_file(name, text) {
            Ok(qs) => all.extend(qs),
            Err(e) => errors.extend(e),
        }
    }
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let mut stems: HashMap<&str, &str> = HashMap::new();
    for q in &all {
        if let Some(first) = ids.insert(&q.stable_id, &q.origin) {
            errors.push(format!("{}: id {} 与 {first} 重复", q.origin, q.stable_id));
        }
        if let Some(first) = stems.insert(&q.draft.stem, &q.origin) {
            errors.push(format!("{}: 题干与 {first} 完全相同", q.origin));
        }
    }
    if errors.is_empty() {
        Ok(all)
    } else {
        Err(errors)
    }
}

/// A hash of everything a question says, to tell an edited question from an unchanged one.
pub fn content_hash(q: &BankQuestion) -> String {
    draft_hash(&q.category, &q.draft)
}

/// [`content_hash`] of a question in `category`.
pub fn draft_hash(category: &str, draft: &QuestionDraft) -> String {
    let canonical = serde_json::json!({
        "category": category,
        "kind": draft.kind,
        "stem": draft.stem,
        "options": draft.options,
        "key": draft.key,
        "explanation": draft.explanation,
        "source": draft.source,
        "difficulty": draft.difficulty,
        "tags": draft.tags,
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Upserts the questions in one transaction: new ids are inserted (many rows per
/// statement), changed ones updated, the rest left alone. Existing hashes are read in one
/// query, so an unchanged bank costs a single round trip per category plus one.
pub async fn load(db: &Db, questions: &[BankQuestion]) -> AppResult<LoadReport> {
    let mut report = LoadReport::default();
    let mut tx = db.begin_write().await?;
    let stored = db::questions::all_hashes(&mut tx).await?;
    let mut categories: HashMap<&str, i64> = HashMap::new();
    let mut new_rows = Vec::new();
    for q in questions {
        let hash = content_hash(q);
        if stored.get(&q.stable_id) == Some(&hash) {
            report.unchanged += 1;
            continue;
        }
        let category_id = match categories.get(q.category.as_str()) {
            Some(id) => *id,
            None => {
                let id = db::questions::ensure_category(&mut tx, &q.category).await?;
                categories.insert(&q.category, id);
                id
            }
        };
        if stored.contains_key(&q.stable_id) {
            db::questions::update(&mut tx, q, category_id, &hash).await?;
            report.updated += 1;
        } else {
            new_rows.push((q, category_id, hash));
        }
    }
    report.inserted = new_rows.len();
    db::questions::insert_many(&mut tx, &new_rows, Owner::default()).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
# a comment
category = "测试分类"

[[questions]]
id = "t-001"
kind = "single"
stem = "单选题干"
options = ["甲", "乙", "丙"]
answer = "B"
explanation = "解析"
source = "第1条"

[[questions]]
id = "t-002"
kind = "判断"
stem = "判断题干"
answer = "错"
explanation = "解析"
source = "第2条"
difficulty = 2
tags = ["纪律"]

[[questions]]
id = "t-003"
kind = "fill_in"
stem = "做到“____”，增强“____”。"
answer = ["两个维护", ["四个意识", "“四个意识”"]]
explanation = "解析"
source = "第1条"
"#;

    #[test]
    fn parses_every_kind_with_origins() {
        let qs = parse_file("question-bank/t.toml", GOOD).unwrap();
        assert_eq!(qs.len(), 3);
        assert_eq!(qs[0].origin, "question-bank/t.toml:5");
        assert_eq!(qs[0].draft.key, AnswerKey::Single { option: 1 });
        assert_eq!(qs[1].draft.key, AnswerKey::TrueFalse { value: false });
        assert_eq!(qs[1].draft.difficulty, 2);
        assert_eq!(
            qs[2].draft.key,
            AnswerKey::FillIn {
                blanks: vec![
                    vec!["两个维护".to_string()],
                    vec!["四个意识".to_string(), "“四个意识”".to_string()]
                ]
            }
        );
        assert_eq!(qs[2].category, "测试分类");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let bad = GOOD.replace("answer = \"B\"", "answer = \"E\"");
        let e = parse_file("question-bank/t.toml", &bad).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("question-bank/t.toml:5: "), "{e:?}");
        assert!(e[0].contains("answer"), "{e:?}");

        let bad = GOOD.replace("kind = \"判断\"", "kind = \"essay\"");
        let e = parse_file("f.toml", &bad).unwrap_err();
        assert!(e[0].starts_with("f.toml:14: "), "{e:?}");

        let bad = GOOD.replace("stem = \"单选题干\"", "stem = \"单选题干\nbroken");
        let e = parse_file("f.toml", &bad).unwrap_err();
        assert!(e[0].starts_with("f.toml:8: "), "{e:?}");

        let bad = GOOD.replace("source = \"第2条\"", "");
        let e = parse_file("f.toml", &bad).unwrap_err();
        assert!(e[0].contains("source"), "{e:?}");

        let bad = GOOD.replace("difficulty = 2", "difficulty = 2\ncolour = \"red\"");
        let e = parse_file("f.toml", &bad).unwrap_err();
        assert!(e[0].contains("colour"), "{e:?}");
    }

    #[test]
    fn duplicate_ids_and_stems_across_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), GOOD).unwrap();
        std::fs::write(
            dir.path().join("b.toml"),
            GOOD.replace("测试分类", "另一类")
                .replace("t-002", "t-102")
                .replace("t-003", "t-103"),
        )
        .unwrap();
        let e = parse_dir(dir.path()).unwrap_err();
        assert!(
            e.iter()
                .any(|m| m.contains("id t-001 与") && m.contains("a.toml:5")),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.contains("题干与")), "{e:?}");
    }
}
