//! Study modules beyond the founding document: one TOML file per module in
//! `seeds/modules/<slug>.toml` (the format is documented in `seeds/README.md`). Each file
//! gives the module's slug, title, track, description, the question category it practises
//! from, optional practice and exam settings, and its lessons in Markdown.
//!
//! Every file is parsed and validated before anything is written; an error names the file
//! and line. Loading runs after the question bank, in one transaction: modules are upserted
//! by slug, lessons by position (lessons beyond a file's last one are removed), the module
//! is linked to its category, and its practice quiz (and exam, if declared) is created once
//! — like the founding document's in `seeds.rs`; organizers may change quizzes afterwards.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::db::{self, Db};
use crate::domain::question_io::LineIndex;
use crate::error::{AppError, AppResult};

/// The folder of module files, inside the seeds folder.
pub const MODULES_DIR: &str = "modules";
/// Questions a module's practice quiz draws when the file does not say.
pub const DEFAULT_PRACTICE_QUESTIONS: i64 = 5;
/// Where a module sorts when the file gives no `position` (the founding document is 0).
pub const DEFAULT_POSITION: i64 = 100;

/// One module read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleFile {
    pub slug: String,
    pub title: String,
    /// `theory` (理论学习), `discipline` (纪律教育) or `other`.
    pub track: String,
    pub description: String,
    /// The question category its practice and exam draw from.
    pub category: String,
    pub position: i64,
    pub practice_questions: i64,
    pub exam: Option<Exam>,
    pub lessons: Vec<Lesson>,
    /// `file:line` of the `category` key, for problems found while loading.
    pub category_origin: String,
}

/// A lesson: its title, the document it summarizes, and its Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub title: String,
    pub source: String,
    pub body: String,
    /// `file:line` of its `[[lessons]]` table.
    pub origin: String,
}

/// A module's exam, required for completing the module unless `required = false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exam {
    pub question_count: i64,
    pub time_limit_minutes: Option<i64>,
    pub pass_mark: Option<i64>,
    pub max_attempts: Option<i64>,
    pub required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    slug: Spanned<String>,
    title: Spanned<String>,
    track: Spanned<String>,
    description: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    position: Option<i64>,
    #[serde(default)]
    practice: Option<Spanned<RawPractice>>,
    #[serde(default)]
    exam: Option<Spanned<RawExam>>,
    #[serde(default)]
    lessons: Vec<Spanned<RawLesson>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPractice {
    question_count: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExam {
    question_count: i64,
    time_limit_minutes: Option<i64>,
    pass_mark: Option<i64>,
    max_attempts: Option<i64>,
    #[serde(default = "yes")]
    required: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: String,
    source: String,
    body: String,
}

fn valid_slug(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks that a text field is non-empty and at most `max` characters (0: no limit).
fn check_text(errors: &mut Vec<String>, at: &str, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        errors.push(format!("{at}: {field} 不能为空"));
    } else if max > 0 && n > max {
        errors.push(format!("{at}: {field} 不能超过{max}个字符"));
    }
}

/// Parses one module file. `name` is how errors refer to it (a path relative to the
/// repository); the file's stem must be the module's slug.
pub fn parse_file(name: &str, text: &str) -> Result<ModuleFile, Vec<String>> {
    let lines = LineIndex::new(text);
    let raw: RawModule = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
        vec![format!("{name}:{line}: {}", e.message())]
    })?;
    let at = |span: std::ops::Range<usize>| format!("{name}:{}", lines.line(span.start));
    let mut errors = Vec::new();

    let slug = raw.slug.get_ref().trim().to_string();
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !valid_slug(&slug) {
        errors.push(format!(
            "{}: slug {slug:?} 应由1至64个小写字母、数字或 - 组成",
            at(raw.slug.span())
        ));
    } else if slug != stem {
        errors.push(format!(
            "{}: slug {slug:?} 应与文件名 {stem:?}.toml 一致",
            at(raw.slug.span())
        ));
    } else if slug == super::seeds::WORK_PLAN_SLUG {
        errors.push(format!(
            "{}: slug {slug:?} 已由创始文件使用",
            at(raw.slug.span())
        ));
    }
    check_text(
        &mut errors,
        &at(raw.title.span()),
        "title",
        raw.title.get_ref(),
        60,
    );
    let track = raw.track.get_ref().trim().to_string();
    if !matches!(track.as_str(), "theory" | "discipline" | "other") {
        errors.push(format!(
            "{}: track {track:?} 无效，应为 theory（理论学习）、discipline（纪律教育）或 other",
            at(raw.track.span())
        ));
    }
    check_text(
        &mut errors,
        &at(raw.description.span()),
        "description",
        raw.description.get_ref(),
        500,
    );
    let category_origin = at(raw.category.span());
    check_text(
        &mut errors,
        &category_origin,
        "category",
        raw.category.get_ref(),
        60,
    );

    let practice_questions = match &raw.practice {
        Some(p) => {
            let n = p.get_ref().question_count;
            if !(1..=100).contains(&n) {
                errors.push(format!(
                    "{}: practice.question_count 应在1至100之间",
                    at(p.span())
                ));
            }
            n
        }
        None => DEFAULT_PRACTICE_QUESTIONS,
    };
    let exam = raw.exam.map(|spanned| {
        let here = at(spanned.span());
        let e = spanned.into_inner();
        if !(1..=100).contains(&e.question_count) {
            errors.push(format!("{here}: exam.question_count 应在1至100之间"));
        }
        if e.time_limit_minutes
            .is_some_and(|m| !(1..=600).contains(&m))
        {
            errors.push(format!("{here}: exam.time_limit_minutes 应在1至600之间"));
        }
        if e.pass_mark.is_some_and(|m| !(0..=100).contains(&m)) {
            errors.push(format!("{here}: exam.pass_mark 应在0至100之间"));
        }
        if e.max_attempts.is_some_and(|m| m < 1) {
            errors.push(format!("{here}: exam.max_attempts 至少为1"));
        }
        Exam {
            question_count: e.question_count,
            time_limit_minutes: e.time_limit_minutes,
            pass_mark: e.pass_mark,
            max_attempts: e.max_attempts,
            required: e.required,
        }
    });

    if raw.lessons.is_empty() {
        errors.push(format!(
            "{name}:1: 至少需要一课（[[lessons]]，含 title、source、body）"
        ));
    }
    let mut lessons = Vec::new();
    for spanned in raw.lessons {
        let origin = at(spanned.span());
        let l = spanned.into_inner();
        check_text(&mut errors, &origin, "lessons.title", &l.title, 100);
        check_text(&mut errors, &origin, "lessons.source", &l.source, 200);
        check_text(&mut errors, &origin, "lessons.body", &l.body, 0);
        lessons.push(Lesson {
            title: l.title.trim().to_string(),
            source: l.source.trim().to_string(),
            body: l.body.trim().to_string(),
            origin,
        });
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ModuleFile {
        slug,
        title: raw.title.into_inner().trim().to_string(),
        track,
        description: raw.description.into_inner().trim().to_string(),
        category: raw.category.into_inner().trim().to_string(),
        position: raw.position.unwrap_or(DEFAULT_POSITION),
        practice_questions,
        exam,
        lessons,
        category_origin,
    })
}

