-- HL7 v2 over MLLP: every message received, keyed by its sender (MSH-3, MSH-4) and
-- control id (MSH-10), so a resent message is answered with the ACK already sent and
-- changes nothing. The raw text is kept only for messages answered AE or AR (for
-- inspection; it is patient data, readable by stewards and admins only).

CREATE TABLE hl7_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- MSH-3 and MSH-4 (namespace ids); empty when the header could not be read
    sending_application TEXT NOT NULL,
    sending_facility TEXT NOT NULL,
    -- MSH-10, or a generated 'unparsed-…' id for a message without a readable one
    control_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    -- MSH-9 as sent (e.g. ADT^A04), empty when unreadable
    message_type TEXT NOT NULL,
    -- 'pending' while being processed, then the acknowledgement code AA, AE or AR
    status TEXT NOT NULL,
    -- the acknowledgement (or RSP) sent, byte for byte
    ack TEXT NOT NULL DEFAULT '',
    -- what was wrong: segment-sequence-field, HL7 error code, text (no patient data)
    error TEXT NOT NULL DEFAULT '',
    -- the message as received, only for AE and AR
    raw TEXT NOT NULL DEFAULT '',
    answered_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (sending_application, sending_facility, control_id)
);
CREATE INDEX hl7_messages_status ON hl7_messages (status, id);
