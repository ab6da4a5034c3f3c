"""An HL7 v2 feed for mpi's MLLP listener, built and read with independent libraries.

Usage: hl7_feed.py HOST PORT

Messages are built with `hl7apy` (ADT, QBP, custom encoding characters, versions 2.3 to
2.8), sent over a real socket with python-hl7's `MLLPClient`, and every answer is parsed
with python-hl7. Broken input (garbage frames, a peer vanishing mid-message, oversize
frames, wrong versions) goes over raw sockets. Prints one JSON line per step:
{"step", "ack", "msa1", "msa2", "msa3", "err", "qak2", "qak4", "pid3", "pid5"}, and
{"phi": {...}} lines naming the patient values sent (for the PHI-in-logs check).
"""

import json
import socket
import sys
import threading

import hl7
from hl7.client import MLLPClient
from hl7apy.core import Message

HOST, PORT = sys.argv[1], int(sys.argv[2])
SB, EB, CR = b"\x0b", b"\x1c", b"\x0d"

ROBERT = {
    "given_name": "ROBERT", "middle_name": "ALAN", "family_name": "JOHNSON",
    "birth_date": "19750412", "ssn": "219-55-3481", "phone": "6175550142",
    "address_line": "12 Elm St & Oak Ave", "city": "Boston", "postal_code": "02118",
}
MARIA = {"given_name": "MARIA", "family_name": "GARCIA", "birth_date": "19800203"}
QUENTIN = {"given_name": "QUENTIN", "family_name": "PUBLICOVA", "birth_date": "19620930"}
NADIA = {"given_name": "NADIA", "family_name": "OKONKWO", "birth_date": "19910516"}


def phi(values, *source_ids):
    out = dict(values)
    for i, s in enumerate(source_ids):
        out["source_id" if i == 0 else f"source_id_{i}"] = s
    print(json.dumps({"phi": out}), flush=True)
    for s in source_ids[1:]:
        print(json.dumps({"phi": {"source_id": s}}), flush=True)


def adt(event, control, facility, pid3, pid5=None, pid7=None, pid8=None, pid11=None,
        pid13=None, version="2.5", sender="ADT_SYS", encoding=None, extra=None):
    """An ADT message built with hl7apy; pid3 is a list of CX repetitions."""
    kwargs = {"version": version}
    if encoding:
        kwargs["encoding_chars"] = encoding
    m = Message("ADT_A01", **kwargs)
    comp = encoding["COMPONENT"] if encoding else "^"
    m.msh.msh_3 = sender
    m.msh.msh_4 = facility
    m.msh.msh_5 = "MPI"
    m.msh.msh_6 = "MPI"
    m.msh.msh_9 = comp.join(["ADT", event, "ADT_A01"])
    m.msh.msh_10 = control
    m.msh.msh_11 = "P"
    m.add_segment("EVN")
    m.evn.evn_2 = "20250101120000"
    if encoding:
        # with custom encoding characters hl7apy escapes them in whole values: set the
        # components one by one (pid3: [(id, authority, type)], pid5: (family, given))
        for cx_id, authority, type_code in pid3:
            f = m.pid.add_field("pid_3")
            f.cx_1, f.cx_4, f.cx_5 = cx_id, authority, type_code
        m.pid.pid_5.xpn_1, m.pid.pid_5.xpn_2 = pid5
        pid3, pid5 = [], None
    for cx in pid3:
        m.pid.add_field("pid_3").value = cx
    for name, value in ((5, pid5), (7, pid7), (8, pid8), (11, pid11), (13, pid13)):
        if value is not None:
            setattr(m.pid, f"pid_{name}", value)
    m.add_segment("PV1")
    m.pv1.pv1_2 = "O"
    for seg, field, value in extra or []:
        s = m.add_segment(seg)
        setattr(s, f"{seg.lower()}_{field}", value)
    return m.to_er7()


def qbp(event, control, qpd3, qpd4=None, tag="Q-1", quantity=None):
    """A QBP^Q23 (PIX) or QBP^Q22 (PDQ) built with hl7apy; qpd3 is a list of repetitions."""
    m = Message("QBP_Q21", version="2.5")
    m.msh.msh_3 = "PIX_CONSUMER"
    m.msh.msh_4 = "CLINIC_C"
    m.msh.msh_5 = "MPI"
    m.msh.msh_6 = "MPI"
    m.msh.msh_9 = f"QBP^{event}^QBP_Q21"
    m.msh.msh_10 = control
    m.msh.msh_11 = "P"
    name = "IHE PIX Query" if event == "Q23" else "IHE PDQ Query"
    m.qpd.qpd_1 = f"{'IHE PIX Query' if event == 'Q23' else 'IHE PDQ Query'}"
    m.qpd.qpd_2 = tag
    for rep in qpd3:
        m.qpd.add_field("qpd_3").value = rep
    for rep in qpd4 or []:
        m.qpd.add_field("qpd_4").value = rep
    m.rcp.rcp_1 = "I"
    if quantity:
        m.rcp.rcp_2 = f"{quantity}^RD"
    del name
    return m.to_er7()


