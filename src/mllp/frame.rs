//! MLLP framing: a message travels as `0x0B` (start block), the message bytes, `0x1C 0x0D`
//! (end block, carriage return). The decoder takes bytes as they arrive (split reads,
//! several frames in one read) and hands out whole frames.

/// Start block.
pub const START: u8 = 0x0B;
/// End block (followed by a carriage return).
pub const END: u8 = 0x1C;
/// The carriage return that closes a frame.
pub const CR: u8 = 0x0D;

/// Wraps an answer for the wire.
pub fn encode(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 3);
    out.push(START);
    out.extend_from_slice(message.as_bytes());
    out.push(END);
    out.push(CR);
    out
}

/// What the decoder found in the bytes so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A whole message (the bytes between start and end block).
    Frame(Vec<u8>),
    /// A frame grew past the size limit; its bytes up to its end block are skipped.
    Oversize,
    /// Bytes outside any frame (before a start block) were skipped; how many.
    Garbage(usize),
}

/// Incremental MLLP decoder with a size limit per frame.
#[derive(Debug)]
pub struct Decoder {
    limit: usize,
    buffer: Vec<u8>,
    /// Inside a frame (a start block was seen).
    inside: bool,
    /// Skipping the rest of an oversize frame.
    skipping: bool,
}

impl Decoder {
    /// A decoder refusing frames longer than `limit` bytes.
    pub fn new(limit: usize) -> Decoder {
        Decoder {
            limit,
            buffer: Vec::new(),
            inside: false,
            skipping: false,
        }
    }

    /// True while part of a frame has been read but not its end.
    pub fn mid_frame(&self) -> bool {
        self.inside || self.skipping
    }

    /// Feeds bytes; answers the events they complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut garbage = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.skipping {
                if b == END {
                    self.skipping = false;
                    // the CR after the end block, if it is here, is consumed below as garbage-free
                    if bytes.get(i + 1) == Some(&CR) {
                        i += 1;
                    }
                }
                i += 1;
                continue;
            }
            if !self.inside {
                if b == START {
                    if garbage > 0 {
                        events.push(Event::Garbage(garbage));
                        garbage = 0;
                    }
                    self.inside = true;
                    self.buffer.clear();
                } else if b != CR && b != b'\n' {
                    // a stray CR/LF between frames is common and harmless
                    garbage += 1;
                }
                i += 1;
                continue;
            }
            // inside a frame: copy up to the next end block or start block
            let rest = &bytes[i..];
            let stop = rest.iter().position(|&c| c == END || c == START);
            let take = stop.unwrap_or(rest.len());
            self.buffer.extend_from_slice(&rest[..take]);
            i += take;
            if self.buffer.len() > self.limit {
                self.buffer = Vec::new();
                self.inside = false;
                self.skipping = true;
                events.push(Event::Oversize);
                continue;
            }
            match stop.map(|s| rest[s]) {
                Some(END) => {
                    // the end block; its CR may be in the next read (tolerated if missing)
                    i += 1;
                    if bytes.get(i) == Some(&CR) {
                        i += 1;
                    }
                    self.inside = false;
                    events.push(Event::Frame(std::mem::take(&mut self.buffer)));
                }
                Some(_) => {
                    // a new start block inside a frame: the unfinished frame is lost
                    events.push(Event::Garbage(self.buffer.len() + 1));
                    self.buffer.clear();
                    i += 1;
                }
                None => {}
            }
        }
        if garbage > 0 {
            events.push(Event::Garbage(garbage));
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(events: Vec<Event>) -> Vec<String> {
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Frame(f) => Some(String::from_utf8(f).unwrap()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_frame_split_over_many_reads_comes_out_whole() {
        let wire = encode("MSH|^~\\&|A\rPID|1");
        let mut d = Decoder::new(1024);
        let mut out = Vec::new();
        for byte in &wire {
            out.extend(d.push(std::slice::from_ref(byte)));
            if out.is_empty() {
                assert!(d.mid_frame());
            }
        }
        assert_eq!(frames(out), vec!["MSH|^~\\&|A\rPID|1"]);
        assert!(!d.mid_frame());
    }

    #[test]
    fn two_frames_in_one_read_come_out_in_order() {
        let mut wire = encode("ONE");
        wire.extend(encode("TWO"));
        let mut d = Decoder::new(1024);
        assert_eq!(frames(d.push(&wire)), vec!["ONE", "TWO"]);
    }

    #[test]
    fn an_oversize_frame_is_reported_once_and_skipped_to_its_end() {
        let mut d = Decoder::new(8);
        let mut wire = encode("0123456789ABCDEF");
        wire.extend(encode("OK"));
        let events = d.push(&wire[..6]);
        assert!(events.is_empty());
        let events = d.push(&wire[6..]);
        assert_eq!(events[0], Event::Oversize);
        assert_eq!(frames(events), vec!["OK"]);
    }

    #[test]
    fn a_frame_without_its_end_block_stays_open() {
        let mut d = Decoder::new(1024);
        let mut wire = vec![START];
        wire.extend_from_slice(b"MSH|no end");
        assert!(d.push(&wire).is_empty());
        assert!(d.mid_frame());
        // a new start block abandons the unfinished frame
        let events = d.push(&encode("NEXT"));
        assert!(matches!(events[0], Event::Garbage(_)));
        assert_eq!(frames(events), vec!["NEXT"]);
    }

    #[test]
    fn bytes_outside_a_frame_are_garbage_and_a_missing_cr_is_tolerated() {
        let mut d = Decoder::new(1024);
        let mut wire = b"hello".to_vec();
        wire.push(START);
        wire.extend_from_slice(b"X");
        wire.push(END);
        let events = d.push(&wire);
        assert_eq!(events, vec![Event::Garbage(5), Event::Frame(b"X".to_vec())]);
        assert!(d.push(b"\r\n").is_empty());
    }
}
