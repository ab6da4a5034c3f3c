//! ER7 text to `Message`.

use super::{Header, Message, ParseError};

pub(super) fn message(_text: &str) -> Result<Message, ParseError> {
    todo!("hl7 parser")
}

pub(super) fn header(_message: &Message) -> Result<Header, ParseError> {
    todo!("hl7 header")
}
