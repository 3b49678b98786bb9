//! Writes the seed inputs of the fuzz targets to `fuzz/seeds/<target>/`: each format's
//! template, a few questions of the repository's bank exported in it, and hand-written
//! files with the constructs exports never produce (skipped kinds, problems). Run from the
//! repository root: `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.

use std::path::Path;

use backend::domain::question_bank;
use backend::domain::question_io::{self, ExportQuestion, Format};

const GIFT: &str = "// [id:a] [tag:t] [difficulty:1]\n$CATEGORY: $course$/top/类\n\n\
::q1::题干 {=甲#好 ~乙 ~%50%丙 ####解析\\n[出处] 第1条}\n\n\
多选 {~%50%甲 ~%50%乙 ~%-100%丙}\n\n判断 {T}\n\n填{=空 =白}中\n\n\
匹配 {=a -> b =c -> d}\n\n数值 {#1:2}\n\n问答 {}\n\n说明\n\n[html]<p>x</p>{FALSE}\n";

const MOODLE: &str = "<?xml version=\"1.0\"?>\n<quiz>\n\
<question type=\"category\"><category><text>$course$/top/类</text></category></question>\n\
<question type=\"multichoice\"><!-- beacon:difficulty=1 --><questiontext format=\"html\"><text><![CDATA[<p>题&amp;干</p>]]></text></questiontext>\
<generalfeedback><text>解析 [出处] 第1条</text></generalfeedback><idnumber>x</idnumber><single>false</single>\
<answer fraction=\"50\"><text>甲</text></answer><answer fraction=\"50\"><text>乙</text></answer><answer fraction=\"0\"><text>丙</text></answer>\
<tags><tag><text>t</text></tag></tags></question>\n\
<question type=\"multianswer\"><questiontext><text>{1:SA:=a~%50%b}和{1:MC:=c~d}</text></questiontext></question>\n\
<question type=\"shortanswer\"><questiontext><text>问</text></questiontext><answer fraction=\"100\"><text>答</text></answer></question>\n\
<question type=\"matching\"/>\n</quiz>\n";

const CSV: &str = "\u{feff}编号;题型;题干;A;B;答案;解析;出处;难度;标签\n\
1;单选;题（  ）;甲;乙;A;解;出;3;a、b\n2;填空;\"两\n行____\";;;x/y|z;解;出;;\n3;判断;'=危险;;;√;解;出;1;\n";

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("fuzz/seeds").join(target);
    std::fs::create_dir_all(&dir).expect("create the seed folder");
    std::fs::write(dir.join(name), bytes).expect("write a seed");
}

fn main() {
    let bank: Vec<ExportQuestion> = question_bank::parse_dir(Path::new("question-bank"))
        .expect("the repository's question bank parses")
        .into_iter()
        .map(ExportQuestion::from)
        .collect();
    // One question of each kind from two categories, so exports show every notation.
    let mut few: Vec<ExportQuestion> = Vec::new();
    for q in &bank {
        let new_kind = !few.iter().any(|f| f.draft.kind == q.draft.kind);
        if new_kind || (few.len() < 6 && few.iter().all(|f| f.category != q.category)) {
            few.push(q.clone());
        }
    }
    let targets = [
        ("toml", Format::BeaconToml),
        ("csv", Format::Csv),
        ("xlsx", Format::Xlsx),
        ("gift", Format::Gift),
        ("moodle_xml", Format::MoodleXml),
    ];
    for (target, format) in targets {
        write(target, "template", &question_io::template(format));
        let export = question_io::export(format, &few).expect("export the seed questions");
        write(target, "export", &export);
        write(
            target,
            "export-one",
            &question_io::export(format, &few[..1]).expect("export"),
        );
        if format == Format::Xlsx {
            write(
                "xlsx_parts",
                "template",
                &beacon_fuzz::parts_seed(&question_io::template(format)),
            );
            write("xlsx_parts", "export", &beacon_fuzz::parts_seed(&export));
        }
    }
    write("gift", "constructs", GIFT.as_bytes());
    write("moodle_xml", "constructs", MOODLE.as_bytes());
    write("csv", "constructs", CSV.as_bytes());
}
