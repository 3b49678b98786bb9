//! Moodle's GIFT text format (<https://docs.moodle.org/en/GIFT_format>): questions separated
//! by blank lines, answers between braces.
//!
//! Read, as Moodle reads them:
//! - `{=right ~wrong}` single choice; `{~%50%a ~%50%b ~%-100%c}` multiple choice (options of
//!   positive weight are the key); in single choice, weighted `~` options are distractors;
//! - `{T}` `{F}` `{TRUE}` `{FALSE}` true/false;
//! - `{=a =b}` short answer, read as fill-in with the alternatives a and b. The stem gets a
//!   `____` blank where the braces were; answers at the end of the text add the blank at the
//!   end unless the stem already marks its blanks. Several short-answer blocks in one
//!   question are several blanks (Beacon's extension: Moodle allows one block);
//! - `::title::` (a name, not an id: Moodle writes one on every question and repeats them;
//!   only a comment's `[id:…]` is an id), `//` comments, escapes
//!   `\~ \= \# \{ \} \: \\ \n`, `$CATEGORY:` (the path below Moodle's own levels is
//!   the category);
//! - general feedback `####…` is the explanation; per-answer feedback `=a#…` `~b#…`
//!   `{T#…#…}` follows it, one line per answer naming its option (`A：…`), so nothing the
//!   author wrote is lost;
//! - the text formats `[html]` (converted to plain text) `[moodle]` `[plain]` `[markdown]`;
//!   as in Moodle, a question's format is that of its text, and its answers and feedback
//!   inherit it unless they name their own;
//! - Moodle's comment tokens `// [id:…] [tag:…]`, and Beacon's `[difficulty:1]` beside them.
//!
//! Skipped with a reason: matching (`->`), numerical (`{#`), essay (`{}`), descriptions (no
//! braces), and several answer blocks of which one is not short answer.
//!
//! GIFT has no source field: the general feedback carries it after a `[出处]` marker
//! (`####解析……\n[出处] 第1条`). A question without feedback has an empty explanation and
//! one without the marker an empty source (the preview counts them; nothing is invented);
//! without a difficulty it gets [`DEFAULT_DIFFICULTY`](super::DEFAULT_DIFFICULTY).
//!
//! Export writes every field (id as `[id:…]` and title, tags, difficulty in the comment;
//! explanation and source in the general feedback), so Beacon → GIFT → Beacon keeps every
//! question whole; Moodle keeps all but the difficulty.

use shared::grading::{AnswerKey, QuestionKind};
use shared::question::{count_blanks, option_letter, QuestionDraft};

use super::{
    category_from_path, feedback_with_source, split_feedback, text, Candidate, Collector,
    ExportQuestion, ImportError, Location, DEFAULT_DIFFICULTY,
};

/// Most answers one block may hold before it is refused: choice questions have at most
/// eight options, and a block of millions of `~` must not become millions of strings.
const MAX_BLOCK_ANSWERS: usize = 64;

/// Most bytes one question (a block between blank lines) may hold: far beyond any real
/// question with its feedback, and its characters are expanded to tokens only below it,
/// so a 19 MB block of `~` is refused before it costs eight bytes a character.
const MAX_BLOCK_BYTES: usize = 256 * 1024;

/// One character of GIFT text; `lit` when it was escaped and so has no GIFT meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tok {
    c: char,
    lit: bool,
}

/// Decodes escapes: `\~ \= \# \{ \} \:` and `\\` are literal characters, `\n` a new line.
fn tokenize(s: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next @ ('~' | '=' | '#' | '{' | '}' | ':' | '\\'))) => {
                chars.next();
                out.push(Tok { c: next, lit: true });
            }
            ('\\', Some('n')) => {
                chars.next();
                out.push(Tok { c: '\n', lit: true });
            }
            _ => out.push(Tok { c, lit: false }),
        }
    }
    out
}

fn is(t: &Tok, c: char) -> bool {
    !t.lit && t.c == c
}

fn plain(toks: &[Tok]) -> String {
    toks.iter().map(|t| t.c).collect()
}

fn is_blank(toks: &[Tok]) -> bool {
    toks.iter().all(|t| t.c.is_whitespace())
}

/// Whether the unescaped `pattern` starts at index `i`.
fn starts_with(toks: &[Tok], i: usize, pattern: &str) -> bool {
    let n = pattern.chars().count();
    toks.get(i..i.saturating_add(n))
        .is_some_and(|w| w.iter().zip(pattern.chars()).all(|(t, c)| is(t, c)))
}

/// Index of the first unescaped `pattern` at or after `from`.
fn find(toks: &[Tok], pattern: &str, from: usize) -> Option<usize> {
    (from..toks.len()).find(|&i| starts_with(toks, i, pattern))
}

fn trim(toks: &[Tok]) -> &[Tok] {
    let start = toks
        .iter()
        .position(|t| !t.c.is_whitespace())
        .unwrap_or(toks.len());
    let end = toks
        .iter()
        .rposition(|t| !t.c.is_whitespace())
        .map_or(start, |i| i + 1);
    &toks[start..end.max(start)]
}

