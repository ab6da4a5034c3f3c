//! One message in, exactly one answer out: decode, read the header, claim the control id
//! (a resent message gets the stored answer, byte for byte, and changes nothing), check
//! version and processing id, route by message type, then store the answer (with the raw
//! text when refused), audit and log (type, control id, code, time; never content).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::audit::{AuditLog, Entry, Outcome};
use crate::hl7::{AckCode, AckError, ErrorCode, Header, Message, Sender, ack};
use crate::identity::Service;
use crate::store::hl7::{self as stored, Answer, MessageKey};
use crate::store::now_ms;

/// How long a resent message waits for its first delivery to be answered.
const DUPLICATE_WAIT: Duration = Duration::from_secs(30);

/// A claim pending longer than this belongs to a process that stopped mid-message.
const STALE_CLAIM: Duration = Duration::from_secs(120);

/// The message types counted by name in `/metrics` (others count as `other`).
const COUNTED: [&str; 10] = [
    "ADT^A01", "ADT^A04", "ADT^A05", "ADT^A08", "ADT^A28", "ADT^A31", "ADT^A40", "ADT^A37",
    "QBP^Q23", "QBP^Q22",
];

/// What a handler decided: the answer's code, text and problem, or a whole response
/// (RSP) it built; and the ids it touched (for the audit entry).
pub(super) struct Handled {
    pub code: AckCode,
    /// MSA-3 for an accepted message (an error's own text is used otherwise).
    pub text: String,
    pub problem: Option<AckError>,
    /// A query response in full (MSH and MSA included); `None` answers a plain ACK.
    pub response: Option<Message>,
    pub subjects: Vec<String>,
}

impl Handled {
    /// Accepted, with a text and the ids touched.
    pub fn accept(text: &str, subjects: Vec<String>) -> Handled {
        Handled {
            code: AckCode::Accept,
            text: text.to_string(),
            problem: None,
            response: None,
            subjects,
        }
    }

    /// An error (AE) naming the field.
    pub fn error(problem: AckError) -> Handled {
        Handled {
            code: AckCode::Error,
            text: String::new(),
            problem: Some(problem),
            response: None,
            subjects: Vec::new(),
        }
    }

    /// A reject (AR) naming the field.
    pub fn reject(problem: AckError) -> Handled {
        Handled {
            code: AckCode::Reject,
            ..Handled::error(problem)
        }
    }
}

/// A problem at `segment`-`field` (the segment's first occurrence; component 0 for the
/// whole field) with an HL7 error code and plain words.
pub(super) fn problem(
    segment: &str,
    field: usize,
    component: Option<usize>,
    code: ErrorCode,
    text: &str,
) -> AckError {
    let mut error = AckError::at(code, segment, 1, field, text);
    if let Some(location) = error.location.as_mut() {
        location.component = component.unwrap_or(0);
    }
    error
}

/// Counters for `/metrics`: messages by type and answer code (one set per process, as
/// the process has one listener).
#[derive(Default)]
struct MllpMetrics {
    counts: Mutex<BTreeMap<(String, &'static str), u64>>,
}

impl MllpMetrics {
    fn count(&self, message_type: &str, code: &'static str) {
        let kind = if COUNTED.contains(&message_type) {
            message_type
        } else {
            "other"
        };
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry((kind.to_string(), code)).or_default() += 1;
    }

    /// Prometheus text lines.
    fn render(&self) -> String {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::from(
            "# HELP mpi_hl7_messages_total HL7 v2 messages answered over MLLP, by type and acknowledgement code\n# TYPE mpi_hl7_messages_total counter\n",
        );
        for ((kind, code), n) in counts.iter() {
            out.push_str(&format!(
                "mpi_hl7_messages_total{{type=\"{kind}\",code=\"{code}\"}} {n}\n"
            ));
        }
        out
    }
}

static METRICS: std::sync::LazyLock<MllpMetrics> = std::sync::LazyLock::new(MllpMetrics::default);

/// The HL7 counters in Prometheus text: `mpi_hl7_messages_total{type,code}`.
pub fn metrics_text() -> String {
    METRICS.render()
}

/// Answers messages for the listener.
pub struct Handler {
    service: Arc<Service>,
    audit: AuditLog,
}

/// A fresh control id for an answer: `MPI` + milliseconds + a counter.
pub(super) fn next_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("MPI{}{:04}", now_ms(), n % 10_000)
}

