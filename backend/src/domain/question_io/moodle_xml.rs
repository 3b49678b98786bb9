//! Moodle XML (<https://docs.moodle.org/en/Moodle_XML_format>): `<quiz>` holding
//! `<question type="…">` elements.
//!
//! Read: `category` questions set the category of those after them (the path below
//! Moodle's own levels, so `$course$/top/纪律教育/党章` is `纪律教育/党章`: two paths that
//! end alike stay two categories); `multichoice` (`<single>` true or false, options of
//! fraction 100 resp. of positive fraction are the key), `truefalse`, `shortanswer`
//! (fill-in; its answers of fraction 100 are the alternatives, and a stem without a `____`
//! blank gets one at its end) and `multianswer` / `cloze` (what Moodle's exporter writes
//! for multianswer): short-answer gaps (`{1:SHORTANSWER:=a~=b}`) become `____` blanks of a
//! fill-in, a lone choice gap (`{1:MC:=a~b}`, `MULTIRESPONSE`) a choice question. Texts in
//! HTML lose their tags (`<br>` and paragraph ends become line breaks) and have entities
//! decoded; CDATA is read as text. `<idnumber>` is the stable id (`<name>` is not: Moodle
//! generates names from the text and does not keep them unique), `<tags>` the tags,
//! `<generalfeedback>` the explanation and, after a `[出处]` marker, the source, as in
//! GIFT; each answer's `<feedback>` (a cloze gap's `#feedback`) follows the explanation on
//! a line naming its option or answer.
//!
//! Skipped with a reason and the question's line: matching, numerical, essay, description,
//! cloze whose gaps map to no one Beacon question (the reason names them), drag-and-drop,
//! calculated, random… and any question whose text shows an image (Beacon questions are
//! text).
//!
//! Safety: a document type declaration (`<!DOCTYPE`) is refused, so no entity can be
//! declared and expanded (no XML bombs); only XML's five predefined entities and character
//! references are decoded. Only one question is held in memory at a time.
//!
//! Export writes XML Moodle imports, with every Beacon field: the difficulty, which Moodle
//! has no place for, in an XML comment `<!-- beacon:difficulty=2 -->` that Moodle ignores.
//! A fill-in with one blank is a `shortanswer`; with several, a cloze question whose gaps
//! replace the stem's `____` runs (they read back as four underscores each).

use quick_xml::events::Event;
use quick_xml::Reader;
use shared::grading::{AnswerKey, QuestionKind};
use shared::question::{count_blanks, QuestionDraft, MAX_STEM_CHARS};

use super::{
    category_from_path, feedback_with_source, id_from, split_feedback, text, Candidate, Collector,
    ErrorCode, ExportQuestion, ImportError, Location, DEFAULT_DIFFICULTY,
};
/// Deepest element nesting read (Moodle XML needs five levels).
const MAX_DEPTH: usize = 64;
/// Longest question text read (HTML included); valid stems are far shorter.
const MAX_RAW_STEM_BYTES: usize = 64 * 1024;
/// Most elements inside one question.
const MAX_QUESTION_ELEMENTS: usize = 10_000;

/// An element of one question, with what the formats need of it.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
    comments: Vec<String>,
    /// Byte offset of its start tag.
    pos: usize,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of the `<text>` child (Moodle's way of holding every text).
    fn text_child(&self) -> &str {
        self.child("text").map_or("", |t| t.text.as_str())
    }
}

fn malformed(message: impl Into<String>, line: u32) -> ImportError {
    ImportError::new(ErrorCode::Malformed, message).at(Location::Line(line))
}

/// Reads a Moodle XML file, one `<question>` at a time.
pub fn read(xml: &str, out: &mut Collector) -> Result<(), ImportError> {
    let lines = text::LineIndex::new(xml);
    let mut reader = Reader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut seen_root = false;
    let mut category = String::new();
    let mut elements = 0usize;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            xml_error(&e, lines.line(at))
        })?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    if seen_root || name != "quiz" {
                        return Err(malformed(
                            "不是 Moodle XML 题库文件（根元素应为 <quiz>）",
                            lines.line(pos),
                        ));
                    }
                    seen_root = true;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed("XML 嵌套层数过多", lines.line(pos)));
                }
                elements += 1;
                if elements > MAX_QUESTION_ELEMENTS {
                    return Err(malformed("一道题中的 XML 元素过多", lines.line(pos)));
                }
                let attrs =
                    attributes(&e, reader.decoder()).map_err(|m| malformed(m, lines.line(pos)))?;
                stack.push(Element {
                    name,
                    attrs,
                    pos,
                    ..Element::default()
                });
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else { continue };
                match stack.len() {
                    // A child of <quiz>: a whole question, read and then dropped.
                    1 => {
                        elements = 0;
                        if done.name == "question" {
                            let line = lines.line(done.pos);
                            question(&done, line, &mut category, out)?;
                        }
                    }
                    0 => {}
                    _ => {
                        if let Some(parent) = stack.last_mut() {
                            parent.children.push(done);
                        }
                    }
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.decode().unwrap_or_default()),
            Event::CData(t) => push_text(&mut stack, &t.decode().unwrap_or_default()),
            Event::GeneralRef(r) => {
                let c = entity(&r).ok_or_else(|| {
                    malformed(
                        format!(
                            "XML 中有无法识别的实体 &{};",
                            r.decode().unwrap_or_default()
                        ),
                        lines.line(pos),
                    )
                })?;
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
            }
            Event::Comment(c) => {
                if let Some(el) = stack.last_mut() {
                    el.comments
                        .push(c.decode().unwrap_or_default().into_owned());
                }
            }
            Event::DocType(_) => return Err(malformed(
                "XML 文件含有 DTD（<!DOCTYPE …>），出于安全考虑不予读取；Moodle 导出的文件没有 DTD",
                lines.line(pos),
            )),
            Event::Empty(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(ImportError::new(
            ErrorCode::Truncated,
            "XML 文件不完整（缺少结束标签，如 </quiz>），可能上传或复制时中断",
        )
        .at(Location::Line(lines.line(xml.len()))));
    }
    if !seen_root {
        return Err(malformed("不是 Moodle XML 题库文件（没有 <quiz> 元素）", 1));
    }
    Ok(())
}

