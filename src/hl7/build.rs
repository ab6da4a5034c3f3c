//! `Message` to ER7 text, and the builder for the messages mpi sends (ACK, RSP, ADT^A40).

use super::{Delimiters, Message, Segment};

pub(super) fn encode(_message: &Message) -> String {
    todo!("hl7 encode")
}

/// Builds an outgoing message: MSH filled from the arguments, then segments in order.
#[derive(Debug, Clone)]
pub struct MessageBuilder {
    message: Message,
}

impl MessageBuilder {
    /// A message with an MSH segment: delimiters `|^~\&`, MSH-7 now (UTC, `YYYYMMDDHHMMSS`),
    /// MSH-9 `code^trigger^structure`, MSH-10 `control_id`, MSH-11 `P`, MSH-12 `version`.
    /// MSH-3/4 are mpi's application and facility; MSH-5/6 the peer's (from the message being
    /// answered).
    pub fn new(
        _sending: (&str, &str),
        _receiving: (&str, &str),
        _message_type: (&str, &str, &str),
        _control_id: &str,
        _version: &str,
    ) -> MessageBuilder {
        let _ = Delimiters::default();
        todo!("hl7 builder")
    }

    /// Appends a segment.
    pub fn push(mut self, segment: Segment) -> MessageBuilder {
        self.message.segments.push(segment);
        self
    }

    /// The message built.
    pub fn build(self) -> Message {
        self.message
    }
}