/// Message bytes as text, for storing and for reading the header of a message that does
/// not parse: UTF-8, else ISO 8859-1 (one byte, one character).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// The header fields read one by one, for a message whose header is incomplete.
fn loose_header(message: &Message) -> Header {
    let msh = message.segment("MSH");
    let text = |f: usize, c: usize| msh.map_or("", |s| s.text(f, c)).to_string();
    Header {
        sending_application: text(3, 1),
        sending_facility: text(4, 1),
        receiving_application: text(5, 1),
        receiving_facility: text(6, 1),
        message_code: text(9, 1),
        trigger_event: text(9, 2),
        structure: text(9, 3),
        control_id: text(10, 1),
        processing_id: text(11, 1),
        version: text(12, 1),
    }
}

/// `PID-7 102 <text>`: where, which code, why (the texts name fields, never values).
fn describe(problem: &AckError) -> String {
    let at = match &problem.location {
        Some(l) if l.component > 0 => format!("{}-{}.{} ", l.segment, l.field, l.component),
        Some(l) => format!("{}-{} ", l.segment, l.field),
        None => String::new(),
    };
    format!("{at}{} {}", problem.code.number(), problem.message)
}

/// The message's first line (its MSH) alone, for answering a message that does not
/// parse as a whole (a bad segment further down).
fn header_only(text: &str) -> Message {
    let first = text.split(['\r', '\n']).next().unwrap_or("");
    Message::parse(first).unwrap_or(Message {
        delimiters: Default::default(),
        segments: Vec::new(),
    })
}

/// Who mpi is in its answers: the application and facility the message was sent to
/// (MSH-5, MSH-6), `MPI` when it names none.
fn sender(header: &Header) -> Sender {
    let or_mpi = |s: &str| {
        if s.is_empty() {
            "MPI".to_string()
        } else {
            s.to_string()
        }
    };
    Sender {
        application: or_mpi(&header.receiving_application),
        facility: or_mpi(&header.receiving_facility),
    }
}

/// The acknowledgement of `request` (MSA-3 `text` when no error gives one).
pub(super) fn acknowledge(
    request: &Message,
    header: &Header,
    code: AckCode,
    problem: Option<&AckError>,
    text: &str,
) -> Message {
    let errors: Vec<AckError> = problem.into_iter().cloned().collect();
    let mut answer = ack(request, code, &errors, &sender(header), &next_id());
    if errors.is_empty()
        && !text.is_empty()
        && let Some(msa) = answer.segments.iter_mut().find(|s| s.id == "MSA")
    {
        msa.set_text(3, text);
    }
    answer
}

/// What gets stored and audited about one answered message.
struct Done {
    key: MessageKey,
    claim: Option<i64>,
    message_type: String,
    code: AckCode,
    answer: String,
    error: String,
    subjects: Vec<String>,
    /// Not applied for an internal reason: the claim is forgotten so a resend is processed.
    retry: bool,
}

impl Handler {
    /// A handler over the service, with its own audit writer.
    pub fn new(service: Arc<Service>) -> Handler {
        Handler {
            audit: AuditLog::sharing(service.store.clone(), service.audit_pending()),
            service,
        }
    }

