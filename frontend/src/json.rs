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
pub fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An integer field, or 0.
pub fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_default()
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
    }
}
