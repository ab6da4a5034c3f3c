"""Checks mpi's FHIR endpoints with the independent `fhirclient` library (SMART on FHIR).

Usage: fhir_client_check.py BASE_URL PERSON_ID OTHER_PERSON_ID MERGED_OR_EMPTY
The caller has registered Robert Johnson (two sources, SSN 219-55-3481, born
1975-04-12) as PERSON_ID and Maria Garcia as OTHER_PERSON_ID. Every check raises on
failure; the script prints one line per check passed.
"""

import sys

from fhirclient import client
from fhirclient.models import (
    bundle,
    fhirdate,
    humanname,
    identifier,
    operationoutcome,
    parameters,
    patient,
)

base, person_id, other_id, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

smart = client.FHIRClient(settings={"app_id": "mpi-test", "api_base": base + "/fhir/"})
# an API key as the bearer credential on every request the client makes
smart.server.session.headers["Authorization"] = "Bearer " + key
# fetches and strictly parses the CapabilityStatement
smart.prepare()
capability = smart.server.capabilityStatement
assert capability.fhirVersion == "4.0.1", capability.fhirVersion
ops = [o.name for o in capability.rest[0].resource[0].operation]
assert "match" in ops, ops
print("capability statement ok")

# read: the person as a Patient, parsed strictly by the library's models
p = patient.Patient.read(person_id, smart.server)
assert p.id == person_id
assert p.active is True
systems = sorted(i.system for i in p.identifier)
assert "urn:mpi:source:HOSP_A" in systems and "urn:mpi:source:CLINIC_C" in systems, systems
assert p.birthDate.isostring == "1975-04-12", p.birthDate.isostring
assert p.gender == "male"
assert p.name[0].family.upper() == "JOHNSON"
print("patient read ok")


def match_parameters(given, family, birth, ssn=None, count=None, only_certain=None):
    query = patient.Patient()
    name = humanname.HumanName()
    name.family = family
    name.given = [given]
    query.name = [name]
    query.birthDate = fhirdate.FHIRDate(birth)
    if ssn:
        ident = identifier.Identifier()
        ident.system = "http://hl7.org/fhir/sid/us-ssn"
        ident.value = ssn
        query.identifier = [ident]
    params = parameters.Parameters()
    resource = parameters.ParametersParameter()
    resource.name = "resource"
    resource.resource = query
    params.parameter = [resource]
    if count is not None:
        c = parameters.ParametersParameter()
        c.name = "count"
        c.valueInteger = count
        params.parameter.append(c)
    if only_certain is not None:
        c = parameters.ParametersParameter()
        c.name = "onlyCertainMatches"
        c.valueBoolean = only_certain
        params.parameter.append(c)
    return params.as_json()


def post_match(params):
    response = smart.server.post_json("Patient/$match", params)
    assert response.headers["content-type"].startswith("application/fhir+json")
    return bundle.Bundle(response.json())  # strict: raises on a malformed Bundle


# $match: the right person first, certain, with a score and the match-grade extension
found = post_match(match_parameters("Bob", "Johnson", "1975-04-12", "219-55-3481", count=3))
assert found.type == "searchset"
assert found.total == len(found.entry or []) >= 1
first = found.entry[0]
assert first.resource.id == person_id, first.resource.id
assert first.search.mode == "match"
assert 0.0 < first.search.score <= 1.0
grade = [e.valueCode for e in first.search.extension
         if e.url == "http://hl7.org/fhir/StructureDefinition/match-grade"]
assert grade == ["certain"], grade
scores = [e.search.score for e in found.entry]
assert scores == sorted(scores, reverse=True), scores
print("match ok")

# count is honoured
one = post_match(match_parameters("Maria", "Garcia", "1980-02-03", count=1))
assert len(one.entry or []) <= 1
assert one.entry[0].resource.id == other_id
print("count ok")

# onlyCertainMatches: a name and birth date alone is never certain
none = post_match(match_parameters("Maria", "Garcia", "1980-02-03", only_certain=True))
assert not none.entry, [e.resource.id for e in none.entry]
print("onlyCertainMatches ok")

# errors are OperationOutcomes naming the element
bad = smart.server.session.post(base + "/fhir/Patient/$match",
                                json=match_parameters("Ann", "Lee", "1980-02-03") | {"parameter": [
                        {"name": "resource", "resource": {"resourceType": "Patient",
                                                          "birthDate": "1980-02-31"}}]},
                                headers={"Content-Type": "application/fhir+json"})
assert bad.status_code == 400, bad.status_code
outcome = operationoutcome.OperationOutcome(bad.json())
assert outcome.issue[0].expression == ["Patient.birthDate"], outcome.issue[0].expression
print("invalid birth date ok")

missing = smart.server.session.get(base + "/fhir/Patient/p-no-such-person")
assert missing.status_code == 404
operationoutcome.OperationOutcome(missing.json())
print("unknown patient ok")