    /// Answers one framed message. `subject` is the client certificate's identity under
    /// mutual TLS (the audit actor then).
    pub async fn handle(&self, bytes: &[u8], subject: Option<&str>) -> String {
        let started = Instant::now();
        let text = decode(bytes);
        let (header, request, unreadable) = match Message::parse_bytes(bytes) {
            Ok(message) => match message.header() {
                Ok(header) => (header, message, None),
                Err(error) => (
                    loose_header(&message),
                    message,
                    Some(AckError::from(&error)),
                ),
            },
            Err(error) => {
                let msh = header_only(&text);
                (loose_header(&msh), msh, Some(AckError::from(&error)))
            }
        };
        let message_type = if header.message_code.is_empty() {
            String::new()
        } else {
            format!("{}^{}", header.message_code, header.trigger_event)
        };
        let key = MessageKey {
            sending_application: header.sending_application.clone(),
            sending_facility: header.sending_facility.clone(),
            control_id: if header.control_id.is_empty() {
                format!("unparsed-{}", next_id())
            } else {
                header.control_id.clone()
            },
        };
        let pool = &self.service.store.pool;
        let mut claimed = {
            let _turn = self.write_turn().await;
            stored::claim(pool, &key, &message_type, now_ms()).await
        };
        if matches!(claimed, Ok(None)) {
            // a claim left pending by a process that stopped mid-message was never
            // answered: forget it, so this delivery is processed
            let stale = now_ms() - STALE_CLAIM.as_millis() as i64;
            let _turn = self.write_turn().await;
            if let Ok(n) = stored::release_stale(pool, stale).await
                && n > 0
            {
                claimed = stored::claim(pool, &key, &message_type, now_ms()).await;
            }
        }
        let claim = match claimed {
            Ok(Some(id)) => Some(id),
            Ok(None) => return self.resent(&request, &header, &key, &message_type).await,
            Err(error) => {
                tracing::error!(%error, "hl7 message store unavailable");
                return self.internal_error(&request, &header);
            }
        };
        let handled = match unreadable {
            Some(problem) => Handled::reject(problem),
            None => self.route(&header, &request, subject).await,
        };
        let answer = match &handled.response {
            Some(response) => response.encode(),
            None => acknowledge(
                &request,
                &header,
                handled.code,
                handled.problem.as_ref(),
                &handled.text,
            )
            .encode(),
        };
        let done = Done {
            key,
            claim,
            message_type,
            code: handled.code,
            error: handled.problem.as_ref().map(describe).unwrap_or_default(),
            retry: handled
                .problem
                .as_ref()
                .is_some_and(|p| p.code == ErrorCode::InternalError),
            answer,
            subjects: handled.subjects,
        };
        self.finish(&header, done, &text, subject, started).await
    }