/// Parses every `*.toml` file of `dir` (sorted by name; a missing folder has none) and
/// checks that no two modules share a title.
pub fn parse_dir(dir: &Path) -> Result<Vec<ModuleFile>, Vec<String>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let prefix = format!(
        "{}/{}",
        dir.parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        dir.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let (files, mut errors) = super::question_bank::read_toml_files(dir, &prefix)?;
    let mut modules = Vec::new();
    for (name, text) in &files {
        match parse_file(name, text) {
            Ok(m) => modules.push(m),
            Err(e) => errors.extend(e),
        }
    }
    let mut titles: HashMap<&str, &str> = HashMap::new();
    for m in &modules {
        if m.title == super::seeds::WORK_PLAN_TITLE {
            errors.push(format!("{}: title 与创始文件的模块同名", m.category_origin));
        }
        if let Some(first) = titles.insert(&m.title, &m.slug) {
            errors.push(format!(
                "{}: title “{}” 与模块 {first} 重复",
                m.category_origin, m.title
            ));
        }
    }
    if errors.is_empty() {
        Ok(modules)
    } else {
        Err(errors)
    }
}

/// Upserts the modules, their lessons and quizzes in one transaction; run it after the
/// question bank has loaded, since each module practises from one of its categories.
/// Returns how many modules were loaded.
pub async fn load(db: &Db, modules: &[ModuleFile]) -> AppResult<usize> {
    use db::quiz::{insert_quiz_if_missing, SeedQuiz};
    let mut tx = db.begin_write().await?;
    for m in modules {
        let module_id = db::study::upsert_module(
            &mut tx,
            &db::study::SeedModule {
                slug: &m.slug,
                title: &m.title,
                track: &m.track,
                description: &m.description,
                position: m.position,
            },
        )
        .await?;
        for (i, lesson) in m.lessons.iter().enumerate() {
            db::study::upsert_lesson(
                &mut tx,
                module_id,
                i as i64 + 1,
                &lesson.title,
                &lesson.body,
                &lesson.source,
            )
            .await?;
        }
        db::study::delete_lessons_after(&mut tx, module_id, m.lessons.len() as i64).await?;
        if db::quiz::link_module_category(&mut tx, module_id, &m.category)
            .await?
            .is_none()
        {
            return Err(AppError::internal(format!(
                "{}: 题库中没有分类“{}”的题目（question-bank/ 中应有 category = \"{}\" 的文件）",
                m.category_origin, m.category, m.category
            )));
        }
        let practice_slug = format!("{}-practice", m.slug);
        let practice_title = format!("{} · 练习", m.title);
        let practice = SeedQuiz {
            slug: &practice_slug,
            title: &practice_title,
            kind: "practice",
            module_id: Some(module_id),
            question_count: m.practice_questions,
            time_limit_secs: None,
            pass_mark: None,
            max_attempts: None,
            opens_at: None,
            closes_at: None,
            required: false,
        };
        insert_quiz_if_missing(&mut tx, &practice).await?;
        if let Some(exam) = m.exam {
            let exam_slug = format!("{}-exam", m.slug);
            let exam_title = format!("{} · 测验", m.title);
            insert_quiz_if_missing(
                &mut tx,
                &SeedQuiz {
                    slug: &exam_slug,
                    title: &exam_title,
                    kind: "exam",
                    question_count: exam.question_count,
                    time_limit_secs: exam.time_limit_minutes.map(|m| m * 60),
                    pass_mark: exam.pass_mark,
                    max_attempts: exam.max_attempts,
                    required: exam.required,
                    ..practice
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(modules.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# a comment
slug = "party-constitution"
title = "党章"
track = "discipline"
description = "学习党章。"
category = "党章"
position = 20

[exam]
question_count = 10
time_limit_minutes = 10
pass_mark = 60

[[lessons]]
title = "第一课"
source = "《中国共产党章程》总纲"
body = """
**要点**：一段文字。
"""

[[lessons]]
title = "第二课"
source = "《中国共产党章程》第一章"
body = "第二段。"
"#;

    const NAME: &str = "seeds/modules/party-constitution.toml";

    #[test]
    fn parses_a_module_with_lessons_and_exam() {
        let m = parse_file(NAME, GOOD).unwrap();
        assert_eq!(m.slug, "party-constitution");
        assert_eq!(m.track, "discipline");
        assert_eq!(m.position, 20);
        assert_eq!(m.practice_questions, DEFAULT_PRACTICE_QUESTIONS);
        assert_eq!(m.category_origin, format!("{NAME}:6"));
        let exam = m.exam.unwrap();
        assert_eq!(exam.question_count, 10);
        assert_eq!(exam.time_limit_minutes, Some(10));
        assert_eq!(exam.max_attempts, None);
        assert!(exam.required);
        assert_eq!(m.lessons.len(), 2);
        assert_eq!(m.lessons[0].body, "**要点**：一段文字。");
        assert_eq!(m.lessons[0].origin, format!("{NAME}:14"));
        assert_eq!(m.lessons[1].origin, format!("{NAME}:21"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = parse_file(NAME, &GOOD.replace("discipline", "history")).unwrap_err();
        assert!(e[0].starts_with(&format!("{NAME}:4: track")), "{e:?}");

        let e = parse_file(NAME, &GOOD.replace("pass_mark = 60", "pass_mark = 160")).unwrap_err();
        assert!(e[0].starts_with(&format!("{NAME}:9: ")), "{e:?}");

        let e =
            parse_file(NAME, &GOOD.replace("body = \"第二段。\"", "body = \"  \"")).unwrap_err();
        assert!(
            e[0].starts_with(&format!("{NAME}:21: lessons.body")),
            "{e:?}"
        );

        let e = parse_file(NAME, &GOOD.replace("position = 20", "postion = 20")).unwrap_err();
        assert!(e[0].starts_with(&format!("{NAME}:7: ")), "{e:?}");
        assert!(e[0].contains("postion"), "{e:?}");

        let e = parse_file("seeds/modules/other.toml", GOOD).unwrap_err();
        assert!(e[0].contains("文件名"), "{e:?}");

        let e = parse_file(NAME, &GOOD.replace("category = \"党章\"\n", "")).unwrap_err();
        assert!(e[0].contains("category"), "{e:?}");
    }

    #[test]
    fn a_missing_folder_has_no_modules_and_titles_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(parse_dir(&dir.path().join("modules")).unwrap(), vec![]);
        let modules = dir.path().join("modules");
        std::fs::create_dir(&modules).unwrap();
        std::fs::write(modules.join("party-constitution.toml"), GOOD).unwrap();
        std::fs::write(
            modules.join("second.toml"),
            GOOD.replace("party-constitution", "second"),
        )
        .unwrap();
        let e = parse_dir(&modules).unwrap_err();
        assert!(
            e.iter().any(|m| m.contains("modules/second.toml:6: title")),
            "{e:?}"
        );
    }
}
