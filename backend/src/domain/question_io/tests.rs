//! Tests of what every format shares: format detection, the common checks, the limits and
//! the templates.

use super::*;
use shared::grading::AnswerKey;

#[test]
fn formats_from_names_and_content() {
    assert_eq!(Format::from_filename("题库.XLSX"), Some(Format::Xlsx));
    assert_eq!(Format::from_filename("a.b.csv"), Some(Format::Csv));
    assert_eq!(Format::from_filename("moodle.txt"), Some(Format::Gift));
    assert_eq!(Format::from_filename("quiz.xml"), Some(Format::MoodleXml));
    assert_eq!(Format::from_filename("bank.zip"), Some(Format::BeaconToml));
    assert_eq!(Format::from_filename("noext"), None);
    for format in Format::ALL {
        assert_eq!(Format::from_code(format.code()), Some(format));
        let template = template(format);
        assert_eq!(Format::sniff(&template), Some(format), "{format:?}");
        assert_eq!(Format::detect("upload", &template), Some(format));
    }
    assert_eq!(Format::sniff(b"\x00\x01"), None);
}

#[test]
fn every_template_reads_back_as_the_examples() {
    let examples = sheet::examples();
    for format in Format::ALL {
        let parsed = parse(format, &template(format)).unwrap();
        assert!(
            parsed.problems.is_empty(),
            "{format:?}: {:?}",
            parsed.problems
        );
        let drafts: Vec<_> = parsed.questions.iter().map(|q| &q.draft).collect();
        let expected: Vec<_> = examples.iter().map(|q| &q.draft).collect();
        assert_eq!(drafts, expected, "{format:?}");
        assert!(parsed.questions.iter().all(|q| q.category == "示例分类"));
    }
    assert_eq!(export_extension(Format::BeaconToml, &examples), "toml");
    let mut two = examples.clone();
    two[0].category = "另一类".into();
    assert_eq!(export_extension(Format::BeaconToml, &two), "zip");
    assert_eq!(export_extension(Format::Gift, &two), "txt");
}

#[test]
fn content_ids_are_stable_and_ignore_corrections() {
    let q = &sheet::examples()[0].draft;
    let id = content_id(q);
    assert!(id.starts_with("h-") && id.len() == 22, "{id}");
    let mut corrected = q.clone();
    corrected.explanation = "更好的解析".into();
    corrected.key = AnswerKey::Single { option: 1 };
    assert_eq!(content_id(&corrected), id);
    let mut other = q.clone();
    other.options[2] = "另一个选项".into();
    assert_ne!(content_id(&other), id);
}

const HEADER: &str = "题型,题干,选项A,选项B,答案,解析,出处,分类,编号\n";

#[test]
fn duplicates_ids_and_categories_are_checked() {
    let long_category = "长".repeat(61);
    let csv = format!(
        "{HEADER}判断,甲。,,,对,解,出,,\n判断,甲。,,,错,解,出,,\n\
         判断,乙。,,,对,解,出,,q1\n判断,丙。,,,对,解,出,,q1\n\
         判断,丁。,,,对,解,出,{long_category},\n判断,戊。,,,对,解,出,,\"编\n号\"\n\
         判断,己。,,,对,解,出,\"分\n类\",\n"
    );
    let p = parse(Format::Csv, csv.as_bytes()).unwrap();
    let got: Vec<(u32, Option<&str>)> = p
        .problems
        .iter()
        .map(|p| (p.location.number(), p.field))
        .collect();
    assert_eq!(
        got,
        vec![
            (5, Some("id")),
            (6, Some("category")),
            (7, Some("id")),
            (8, Some("category"))
        ],
        "{:?}",
        p.problems
    );
    // The same question twice (by kind, stem and options) is a warning, not a problem;
    // one id for two different questions is a problem.
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_eq!(p.warnings[0].location, Location::Row(3));
    assert!(p.warnings[0].message.contains("第2行"), "{:?}", p.warnings);
    assert!(p.problems[0].message.contains("“q1”"), "{:?}", p.problems);
    assert_eq!(p.questions.len(), 2);
}

#[test]
fn limits_and_empty_files() {
    let mut csv = String::from(HEADER);
    for i in 0..=MAX_QUESTIONS {
        csv.push_str(&format!("判断,第{i}题。,,,对,解,出,,\n"));
    }
    let e = parse(Format::Csv, csv.as_bytes()).unwrap_err();
    assert_eq!(e.code, ErrorCode::TooMany);
    let big = vec![b' '; MAX_FILE_BYTES + 1];
    for format in Format::ALL {
        assert_eq!(parse(format, &big).unwrap_err().code, ErrorCode::TooLarge);
        assert!(parse(format, b"").is_err(), "{format:?}");
    }
    assert_eq!(
        parse(Format::Csv, HEADER.as_bytes()).unwrap_err().code,
        ErrorCode::Empty
    );
    assert_eq!(
        parse(Format::Gift, b"// only a comment\n")
            .unwrap_err()
            .code,
        ErrorCode::Empty
    );
}

#[test]
fn binary_garbage_is_an_error_in_every_format() {
    let mut seed = 0x2545_F491_u32;
    let garbage: Vec<u8> = (0..5000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        })
        .collect();
    for format in Format::ALL {
        for prefix in [&b""[..], b"PK\x03\x04", b"\xEF\xBB\xBF"] {
            let input = [prefix, &garbage].concat();
            assert!(parse(format, &input).is_err(), "{format:?}");
        }
    }
}

#[test]
fn locations_and_errors_display_in_chinese() {
    assert_eq!(Location::Row(3).to_string(), "第3行");
    let at = Location::FileLine {
        file: "a.toml".into(),
        line: 7,
    };
    assert_eq!(at.to_string(), "a.toml 第7行");
    let at = Location::SheetRow {
        sheet: "单选题".into(),
        row: 4,
    };
    assert_eq!(at.to_string(), "工作表“单选题”第4行");
    assert_eq!(
        category_from_path("$course$/top/纪律教育/党章"),
        "纪律教育/党章"
    );
    assert_eq!(category_from_path("$system$/a//b"), "a/b");
    assert_eq!(category_from_path("$course$/top"), "");
    let e = ImportError::new(ErrorCode::NotUtf8, "编码不对").at(Location::Line(2));
    assert_eq!(e.to_string(), "第2行：编码不对");
    assert_eq!(e.code.as_str(), "not_utf8");
    let (explanation, source) = split_feedback(&feedback_with_source("解析", "出处"));
    assert_eq!(
        (explanation.as_str(), source.as_deref()),
        ("解析", Some("出处"))
    );
    assert_eq!(split_feedback("只有解析"), ("只有解析".into(), None));
}

#[test]
fn gbk_text_is_refused_in_every_text_format() {
    for format in [
        Format::Csv,
        Format::Gift,
        Format::MoodleXml,
        Format::BeaconToml,
    ] {
        let text = String::from_utf8(template(format)).unwrap();
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let e = parse(format, &gbk).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotUtf8, "{format:?}");
        assert!(e.message.contains("GBK"), "{format:?}: {e}");
    }
}