    /// On SQLite, this process's writers take turns (first come, first served) rather
    /// than meet in SQLite's busy wait, which sleeps and is not fair.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.service.store.backend {
            crate::store::Backend::Sqlite => Some(self.service.store.write_gate.lock().await),
            crate::store::Backend::Postgres => None,
        }
    }

    /// A frame larger than the limit: answered AR (its header was not read).
    pub async fn oversize(&self, limit: usize) -> String {
        let header = loose_header(&header_only(""));
        let text = format!("message larger than {limit} bytes");
        let p = AckError::general(ErrorCode::InternalError, &text);
        let answer = acknowledge(&header_only(""), &header, AckCode::Reject, Some(&p), "").encode();
        let key = MessageKey {
            sending_application: String::new(),
            sending_facility: String::new(),
            control_id: format!("unparsed-{}", next_id()),
        };
        let claim = {
            let _turn = self.write_turn().await;
            stored::claim(&self.service.store.pool, &key, "", now_ms()).await
        }
        .ok()
        .flatten();
        let done = Done {
            key,
            claim,
            message_type: String::new(),
            code: AckCode::Reject,
            error: describe(&p),
            retry: false,
            answer,
            subjects: Vec::new(),
        };
        // the oversize text itself is not kept
        self.finish(&header, done, "", None, Instant::now()).await
    }

    async fn route(&self, header: &Header, message: &Message, subject: Option<&str>) -> Handled {
        if !super::supported_version(&header.version) {
            return Handled::reject(problem(
                "MSH",
                12,
                None,
                ErrorCode::UnsupportedVersion,
                "versions 2.3 to 2.8 are supported",
            ));
        }
        if !matches!(header.processing_id.as_str(), "P" | "T" | "D" | "") {
            return Handled::reject(problem(
                "MSH",
                11,
                None,
                ErrorCode::UnsupportedProcessingId,
                "processing id must be P, T or D",
            ));
        }
        let actor = match subject {
            Some(s) => format!("hl7:{s}"),
            None => actor(header),
        };
        let reason = format!(
            "HL7 {} control id {}",
            message_type(header),
            header.control_id
        );
        let act = crate::identity::Act {
            actor: &actor,
            reason: &reason,
        };
        let result = match (header.message_code.as_str(), header.trigger_event.as_str()) {
            ("ADT", "A01" | "A04" | "A05" | "A08" | "A28" | "A31") => {
                super::adt::register(&self.service, message).await
            }
            ("ADT", "A40") => super::adt::merge(&self.service, message, act).await,
            ("ADT", "A37") => super::adt::unlink(&self.service, message, act).await,
            ("QBP", "Q23") => super::query::pix(&self.service, header, message).await,
            ("QBP", "Q22") => super::query::pdq(&self.service, header, message).await,
            ("ADT", _) | ("QBP", _) => Ok(Handled::reject(problem(
                "MSH",
                9,
                Some(2),
                ErrorCode::UnsupportedEvent,
                "trigger event not supported (ADT: A01 A04 A05 A08 A28 A31 A40 A37; QBP: Q22 Q23)",
            ))),
            _ => Ok(Handled::reject(problem(
                "MSH",
                9,
                Some(1),
                ErrorCode::UnsupportedMessageType,
                "message type not supported (ADT, QBP)",
            ))),
        };
        result.unwrap_or_else(|error| {
            tracing::error!(%error, "hl7 message failed");
            Handled::reject(AckError::general(
                ErrorCode::InternalError,
                "internal error; the message was not applied, send it again",
            ))
        })
    }

    /// Stores the answer (the raw text only when refused), audits, logs, counts.
    async fn finish(
        &self,
        header: &Header,
        done: Done,
        raw: &str,
        subject: Option<&str>,
        started: Instant,
    ) -> String {
        let code = done.code.code();
        let internal = done.retry;
        if let Some(id) = done.claim {
            let _turn = self.write_turn().await;
            let result = if internal {
                // not applied: forget the claim so that the resend is processed
                stored::release(&self.service.store.pool, id).await
            } else {
                let answer = Answer {
                    status: code,
                    ack: &done.answer,
                    error: &done.error,
                    raw: if done.code == AckCode::Accept {
                        ""
                    } else {
                        raw
                    },
                };
                stored::finish(&self.service.store.pool, id, &answer, now_ms()).await
            };
            if let Err(error) = result {
                tracing::error!(%error, "hl7 answer could not be stored");
            }
        }
        let mut entry = Entry::new(
            &match subject {
                Some(s) => format!("hl7:{s}"),
                None => actor(header),
            },
            "integration",
            &format!("hl7.{}", non_empty(&done.message_type)),
            match done.code {
                AckCode::Accept => Outcome::Ok,
                _ if internal => Outcome::Error,
                _ => Outcome::Rejected,
            },
        );
        entry.request_id = format!("hl7:{}", done.key.control_id);
        entry.subjects = done.subjects;
        entry.reason = Some(if done.error.is_empty() {
            code.to_string()
        } else {
            format!("{code} {}", done.error)
        });
        if let Err(error) = self.audit.record(entry).await {
            tracing::error!(%error, "hl7 audit entry failed");
        }
        METRICS.count(non_empty(&done.message_type), code);
        tracing::info!(
            message_type = %non_empty(&done.message_type),
            control_id = %done.key.control_id,
            ack = code,
            error = %done.error,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "hl7 message answered"
        );
        done.answer
    }

    /// A resent control id: the stored answer once the first delivery is answered.
    async fn resent(
        &self,
        request: &Message,
        header: &Header,
        key: &MessageKey,
        message_type: &str,
    ) -> String {
        let deadline = Instant::now() + DUPLICATE_WAIT;
        loop {
            match stored::stored(&self.service.store.pool, key).await {
                Ok(Some((status, answer))) if status != stored::PENDING => {
                    METRICS.count(non_empty(message_type), "duplicate");
                    tracing::info!(
                        message_type = %non_empty(message_type),
                        control_id = %key.control_id,
                        ack = %status,
                        "hl7 resent message answered as before"
                    );
                    return answer;
                }
                Ok(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok(_) => return self.internal_error(request, header),
                Err(error) => {
                    tracing::error!(%error, "hl7 message store unavailable");
                    return self.internal_error(request, header);
                }
            }
        }
    }

    /// AR 207, not stored: the sender should send the message again later.
    fn internal_error(&self, request: &Message, header: &Header) -> String {
        let text = "internal error; the message was not applied, send it again";
        let p = AckError::general(ErrorCode::InternalError, text);
        acknowledge(request, header, AckCode::Reject, Some(&p), "").encode()
    }
}

fn non_empty(message_type: &str) -> &str {
    if message_type.is_empty() {
        "unknown"
    } else {
        message_type
    }
}

fn message_type(header: &Header) -> String {
    format!("{}^{}", header.message_code, header.trigger_event)
}

/// The audit actor of a feed: `hl7:<MSH-3>@<MSH-4>`.
fn actor(header: &Header) -> String {
    format!(
        "hl7:{}@{}",
        header.sending_application, header.sending_facility
    )
}