fn xml_error(e: &quick_xml::Error, line: u32) -> ImportError {
    let (code, message) = match e {
        quick_xml::Error::Syntax(_) => (
            ErrorCode::Truncated,
            format!("XML 文件不完整，可能上传或复制时中断（{e}）"),
        ),
        _ => (ErrorCode::Malformed, format!("XML 格式有误（{e}）")),
    };
    ImportError::new(code, message).at(Location::Line(line))
}

fn push_text(stack: &mut [Element], s: &str) {
    if let Some(el) = stack.last_mut() {
        el.text.push_str(s);
    }
}

fn attributes(
    e: &quick_xml::events::BytesStart<'_>,
    decoder: quick_xml::encoding::Decoder,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("XML 属性有误（{err}）"))?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .decode_and_unescape_value(decoder)
            .map_err(|err| format!("XML 属性值有误（{err}）"))?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

/// XML's predefined entities and character references; nothing else exists without a DTD.
fn entity(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match r.decode().ok()?.as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

/// One question element: a category switch, a question, a skip or a problem.
fn question(
    el: &Element,
    line: u32,
    category: &mut String,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let kind = el.attr("type").unwrap_or("");
    if kind == "category" {
        if let Some(c) = el.child("category") {
            *category = category_from_path(c.text_child());
        }
        return Ok(());
    }
    out.entry()?;
    let at = Location::Line(line);
    if let Some(reason) = skip_reason(kind) {
        out.skip(at, reason);
        return Ok(());
    }
    let raw_stem = el.child("questiontext").map_or("", Element::text_child);
    // Far beyond any valid stem; refusing early keeps the cloze scan cheap.
    if raw_stem.len() > MAX_RAW_STEM_BYTES {
        out.problem(
            at,
            Some("stem"),
            format!("题干不能超过{MAX_STEM_CHARS}个字符"),
        );
        return Ok(());
    }
    if text::has_image(raw_stem) {
        out.skip(at, "题干含有图片，Beacon 暂不支持图片题");
        return Ok(());
    }
    // The `<answer>`s' feedback, for the kinds that have them.
    let with_feedback = |p: Parts| {
        let notes = answer_feedback(el, p.0);
        (p, notes)
    };
    let parsed = match kind {
        "multichoice" => multichoice(el).map(with_feedback),
        "truefalse" => truefalse(el).map(with_feedback),
        "shortanswer" => shortanswer(el).map(with_feedback),
        // `cloze` is what Moodle's exporter writes for a multianswer question.
        "multianswer" | "cloze" => match cloze(el) {
            Ok(Cloze::Parts(parts, notes)) => Ok((parts, notes)),
            Ok(Cloze::Unmapped(reason)) => {
                out.skip(at, reason);
                return Ok(());
            }
            Err(e) => Err(e),
        },
        _ => unreachable_kind(kind).map(|p| (p, Vec::new())),
    };
    match parsed {
        Ok(((kind, stem, options, key), notes)) => out.question(candidate(
            el,
            (kind, stem, options, key),
            notes,
            category,
            at,
        )),
        Err((field, message)) => out.problem(at, field, message),
    }
    Ok(())
}

fn unreachable_kind(kind: &str) -> Result<Parts, Failure> {
    Err((None, format!("无法识别的 Moodle 题型“{kind}”")))
}

/// Why a question type is left out, or `None` for the types Beacon reads.
fn skip_reason(kind: &str) -> Option<String> {
    let name = match kind {
        "multichoice" | "truefalse" | "shortanswer" | "multianswer" | "cloze" => return None,
        "" => return Some("题目缺少 type 属性，无法识别题型".into()),
        "matching" => "匹配题（matching）",
        "numerical" => "数值题（numerical）",
        "essay" => "问答题（essay）",
        "description" => return Some("Moodle 说明文字（description）不是题目，已跳过".into()),
        "ddwtos" => "拖放填空题（ddwtos）",
        "gapselect" => "选词填空题（gapselect）",
        "calculated" | "calculatedsimple" | "calculatedmulti" => "计算题（calculated）",
        "randomsamatch" => "随机简答匹配题（randomsamatch）",
        "ddimageortext" | "ddmarker" => "图片拖放题",
        "ordering" => "排序题（ordering）",
        "random" => "随机题（random）",
        other => return Some(format!("Moodle 题型“{other}”暂不支持")),
    };
    Some(format!("Moodle {name}暂不支持"))
}

type Failure = (Option<&'static str>, String);
type Parts = (QuestionKind, String, Vec<String>, AnswerKey);

/// The plain text of an element holding `<text>` in some `format`.
fn rich(el: Option<&Element>) -> String {
    let Some(el) = el else { return String::new() };
    let raw = el.text_child();
    match el.attr("format").unwrap_or("html") {
        "plain_text" | "markdown" => raw.trim().to_string(),
        _ => text::html_to_text(raw),
    }
}

/// An answer's text: plain unless marked as HTML (Moodle compares typed answers with it).
fn answer_text(el: &Element) -> String {
    match el.attr("format") {
        Some("html") => text::html_to_text(el.text_child()),
        _ => el.text_child().trim().to_string(),
    }
}

fn fraction(el: &Element) -> f64 {
    el.attr("fraction")
        .and_then(|f| f.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite())
        .unwrap_or(0.0)
}

/// Full credit, allowing Moodle's rounding (99.99999).
fn full(f: f64) -> bool {
    f >= 99.9
}

fn multichoice(el: &Element) -> Result<Parts, Failure> {
    let answers: Vec<&Element> = el.children("answer").collect();
    let options = answers.iter().map(|a| rich(Some(a))).collect();
    let single = !matches!(
        el.child("single").map(|s| s.text.trim()),
        Some("false" | "0")
    );
    let keys: Vec<usize> = (0..answers.len())
        .filter(|&i| {
            let f = fraction(answers[i]);
            if single {
                full(f)
            } else {
                f > 0.0
            }
        })
        .collect();
    let stem = rich(el.child("questiontext"));
    if !single {
        return Ok((
            QuestionKind::Multiple,
            stem,
            options,
            AnswerKey::Multiple { options: keys },
        ));
    }
    match keys.as_slice() {
        [one] => Ok((
            QuestionKind::Single,
            stem,
            options,
            AnswerKey::Single { option: *one },
        )),
        _ => Err((
            Some("answer"),
            format!("单选题应恰好有一个得分为100%的答案，这里有{}个", keys.len()),
        )),
    }
}

fn truefalse(el: &Element) -> Result<Parts, Failure> {
    let right = el
        .children("answer")
        .find(|a| full(fraction(a)))
        .map(|a| answer_text(a).to_lowercase());
    let value = match right.as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return Err((
                Some("answer"),
                "判断题应有一个得分为100%、内容为 true 或 false 的答案".into(),
            ))
        }
    };
    let stem = rich(el.child("questiontext"));
    Ok((
        QuestionKind::TrueFalse,
        stem,
        vec![],
        AnswerKey::TrueFalse { value },
    ))
}

