//! The question model's rules: what makes a question well-formed, whichever way it arrives
//! (a `question-bank/` file, the organizer's editor, a spreadsheet import).

use crate::grading::{AnswerKey, QuestionKind};
use crate::validation::FieldError;

/// Most options a choice question may have (A–H).
pub const MAX_OPTIONS: usize = 8;
pub const MAX_STEM_CHARS: usize = 1000;

/// A question as written, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDraft {
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<String>,
    pub key: AnswerKey,
    pub explanation: String,
    pub source: String,
    pub difficulty: u8,
    pub tags: Vec<String>,
}

/// The option letter shown for index `i` (0 → A).
pub fn option_letter(i: usize) -> char {
    (b'A' + (i as u8).min(25)) as char
}

/// Parses option letters such as `"ABD"` (case-insensitive, spaces and commas ignored)
/// into indices; `None` for any other character.
pub fn parse_letters(s: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for c in s.chars() {
        match c {
            ' ' | ',' | '，' | '、' => continue,
            'a'..='z' | 'A'..='Z' => out.push((c.to_ascii_uppercase() as u8 - b'A') as usize),
            _ => return None,
        }
    }
    Some(out)
}

/// Counts the blanks of a fill-in stem: each run of two or more underscores is one.
pub fn count_blanks(stem: &str) -> usize {
    let mut n = 0;
    let mut run = 0;
    for c in stem.chars().chain(std::iter::once(' ')) {
        if c == '_' {
            run += 1;
        } else {
            if run >= 2 {
                n += 1;
            }
            run = 0;
        }
    }
    n
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Checks a question; the first problem names its field.
pub fn validate(q: &QuestionDraft) -> Result<(), FieldError> {
    check(q, true)
}

/// Checks a question read from an import file, which may lack an explanation or a source
/// (organizers' spreadsheets and Moodle banks often have neither): stored empty, counted in
/// the import's preview and asked for again by [`validate`] when the question is edited.
/// Everything else is checked as [`validate`] checks it.
pub fn validate_import(q: &QuestionDraft) -> Result<(), FieldError> {
    check(q, false)
}

fn check(q: &QuestionDraft, texts_required: bool) -> Result<(), FieldError> {
    let stem = q.stem.trim();
    if stem.is_empty() {
        return Err(err("stem", "题干不能为空"));
    }
    if stem.chars().count() > MAX_STEM_CHARS {
        return Err(err("stem", format!("题干不能超过{MAX_STEM_CHARS}个字符")));
    }
    if texts_required && q.explanation.trim().is_empty() {
        return Err(err("explanation", "解析不能为空"));
    }
    if texts_required && q.source.trim().is_empty() {
        return Err(err("source", "出处不能为空"));
    }
    if !(1..=3).contains(&q.difficulty) {
        return Err(err("difficulty", "难度应为1、2或3"));
    }
    let kind_of_key = match &q.key {
        AnswerKey::Single { .. } => QuestionKind::Single,
        AnswerKey::Multiple { .. } => QuestionKind::Multiple,
        AnswerKey::TrueFalse { .. } => QuestionKind::TrueFalse,
        AnswerKey::FillIn { .. } => QuestionKind::FillIn,
    };
    if kind_of_key != q.kind {
        return Err(err("answer", "答案与题型不符"));
    }
    match &q.key {
        AnswerKey::Single { option } => {
            check_options(&q.options)?;
            if *option >= q.options.len() {
                return Err(err("answer", "答案不在选项范围内"));
            }
        }
        AnswerKey::Multiple { options } => {
            check_options(&q.options)?;
            let mut keyed = options.clone();
            keyed.sort_unstable();
            keyed.dedup();
            if keyed.len() < 2 {
                return Err(err("answer", "多选题至少需要两个正确选项"));
            }
            if keyed.iter().any(|k| *k >= q.options.len()) {
                return Err(err("answer", "答案不在选项范围内"));
            }
        }
        AnswerKey::TrueFalse { .. } => {
            if !q.options.is_empty() {
                return Err(err("options", "判断题不需要选项"));
            }
        }
        AnswerKey::FillIn { blanks } => {
            if !q.options.is_empty() {
                return Err(err("options", "填空题不需要选项"));
            }
            if blanks.is_empty() {
                return Err(err("answer", "填空题至少需要一个空"));
            }
            if blanks
                .iter()
                .any(|alts| alts.is_empty() || alts.iter().any(|a| a.trim().is_empty()))
            {
                return Err(err("answer", "每个空至少需要一个非空的参考答案"));
            }
            let marked = count_blanks(stem);
            if marked != blanks.len() {
                return Err(err(
                    "stem",
                    format!(
                        "题干中有{marked}处空（用“____”标出），但答案给出了{}个空",
                        blanks.len()
                    ),
                ));
            }
        }
    }
    if q.tags.iter().any(|t| t.trim().is_empty()) {
        return Err(err("tags", "标签不能为空"));
    }
    Ok(())
}

fn check_options(options: &[String]) -> Result<(), FieldError> {
    if options.len() < 2 {
        return Err(err("options", "选择题至少需要两个选项"));
    }
    if options.len() > MAX_OPTIONS {
        return Err(err("options", format!("选项不能超过{MAX_OPTIONS}个")));
    }
    if options.iter().any(|o| o.trim().is_empty()) {
        return Err(err("options", "选项内容不能为空"));
    }
    for (i, o) in options.iter().enumerate() {
        if options[..i].iter().any(|p| p.trim() == o.trim()) {
            return Err(err(
                "options",
                format!("选项{}与前面的选项重复", option_letter(i)),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single() -> QuestionDraft {
        QuestionDraft {
            kind: QuestionKind::Single,
            stem: "机关党建工作要求做到的是？".into(),
            options: vec!["两个维护".into(), "三个维护".into()],
            key: AnswerKey::Single { option: 0 },
            explanation: "第1条：做到“两个维护”。".into(),
            source: "第1条".into(),
            difficulty: 1,
            tags: vec!["政治建设".into()],
        }
    }

    #[test]
    fn a_well_formed_question_passes() {
        validate(&single()).unwrap();
    }

    #[test]
    fn each_rule_names_its_field() {
        type Change = Box<dyn Fn(&mut QuestionDraft)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|q| q.stem = " ".into()), "stem"),
            (Box::new(|q| q.explanation = "".into()), "explanation"),
            (Box::new(|q| q.source = "".into()), "source"),
            (Box::new(|q| q.difficulty = 4), "difficulty"),
            (Box::new(|q| q.options = vec!["只有一个".into()]), "options"),
            (
                Box::new(|q| q.options = vec!["同".into(), " 同".into()]),
                "options",
            ),
            (
                Box::new(|q| q.key = AnswerKey::Single { option: 5 }),
                "answer",
            ),
            (
                Box::new(|q| q.key = AnswerKey::TrueFalse { value: true }),
                "answer",
            ),
            (Box::new(|q| q.tags = vec!["".into()]), "tags"),
        ];
        for (change, field) in cases {
            let mut q = single();
            change(&mut q);
            assert_eq!(validate(&q).unwrap_err().field, field, "{q:?}");
        }
    }

    #[test]
    fn multiple_needs_two_keys_and_fill_in_matches_its_blanks() {
        let mut q = single();
        q.kind = QuestionKind::Multiple;
        q.options.push("四个意识".into());
        q.key = AnswerKey::Multiple {
            options: vec![0, 0],
        };
        assert_eq!(validate(&q).unwrap_err().field, "answer");
        q.key = AnswerKey::Multiple {
            options: vec![0, 2],
        };
        validate(&q).unwrap();

        let mut f = single();
        f.kind = QuestionKind::FillIn;
        f.options.clear();
        f.stem = "教育引导党员干部增强“____”、坚定“____”。".into();
        f.key = AnswerKey::FillIn {
            blanks: vec![vec!["四个意识".into()]],
        };
        assert_eq!(validate(&f).unwrap_err().field, "stem");
        f.key = AnswerKey::FillIn {
            blanks: vec![vec!["四个意识".into()], vec!["四个自信".into()]],
        };
        validate(&f).unwrap();
    }

    #[test]
    fn letters_and_blanks() {
        assert_eq!(parse_letters("ABD"), Some(vec![0, 1, 3]));
        assert_eq!(parse_letters("a, c"), Some(vec![0, 2]));
        assert_eq!(parse_letters("A1"), None);
        assert_eq!(option_letter(7), 'H');
        assert_eq!(count_blanks("a__b___c_d"), 2);
        assert_eq!(count_blanks("____"), 1);
        assert_eq!(count_blanks("no blanks_"), 0);
    }
}
