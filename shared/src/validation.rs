//! Validation rules for user input, run by the frontend (instant feedback) and the backend
//! (the authority). Lengths count characters, not bytes: a Chinese character is one.

/// A rule broken by one field: the field's name and a zh-CN message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Longest accepted password; argon2 work grows with input, so it is bounded.
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const PASSWORD_MIN_CHARS: usize = 8;

/// A username is a staff number or a phone number: 3–32 ASCII letters, digits, `_`, `-`, `.`.
pub fn username(value: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if !(3..=32).contains(&n) {
        return Err(FieldError::new("username", "账号长度应为3至32个字符"));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(FieldError::new(
            "username",
            "账号只能包含字母、数字和 _ - . 符号（可使用工号或手机号）",
        ));
    }
    Ok(())
}

/// A person's name as shown everywhere: 1–32 characters, no control characters.
pub fn display_name(value: &str) -> Result<(), FieldError> {
    named_text("display_name", "姓名", value, 32)
}

/// The name of a branch, cell or youth group: 1–60 characters.
pub fn org_unit_name(value: &str) -> Result<(), FieldError> {
    named_text("name", "名称", value, 60)
}

/// An optional mainland mobile number: 11 digits starting with 1.
pub fn phone(value: &str) -> Result<(), FieldError> {
    if value.len() == 11 && value.starts_with('1') && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::new("phone", "手机号应为11位数字"))
    }
}

/// A new password: 8–128 characters with at least one letter and one digit, and not the username.
pub fn new_password(value: &str, username: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(FieldError::new("new_password", "密码至少需要8个字符"));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(FieldError::new("new_password", "密码不能超过128个字符"));
    }
    let has_letter = value.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    if !has_letter || !has_digit {
        return Err(FieldError::new("new_password", "密码需同时包含字母和数字"));
    }
    if value.eq_ignore_ascii_case(username) {
        return Err(FieldError::new("new_password", "密码不能与账号相同"));
    }
    Ok(())
}

fn named_text(field: &'static str, label: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, format!("{label}不能为空")));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{label}不能超过{max}个字符"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(field, format!("{label}包含无效字符")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_staff_or_phone_numbers() {
        assert!(username("13800138000").is_ok());
        assert!(username("m001").is_ok());
        assert!(username("zhang.san").is_ok());
        assert!(username("ab").is_err());
        assert!(username("张三").is_err());
        assert!(username("a b c").is_err());
        assert!(username(&"a".repeat(33)).is_err());
    }

    #[test]
    fn names_count_characters_not_bytes() {
        // 32 Chinese characters are 96 bytes and still accepted.
        assert!(display_name(&"党".repeat(32)).is_ok());
        assert!(display_name(&"党".repeat(33)).is_err());
        assert!(display_name("   ").is_err());
        assert!(display_name("张\u{7}三").is_err());
        assert!(org_unit_name("机关第一党支部").is_ok());
    }

    #[test]
    fn passwords_need_letters_digits_and_length() {
        assert!(new_password("abc12345", "m001").is_ok());
        assert!(new_password("abc1234", "m001").is_err());
        assert!(new_password("abcdefgh", "m001").is_err());
        assert!(new_password("12345678", "m001").is_err());
        assert!(new_password("Zhang123", "zhang123").is_err());
        assert!(new_password(&format!("a1{}", "x".repeat(127)), "m001").is_err());
        let e = new_password("short1", "m001").unwrap_err();
        assert_eq!(e.field, "new_password");
        assert!(e.message.contains('8'));
    }

    #[test]
    fn phones_are_mainland_mobiles() {
        assert!(phone("13800138000").is_ok());
        assert!(phone("2380013800").is_err());
        assert!(phone("1380013800a").is_err());
    }
}
