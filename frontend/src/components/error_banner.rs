use crate::api::{self, ApiError};
use crate::i18n::{t, K};

/// The sentence to show for a failed call: the server's own zh-CN message, or the app's
/// text (in the current language) for transport failures.
pub fn error_text(e: &ApiError) -> String {
    match e.code.as_str() {
        api::NETWORK => t(K::NetworkError).to_string(),
        api::BAD_RESPONSE => t(K::ServerError).to_string(),
        _ => e.message.clone(),
    }
}
