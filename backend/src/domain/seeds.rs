//! Study material shipped in `seeds/`: the founding document, 《2023年市发展改革委党的建设
//! 工作要点》, becomes the module "2023年党建工作要点" with one lesson per part (一 to 五).
//! Loading is idempotent: the module is matched by its slug, lessons by position.

use std::path::Path;

use crate::db::{self, Db};
use crate::error::{AppError, AppResult};

pub const WORK_PLAN_FILE: &str = "2023-party-building-work-plan.zh.txt";
pub const WORK_PLAN_SLUG: &str = "work-plan-2023";
pub const WORK_PLAN_TITLE: &str = "2023年党建工作要点";

/// The document split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPlan {
    /// The document's own title (its first line).
    pub title: String,
    /// The paragraph(s) before part 一, reproduced as written.
    pub preface: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// e.g. "一、强化政治建设，着力提高政治判断力领悟力执行力"
    pub heading: String,
    /// The numbered items, each as written ("1.带头做到……").
    pub items: Vec<String>,
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn is_part_heading(line: &str) -> bool {
    NUMERALS.iter().any(|n| line.starts_with(&format!("{n}、")))
}

/// The item number of a line such as "16.强化纪律约束。…".
fn item_number(line: &str) -> Option<u32> {
    let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || !line[digits.len()..].starts_with('.') {
        return None;
    }
    digits.parse().ok()
}

/// Splits the document into title, preface and parts; fails on an unexpected shape.
pub fn parse_work_plan(text: &str) -> Result<WorkPlan, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = lines.next().ok_or("the document is empty")?.to_string();
    let mut preface = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    for line in lines {
        if is_part_heading(line) {
            parts.push(Part {
                heading: line.to_string(),
                items: Vec::new(),
            });
        } else if let Some(part) = parts.last_mut() {
            if item_number(line).is_some() {
                part.items.push(line.to_string());
            } else if let Some(last) = part.items.last_mut() {
                // A paragraph continuing the previous item.
                last.push('\n');
                last.push_str(line);
            } else {
                return Err(format!(
                    "text before the first item of {}: {line}",
                    part.heading
                ));
            }
        } else {
            preface.push(line.to_string());
        }
    }
    if parts.is_empty() {
        return Err("no parts (一、二、…) found".into());
    }
    Ok(WorkPlan {
        title,
        preface: preface.join("\n\n"),
        parts,
    })
}