fn shortanswer(el: &Element) -> Result<Parts, Failure> {
    let alternatives: Vec<String> = el
        .children("answer")
        .filter(|a| full(fraction(a)))
        .map(answer_text)
        .filter(|a| !a.is_empty())
        .collect();
    let mut stem = rich(el.child("questiontext"));
    if count_blanks(&stem) == 0 {
        stem.push_str("____");
    }
    Ok((
        QuestionKind::FillIn,
        stem,
        vec![],
        AnswerKey::FillIn {
            blanks: vec![alternatives],
        },
    ))
}

/// What a cloze question becomes.
enum Cloze {
    /// The question, with its answers' feedback as lines naming their option or answer.
    Parts(Parts, Vec<String>),
    /// Why it cannot be mapped, naming the gaps at fault.
    Unmapped(String),
}

/// One embedded answer of a cloze text.
enum Gap {
    /// A short answer: its full-credit alternatives, and each answer's `#feedback`
    /// (answer, feedback), whatever its credit.
    Short {
        alternatives: Vec<String>,
        feedback: Vec<(String, String)>,
    },
    /// A choice (`MULTICHOICE`, `MC`, `MCV`…; `multiple` for `MULTIRESPONSE`): its options,
    /// the keyed ones, and each option's `#feedback` (empty when it has none).
    Choice {
        multiple: bool,
        options: Vec<String>,
        keys: Vec<usize>,
        feedback: Vec<String>,
    },
    /// A gap of another type (`NUMERICAL`…), by its name.
    Other(String),
}