/// Text with its GIFT format marker applied: `[html]` text becomes plain text. Text with no
/// marker of its own takes the question's format (`html`), as Moodle does.
fn formatted(toks: &[Tok], html: bool) -> String {
    let text = plain(trim(toks));
    for marker in ["[html]", "[moodle]", "[plain]", "[markdown]"] {
        if let Some(rest) = text.strip_prefix(marker) {
            return if marker == "[html]" {
                text::html_to_text(rest)
            } else {
                rest.trim().to_string()
            };
        }
    }
    if html {
        text::html_to_text(&text)
    } else {
        text
    }
}

/// Whether a question's text is marked `[html]` (its answers and feedback then are too).
fn is_html(toks: &[Tok]) -> bool {
    plain(trim(toks)).starts_with("[html]")
}

/// The lines of one question (or `$CATEGORY:` block), between blank lines.
struct Block<'a> {
    comments: Vec<&'a str>,
    lines: Vec<(u32, &'a str)>,
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut current = Block {
        comments: vec![],
        lines: vec![],
    };
    for (i, line) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if !current.lines.is_empty() || !current.comments.is_empty() {
                out.push(std::mem::replace(
                    &mut current,
                    Block {
                        comments: vec![],
                        lines: vec![],
                    },
                ));
            }
        } else if let Some(comment) = trimmed.strip_prefix("//") {
            current.comments.push(comment);
        } else {
            current.lines.push((n, line));
        }
    }
    if !current.lines.is_empty() {
        out.push(current);
    }
    out
}

/// Reads a GIFT file.
pub fn read(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    // A lone CR is a line break (old Mac files), never part of a text: GIFT has no escape
    // for it, so an export could not write it back.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut category = String::new();
    for block in blocks(&text) {
        let Some(&(line, _)) = block.lines.first() else {
            continue; // a block of comments only
        };
        let size: usize = block.lines.iter().map(|(_, l)| l.len() + 1).sum();
        if size > MAX_BLOCK_BYTES {
            out.entry()?;
            out.problem(
                Location::Line(line),
                None,
                format!(
                    "这道题超过{}KB：题目之间请用空行分隔，并检查花括号是否成对",
                    MAX_BLOCK_BYTES / 1024
                ),
            );
            continue;
        }
        let joined: Vec<&str> = block.lines.iter().map(|(_, l)| *l).collect();
        let toks = tokenize(joined.join("\n").trim());
        if let Some(path) = category_path(&toks) {
            category = category_from_path(&path);
            continue;
        }
        out.entry()?;
        let at = Location::Line(line);
        match read_question(&toks, &block.comments) {
            Ok(Parsed::Question(c)) => {
                let mut c = *c;
                c.category = category.clone();
                c.location = at;
                out.question(c);
            }
            Ok(Parsed::Skip(reason)) => out.skip(at, reason),
            Err((field, message)) => out.problem(at, field, message),
        }
    }
    Ok(())
}

/// The path of a `$CATEGORY:` block.
fn category_path(toks: &[Tok]) -> Option<String> {
    let prefix = "$CATEGORY:";
    let n = prefix.chars().count();
    let head = toks.get(..n)?;
    let matches = head.iter().zip(prefix.chars()).all(|(t, c)| is(t, c));
    matches.then(|| plain(&toks[n..]).trim().to_string())
}

enum Parsed {
    Question(Box<Candidate>),
    Skip(String),
}