def summary(step, ack_text):
    """The answer parsed with python-hl7."""
    out = {"step": step, "ack": ack_text}
    parsed = hl7.parse(ack_text.replace("\n", "\r"))
    msa = parsed.segment("MSA")
    out["msa1"] = str(msa[1])
    out["msa2"] = str(msa[2])
    out["msa3"] = str(msa[3]) if len(msa) > 3 else ""
    out["err"] = [str(s) for s in parsed if str(s[0]) == "ERR"]
    qak = [s for s in parsed if str(s[0]) == "QAK"]
    if qak:
        out["qak2"] = str(qak[0][2])
        out["qak4"] = str(qak[0][4]) if len(qak[0]) > 4 else ""
    out["pid3"] = [str(s[3]) for s in parsed if str(s[0]) == "PID"]
    out["pid5"] = [str(s[5]) if len(s) > 5 else "" for s in parsed if str(s[0]) == "PID"]
    out["msh9"] = str(parsed.segment("MSH")[9])
    return out


def emit(step, ack_text):
    print(json.dumps(summary(step, ack_text)), flush=True)


def raw_exchange(payload, read=True):
    """Sends bytes on a fresh raw socket; answers the first framed reply (text)."""
    with socket.create_connection((HOST, PORT), timeout=30) as s:
        s.sendall(payload)
        if not read:
            return None
        data = b""
        while EB + CR not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data[data.index(SB) + 1:data.index(EB)].decode("utf-8")


client = MLLPClient(HOST, PORT)


def unframe(answer):
    """python-hl7 hands back the frame: start block, message, end block, CR."""
    return answer.decode("utf-8").strip("\x0b\x1c\r")


def send(step, message):
    emit(step, unframe(client.send_message(message)))


# --- registration and update --------------------------------------------------------
phi(ROBERT, "HA-40411", "CC-7702")
robert_a04 = adt(
    "A04", "MSG-0001", "HOSP_A",
    ["HA-40411^^^HOSP_A^MR", "219-55-3481^^^SSA^SS"],
    pid5="JOHNSON^ROBERT^ALAN~JOHNSTON^BOB^^^^^A", pid7="19750412", pid8="M",
    pid11="12 Elm St \\T\\ Oak Ave^^Boston^MA^02118^^H", pid13="^PRN^PH^^^617^5550142",
    extra=[("ZPI", 1, "site specific")],
)
send("a04_new", robert_a04)
# A08: sex cleared with "", address (PID-11) and phone (PID-13) not sent: kept
send("a08_update", adt(
    "A08", "MSG-0002", "HOSP_A", ["HA-40411^^^HOSP_A^MR"],
    pid5="JOHNSON^ROBERT^ALAN", pid7="19750412", pid8='""',
))
# the A04 again (same control id): the same ACK, and it must not set the sex back
send("a04_resent", robert_a04)
send("a01_clinic", adt(
    "A01", "MSG-0003", "CLINIC_C", ["CC-7702^^^CLINIC_C^MR", "219-55-3481^^^SSA^SS"],
    pid5="JOHNSON^ROBERT^ALAN", pid7="19750412", pid8="M",
))
phi(MARIA, "HB-90009")
send("a28_other", adt(
    "A28", "MSG-0004", "HOSP_B", ["HB-90009^^^HOSP_B^PI"],
    pid5="GARCIA^MARIA", pid7="19800203", pid8="F",
))
phi(QUENTIN, "HA-40412")
send("a05_second", adt(
    "A05", "MSG-0005", "HOSP_A", ["HA-40412^^^HOSP_A^MR"],
    pid5="PUBLICOVA^QUENTIN", pid7="19620930", pid8="M",
))
send("a31_v231", adt(
    "A31", "MSG-0006", "HOSP_A", ["HA-40412^^^HOSP_A^MR"],
    pid5="PUBLICOVA^QUENTIN^J", version="2.3.1",
))

