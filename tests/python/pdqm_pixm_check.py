"""Checks mpi's PDQm (ITI-78) search and PIXm (ITI-83) $ihe-pix with the independent
`fhirclient` library (SMART on FHIR): searches through the client's search API, the
operation through its server request, answers parsed strictly by the library's models.

Usage: pdqm_pixm_check.py BASE_URL KEY ROBERT_ID MARIA_ID
The caller has registered Robert Johnson (HOSP_A A-1 and CLINIC_C C-77, SSN
219-55-3481, born 1975-04-12) as ROBERT_ID, Maria Garcia (HOSP_B B-9, born 1980-02-03)
as MARIA_ID, and a few others. Every check raises on failure; the script prints one line
per check passed.
"""

import sys
import warnings

from fhirclient import client
from fhirclient.models import operationoutcome, parameters, patient

warnings.simplefilter("ignore", DeprecationWarning)

base, key, robert_id, maria_id = sys.argv[1:5]

smart = client.FHIRClient(settings={"app_id": "mpi-test", "api_base": base + "/fhir/"})
smart.server.session.headers["Authorization"] = "Bearer " + key
smart.prepare()
resource = smart.server.capabilityStatement.rest[0].resource[0]
assert "search-type" in [i.code for i in resource.interaction]
params = {p.name for p in resource.searchParam}
assert {"family", "given", "birthdate", "gender", "identifier", "_id"} <= params, params
assert "ihe-pix" in [o.name for o in resource.operation]
print("capability statement ok")


def search(struct):
    found = patient.Patient.where(struct=struct).perform_resources(smart.server)
    for p in found:
        assert isinstance(p, patient.Patient), type(p)
    return found


found = search({"family": "johnson"})
assert [p.id for p in found] == [robert_id], [p.id for p in found]
systems = sorted(i.system for i in found[0].identifier)
assert "urn:mpi:source:HOSP_A" in systems and "urn:mpi:source:CLINIC_C" in systems, systems
assert found[0].birthDate.isostring == "1975-04-12"
print("pdqm family ok")

found = search({"family": "garcia", "given": "mar", "gender": "female"})
assert [p.id for p in found] == [maria_id], [p.id for p in found]
assert search({"family": "garcia", "gender": "male"}) == []
print("pdqm and ok")

found = search({"identifier": "urn:mpi:source:CLINIC_C|C-77"})
assert [p.id for p in found] == [robert_id]
found = search({"identifier": "http://hl7.org/fhir/sid/us-ssn|219553481"})
assert [p.id for p in found] == [robert_id]
print("pdqm identifier ok")

found = search({"birthdate": "1980-02"})
assert maria_id in [p.id for p in found] and robert_id not in [p.id for p in found]
found = search({"birthdate": "le1975-12-31", "family": "john"})
assert [p.id for p in found] == [robert_id], [p.id for p in found]
print("pdqm birthdate ok")

# paging: the client follows the Bundle's next links
found = search({"family": "j", "_count": "1"})
assert robert_id in [p.id for p in found] and len(found) >= 2, [p.id for p in found]


def pix(query):
    answer = parameters.Parameters(smart.server.request_json("Patient/$ihe-pix?" + query))
    ids = set()
    targets = []
    for p in answer.parameter or []:
        if p.name == "targetIdentifier":
            ids.add(p.valueIdentifier.system + "|" + p.valueIdentifier.value)
        elif p.name == "targetId":
            targets.append(p.valueReference.reference)
    return ids, targets


ids, targets = pix("sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1")
assert ids == {"urn:mpi:source:CLINIC_C|C-77", "http://hl7.org/fhir/sid/us-ssn|219553481"}, ids
assert targets == ["Patient/" + robert_id], targets
print("pixm ok")

ids, _ = pix("sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&targetSystem=urn:mpi:source:CLINIC_C")
assert ids == {"urn:mpi:source:CLINIC_C|C-77"}, ids
print("pixm target system ok")

try:
    smart.server.request_json("Patient/$ihe-pix?sourceIdentifier=urn:mpi:source:HOSP_A%7CNOT-THERE")
    raise AssertionError("an unknown identifier was answered")
except Exception as e:  # fhirclient raises FHIRNotFoundException on 404
    response = getattr(e, "response", None)
    assert response is not None and response.status_code == 404, e
    outcome = operationoutcome.OperationOutcome(response.json())
    assert outcome.issue[0].code == "not-found"
print("pixm not found ok")