type Failure = (Option<&'static str>, String);

/// What one answer block holds.
#[derive(Debug, PartialEq)]
enum Answers {
    Essay,
    Numerical,
    Matching,
    Choice,
    TrueFalse(bool),
    Short,
}

fn classify(answer: &[Tok]) -> Answers {
    let answer = trim(answer);
    if answer.is_empty() {
        return Answers::Essay;
    }
    if is(&answer[0], '#') {
        return Answers::Numerical;
    }
    if find(answer, "~", 0).is_some() {
        return Answers::Choice;
    }
    if find(answer, "=", 0).is_some() && find(answer, "->", 0).is_some() {
        return Answers::Matching;
    }
    let before_feedback = &answer[..find(answer, "#", 0).unwrap_or(answer.len())];
    match plain(trim(before_feedback)).to_uppercase().as_str() {
        "T" | "TRUE" => Answers::TrueFalse(true),
        "F" | "FALSE" => Answers::TrueFalse(false),
        _ => Answers::Short,
    }
}

/// The `{…}` blocks of a question: (index of `{`, index of `}`).
fn answer_blocks(toks: &[Tok]) -> Result<Vec<(usize, usize)>, Failure> {
    let mut blocks = Vec::new();
    let mut open = None;
    for (i, t) in toks.iter().enumerate() {
        if is(t, '{') {
            if open.is_some() {
                return Err(brace_error());
            }
            open = Some(i);
        } else if is(t, '}') {
            let Some(start) = open.take() else {
                return Err(brace_error());
            };
            blocks.push((start, i));
        }
    }
    if open.is_some() {
        return Err(brace_error());
    }
    Ok(blocks)
}

fn brace_error() -> Failure {
    (
        None,
        "花括号 { } 不成对；题目文字中的花括号请写成 \\{ 和 \\}".into(),
    )
}

fn read_question(toks: &[Tok], comments: &[&str]) -> Result<Parsed, Failure> {
    // The title is a name only (see the module notes).
    let toks = split_title(toks);
    let blocks = answer_blocks(toks)?;
    if blocks.is_empty() {
        return Ok(Parsed::Skip(
            "GIFT 说明文字（description，没有答案）不是题目，已跳过".into(),
        ));
    }
    let html = is_html(&toks[..blocks[0].0]);
    // General feedback: after the last unescaped #### of any block.
    let mut answers: Vec<&[Tok]> = blocks.iter().map(|&(o, c)| &toks[o + 1..c]).collect();
    let mut feedback = String::new();
    for a in answers.iter_mut().rev() {
        if let Some(p) = (0..a.len()).rev().find(|&i| starts_with(a, i, "####")) {
            feedback = formatted(&a[p + 4..], html);
            *a = &a[..p];
            break;
        }
    }
    let kinds: Vec<Answers> = answers.iter().map(|a| classify(a)).collect();
    if let Some(reason) = skip_reason(&kinds) {
        return Ok(Parsed::Skip(reason.into()));
    }
    // Per-answer feedback, one line each, after the general feedback.
    let mut notes: Vec<String> = Vec::new();
    let (kind, options, key) = match &kinds[0] {
        Answers::Choice => {
            let parsed = split_answers(answers[0], html)?;
            for (i, a) in parsed.iter().enumerate() {
                if !a.feedback.is_empty() {
                    notes.push(format!("{}：{}", option_letter(i), a.feedback));
                }
            }
            choice(&parsed)?
        }
        Answers::TrueFalse(value) => {
            // `{T#shown when wrong#shown when right}`: both explain the statement.
            let parts = split_unescaped(answers[0], '#');
            for part in parts.iter().skip(1) {
                let text = formatted(part, html);
                if !text.is_empty() && !notes.contains(&text) {
                    notes.push(text);
                }
            }
            (
                QuestionKind::TrueFalse,
                vec![],
                AnswerKey::TrueFalse { value: *value },
            )
        }
        _ => {
            let mut blanks = Vec::new();
            for a in &answers {
                let parsed = split_answers(a, html)?;
                for a in &parsed {
                    if !a.feedback.is_empty() && !a.text.is_empty() {
                        notes.push(format!("“{}”：{}", a.text, a.feedback));
                    }
                }
                blanks.push(short_answers(parsed));
            }
            (QuestionKind::FillIn, vec![], AnswerKey::FillIn { blanks })
        }
    };
    let mut stem = stem_text(toks, &blocks);
    if kind == QuestionKind::FillIn {
        let missing = blocks.len().saturating_sub(count_blanks(&stem));
        stem.push_str(&"____".repeat(missing));
    }
    let meta = Meta::from_comments(comments)?;
    let (general, source) = split_feedback(&feedback);
    let explanation = std::iter::once(general)
        .chain(notes)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Parsed::Question(Box::new(Candidate {
        stable_id: meta.id,
        category: String::new(),
        draft: QuestionDraft {
            kind,
            stem,
            options,
            key,
            explanation,
            source: source.unwrap_or_default(),
            difficulty: meta.difficulty,
            tags: meta.tags,
        },
        location: Location::Line(0),
    })))
}

/// Splits at each unescaped `c`.
fn split_unescaped(toks: &[Tok], c: char) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if is(t, c) {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    out.push(&toks[start..]);
    out
}

fn skip_reason(kinds: &[Answers]) -> Option<&'static str> {
    if kinds.len() > 1 && kinds.iter().any(|k| *k != Answers::Short) {
        return Some("GIFT 一道题中有多处答案且不全是填空（如多处选择），暂不支持");
    }
    match kinds.first()? {
        Answers::Essay => Some("GIFT 问答题（essay）暂不支持"),
        Answers::Numerical => Some("GIFT 数值题（numerical）暂不支持"),
        Answers::Matching => Some("GIFT 匹配题（matching）暂不支持"),
        _ => None,
    }
}

/// The question without its `::title::`, if it starts with one.
fn split_title(toks: &[Tok]) -> &[Tok] {
    if find(toks, "::", 0) == Some(0) {
        if let Some(end) = find(toks, "::", 2) {
            return trim(&toks[end + 2..]);
        }
    }
    toks
}