/// A part as a Markdown lesson: each item a paragraph with its heading sentence in bold.
/// The full stop stays outside the bold: CommonMark does not close `**` between a
/// punctuation mark and a letter, which is where it would otherwise fall.
pub fn part_markdown(part: &Part) -> String {
    part.items
        .iter()
        .map(|item| {
            let escaped = escape_markdown(item);
            match escaped.find('。') {
                Some(end) => {
                    let (head, rest) = escaped.split_at(end);
                    format!("**{head}**{rest}")
                }
                None => escaped,
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Escapes the characters Markdown would read as markup, so the text shows as written.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace('\n', "\n\n")
}

/// The source line of a part: the document and the range of items it holds.
fn part_source(doc_title: &str, part: &Part) -> String {
    let numbers: Vec<u32> = part.items.iter().filter_map(|i| item_number(i)).collect();
    let part_name = part.heading.split('、').next().unwrap_or_default();
    match (numbers.first(), numbers.last()) {
        (Some(a), Some(b)) if a != b => format!("《{doc_title}》第{part_name}部分，第{a}—{b}条"),
        (Some(a), _) => format!("《{doc_title}》第{part_name}部分，第{a}条"),
        _ => format!("《{doc_title}》第{part_name}部分"),
    }
}

/// Loads the founding document from `dir` as a module with one lesson per part.
pub async fn load(db: &Db, dir: &Path) -> AppResult<()> {
    let path = dir.join(WORK_PLAN_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    let plan = parse_work_plan(&text)
        .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    let mut tx = db.begin_write().await?;
    let module_id = db::study::upsert_module(
        &mut tx,
        &db::study::SeedModule {
            slug: WORK_PLAN_SLUG,
            title: WORK_PLAN_TITLE,
            track: "theory",
            description: &plan.preface,
            position: 0,
        },
    )
    .await?;
    for (i, part) in plan.parts.iter().enumerate() {
        db::study::upsert_lesson(
            &mut tx,
            module_id,
            i as i64 + 1,
            &part.heading,
            &part_markdown(part),
            &part_source(&plan.title, part),
        )
        .await?;
    }
    seed_quizzes(&mut tx, module_id).await?;
    tx.commit().await?;
    Ok(())
}

/// One quiz of each kind with sensible defaults, created once (organizers change them
/// later), plus the system quiz behind mistake practice. The module's practice and exam
/// draw from its question category when the question bank has loaded it.
async fn seed_quizzes(tx: &mut sqlx::AnyConnection, module_id: i64) -> AppResult<()> {
    use db::quiz::{insert_quiz_if_missing, SeedQuiz};
    let category = db::quiz::link_module_category(tx, module_id, WORK_PLAN_TITLE).await?;
    let now = db::now_ms();
    let base = SeedQuiz {
        slug: "",
        title: "",
        kind: "practice",
        module_id: None,
        question_count: 5,
        time_limit_secs: None,
        pass_mark: None,
        max_attempts: None,
        opens_at: None,
        closes_at: None,
        required: false,
    };
    let quizzes = [
        SeedQuiz {
            slug: "work-plan-2023-practice",
            title: "2023年党建工作要点 · 练习",
            module_id: Some(module_id),
            ..base
        },
        SeedQuiz {
            slug: "daily",
            title: "每日答题",
            kind: "daily",
            ..base
        },
        SeedQuiz {
            slug: "weekly",
            title: "每周答题",
            kind: "weekly",
            question_count: 10,
            ..base
        },
        SeedQuiz {
            slug: "work-plan-2023-special",
            title: "专项答题：2023年党建工作要点",
            kind: "special",
            question_count: 10,
            opens_at: Some(now),
            closes_at: Some(now + 60 * 24 * 3600 * 1000),
            ..base
        },
        SeedQuiz {
            slug: "challenge",
            title: "挑战答题",
            kind: "challenge",
            question_count: 30,
            ..base
        },
        SeedQuiz {
            slug: "work-plan-2023-exam",
            title: "2023年党建工作要点 · 测验",
            kind: "exam",
            module_id: Some(module_id),
            question_count: 10,
            time_limit_secs: Some(600),
            pass_mark: Some(60),
            max_attempts: Some(3),
            required: true,
            ..base
        },
        SeedQuiz {
            slug: crate::domain::quiz::MISTAKE_PRACTICE_SLUG,
            title: "错题练习",
            question_count: 10,
            ..base
        },
    ];
    for q in &quizzes {
        let (id, created) = insert_quiz_if_missing(tx, q).await?;
        if created && q.kind == "special" {
            if let Some(c) = category {
                db::quiz::fix_questions_from_category(tx, id, c, q.question_count).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../seeds")
            .join(WORK_PLAN_FILE);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn the_founding_document_has_five_parts_and_its_items() {
        let plan = parse_work_plan(&shipped()).unwrap();
        assert_eq!(plan.title, "2023年市发展改革委党的建设工作要点");
        // Reproduced faithfully: the opening paragraph says 2022.
        assert!(plan
            .preface
            .starts_with("2022年市发展改革委党的建设工作总体要求是"));
        assert_eq!(plan.parts.len(), 5);
        assert!(plan.parts[0].heading.starts_with("一、强化政治建设"));
        assert!(plan.parts[4].heading.starts_with("五、强化群团建设"));
        let numbers: Vec<u32> = plan
            .parts
            .iter()
            .flat_map(|p| p.items.iter().filter_map(|i| item_number(i)))
            .collect();
        // Items 1–23, and the document has no item 12.
        let expected: Vec<u32> = (1..=23).filter(|n| *n != 12).collect();
        assert_eq!(numbers, expected);
        assert_eq!(
            part_source(&plan.title, &plan.parts[3]),
            "《2023年市发展改革委党的建设工作要点》第四部分，第16—19条"
        );
    }

    #[test]
    fn items_become_paragraphs_with_bold_headings() {
        let part = Part {
            heading: "一、测试".into(),
            items: vec![
                "1.带头做到“两个维护”。深入贯彻。".into(),
                "2.第二条_无句号".into(),
            ],
        };
        let md = part_markdown(&part);
        assert_eq!(
            md,
            "**1.带头做到“两个维护”**。深入贯彻。\n\n2.第二条\\_无句号"
        );
        let html = crate::domain::study::render_markdown(&md);
        assert!(
            html.contains("<strong>1.带头做到“两个维护”</strong>。深入贯彻"),
            "{html}"
        );
        assert!(html.contains("2.第二条_无句号"), "{html}");
    }
}