# --- merge ------------------------------------------------------------------------
def a40(control, survivor, prior):
    m = Message("ADT_A39", version="2.5")
    m.msh.msh_3 = "ADT_SYS"
    m.msh.msh_4 = "HOSP_A"
    m.msh.msh_9 = "ADT^A40^ADT_A39"
    m.msh.msh_10 = control
    m.msh.msh_11 = "P"
    m.add_segment("EVN")
    m.evn.evn_2 = "20250101120000"
    pid = m.add_segment("PID")
    pid.pid_3 = survivor
    mrg = m.add_segment("MRG")
    mrg.mrg_1 = prior
    return m.to_er7()


send("a40_merge", a40("MSG-0007", "HA-40411^^^HOSP_A^MR", "HA-40412^^^HOSP_A^MR"))
send("a40_again", a40("MSG-0008", "HA-40411^^^HOSP_A^MR", "HA-40412^^^HOSP_A^MR"))
send("a40_unknown_prior", a40("MSG-0009", "HA-40411^^^HOSP_A^MR", "HA-49999^^^HOSP_A^MR"))

# --- PIX ---------------------------------------------------------------------------
send("q23_found", qbp("Q23", "MSG-0010", ["HA-40411^^^HOSP_A"]))
send("q23_domain", qbp("Q23", "MSG-0011", ["HA-40411^^^HOSP_A"], ["^^^CLINIC_C"]))
send("q23_not_found", qbp("Q23", "MSG-0012", ["HB-90009^^^HOSP_B"]))
send("q23_unknown_id", qbp("Q23", "MSG-0013", ["HA-00000^^^HOSP_A"]))
send("q23_unknown_domain", qbp("Q23", "MSG-0014", ["HA-40411^^^HOSP_A"], ["^^^NOWHERE"]))

# --- PDQ ---------------------------------------------------------------------------
send("q22_hits", qbp("Q22", "MSG-0015",
                     ["@PID.5.1^JOHNSON", "@PID.5.2^ROBERT", "@PID.7^19750412"], quantity=10))
send("q22_by_id", qbp("Q22", "MSG-0016", ["@PID.3.1^HB-90009", "@PID.3.4^HOSP_B"]))
send("q22_none", qbp("Q22", "MSG-0017", ["@PID.5.1^NOBODYATALL", "@PID.7^19440229"]))

# --- unlink (A37) ------------------------------------------------------------------
def a37(control, first, second):
    m = Message("ADT_A37", version="2.5")
    m.msh.msh_3 = "ADT_SYS"
    m.msh.msh_4 = "CLINIC_C"
    m.msh.msh_9 = "ADT^A37^ADT_A37"
    m.msh.msh_10 = control
    m.msh.msh_11 = "P"
    m.add_segment("EVN")
    m.evn.evn_2 = "20250101120000"
    p1 = m.add_segment("PID")
    p1.pid_3 = first
    p2 = m.add_segment("PID")
    p2.pid_3 = second
    return m.to_er7()


send("a37_unlink", a37("MSG-0018", "HA-40411^^^HOSP_A^MR", "CC-7702^^^CLINIC_C^MR"))

# --- what real feeds send ------------------------------------------------------------
phi(NADIA, "HA-40413", "HA-40414", "HA-40415", "HA-40416")
custom = {"FIELD": "#", "COMPONENT": "@", "REPETITION": "*", "ESCAPE": "$",
          "SUBCOMPONENT": "%", "GROUP": "\r", "SEGMENT": "\r"}
send("custom_delimiters", adt(
    "A04", "MSG-0019", "HOSP_A", [("HA-40413", "HOSP_A", "MR")],
    pid5=("OKONKWO", "NADIA"), pid7="19910516", pid8="F", encoding=custom,
))
lf = adt("A04", "MSG-0020", "HOSP_A", ["HA-40414^^^HOSP_A^MR"],
         pid5="OKONKWO^NADIA", pid7="19910516", pid8="F").replace("\r", "\n") + "|\n"
send("lf_line_ends", lf)
send("v23", adt("A04", "MSG-0021", "HOSP_A", ["HA-40415^^^HOSP_A^MR"],
                pid5="OKONKWO^NADIA", pid7="19910516", version="2.3"))
send("v28", adt("A04", "MSG-0022", "HOSP_A", ["HA-40416^^^HOSP_A^MR"],
                pid5="OKONKWO^NADIA", pid7="19910516", version="2.8"))

