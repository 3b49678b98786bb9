//! Chinese typographic conventions for the text the server writes into messages.

/// `s` in Chinese double quotes, as a title is cited in a sentence: “s”. Double quotes
/// inside become single ones, so a quotation nests the way Chinese text nests it
/// (“党史与‘四史’”, never “党史与“四史””).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 6);
    out.push('“');
    for c in s.chars() {
        out.push(match c {
            '“' => '‘',
            '”' => '’',
            c => c,
        });
    }
    out.push('”');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_quotes_become_single_quotes() {
        assert_eq!(quoted("党史与“四史”"), "“党史与‘四史’”");
        assert_eq!(quoted("党章"), "“党章”");
        assert_eq!(quoted(""), "“”");
    }
}
