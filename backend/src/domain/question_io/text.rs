//! Text helpers the formats share: decoding uploaded bytes as UTF-8 with a clear error for
//! the encodings Chinese Windows produces, line numbers of byte offsets, and the plain
//! text <-> HTML conversions of Moodle XML.

use super::{ErrorCode, ImportError, Location};

/// The start of an OLE compound file: an old `.xls`, or an encrypted `.xlsx`.
pub const OLE_SIGNATURE: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of an uploaded file: UTF-8, with or without a BOM. Anything else is an error
/// that says what the file seems to be and how to save it correctly.
pub fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::new(
            ErrorCode::NotUtf8,
            "文件是 UTF-16 编码（如 Excel 的“Unicode 文本”），请另存为 UTF-8 编码后重新上传",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&OLE_SIGNATURE) {
        return Err(ImportError::new(
            ErrorCode::NotText,
            "这是一个 Excel 或压缩文件，不是文本文件，请选择正确的导入格式",
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(not_utf8(bytes, e.valid_up_to())),
    };
    // NUL never occurs in text someone typed; it marks a binary file.
    if text.contains('\0') {
        return Err(ImportError::new(
            ErrorCode::NotText,
            "文件含有二进制内容，不是文本文件，请检查是否选错了文件",
        ));
    }
    if text.trim().is_empty() {
        return Err(ImportError::new(ErrorCode::Empty, "文件是空的"));
    }
    Ok(text)
}

fn not_utf8(bytes: &[u8], valid_up_to: usize) -> ImportError {
    let line = line_of(bytes, valid_up_to);
    // Excel and Notepad on Chinese Windows save "ANSI" text as GBK (GB18030); if the bytes
    // decode cleanly that way, that is almost certainly what happened.
    let (_, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    let message = if had_errors {
        "文件不是 UTF-8 编码的文本，请另存为 UTF-8 编码后重新上传"
    } else {
        "文件看起来是 GBK/ANSI 编码（中文 Windows 的默认编码），请另存为 UTF-8 编码后重新上传\
         （Excel：另存为“CSV UTF-8（逗号分隔）”；记事本：另存为时编码选“UTF-8”）"
    };
    ImportError::new(ErrorCode::NotUtf8, message).at(Location::Line(line))
}

fn line_of(bytes: &[u8], at: usize) -> u32 {
    let end = at.min(bytes.len());
    let newlines = bytes[..end].iter().filter(|b| **b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// Line numbers of byte offsets in one text, by binary search over its line starts.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line of byte offset `at` (offsets past the end are on the last line).
    pub fn line(&self, at: usize) -> u32 {
        let line = self.starts.partition_point(|start| *start <= at);
        u32::try_from(line.max(1)).unwrap_or(u32::MAX)
    }
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text as HTML: special characters escaped, line breaks as `<br>`.
pub fn text_to_html(s: &str) -> String {
    xml_escape(s).replace('\n', "<br>")
}

/// Elements after which text continues on a new line.
const BLOCK_TAGS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
];

/// HTML as plain text: tags removed (`<br>` and the ends of paragraphs and other blocks
/// become line breaks), entities decoded, each line trimmed of the spaces the markup's own
/// line breaks leave. Never fails: what is not markup is kept as written.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Once a `<` has no `>` after it, no later one has: stop looking (each look would scan
    // to the end, which many `<` would make quadratic).
    let mut tags_left = true;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' if tags_left => match rest.find('>') {
                Some(end) => {
                    if breaks_line(&rest[1..end]) {
                        out.push('\n');
                    }
                    rest = &rest[end + 1..];
                }
                None => tags_left = false,
            },
            '&' => {
                let (decoded, used) = decode_entity(rest);
                out.push_str(&decoded);
                rest = &rest[used..];
            }
            // A line break in HTML source is only a space.
            '\n' | '\r' | '\t' => {
                out.push(' ');
                rest = &rest[1..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    let lines: Vec<&str> = out.split('\n').map(|l| l.trim_matches(' ')).collect();
    lines.join("\n").trim().to_string()
}

/// Whether a tag (the text between `<` and `>`) ends a line: `<br>`, `</p>` and the like.
fn breaks_line(tag: &str) -> bool {
    let closing = tag.starts_with('/');
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name == "br" {
        return true;
    }
    closing && BLOCK_TAGS.contains(&name.as_str())
}

/// Whether HTML holds an image (which Beacon's plain-text questions cannot show).
pub fn has_image(html: &str) -> bool {
    html.to_ascii_lowercase().contains("<img")
}

/// Decodes the entity at the start of `s` (which starts with `&`): the decoded text and
/// the bytes used. An unknown or unterminated entity is kept as the `&` itself.
fn decode_entity(s: &str) -> (String, usize) {
    // Entity names are short: look for the `;` only nearby.
    let near = &s.as_bytes()[..s.len().min(13)];
    let Some(end) = near.iter().skip(1).position(|b| *b == b';').map(|i| i + 1) else {
        return ("&".into(), 1);
    };
    let name = &s[1..end];
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        code.and_then(char::from_u32)
    } else {
        named_entity(name)
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".into(), 1),
    }
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_or_without_bom() {
        assert_eq!(decode("\u{feff}题干".as_bytes()).unwrap(), "题干");
        assert_eq!(decode("题干".as_bytes()).unwrap(), "题干");
    }

    #[test]
    fn gbk_is_named_and_binary_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("题型,题干\n单选,党的根本宗旨是什么\n");
        let e = decode(&gbk).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotUtf8);
        assert!(e.message.contains("GBK"), "{e}");
        assert_eq!(e.location, Some(Location::Line(1)));
        assert_eq!(decode(b"\xFF\xFEa\0").unwrap_err().code, ErrorCode::NotUtf8);
        assert_eq!(decode(b"abc\0def").unwrap_err().code, ErrorCode::NotText);
        assert_eq!(
            decode(b"PK\x03\x04zz").unwrap_err().code,
            ErrorCode::NotText
        );
        assert_eq!(decode(b" \n\t").unwrap_err().code, ErrorCode::Empty);
    }

    #[test]
    fn line_index_counts_from_one() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(6), 4);
        assert_eq!(idx.line(100), 4);
    }

    #[test]
    fn html_round_trips_plain_text() {
        let text = "甲 < 乙 & “丙”\n第二行（  ）";
        assert_eq!(html_to_text(&text_to_html(text)), text);
        assert_eq!(
            html_to_text("<p>第一段</p>\n<p>第二段&nbsp;&#20320;&#x597D;</p>"),
            "第一段\n第二段 你好"
        );
        assert_eq!(html_to_text("a &unknown; b & c <"), "a &unknown; b & c <");
        assert_eq!(html_to_text("&#xFFFFFFFF; &#; &"), "&#xFFFFFFFF; &#; &");
        assert!(has_image("<p><IMG src=x></p>"));
    }
}
