//! The text-size setting (文字大小: 标准 / 大 / 特大) for older members: chosen in the account
//! menu, kept on the device, applied as a class on `<html>` that scales every font size in
//! `style.css` (`--ts`), so layouts reflow instead of zooming past the screen's edge.

use crate::browser;
use crate::i18n::K;

/// Where the choice is kept on the device.
const STORAGE_KEY: &str = "beacon.textSize";

/// One of the three text sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    #[default]
    Standard,
    Large,
    XLarge,
}

impl TextSize {
    /// Every size, smallest first (the menu's order).
    pub const ALL: [TextSize; 3] = [TextSize::Standard, TextSize::Large, TextSize::XLarge];

    /// The value kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
            TextSize::XLarge => "xlarge",
        }
    }

    /// A stored value; anything unknown (or nothing) is the standard size.
    pub fn parse(s: Option<&str>) -> TextSize {
        TextSize::ALL
            .into_iter()
            .find(|t| Some(t.as_str()) == s)
            .unwrap_or_default()
    }

    /// The class on `<html>` (`style.css` sets `--ts` for it); none for the standard size.
    pub fn class(self) -> &'static str {
        match self {
            TextSize::Standard => "",
            TextSize::Large => "ts-large",
            TextSize::XLarge => "ts-xlarge",
        }
    }

    /// The size's name in the menu.
    pub fn label(self) -> K {
        match self {
            TextSize::Standard => K::TextSizeStandard,
            TextSize::Large => K::TextSizeLarge,
            TextSize::XLarge => K::TextSizeXLarge,
        }
    }
}

/// The size chosen on this device.
pub fn current() -> TextSize {
    TextSize::parse(browser::stored(STORAGE_KEY).as_deref())
}

/// Applies the size chosen on this device (at start-up).
pub fn init() {
    browser::set_root_class(current().class());
}

/// Chooses a size: applied at once and kept for the next visit.
pub fn choose(size: TextSize) {
    browser::set_stored(STORAGE_KEY, size.as_str());
    browser::set_root_class(size.class());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_unknown_ones_are_standard() {
        for t in TextSize::ALL {
            assert_eq!(TextSize::parse(Some(t.as_str())), t);
        }
        assert_eq!(TextSize::parse(None), TextSize::Standard);
        assert_eq!(TextSize::parse(Some("huge")), TextSize::Standard);
    }

    #[test]
    fn only_larger_sizes_set_a_class() {
        assert_eq!(TextSize::Standard.class(), "");
        assert_ne!(TextSize::Large.class(), TextSize::XLarge.class());
        assert!(TextSize::XLarge.class().starts_with("ts-"));
    }
}