/// A cloze question, read as Moodle reads multianswer: short-answer gaps make a fill-in
/// question (a `____` blank each); a single choice gap makes a choice question whose stem
/// has `（  ）` where the gap was. Anything else cannot be graded as one Beacon question
/// and is named in the reason. Each answer's `#feedback` stays with it, as a line naming
/// its option (`A：…`) or answer (`“…”：…`), as in GIFT and `<answer><feedback>`.
fn cloze(el: &Element) -> Result<Cloze, Failure> {
    let text = rich(el.child("questiontext"));
    // A gap ends at a `}`; without one further on, no `{` can start a gap, and looking
    // would cost a scan to the end for each `{`.
    let last_close = text.rfind('}').unwrap_or(0);
    // The text between gaps: `pieces` before each gap, `current` after the last one.
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut gaps = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest
        .find('{')
        .filter(|o| text.len() - rest.len() + o < last_close)
    {
        current.push_str(&rest[..open]);
        match cloze_gap(&rest[open..]) {
            Some((gap, used)) => {
                gaps.push(gap);
                pieces.push(std::mem::take(&mut current));
                rest = &rest[open + used..];
            }
            None => {
                current.push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    current.push_str(rest);
    pieces.push(current);
    if gaps.is_empty() {
        return Err((
            Some("stem"),
            "完形填空题中没有找到空（如 {1:SHORTANSWER:=答案}）".into(),
        ));
    }
    let join = |mark: &str| pieces.join(mark);
    if gaps.iter().all(|g| matches!(g, Gap::Short { .. })) {
        let mut blanks = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for gap in gaps {
            if let Gap::Short {
                alternatives,
                feedback,
            } = gap
            {
                blanks.push(alternatives);
                for (answer, said) in feedback {
                    let line = format!("“{answer}”：{said}");
                    if !notes.contains(&line) {
                        notes.push(line);
                    }
                }
            }
        }
        return Ok(Cloze::Parts(
            (
                QuestionKind::FillIn,
                join("____"),
                vec![],
                AnswerKey::FillIn { blanks },
            ),
            notes,
        ));
    }
    if gaps.len() == 1 {
        if let Some(Gap::Choice {
            multiple,
            options,
            keys,
            feedback,
        }) = gaps.pop()
        {
            let stem = join("（  ）");
            let notes = feedback
                .iter()
                .enumerate()
                .filter(|(_, said)| !said.is_empty())
                .map(|(i, said)| format!("{}：{said}", shared::question::option_letter(i)))
                .collect();
            let parts = if multiple {
                (
                    QuestionKind::Multiple,
                    stem,
                    options,
                    AnswerKey::Multiple { options: keys },
                )
            } else {
                match keys.as_slice() {
                    [one] => (
                        QuestionKind::Single,
                        stem,
                        options,
                        AnswerKey::Single { option: *one },
                    ),
                    _ => {
                        return Err((
                            Some("answer"),
                            format!(
                                "完形填空题中的选择空应恰好有一个得分为100%的答案，这里有{}个",
                                keys.len()
                            ),
                        ))
                    }
                }
            };
            return Ok(Cloze::Parts(parts, notes));
        }
    }
    let unmapped: Vec<String> = gaps
        .iter()
        .enumerate()
        .filter_map(|(i, g)| match g {
            Gap::Short { .. } => None,
            Gap::Choice { .. } => Some(format!("第{}空是选择", i + 1)),
            Gap::Other(kind) => Some(format!("第{}空是{kind}", i + 1)),
        })
        .collect();
    Ok(Cloze::Unmapped(format!(
        "Moodle 完形填空题（cloze）：{}；Beacon 的一道题只能是全部为填空的空，或只有一个选择空，暂不支持",
        unmapped.join("、")
    )))
}

/// Longest answer part of a cloze gap, in characters.
const MAX_GAP_CHARS: usize = 2000;

const SHORT_GAPS: [&str; 6] = ["SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"];
const CHOICE_GAPS: [&str; 10] = [
    "MULTICHOICE",
    "MC",
    "MULTICHOICE_V",
    "MCV",
    "MULTICHOICE_H",
    "MCH",
    "MULTICHOICE_S",
    "MCS",
    "MULTICHOICE_VS",
    "MCVS",
];
const MULTIPLE_GAPS: [&str; 4] = ["MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH"];

/// A gap `{1:SHORTANSWER:=a~=b}` at the start of `s`, and the bytes used; `None` when `s`
/// does not start with a gap.
fn cloze_gap(s: &str) -> Option<(Gap, usize)> {
    let body = s.strip_prefix('{')?;
    let weight_len = body.bytes().take_while(u8::is_ascii_digit).count();
    let (weight, rest) = body.split_at(weight_len);
    let rest = rest.strip_prefix(':')?;
    let kind_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_uppercase() || *b == b'_')
        .count();
    let (kind, answers) = rest.split_at(kind_len);
    let answers = answers.strip_prefix(':')?;
    if kind.is_empty() {
        return None;
    }
    let mut parts = vec![String::new()];
    // A gap's answers are short; bounding the scan keeps many unclosed gaps linear.
    let mut chars = answers.char_indices().take(MAX_GAP_CHARS);
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    parts.last_mut()?.push('\\');
                    parts.last_mut()?.push(next);
                }
            }
            '~' => parts.push(String::new()),
            '}' => {
                end = Some(i);
                break;
            }
            _ => parts.last_mut()?.push(c),
        }
    }
    let end = end?;
    let used = 1 + weight.len() + 1 + kind.len() + 1 + end + 1;
    let gap = if SHORT_GAPS.contains(&kind) {
        let mut alternatives = Vec::new();
        let mut feedback = Vec::new();
        for part in &parts {
            let (credit, text, said) = cloze_choice(part);
            if !said.is_empty() && !text.is_empty() {
                feedback.push((text.clone(), said));
            }
            if full(credit) {
                alternatives.extend(id_from(&text));
            }
        }
        Gap::Short {
            alternatives,
            feedback,
        }
    } else if CHOICE_GAPS.contains(&kind) || MULTIPLE_GAPS.contains(&kind) {
        let multiple = MULTIPLE_GAPS.contains(&kind);
        let mut options = Vec::new();
        let mut keys = Vec::new();
        let mut feedback = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let (credit, text, said) = cloze_choice(part);
            options.push(text);
            feedback.push(said);
            if (multiple && credit > 0.0) || (!multiple && full(credit)) {
                keys.push(i);
            }
        }
        Gap::Choice {
            multiple,
            options,
            keys,
            feedback,
        }
    } else {
        Gap::Other(kind.to_string())
    };
    Some((gap, used))
}