# --- broken messages -----------------------------------------------------------------
send("no_msh", "PID|1||HA-40417^^^HOSP_A^MR||OKONKWO^NADIA")
send("bad_segment_id", adt("A04", "MSG-0023", "HOSP_A", ["HA-40417^^^HOSP_A^MR"],
                           pid5="OKONKWO^NADIA") + "\rp1d|x")
send("bad_date", adt("A04", "MSG-0024", "HOSP_A", ["HA-40418^^^HOSP_A^MR"],
                     pid5="OKONKWO^NADIA", pid7="19911345"))
send("no_authority", adt("A04", "MSG-0025", "HOSP_A", ["HA-40419^^^^MR"],
                         pid5="OKONKWO^NADIA", pid7="19910516"))
send("version_22", adt("A04", "MSG-0026", "HOSP_A", ["HA-40420^^^HOSP_A^MR"],
                       pid5="OKONKWO^NADIA", version="2.2"))
v30 = adt("A04", "MSG-0027", "HOSP_A", ["HA-40421^^^HOSP_A^MR"], pid5="OKONKWO^NADIA")
send("version_30", v30.replace("|P|2.5", "|P|3.0", 1))
oru = Message("ORU_R01", version="2.5")
oru.msh.msh_3 = "LAB_SYS"
oru.msh.msh_4 = "LAB_C"
oru.msh.msh_9 = "ORU^R01^ORU_R01"
oru.msh.msh_10 = "MSG-0028"
oru.msh.msh_11 = "P"
send("unsupported_type", oru.to_er7())
send("unsupported_trigger", adt("A02", "MSG-0029", "HOSP_A", ["HA-40411^^^HOSP_A^MR"]))
send("processing_id", adt("A04", "MSG-0030", "HOSP_A", ["HA-40411^^^HOSP_A^MR"])
     .replace("|P|2.5", "|X|2.5", 1))
client.close()

# a garbage frame gets an answer, the connection and the listener live on
emit("garbage_frame", raw_exchange(SB + b"\x00\x01\x02 not hl7 at all" + EB + CR))
# a peer that vanishes mid-message
raw_exchange(SB + b"MSH|^~\\&|ADT_SYS|HOSP_A|MPI|MPI||", read=False)
# an oversize frame is refused; the same connection then carries on
with socket.create_connection((HOST, PORT), timeout=60) as s:
    s.sendall(SB + b"MSH|" + b"X" * (1024 * 1024 + 10) + EB + CR)
    good = adt("A04", "MSG-0031", "HOSP_A", ["HA-40411^^^HOSP_A^MR"],
               pid5="JOHNSON^ROBERT^ALAN", pid7="19750412")
    s.sendall(SB + good.encode() + EB + CR)
    data = b""
    while data.count(EB + CR) < 2:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    frames = [f.strip(b"\x0b\r\n") for f in data.split(EB + CR) if f.strip()]
    emit("oversize", frames[0].decode())
    emit("after_oversize", frames[1].decode())
# a new connection after all that
fresh = MLLPClient(HOST, PORT)
emit("after_broken", unframe(fresh.send_message(adt(
    "A08", "MSG-0032", "HOSP_A", ["HA-40411^^^HOSP_A^MR"], pid5="JOHNSON^ROBERT^ALAN",
    pid7="19750412"))))
fresh.close()

# --- several connections at once -------------------------------------------------------
results = {}


def worker(n):
    c = MLLPClient(HOST, PORT)
    codes = []
    for i in range(5):
        msg = adt("A04", f"MSG-C{n}-{i}", "HOSP_D", [f"HD-{n}{i:03d}^^^HOSP_D^MR"],
                  pid5=f"WORKER{n}^PATIENT{i}", pid7="19700101")
        codes.append(summary("c", unframe(c.send_message(msg)))["msa1"])
    c.close()
    results[n] = codes


def duplicate(n, message):
    c = MLLPClient(HOST, PORT)
    results[f"dup{n}"] = unframe(c.send_message(message))
    c.close()


threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
same = adt("A04", "MSG-0033", "HOSP_D", ["HD-77777^^^HOSP_D^MR"], pid5="SAMETIME^SAM",
           pid7="19700101")
threads += [threading.Thread(target=duplicate, args=(n, same)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"step": "concurrent", "codes": [results[n] for n in range(6)],
                  "duplicates": [results[f"dup{n}"] for n in range(4)]}), flush=True)
print(json.dumps({"phi": {"source_id": "HD-77777", "family_name": "SAMETIME"}}), flush=True)
