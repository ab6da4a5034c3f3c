//! ADT^A40 (merge patient) over MLLP for a subscription whose URL is `mllp://host:port`:
//! when persons merge, the survivor's PID (its enterprise id, its records' MRNs and its
//! golden record) and the loser's MRG, sent framed and answered by an HL7 ACK. The same
//! ordering, retries and dead letters as the webhooks apply.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::deliver::Answer;
use crate::domain::RawRecord;
use crate::hl7::{Identifier, Message, MessageBuilder, Segment, mrg_segment, pid_segment};
use crate::identity::outcome::RecordRef;
use crate::identity::{PersonLookup, Service};
use crate::store::events::Event;
use crate::store::webhooks::Delivery;

/// MLLP framing: start block, end block and carriage return.
const START: u8 = 0x0b;
const END: [u8; 2] = [0x1c, 0x0d];
/// The assigning authority of mpi's enterprise person ids in PID-3 and MRG-1.
pub const AUTHORITY: &str = "MPI";

/// `host:port` of an `mllp://host:port` URL.
pub fn destination(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("mllp://")?.trim_end_matches('/');
    let (host, port) = rest.rsplit_once(':')?;
    (!host.is_empty() && port.parse::<u16>().is_ok()).then_some(rest)
}

fn person_id(id: &str) -> Identifier {
    Identifier {
        id: id.to_string(),
        authority: AUTHORITY.to_string(),
        type_code: "PI".to_string(),
    }
}

/// `SOURCE/ID` as written in a merge event's `records`.
fn record_ref(text: &str) -> Option<RecordRef> {
    let (source, source_id) = text.split_once('/')?;
    Some(RecordRef {
        source: source.to_string(),
        source_id: source_id.to_string(),
    })
}

/// The A40 of a `persons.merged` event, with the survivor as it is now.
pub async fn message(
    service: &Service,
    delivery: &Delivery,
    event: &Event,
) -> Result<Message, String> {
    let payload: serde_json::Value =
        serde_json::from_str(&event.payload).map_err(|_| "event payload unreadable")?;
    let text = |k: &str| payload.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let (survivor, loser) = (text("survivor"), text("loser"));
    if event.kind != "persons.merged" || survivor.is_empty() || loser.is_empty() {
        return Err("not a merge event".into());
    }
    let moved: Vec<RecordRef> = payload["records"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().and_then(record_ref))
                .collect()
        })
        .unwrap_or_default();
    let (records, golden) = match service.person(survivor).await {
        Ok(PersonLookup::Found(view)) => (view.records, view.golden),
        _ => (Vec::new(), RawRecord::default()),
    };
    let mut identifiers = vec![person_id(survivor)];
    identifiers.extend(records.iter().map(Identifier::mrn));
    let mut prior = vec![person_id(loser)];
    prior.extend(moved.iter().map(Identifier::mrn));
    let mut evn = Segment::new("EVN");
    evn.set_text(2, &crate::hl7::timestamp((event.created_at / 1000) as u64));
    Ok(MessageBuilder::new(
        ("MPI", "MPI"),
        ("", ""),
        ("ADT", "A40", "ADT_A39"),
        &format!("MPI{}-{}", delivery.id, delivery.attempts + 1),
        "2.5.1",
    )
    .push(evn)
    .push(pid_segment(&identifiers, &golden))
    .push(mrg_segment(&prior))
    .build())
}

/// Sends `message` to `host:port` over MLLP and reads the ACK: `AA`/`CA` is accepted,
/// anything else (or no answer within `timeout`) a failure to retry.
pub async fn send(address: &str, message: &Message, timeout: Duration) -> Answer {
    match tokio::time::timeout(timeout, exchange(address, message)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => Answer::Failed(error),
        Err(_) => Answer::Failed("timed out".into()),
    }
}

async fn exchange(address: &str, message: &Message) -> Result<Answer, String> {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|_| "could not connect")?;
    let mut frame = vec![START];
    frame.extend_from_slice(message.encode().as_bytes());
    frame.extend_from_slice(&END);
    stream
        .write_all(&frame)
        .await
        .map_err(|_| "connection broken")?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while !reply.windows(2).any(|w| w == END) {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|_| "connection broken")?;
        if n == 0 {
            return Err("no ACK".into());
        }
        reply.extend_from_slice(&buf[..n]);
        if reply.len() > 1 << 20 {
            return Err("ACK too long".into());
        }
    }
    let ack = Message::parse_bytes(&reply).map_err(|_| "ACK unreadable")?;
    let code = ack
        .segment("MSA")
        .map(|msa| msa.text(1, 1).to_string())
        .unwrap_or_default();
    Ok(match code.as_str() {
        "AA" | "CA" => Answer::Accepted(0),
        _ => Answer::Failed(format!(
            "HL7 ACK {}",
            if code.is_empty() {
                "without MSA"
            } else {
                &code
            }
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_host_and_port() {
        assert_eq!(destination("mllp://10.0.0.5:2575"), Some("10.0.0.5:2575"));
        assert_eq!(
            destination("mllp://engine.local:2575/"),
            Some("engine.local:2575")
        );
        assert_eq!(destination("mllp://engine.local"), None);
        assert_eq!(destination("mllp://:2575"), None);
        assert_eq!(destination("http://x:1"), None);
    }
}