/// The question text: answer blocks in the text become `____`, those ending it go.
fn stem_text(toks: &[Tok], blocks: &[(usize, usize)]) -> String {
    let mut end = toks.len();
    let mut trailing = blocks.len();
    for (i, &(open, close)) in blocks.iter().enumerate().rev() {
        if !is_blank(&toks[close + 1..end]) {
            break;
        }
        trailing = i;
        end = open;
    }
    let mut out = Vec::with_capacity(toks.len());
    let mut pos = 0;
    for &(open, close) in &blocks[..trailing] {
        out.extend_from_slice(&toks[pos..open]);
        out.extend("____".chars().map(|c| Tok { c, lit: true }));
        pos = close + 1;
    }
    out.extend_from_slice(&toks[pos..end]);
    formatted(&out, false)
}

/// One answer of a choice or short-answer block: its marker, weight, text and feedback.
struct Answer {
    marker: char,
    weight: Option<f64>,
    text: String,
    feedback: String,
}

/// Splits a block at unescaped `=` and `~`; anything before the first is an error.
fn split_answers(toks: &[Tok], html: bool) -> Result<Vec<Answer>, Failure> {
    let starts: Vec<usize> = (0..toks.len())
        .filter(|&i| is(&toks[i], '=') || is(&toks[i], '~'))
        .take(MAX_BLOCK_ANSWERS + 1)
        .collect();
    if starts.len() > MAX_BLOCK_ANSWERS {
        return Err((
            Some("options"),
            format!("一个答案区中的答案超过{MAX_BLOCK_ANSWERS}个，请检查 = 和 ~ 是否需要写成 \\= 和 \\~"),
        ));
    }
    let first = starts.first().copied().unwrap_or(toks.len());
    if !is_blank(&toks[..first]) || starts.is_empty() {
        return Err((
            Some("answer"),
            "答案区的每个答案前应有 =（正确）或 ~（错误）".into(),
        ));
    }
    let ends = starts.iter().skip(1).copied().chain([toks.len()]);
    Ok(starts
        .iter()
        .zip(ends)
        .map(|(&s, e)| answer(toks[s].c, &toks[s + 1..e], html))
        .collect())
}

fn answer(marker: char, toks: &[Tok], html: bool) -> Answer {
    let toks = trim(toks);
    let (weight, rest) = weight(toks);
    let split = find(rest, "#", 0).unwrap_or(rest.len());
    Answer {
        marker,
        weight,
        text: formatted(&rest[..split], html),
        feedback: rest
            .get(split + 1..)
            .map(|f| formatted(f, html))
            .unwrap_or_default(),
    }
}

/// A leading `%50%` weight (percent), and the tokens after it.
fn weight(toks: &[Tok]) -> (Option<f64>, &[Tok]) {
    if toks.first().is_some_and(|t| is(t, '%')) {
        if let Some(end) = find(toks, "%", 1) {
            if let Ok(w) = plain(&toks[1..end]).trim().parse::<f64>() {
                if w.is_finite() {
                    return (Some(w), &toks[end + 1..]);
                }
            }
        }
    }
    (None, toks)
}

fn choice(answers: &[Answer]) -> Result<(QuestionKind, Vec<String>, AnswerKey), Failure> {
    let options = answers.iter().map(|a| a.text.clone()).collect();
    let marked = |keep: &dyn Fn(&Answer) -> bool| -> Vec<usize> {
        (0..answers.len()).filter(|&i| keep(&answers[i])).collect()
    };
    // As in Moodle: an `=` makes it single choice; otherwise positive weights are keys.
    if answers.iter().any(|a| a.marker == '=') {
        let keys = marked(&|a| a.marker == '=');
        if keys.len() != 1 {
            return Err((
                Some("answer"),
                "单选题只能有一个用 = 标出的正确答案；多选题请用 ~%50% 这样的权重标出各正确答案"
                    .into(),
            ));
        }
        return Ok((
            QuestionKind::Single,
            options,
            AnswerKey::Single { option: keys[0] },
        ));
    }
    let keys = marked(&|a| a.weight.is_some_and(|w| w > 0.0));
    Ok((
        QuestionKind::Multiple,
        options,
        AnswerKey::Multiple { options: keys },
    ))
}

/// The accepted answers of a short-answer block (full credit only).
fn short_answers(answers: Vec<Answer>) -> Vec<String> {
    answers
        .into_iter()
        .filter(|a| a.weight.is_none_or(|w| w >= 100.0))
        .map(|a| a.text)
        .filter(|t| !t.is_empty())
        .collect()
}

/// What the comment lines before a question say: Moodle's `[id:…]` and `[tag:…]`, and
/// Beacon's `[difficulty:…]`.
struct Meta {
    id: Option<String>,
    tags: Vec<String>,
    difficulty: u8,
}