/// One answer of a gap (`=a`, `%50%b`, `c#feedback`): its credit (a malformed weight is
/// none), its text and its feedback (empty when it has none).
fn cloze_choice(part: &str) -> (f64, String, String) {
    let part = part.trim();
    let (credit, rest) = if let Some(rest) = part.strip_prefix('=') {
        (100.0, rest)
    } else if let Some((w, rest)) = part.strip_prefix('%').and_then(|r| r.split_once('%')) {
        (w.trim().parse::<f64>().unwrap_or(0.0), rest)
    } else {
        (0.0, part)
    };
    let (text, feedback) = unescape_cloze(rest);
    (credit, text, feedback)
}

/// A cloze answer's text and its `#feedback` (after the first unescaped `#`), each with
/// `\` escapes removed and trimmed.
fn unescape_cloze(rest: &str) -> (String, String) {
    let mut text = String::new();
    let mut feedback = String::new();
    let mut into = &mut text;
    let mut in_feedback = false;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => into.extend(chars.next()),
            '#' if !in_feedback => {
                in_feedback = true;
                into = &mut feedback;
            }
            _ => into.push(c),
        }
    }
    (text.trim().to_string(), feedback.trim().to_string())
}

/// A question read: `notes` are its answers' feedback, one line each, written after the
/// general feedback in the explanation.
fn candidate(
    el: &Element,
    (kind, stem, options, key): Parts,
    notes: Vec<String>,
    category: &str,
    location: Location,
) -> Candidate {
    let (general, source) = split_feedback(&rich(el.child("generalfeedback")));
    let explanation = std::iter::once(general)
        .chain(notes)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let tags = el
        .child("tags")
        .map(|t| {
            t.children("tag")
                .map(|tag| tag.text_child().trim().to_string())
                .filter(|tag| !tag.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Candidate {
        stable_id: el.child("idnumber").and_then(|i| id_from(&i.text)),
        category: category.to_string(),
        draft: QuestionDraft {
            kind,
            stem,
            options,
            key,
            explanation,
            source: source.unwrap_or_default(),
            difficulty: difficulty(&el.comments),
            tags,
        },
        location,
    }
}

/// Each answer's `<feedback>`, one line naming its option (`A：…`) or answer (`“…”：…`);
/// a true/false question's feedback explains the statement itself.
fn answer_feedback(el: &Element, kind: QuestionKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, a) in el.children("answer").enumerate() {
        let feedback = rich(a.child("feedback"));
        if feedback.is_empty() {
            continue;
        }
        let line = match kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                format!("{}：{feedback}", shared::question::option_letter(i))
            }
            QuestionKind::TrueFalse => feedback,
            QuestionKind::FillIn => format!("“{}”：{feedback}", answer_text(a)),
        };
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// The difficulty a `<!-- beacon:difficulty=N -->` comment gives.
fn difficulty(comments: &[String]) -> u8 {
    comments
        .iter()
        .find_map(|c| c.trim().strip_prefix("beacon:difficulty="))
        .and_then(|d| d.trim().parse::<u8>().ok())
        .filter(|d| (1..=3).contains(d))
        .unwrap_or(DEFAULT_DIFFICULTY)
}

/// Text as HTML inside CDATA (a `]]>` in the text is split across two sections).
fn cdata_html(s: &str) -> String {
    let html = text::text_to_html(s);
    format!("<![CDATA[{}]]>", html.replace("]]>", "]]]]><![CDATA[>"))
}

fn category_path(category: &str) -> String {
    format!("$course$/top/{}", category.replace('/', "//"))
}

/// `100/k` with Moodle's five decimals.
fn share(k: usize) -> String {
    let s = format!("{:.5}", 100.0 / k.max(1) as f64);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Escapes a cloze answer: `\ } # ~ / "` get a backslash.
fn cloze_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '}' | '#' | '~' | '/' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The stem of a multi-blank fill-in with each `____` run replaced by its cloze gap.
fn cloze_text(stem: &str, blanks: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut gaps = blanks.iter().enumerate();
    let mut run = 0;
    for c in stem.chars().chain(std::iter::once('\0')) {
        if c == '_' {
            run += 1;
            continue;
        }
        if run >= 2 {
            match gaps.next() {
                Some((_, alts)) => {
                    let answers: Vec<String> = alts
                        .iter()
                        .map(|a| format!("={}", cloze_escape(a)))
                        .collect();
                    out.push_str(&format!("{{1:SHORTANSWER:{}}}", answers.join("~")));
                }
                None => out.push_str(&"_".repeat(run)),
            }
        } else {
            out.push_str(&"_".repeat(run));
        }
        run = 0;
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Writes the questions as Moodle XML (see the module notes).
pub fn write(questions: &[ExportQuestion]) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!-- Beacon 题库导出（Moodle XML）。idnumber 为题目编号；解析末尾 [出处] 之后为出处；\
         beacon:difficulty 注释为难度（1易 2中 3难）。 -->\n<quiz>\n",
    );
    let mut category: Option<&str> = None;
    for q in questions {
        if category != Some(q.category.as_str()) {
            out.push_str(&format!(
                "  <question type=\"category\">\n    <category><text>{}</text></category>\n  </question>\n",
                text::xml_escape(&category_path(&q.category))
            ));
            category = Some(&q.category);
        }
        out.push_str(&question_xml(q));
    }
    out.push_str("</quiz>\n");
    out.into_bytes()
}

fn question_xml(q: &ExportQuestion) -> String {
    let d = &q.draft;
    let (kind, stem, answers) = match &d.key {
        AnswerKey::Single { option } => (
            "multichoice",
            cdata_html(&d.stem),
            choice_answers(&d.options, &[*option], "100", "0") + "    <single>true</single>\n",
        ),
        AnswerKey::Multiple { options } => (
            "multichoice",
            cdata_html(&d.stem),
            choice_answers(&d.options, options, &share(options.len()), "-100")
                + "    <single>false</single>\n",
        ),
        AnswerKey::TrueFalse { value } => (
            "truefalse",
            cdata_html(&d.stem),
            plain_answer("true", if *value { "100" } else { "0" })
                + &plain_answer("false", if *value { "0" } else { "100" }),
        ),
        AnswerKey::FillIn { blanks } if blanks.len() == 1 => (
            "shortanswer",
            cdata_html(&d.stem),
            blanks[0]
                .iter()
                .map(|a| plain_answer(a, "100"))
                .collect::<String>()
                + "    <usecase>0</usecase>\n",
        ),
        AnswerKey::FillIn { blanks } => (
            "multianswer",
            format!(
                "<![CDATA[{}]]>",
                text::text_to_html(&cloze_text(&d.stem, blanks)).replace("]]>", "]]]]><![CDATA[>")
            ),
            String::new(),
        ),
    };
    let name: String = d
        .stem
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect();
    let mut out = format!("  <question type=\"{kind}\">\n");
    out.push_str(&format!(
        "    <!-- beacon:difficulty={} -->\n",
        d.difficulty
    ));
    out.push_str(&format!(
        "    <name><text>{}</text></name>\n",
        text::xml_escape(&name)
    ));
    out.push_str(&format!(
        "    <questiontext format=\"html\"><text>{stem}</text></questiontext>\n"
    ));
    out.push_str(&format!(
        "    <generalfeedback format=\"html\"><text>{}</text></generalfeedback>\n",
        cdata_html(&feedback_with_source(&d.explanation, &d.source))
    ));
    out.push_str("    <defaultgrade>1</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n");
    if !q.stable_id.is_empty() {
        out.push_str(&format!(
            "    <idnumber>{}</idnumber>\n",
            text::xml_escape(&q.stable_id)
        ));
    }
    if kind == "multichoice" {
        out.push_str("    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>ABCD</answernumbering>\n");
    }
    out.push_str(&answers);
    if !d.tags.is_empty() {
        out.push_str("    <tags>\n");
        for tag in &d.tags {
            out.push_str(&format!(
                "      <tag><text>{}</text></tag>\n",
                text::xml_escape(tag)
            ));
        }
        out.push_str("    </tags>\n");
    }
    out.push_str("  </question>\n");
    out
}

fn choice_answers(options: &[String], keys: &[usize], right: &str, wrong: &str) -> String {
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let fraction = if keys.contains(&i) { right } else { wrong };
            format!(
                "    <answer fraction=\"{fraction}\" format=\"html\"><text>{}</text><feedback format=\"html\"><text></text></feedback></answer>\n",
                cdata_html(o)
            )
        })
        .collect()
}

fn plain_answer(text: &str, fraction: &str) -> String {
    format!(
        "    <answer fraction=\"{fraction}\" format=\"moodle_auto_format\"><text>{}</text><feedback format=\"html\"><text></text></feedback></answer>\n",
        text::xml_escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format, ParsedImport};
    use super::*;

    fn read_str(s: &str) -> ParsedImport {
        parse(Format::MoodleXml, s.as_bytes()).unwrap()
    }

    const FILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/默认/党章学习</text></category>
  </question>
  <question type="multichoice">
    <!-- beacon:difficulty=1 -->
    <name><text>第1题</text></name>
    <questiontext format="html"><text><![CDATA[<p>中国共产党的根本宗旨是（&nbsp;&nbsp;）。</p>]]></text></questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;党章总纲。&lt;/p&gt;&lt;p&gt;[出处] 党章 总纲&lt;/p&gt;</text></generalfeedback>
    <idnumber>dz-001</idnumber>
    <single>true</single>
    <answer fraction="100" format="html"><text>全心全意为人民服务</text></answer>
    <answer fraction="0" format="html"><text>实现共产主义</text></answer>
    <answer fraction="50" format="html"><text>发展生产力 &amp; 其他</text></answer>
    <tags><tag><text>党章</text></tag><tag><text>宗旨</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>多选</text></name>
    <questiontext format="plain_text"><text>“四个意识”包括（  ）。</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>政治意识</text></answer>
    <answer fraction="50"><text>大局意识</text></answer>
    <answer fraction="-100"><text>服务意识</text></answer>
  </question>
  <question type="truefalse">
    <name><text>判断</text></name>
    <questiontext format="html"><text>党员可以不交党费。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>简答</text></name>
    <questiontext format="html"><text>党的最高理想是什么？</text></questiontext>
    <answer fraction="100"><text>实现共产主义</text></answer>
    <answer fraction="100"><text>共产主义</text></answer>
    <answer fraction="50"><text>理想</text></answer>
  </question>
  <question type="cloze">
    <name><text>完形</text></name>
    <questiontext format="html"><text><![CDATA[<p>增强{1:SHORTANSWER:=四个意识~=“四个意识”#好}，坚定{1:SA:%100%四个自信~%0%错}。</p>]]></text></questiontext>
  </question>
</quiz>
"#;

    #[test]
    fn reads_every_supported_kind() {
        let p = read_str(FILE);
        assert!(p.problems.is_empty() && p.skipped.is_empty(), "{p:?}");
        let q = &p.questions;
        assert_eq!(q.len(), 5);
        // The path below Moodle's own levels, not its last segment alone.
        assert!(q.iter().all(|q| q.category == "默认/党章学习"));
        assert_eq!(q[0].location, Location::Line(6));
        assert_eq!(q[0].stable_id.as_deref(), Some("dz-001"));
        assert_eq!(q[0].draft.stem, "中国共产党的根本宗旨是（  ）。");
        assert_eq!(q[0].draft.options[2], "发展生产力 & 其他");
        assert_eq!(q[0].draft.key, AnswerKey::Single { option: 0 });
        assert_eq!(q[0].draft.explanation, "党章总纲。");
        assert_eq!(q[0].draft.source, "党章 总纲");
        assert_eq!(q[0].draft.difficulty, 1);
        assert_eq!(q[0].draft.tags, vec!["党章", "宗旨"]);
        assert_eq!(
            q[1].draft.key,
            AnswerKey::Multiple {
                options: vec![0, 1]
            }
        );
        assert_eq!(q[1].stable_id, None);
        assert_eq!(q[1].draft.explanation, "");
        assert_eq!(q[1].draft.source, "");
        assert_eq!(q[1].draft.difficulty, DEFAULT_DIFFICULTY);
        assert_eq!(q[2].draft.key, AnswerKey::TrueFalse { value: false });
        assert_eq!(q[3].draft.stem, "党的最高理想是什么？____");
        assert_eq!(
            q[3].draft.key,
            AnswerKey::FillIn {
                blanks: vec![vec!["实现共产主义".into(), "共产主义".into()]]
            }
        );
        assert_eq!(q[4].draft.stem, "增强____，坚定____。");
        assert_eq!(
            q[4].draft.key,
            AnswerKey::FillIn {
                blanks: vec![
                    vec!["四个意识".into(), "“四个意识”".into()],
                    vec!["四个自信".into()]
                ]
            }
        );
        // Each answer's #feedback stays with its answer, wrong ones included.
        assert_eq!(q[4].draft.explanation, "““四个意识””：好");
    }

    /// A choice gap's `#feedback` stays with its option, as GIFT's and `<answer>`'s do;
    /// before, everything after `#` was dropped.
    #[test]
    fn cloze_choice_feedback_stays_with_its_option() {
        let p = read_str(
            "<quiz>\n<question type=\"cloze\"><questiontext format=\"html\"><text><![CDATA[<p>党的根本宗旨是{1:MULTICHOICE:=全心全意为人民服务#正确，见党章总纲~发展生产力#这是根本任务~%0%实现共产主义\\#2}。</p>]]></text></questiontext>\n\
             <generalfeedback format=\"html\"><text><![CDATA[<p>党章总纲。</p>]]></text></generalfeedback></question>\n\
             <question type=\"cloze\"><questiontext><text>“四个意识”包括{1:MULTIRESPONSE:%50%政治意识#对~%50%大局意识~%-50%服务意识#不是}。</text></questiontext></question>\n</quiz>\n",
        );
        assert!(p.problems.is_empty() && p.skipped.is_empty(), "{p:?}");
        let q = &p.questions[0].draft;
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.options[2], "实现共产主义#2");
        assert_eq!(
            q.explanation,
            "党章总纲。\nA：正确，见党章总纲\nB：这是根本任务"
        );
        let m = &p.questions[1].draft;
        assert_eq!(
            m.key,
            AnswerKey::Multiple {
                options: vec![0, 1]
            }
        );
        assert_eq!(m.explanation, "A：对\nC：不是");
    }

    #[test]
    fn unsupported_types_are_skipped_with_their_lines() {
        let p = read_str(
            "<quiz>\n<question type=\"matching\"><name><text>a</text></name></question>\n\
             <question type=\"numerical\"/>\n<question type=\"essay\"/>\n\
             <question type=\"description\"/>\n<question type=\"ddwtos\"/>\n\
             <question type=\"multianswer\"><questiontext><text>{1:NUMERICAL:=1921}和{1:MC:=a~b}</text></questiontext></question>\n\
             <question type=\"multichoice\"><questiontext><text>&lt;img src=\"x.png\"&gt;</text></questiontext></question>\n\
             <question type=\"mystery\"/>\n<question/>\n</quiz>\n",
        );
        let got: Vec<(u32, &str)> = p
            .skipped
            .iter()
            .map(|s| (s.location.number(), s.reason.as_str()))
            .collect();
        assert_eq!(got.len(), 9, "{got:?}");
        for (i, word) in [
            "匹配题",
            "数值题",
            "问答题",
            "说明文字",
            "拖放填空",
            "完形填空",
            "图片",
            "mystery",
            "type",
        ]
        .iter()
        .enumerate()
        {
            assert!(got[i].1.contains(word), "{i}: {got:?}");
            assert_eq!(got[i].0, i as u32 + 2);
        }
    }

    #[test]
    fn problems_name_their_line_and_field() {
        let p = read_str(
            "<quiz>\n<question type=\"multichoice\">\n<questiontext><text>两个正确</text></questiontext>\n\
             <answer fraction=\"100\"><text>甲</text></answer><answer fraction=\"100\"><text>乙</text></answer>\n\
             </question>\n<question type=\"truefalse\"><questiontext><text>无答案</text></questiontext></question>\n\
             <question type=\"multichoice\"><questiontext><text>一个选项</text></questiontext><answer fraction=\"100\"><text>a</text></answer></question>\n</quiz>",
        );
        let got: Vec<(u32, Option<&str>)> = p
            .problems
            .iter()
            .map(|p| (p.location.number(), p.field))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Some("answer")),
                (6, Some("answer")),
                (7, Some("options"))
            ],
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn malformed_files_are_refused_clearly() {
        let cut = &FILE[..FILE.len() / 2];
        let e = parse(Format::MoodleXml, cut.as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Truncated, "{e}");
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<quiz>&b;</quiz>";
        let e = parse(Format::MoodleXml, bomb.as_bytes()).unwrap_err();
        assert!(e.message.contains("DTD"), "{e}");
        assert_eq!(e.location, Some(Location::Line(2)));
        let e = parse(Format::MoodleXml, b"<html><body/></html>").unwrap_err();
        assert!(e.message.contains("<quiz>"), "{e}");
        let e = parse(Format::MoodleXml, b"<quiz><question></quiz>").unwrap_err();
        assert_eq!(e.code, ErrorCode::Malformed, "{e}");
        let e = parse(Format::MoodleXml, b"<quiz>&custom;</quiz>").unwrap_err();
        assert!(e.message.contains("&custom;"), "{e}");
        assert_eq!(
            parse(Format::MoodleXml, b"<quiz></quiz>").unwrap_err().code,
            ErrorCode::Empty
        );
        let garbage: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(parse(Format::MoodleXml, &garbage).is_err());
        for input in [
            "<",
            "<quiz",
            "<quiz><",
            "<quiz>]]>",
            "<quiz><![CDATA[",
            "<quiz a='&#0;'>",
        ] {
            assert!(
                parse(Format::MoodleXml, input.as_bytes()).is_err(),
                "{input}"
            );
        }
    }

    fn tricky() -> Vec<ExportQuestion> {
        let draft = |kind, stem: &str, options: &[&str], key| QuestionDraft {
            kind,
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key,
            explanation: "解析 <b>不是标签</b> & ]]> 结束\n第二行".into(),
            source: "第1条".into(),
            difficulty: 3,
            tags: vec!["a<b".into(), "标签".into()],
        };
        let q = |id: &str, category: &str, draft| ExportQuestion {
            stable_id: id.into(),
            category: category.into(),
            draft,
        };
        vec![
            q(
                "s-1",
                "类/别",
                draft(
                    QuestionKind::Single,
                    "单选 &amp; <p>（  ）",
                    &["甲 & 乙", "<i>丙</i>"],
                    AnswerKey::Single { option: 1 },
                ),
            ),
            q(
                "",
                "类/别",
                draft(
                    QuestionKind::Multiple,
                    "多选",
                    &["甲", "乙", "丙"],
                    AnswerKey::Multiple {
                        options: vec![0, 2],
                    },
                ),
            ),
            q(
                "tf",
                "二类",
                draft(
                    QuestionKind::TrueFalse,
                    "判断",
                    &[],
                    AnswerKey::TrueFalse { value: true },
                ),
            ),
            q(
                "fill-1",
                "二类",
                draft(
                    QuestionKind::FillIn,
                    "一个空______。",
                    &[],
                    AnswerKey::FillIn {
                        blanks: vec![vec!["a<b".into(), "c&d".into()]],
                    },
                ),
            ),
            q(
                "fill-2",
                "二类",
                draft(
                    QuestionKind::FillIn,
                    "两个空____和____{不是空}。",
                    &[],
                    AnswerKey::FillIn {
                        blanks: vec![
                            vec!["1/2".into(), "a}b~c#d\"e\\f".into()],
                            vec!["<乙>".into()],
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
        let p = parse(Format::MoodleXml, &bytes).unwrap();
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
        assert!(text.contains("type=\"multianswer\""), "{text}");
        assert!(text.contains("fraction=\"50\""), "{text}");
    }

    #[test]
    fn cloze_blanks_come_back_as_four_underscores() {
        let mut qs = tricky();
        qs.truncate(1);
        qs[0].draft = QuestionDraft {
            kind: QuestionKind::FillIn,
            stem: "甲______乙__。".into(),
            options: vec![],
            key: AnswerKey::FillIn {
                blanks: vec![vec!["一".into()], vec!["二".into()]],
            },
            ..qs[0].draft.clone()
        };
        let p = parse(Format::MoodleXml, &write(&qs)).unwrap();
        assert_eq!(p.questions[0].draft.stem, "甲____乙____。");
        assert_eq!(p.questions[0].draft.key, qs[0].draft.key);
    }
}
