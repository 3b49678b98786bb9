//! Reading display-only answers as `serde_json::Value` instead of their `shared` types.
//!
//! Why: a derived `Deserialize` costs about 1 KB of gzipped wasm per struct, and pages
//! that only display numbers and names (leaderboards, the points card) do not need one.
//! They parse into a `Value` (one deserializer for all of them) and read fields by name
//! with these helpers. The field names are those of the `shared` types; each page's tests
//! render a value serialized from the real `shared` type, so a renamed field fails a test.

use serde_json::Value;

/// A string field, or "".
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// An optional string field.
#[cfg(any(test, not(feature = "console")))]
pub fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An integer field, or 0.
pub fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_default()
}

/// An optional integer field (absent, null or not a number: `None`).
#[cfg(any(test, feature = "console"))]
pub fn opt_i(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// An array-of-integers field (other items left out).
#[cfg(any(test, feature = "console"))]
pub fn ids(v: &Value, key: &str) -> Vec<i64> {
    list(v, key).iter().filter_map(Value::as_i64).collect()
}

/// A string as a JSON string literal, for request bodies written by hand.
#[cfg(any(test, feature = "console"))]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An optional id as JSON: the number or `null`.
#[cfg(feature = "console")]
#[cfg(any(test, feature = "console"))]
pub fn opt_id(id: Option<i64>) -> String {
    id.map_or_else(|| "null".to_string(), |i| i.to_string())
}

/// A list of ids as a JSON array.
#[cfg(feature = "console")]
pub fn id_list(ids: &[i64]) -> String {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}

/// A number field, or 0.
pub fn f(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or_default()
}

/// A boolean field, or false.
pub fn b(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or_default()
}

/// An array field, or none.
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An array-of-strings field (other items read as "").
pub fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v, key)
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

/// The elements of an array value, or none.
pub fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// An object field that is present and not null.
pub fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_mistyped_fields_read_as_empty() {
        let v: Value =
            serde_json::from_str(r#"{"a":"x","n":3,"t":true,"l":[1,2],"o":null,"x":1.5}"#).unwrap();
        assert_eq!(s(&v, "a"), "x");
        assert_eq!(s(&v, "n"), "");
        assert_eq!(opt_s(&v, "zz"), None);
        assert_eq!(i(&v, "n"), 3);
        assert_eq!(i(&v, "a"), 0);
        assert!(b(&v, "t"));
        assert_eq!(list(&v, "l").len(), 2);
        assert!(list(&v, "a").is_empty());
        assert!(obj(&v, "o").is_none());
        assert_eq!(f(&v, "x"), 1.5);
        assert_eq!(opt_i(&v, "n"), Some(3));
        assert_eq!(opt_i(&v, "o"), None);
        assert_eq!(ids(&v, "l"), vec![1, 2]);
    }

    #[test]
    fn hand_written_json_is_what_serde_reads() {
        for text in [
            "",
            "张三",
            "a\"b\\c",
            "line\nnext\ttab\r",
            "\u{1}\u{1f}",
            "'<&>'",
        ] {
            assert_eq!(serde_json::from_str::<String>(&quote(text)).unwrap(), text);
        }
    }

    #[test]
    #[cfg(feature = "console")]
    fn ids_are_written_as_json() {
        assert_eq!(opt_id(None), "null");
        assert_eq!(opt_id(Some(-3)), "-3");
        assert_eq!(id_list(&[]), "[]");
        assert_eq!(id_list(&[1, 20]), "[1,20]");
    }
}