impl Meta {
    fn from_comments(comments: &[&str]) -> Result<Meta, Failure> {
        let tokens = comment_tokens(&comments.join("\n"));
        let values = |name: &'static str| {
            tokens
                .iter()
                .filter(move |(n, v)| n == name && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        let difficulty = match values("difficulty").next() {
            None => DEFAULT_DIFFICULTY,
            Some(d) => match d.as_str() {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                _ => {
                    return Err((
                        Some("difficulty"),
                        format!("注释中的难度应为1、2或3，而不是“{d}”"),
                    ))
                }
            },
        };
        Ok(Meta {
            id: values("id").next(),
            tags: values("tag").collect(),
            difficulty,
        })
    }
}

/// The `[name:value]` tokens of comment text, in order. `\[`, `\]` and `\\` are literal
/// characters; an unescaped `[` or a line end inside a value abandons that token (Moodle's
/// pattern allows neither), so the value of one token is never read as another token.
fn comment_tokens(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '[' => match read_token(&chars, i + 1) {
                Some((name, value, next)) => {
                    out.push((name, value));
                    i = next;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out
}

/// The token whose name starts at `start` (after its `[`): name, value and the index
/// after its `]`.
fn read_token(chars: &[char], start: usize) -> Option<(String, String, usize)> {
    let rest = chars.get(start..)?;
    let name_len = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if name_len == 0 || rest.get(name_len) != Some(&':') {
        return None;
    }
    let name = rest[..name_len].iter().collect();
    let mut value = String::new();
    let mut i = start + name_len + 1;
    while let Some(&c) = chars.get(i) {
        match (c, chars.get(i + 1)) {
            ('\\', Some(&next @ ('[' | ']' | '\\'))) => {
                value.push(next);
                i += 2;
            }
            (']', _) => return Some((name, value.trim().to_string(), i + 1)),
            ('[' | '\n', _) => return None,
            _ => {
                value.push(c);
                i += 1;
            }
        }
    }
    None
}

/// Escapes GIFT's special characters (and line breaks) in text.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Text as written inside a question: escaped, and protected by an explicit `[moodle]`
/// format when it would otherwise read as a format marker or (for answers) a weight.
fn text_piece(s: &str, is_answer: bool) -> String {
    // Judged on the text as written, after `escape` drops CRs.
    let s = &s.replace('\r', "");
    let looks_special = ["[html]", "[moodle]", "[plain]", "[markdown]"]
        .iter()
        .any(|m| s.starts_with(m))
        || (is_answer && s.starts_with('%'));
    let escaped = escape(s);
    if looks_special {
        format!("[moodle]{escaped}")
    } else {
        escaped
    }
}

fn comment_value(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(['\n', '\r'], " ")
}

/// A category path for `$CATEGORY:` (a slash in the name is doubled).
fn category_line(category: &str) -> String {
    // The reader decodes `\\` in the whole block, as Moodle does; nothing else is escaped
    // there (Moodle would keep other escapes as placeholders in the name).
    let name = category
        .replace('\\', "\\\\")
        .replace('/', "//")
        .replace(['\n', '\r'], " ");
    format!("$CATEGORY: $course$/top/{name}\n\n")
}

/// `100/k` as Moodle writes fractions: at most five decimals, no trailing zeros.
fn share(k: usize) -> String {
    let s = format!("{:.5}", 100.0 / k.max(1) as f64);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Writes the questions as GIFT (see the module notes for where each field goes).
pub fn write(questions: &[ExportQuestion]) -> Vec<u8> {
    let mut out = String::from(
        "// Beacon 题库导出（GIFT 格式）。[id:…] 为题目编号，[difficulty:…] 为难度（1易 2中 3难），\n\
         // 解析末尾 [出处] 之后为出处。\n\n",
    );
    let mut category: Option<&str> = None;
    for q in questions {
        if category != Some(q.category.as_str()) {
            out.push_str(&category_line(&q.category));
            category = Some(&q.category);
        }
        out.push_str(&question(q));
    }
    out.into_bytes()
}

fn question(q: &ExportQuestion) -> String {
    let d = &q.draft;
    let mut out = String::from("//");
    if !q.stable_id.is_empty() {
        out.push_str(&format!(" [id:{}]", comment_value(&q.stable_id)));
    }
    out.push_str(&format!(" [difficulty:{}]", d.difficulty));
    for tag in &d.tags {
        out.push_str(&format!(" [tag:{}]", comment_value(tag)));
    }
    out.push('\n');
    if !q.stable_id.is_empty() {
        out.push_str(&format!("::{}::", escape(&q.stable_id)));
    }
    out.push_str(&text_piece(&d.stem, false));
    let feedback = format!(
        "####{}",
        text_piece(&feedback_with_source(&d.explanation, &d.source), false)
    );
    match &d.key {
        AnswerKey::Single { option } => {
            out.push_str("{\n");
            for (i, o) in d.options.iter().enumerate() {
                let marker = if i == *option { '=' } else { '~' };
                out.push_str(&format!("{marker}{}\n", text_piece(o, true)));
            }
            out.push_str(&format!("{feedback}\n}}"));
        }
        AnswerKey::Multiple { options: keys } => {
            let right = share(keys.len());
            out.push_str("{\n");
            for (i, o) in d.options.iter().enumerate() {
                let weight = if keys.contains(&i) {
                    right.as_str()
                } else {
                    "-100"
                };
                out.push_str(&format!("~%{weight}%{}\n", text_piece(o, true)));
            }
            out.push_str(&format!("{feedback}\n}}"));
        }
        AnswerKey::TrueFalse { value } => {
            let tf = if *value { "TRUE" } else { "FALSE" };
            out.push_str(&format!("{{{tf}{feedback}}}"));
        }
        AnswerKey::FillIn { blanks } => {
            for (i, alts) in blanks.iter().enumerate() {
                let answers: Vec<String> = alts
                    .iter()
                    .map(|a| format!("={}", text_piece(a, true)))
                    .collect();
                let last = if i + 1 == blanks.len() {
                    feedback.as_str()
                } else {
                    ""
                };
                out.push_str(&format!("{{{}{last}}}", answers.join(" ")));
            }
        }
    }
    out.push_str("\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format, ParsedImport, SOURCE_MARKER};
    use super::*;

    fn read_str(s: &str) -> ParsedImport {
        parse(Format::Gift, s.as_bytes()).unwrap()
    }

    const FILE: &str = r#"// 开头的注释
$CATEGORY: $course$/top/默认/党章学习

// [id:dz-001] [tag:党章] [tag:宗旨] [difficulty:1]
::不用的标题::中国共产党的根本宗旨是（  ）。{
  =全心全意为人民服务#对
  ~实现共产主义#错
  ~%50%发展生产力
  ####党章总纲：党的根本宗旨是全心全意为人民服务。\n[出处] 党章 总纲
}

::dz-002::“四个意识”包括（  ）。{
  ~%50%政治意识
  ~%50%大局意识
  ~%-100%服务意识
}

党员必须履行义务。{T}

党员可以不交党费。{FALSE#错误反馈#正确反馈####按期交纳党费是党员的义务。}

党的根本宗旨是全心全意为{=人民 =人民群众}服务。

党的最高理想是什么？{=实现共产主义 =%50%共产主义}

[html]<p>党员的权利包括表决权、选举权和\{被选举权\}\: 对吗？</p>{TRUE}
"#;

    #[test]
    fn reads_every_supported_kind() {
        let p = read_str(FILE);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let q = &p.questions;
        assert_eq!(q.len(), 7);
        assert!(q.iter().all(|q| q.category == "默认/党章学习"));

        assert_eq!(q[0].stable_id.as_deref(), Some("dz-001"));
        assert_eq!(q[0].location, Location::Line(5));
        assert_eq!(q[0].draft.kind, QuestionKind::Single);
        assert_eq!(q[0].draft.options.len(), 3);
        assert_eq!(q[0].draft.options[2], "发展生产力");
        assert_eq!(q[0].draft.key, AnswerKey::Single { option: 0 });
        // Per-answer feedback follows the general feedback, naming its option.
        assert_eq!(
            q[0].draft.explanation,
            "党章总纲：党的根本宗旨是全心全意为人民服务。\nA：对\nB：错"
        );
        assert_eq!(q[0].draft.source, "党章 总纲");
        assert_eq!(q[0].draft.tags, vec!["党章", "宗旨"]);
        assert_eq!(q[0].draft.difficulty, 1);

        // A title is a name, not an id.
        assert_eq!(q[1].stable_id, None);
        assert_eq!(
            q[1].draft.key,
            AnswerKey::Multiple {
                options: vec![0, 1]
            }
        );
        // No feedback: nothing is invented.
        assert_eq!(q[1].draft.explanation, "");
        assert_eq!(q[1].draft.source, "");
        assert_eq!(q[1].draft.difficulty, DEFAULT_DIFFICULTY);

        assert_eq!(q[2].draft.key, AnswerKey::TrueFalse { value: true });
        assert_eq!(q[2].stable_id, None);
        assert_eq!(q[3].draft.key, AnswerKey::TrueFalse { value: false });
        assert_eq!(
            q[3].draft.explanation,
            "按期交纳党费是党员的义务。\n错误反馈\n正确反馈"
        );

        assert_eq!(q[4].draft.kind, QuestionKind::FillIn);
        assert_eq!(q[4].draft.stem, "党的根本宗旨是全心全意为____服务。");
        assert_eq!(
            q[4].draft.key,
            AnswerKey::FillIn {
                blanks: vec![vec!["人民".into(), "人民群众".into()]]
            }
        );
        assert_eq!(q[5].draft.stem, "党的最高理想是什么？____");
        assert_eq!(
            q[5].draft.key,
            AnswerKey::FillIn {
                blanks: vec![vec!["实现共产主义".into()]]
            }
        );
        assert_eq!(
            q[6].draft.stem,
            "党员的权利包括表决权、选举权和{被选举权}: 对吗？"
        );
        assert_eq!(q[6].location, Location::Line(26));
    }

    #[test]
    fn unsupported_kinds_are_skipped_with_reasons() {
        let p = read_str(
            "匹配。{=中国 -> 北京 =法国 -> 巴黎}\n\n\
             数值。{#1921:0}\n\n\
             问答。{}\n\n\
             这只是一段说明文字。\n\n\
             两处选择 {~甲 =乙} 和 {~丙 =丁}。\n",
        );
        let reasons: Vec<(u32, &str)> = p
            .skipped
            .iter()
            .map(|s| (s.location.number(), s.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].1.contains("匹配题（matching）"));
        assert!(reasons[1].1.contains("数值题（numerical）"));
        assert!(reasons[2].1.contains("问答题（essay）"));
        assert!(reasons[3].1.contains("说明文字"));
        assert!(reasons[4].1.contains("多处答案"));
        assert_eq!(
            reasons.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 3, 5, 7, 9]
        );
    }

    #[test]
    fn problems_name_their_line_and_field() {
        let p = read_str(
            "// 第一题\n括号不成对 {=甲 ~乙\n\n\
             两个正确答案 {=甲 =乙 ~丙}\n\n\
             // [difficulty:5]\n难度不对 {T}\n\n\
             只有一个正确项的多选 {~%100%甲 ~乙}\n\n\
             没有标记 {甲 ~乙}\n",
        );
        let got: Vec<(u32, Option<&str>)> = p
            .problems
            .iter()
            .map(|p| (p.location.number(), p.field))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, None),
                (4, Some("answer")),
                (7, Some("difficulty")),
                (9, Some("answer")),
                (11, Some("answer")),
            ],
            "{:?}",
            p.problems
        );
        assert!(p.problems[0].message.contains("花括号"));
    }

    #[test]
    fn several_short_answer_blocks_are_several_blanks() {
        let p = read_str("{=四个意识}，坚定{=四个自信 =“四个自信”}\n");
        let q = &p.questions[0];
        assert_eq!(q.draft.stem, "____，坚定____");
        assert_eq!(
            q.draft.key,
            AnswerKey::FillIn {
                blanks: vec![
                    vec!["四个意识".into()],
                    vec!["四个自信".into(), "“四个自信”".into()]
                ]
            }
        );
    }

    /// Moodle writes a title on every question and repeats them: two questions sharing a
    /// title are two questions; the same question twice is imported once, with a warning.
    #[test]
    fn titles_are_names_and_repeats_are_warnings() {
        let p = read_str("::q1::甲？{T}\n\n::q1::乙？{F}\n\n::q2::甲？{T}\n");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.questions.len(), 2);
        assert!(p.questions.iter().all(|q| q.stable_id.is_none()));
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].location, Location::Line(5));
        assert!(p.warnings[0].message.contains("第1行"), "{:?}", p.warnings);
    }

    /// Moodle's own exporter: `[html]` on the question text only, `<p>` in answers and
    /// feedback, which inherit the format; `{T#…}` feedback is the explanation.
    #[test]
    fn html_is_inherited_and_feedback_kept() {
        let p = read_str(
            "::党章 1::[html]<p>党的根本宗旨是（  ）。</p>{\n\
             =<p>全心全意为人民服务</p>#<p>正确，见<b>党章总纲</b>。</p>\n\
             ~<p>发展生产力</p>\n\
             ####<p>党章总纲明确规定。</p>\n}\n\n\
             ::党章 2::党员有表决权。{T#党章第九条规定：党员有表决权、选举权和被选举权。}\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let q = &p.questions;
        assert_eq!(q[0].draft.stem, "党的根本宗旨是（  ）。");
        assert_eq!(q[0].draft.options, vec!["全心全意为人民服务", "发展生产力"]);
        assert_eq!(
            q[0].draft.explanation,
            "党章总纲明确规定。\nA：正确，见党章总纲。"
        );
        assert_eq!(
            q[1].draft.explanation,
            "党章第九条规定：党员有表决权、选举权和被选举权。"
        );
        assert!(!q[1].draft.explanation.contains("原题未附解析"));
    }

    /// A 19 MB block of tildes once took 13.7 s and 1.4 GB: a block that large is refused
    /// before it is read (`tests/import_memory.rs` measures it), and one within the size
    /// limit for its count of answers.
    #[test]
    fn a_block_of_countless_answers_is_refused_cheaply() {
        let text = format!("题？{{{}}}\n", "~".repeat(2_000_000));
        let started = std::time::Instant::now();
        let p = read_str(&text);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.problems[0].message.contains("256KB"), "{:?}", p.problems);
        let text = format!("题？{{{}}}\n\n下一题{{T}}\n", "~".repeat(200_000));
        let p = read_str(&text);
        assert_eq!(p.problems[0].field, Some("options"), "{:?}", p.problems);
        assert_eq!(p.questions.len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    fn tricky() -> Vec<ExportQuestion> {
        let draft = |kind, stem: &str, options: &[&str], key| QuestionDraft {
            kind,
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key,
            explanation: "解析含 ~ = # { } : \\ 和\n换行".into(),
            source: "第1条: {出处}".into(),
            difficulty: 3,
            tags: vec!["带]括号".into(), "二".into()],
        };
        let q = |id: &str, category: &str, draft| ExportQuestion {
            stable_id: id.into(),
            category: category.into(),
            draft,
        };
        vec![
            q(
                "id:with]odd \\chars",
                "类/别",
                draft(
                    QuestionKind::Single,
                    "[html]<b>不是标记</b> = ~ # { }",
                    &["%50%不是权重", "[moodle]甲", "a:b"],
                    AnswerKey::Single { option: 2 },
                ),
            ),
            q(
                "",
                "类/别",
                draft(
                    QuestionKind::Multiple,
                    "多选（  ）",
                    &["甲", "乙", "丙"],
                    AnswerKey::Multiple {
                        options: vec![0, 1, 2],
                    },
                ),
            ),
            q(
                "tf",
                "二类",
                draft(
                    QuestionKind::TrueFalse,
                    "判断 // 不是注释",
                    &[],
                    AnswerKey::TrueFalse { value: false },
                ),
            ),
            q(
                "fill",
                "二类",
                draft(
                    QuestionKind::FillIn,
                    "第一空______，第二空__。",
                    &[],
                    AnswerKey::FillIn {
                        blanks: vec![
                            vec!["1/2".into(), "a=b".into()],
                            vec!["#号".into(), "%100%".into()],
                        ],
                    },
                ),
            ),
        ]
    }

    #[test]
    fn export_round_trips_every_field() {
        let qs = tricky();
        let bytes = write(&qs);
        let p = parse(Format::Gift, &bytes).unwrap();
        assert!(p.problems.is_empty() && p.skipped.is_empty(), "{p:?}");
        assert_eq!(p.questions.len(), qs.len());
        for (got, want) in p.questions.iter().zip(&qs) {
            assert_eq!(got.draft, want.draft);
            assert_eq!(got.category, want.category);
            assert_eq!(
                got.stable_id,
                Some(want.stable_id.clone()).filter(|s| !s.is_empty())
            );
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("~%33.33333%甲"), "{text}");
        assert!(text.contains(SOURCE_MARKER));
    }

    /// Found by the fuzzer: an id holding `[tag:t` added a tag on every round trip.
    #[test]
    fn comment_tokens_never_overlap() {
        let p = read_str("// [id:aY [tag:t] [id:\\[x\\]] [tag:] [tag:a\\]b]\n题 {T}\n");
        let q = &p.questions[0];
        assert_eq!(q.stable_id.as_deref(), Some("[x]"));
        assert_eq!(q.draft.tags, vec!["t", "a]b"]);
        let mut qs = tricky();
        qs.truncate(1);
        qs[0].stable_id = "aY [tag:t".into();
        qs[0].draft.tags = vec!["[tag:u]".into(), "v\\".into()];
        let back = parse(Format::Gift, &write(&qs)).unwrap();
        assert_eq!(back.questions[0].stable_id.as_deref(), Some("aY [tag:t"));
        assert_eq!(back.questions[0].draft.tags, qs[0].draft.tags);
    }

    /// Found by the fuzzer: `[htm\rl]` lost its CR on export and became a format marker.
    #[test]
    fn carriage_returns_are_line_breaks() {
        let p = read_str("甲\r乙 {T}\r\r丙 {F}\r\n");
        assert_eq!(p.questions.len(), 2);
        assert_eq!(p.questions[0].draft.stem, "甲\n乙");
        assert_eq!(p.questions[1].location, Location::Line(4));
        let mut qs = tricky();
        qs.truncate(1);
        qs[0].draft.stem = "[htm\rl]<p>x</p>".into();
        let back = parse(Format::Gift, &write(&qs)).unwrap();
        assert_eq!(back.questions[0].draft.stem, "[html]<p>x</p>");
    }

    /// Found by the fuzzer: backslashes in a category name halved on every round trip.
    #[test]
    fn categories_with_backslashes_round_trip() {
        let mut qs = tricky();
        qs.truncate(1);
        qs[0].category = "类\\\\[\\p>#0:2} \\: 名".into();
        let once = parse(Format::Gift, &write(&qs)).unwrap();
        assert_eq!(once.questions[0].category, qs[0].category);
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            "{",
            "}",
            "::",
            "::a",
            "{~}",
            "{=}",
            "{#}",
            "{~%",
            "{~%50",
            "{~%5%}",
            "\\",
            "a\\",
            "{####}",
            "{T####}",
            "$CATEGORY:",
            "// [id:",
            "// [tag:\\",
            "{=a ->}",
            "::t::{=%%}",
        ] {
            let _ = parse(Format::Gift, input.as_bytes());
        }
        let garbage: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(parse(Format::Gift, &garbage).is_err());
    }
}
