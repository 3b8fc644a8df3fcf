"""Writes mymonit.postman_collection.json: every endpoint of the API, each with tests.

The collection is the artifact (Postman and newman read it); this script is its source, so that a
change stays reviewable: edit here, run `python3 postman/build_collection.py`, commit both.
Tests assert the status code, the content type and the shape of the body of every answer.
"""

# ruff: noqa: S106  # token="adminToken" names a Postman variable, not a password

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("mymonit.postman_collection.json")
RANGE = "from=2022-04-06T07:00:00Z&to=2022-04-06T07:10:00Z"

# Shared test helpers, evaluated by every test script (Postman has no imports). Declared with
# `function` and `var`: an eval'd `const` would stay inside the eval.
LIB = r"""
function expectJson(status) {
  pm.test(`status ${status}`, () => pm.response.to.have.status(status));
  pm.test('content type application/json', () =>
    pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\/json/));
  return status === pm.response.code ? pm.response.json() : undefined;
}
function expectProblem(status) {
  pm.test(`status ${status}`, () => pm.response.to.have.status(status));
  pm.test('content type application/problem+json (RFC 9457)', () =>
    pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\/problem\+json/));
  pm.test('problem body', () => {
    const body = pm.response.json();
    pm.expect(body.status).to.eql(status);
    pm.expect(body.title).to.be.a('string').and.not.empty;
    pm.expect(body).to.not.have.property('traceback');
  });
}
function expectSchema(name, schema) {
  pm.test(`body is ${name}`, () => pm.response.to.have.jsonSchema(schema));
}
function expectProxyHeaders() {
  pm.test('security headers from the proxy', () => {
    pm.expect(pm.response.headers.get('Strict-Transport-Security')).to.match(/^max-age=\d+/);
    pm.expect(pm.response.headers.get('X-Content-Type-Options')).to.eql('nosniff');
    pm.expect(pm.response.headers.get('X-Request-ID')).to.match(/^[0-9a-f]{32}$/);
  });
}
var S = {
  experiment: {type: 'object', required: ['experiment_id', 'name'], additionalProperties: false,
               properties: {experiment_id: {type: 'integer'}, name: {type: 'string', minLength: 1}}},
  user: {type: 'object', required: ['user_id', 'name', 'username', 'email', 'role', 'erased'],
         properties: {user_id: {type: 'string'}, name: {type: ['string', 'null']},
                      username: {type: ['string', 'null']}, email: {type: ['string', 'null']},
                      role: {enum: ['ADMIN', 'SCIENTIST']}, erased: {type: 'boolean'}}},
  measure: {type: 'object', required: ['experiment', 'measure_type', 'timestamp', 'value'],
            additionalProperties: false,
            properties: {experiment: {type: 'string'}, measure_type: {type: 'string'},
                         timestamp: {type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$'},
                         value: {type: 'number'}}},
  measureType: {type: 'object', required: ['type_id', 'name', 'symbol', 'quantity'],
                properties: {type_id: {type: 'integer'}, name: {type: 'string'}, symbol: {type: 'string'},
                             quantity: {type: 'string'}}},
};
S.experiments = {type: 'array', items: S.experiment};
S.users = {type: 'array', items: S.user};
S.measures = {type: 'array', items: S.measure};
"""

# Collection pre-request: a run id for unique names, and tokens from the Auth Emulator when none
# was given (interactive use; the newman runner passes tokens from ./run.sh token).
PRE_REQUEST = r"""
if (!pm.collectionVariables.get('runId')) {
  pm.collectionVariables.set('runId', Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36));
}
const emulator = pm.variables.get('emulatorUrl');
const password = pm.variables.get('demoPassword');
[['adminToken', 'adminEmail'], ['scientistToken', 'scientistEmail'], ['otherScientistToken', 'otherScientistEmail']]
  .forEach(([tokenVar, emailVar]) => {
    if (pm.variables.get(tokenVar) || !emulator || !password) return;
    pm.sendRequest({
      url: `${emulator}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`,
      method: 'POST', header: {'Content-Type': 'application/json'},
      body: {mode: 'raw', raw: JSON.stringify({email: pm.variables.get(emailVar), password, returnSecureToken: true})},
    }, (error, answer) => {
      if (error || answer.code !== 200) { console.error(`no token for ${pm.variables.get(emailVar)}`); return; }
      pm.environment.set(tokenVar, answer.json().idToken);
    });
  });
"""


def script(kind: str, source: str) -> dict[str, Any]:
    return {"listen": kind, "script": {"type": "text/javascript", "exec": source.strip().splitlines()}}


def request(name: str, method: str, path: str, tests: str, *, token: str | None = None, body: Any = None,
            content_type: str = "application/json", headers: dict[str, str] | None = None,
            description: str = "") -> dict[str, Any]:
    header = [{"key": "Authorization", "value": f"Bearer {{{{{token}}}}}"}] if token else []
    header += [{"key": key, "value": value} for key, value in (headers or {}).items()]
    item: dict[str, Any] = {"name": name, "request": {"method": method, "header": header,
                                                      "url": "{{baseUrl}}" + path}}
    if description:
        item["request"]["description"] = description
    if body is not None:
        header.append({"key": "Content-Type", "value": content_type})
        raw = body if isinstance(body, str) else json.dumps(body, indent=2)
        item["request"]["body"] = {"mode": "raw", "raw": raw}
    item["event"] = [script("test", "eval(pm.collectionVariables.get('lib'));\n" + tests)]
    return item


def folder(name: str, description: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "description": description, "item": items}


PUBLIC = folder("Public endpoints", "No token needed: probes, metrics, the API description, the web page.", [
    request("GET /health", "GET", "/health", """
const body = expectJson(200);
expectSchema('Health', {type: 'object', required: ['status', 'database', 'broker'],
  properties: {status: {enum: ['ok']}, database: {const: true}, broker: {const: true}}});
expectProxyHeaders();
"""),
    request("GET /metrics", "GET", "/metrics", """
pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('Prometheus text format', () => {
  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/plain/);
  pm.expect(pm.response.text()).to.match(/^# (HELP|TYPE) /m);
});
"""),
    request("GET /openapi.json", "GET", "/openapi.json", """
const body = expectJson(200);
pm.test('an OpenAPI 3 document with every resource', () => {
  pm.expect(body.openapi).to.match(/^3\\./);
  ['/experiments/', '/users/', '/scientists-experiments/', '/measure-types/', '/measures/{experiment_id}']
    .forEach((path) => pm.expect(body.paths).to.have.property(path));
});
"""),
    request("GET /docs (Swagger UI)", "GET", "/docs", """
pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('an HTML page with Swagger UI', () => {
  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/html/);
  pm.expect(pm.response.text()).to.include('swagger-ui');
});
"""),
    request("GET / (web page)", "GET", "/", """
pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('an HTML page', () => {
  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/html/);
  pm.expect(pm.response.text()).to.match(/<html/i);
});
"""),
    request("GET /no-such-path → 404", "GET", "/no-such-path", "expectProblem(404);", token="scientistToken"),
])

AUTH = folder("Authentication", "Every call but the public ones needs a Firebase ID token.", [
    request("No token → 401", "GET", "/experiments/", """
expectProblem(401);
pm.test('WWW-Authenticate: Bearer', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.match(/^Bearer/));
"""),
    request("Malformed token → 401", "GET", "/experiments/", """
expectProblem(401);
pm.test('WWW-Authenticate: Bearer', () => pm.expect(pm.response.headers.get('WWW-Authenticate')).to.match(/^Bearer/));
""", headers={"Authorization": "Bearer not-a-jwt"}),
])

SCIENTIST = folder("Scientist (Peter Higg)", "S001, associated with device-vibrations only.", [
    request("GET /users/me", "GET", "/users/me", """
const me = expectJson(200);
expectSchema('User', S.user);
pm.test('is Peter Higg, a scientist', () => {
  pm.expect(me.user_id).to.eql('S001');
  pm.expect(me.role).to.eql('SCIENTIST');
});
""", token="scientistToken"),
    request("GET /experiments/ (associated only)", "GET", "/experiments/", """
const list = expectJson(200);
expectSchema('Experiment[]', S.experiments);
pm.test('only device-vibrations', () => pm.expect(list.map((e) => e.name)).to.eql(['device-vibrations']));
if (list) pm.collectionVariables.set('dvId', list[0].experiment_id);
""", token="scientistToken"),
    request("GET /experiments/{id}", "GET", "/experiments/{{dvId}}", """
const experiment = expectJson(200);
expectSchema('Experiment', S.experiment);
pm.test('device-vibrations', () => pm.expect(experiment.name).to.eql('device-vibrations'));
""", token="scientistToken"),
    request("GET /measure-types/", "GET", "/measure-types/", """
const types = expectJson(200);
expectSchema('MeasureType[]', {type: 'array', items: S.measureType});
pm.test('the 7 SI base units and the 22 derived units', () => {
  pm.expect(types).to.have.lengthOf(29);
  pm.expect(types.map((t) => t.name)).to.include.members(['hertz', 'kelvin', 'metre']);
});
""", token="scientistToken"),
    request("GET /measures/{id} (first page)", "GET", f"/measures/{{{{dvId}}}}?{RANGE}&limit=5", """
const page = expectJson(200);
expectSchema('Measure[]', S.measures);
pm.test('the first 5 demo measures, in time order', () => {
  pm.expect(page.map((m) => m.value)).to.eql([100, 95, 94, 110, 120]);
  pm.expect(page[0].timestamp).to.eql('2022-04-06T07:00:00.000000Z');
});
const link = pm.response.headers.get('Link') || '';
pm.test('Link header to the next page (RFC 8288)', () => pm.expect(link).to.match(/^<[^>]+>; rel="next"$/));
const next = link.match(/^<([^>]+)>/);
if (next) pm.collectionVariables.set('nextPage', next[1]);
""", token="scientistToken"),
    request("GET /measures/{id} (next page from Link)", "GET", "{{nextPage}}", """
const page = expectJson(200);
expectSchema('Measure[]', S.measures);
pm.test('the last 5 demo measures', () => pm.expect(page.map((m) => m.value)).to.eql([130, 110, 110, 105, 120]));
""", token="scientistToken"),
    request("GET /measures/{id} (newest first, one type)", "GET",
            f"/measures/{{{{dvId}}}}?{RANGE}&measure=hertz&order=desc&limit=3", """
const page = expectJson(200);
expectSchema('Measure[]', S.measures);
pm.test('newest first', () => pm.expect(page.map((m) => m.timestamp)).to.eql(
  ['2022-04-06T07:09:00.000000Z', '2022-04-06T07:08:00.000000Z', '2022-04-06T07:07:00.000000Z']));
pm.test('only hertz', () => page.forEach((m) => pm.expect(m.measure_type).to.eql('hertz')));
""", token="scientistToken"),
    request("GET /measures/{id}/aggregate", "GET", f"/measures/{{{{dvId}}}}/aggregate?{RANGE}&buckets=2", """
const body = expectJson(200);
expectSchema('Aggregate', {type: 'object', required: ['experiment', 'start', 'end', 'bucket_seconds', 'buckets'],
  properties: {buckets: {type: 'array', items: {type: 'object',
    required: ['measure_type', 'start', 'count', 'min', 'max', 'mean']}}}});
pm.test('two buckets of five measures', () => {
  pm.expect(body.buckets.map((b) => b.count)).to.eql([5, 5]);
  pm.expect(body.buckets[0]).to.include({min: 94, max: 120, mean: 103.8});
});
""", token="scientistToken"),
    request("GET /measures/{id}/export (CSV)", "GET", f"/measures/{{{{dvId}}}}/export?{RANGE}", """
pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('content type text/csv', () => pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/csv/));
pm.test('a header line and the ten demo measures', () => {
  const lines = pm.response.text().trim().split(/\\r?\\n/);
  pm.expect(lines[0]).to.eql('experiment,measure_type,timestamp,value');
  pm.expect(lines).to.have.lengthOf(11);
});
""", token="scientistToken"),
    request("GET /measures/{id} with limit over 10000 → 400", "GET", "/measures/{{dvId}}?limit=10001", """
expectProblem(400);
pm.test('names the bad parameter', () => pm.expect(pm.response.json().errors[0].field).to.eql('limit'));
""", token="scientistToken"),
    request("GET /users/ → 403 (admins only)", "GET", "/users/", "expectProblem(403);", token="scientistToken"),
    request("POST /experiments/ → 403 (admins only)", "POST", "/experiments/", "expectProblem(403);",
            token="scientistToken", body={"name": "postman-{{runId}}-denied"}),
    request("PUT /users/S001 (self: name and email)", "PUT", "/users/S001", """
const me = expectJson(200);
expectSchema('User', S.user);
pm.test('unchanged values kept', () => pm.expect(me).to.include({name: 'Peter Higg', email: 'phigg@home.cern'}));
""", token="scientistToken", body={"name": "Peter Higg", "email": "phigg@home.cern"}),
    request("PUT /users/S001 role (self) → 403", "PUT", "/users/S001", "expectProblem(403);",
            token="scientistToken", body={"name": "Peter Higg", "email": "phigg@home.cern", "role": "ADMIN"}),
])

OTHER = folder("Scientist (Katie Bouman)", "S002, associated with black-holes only.", [
    request("GET /experiments/", "GET", "/experiments/", """
const list = expectJson(200);
expectSchema('Experiment[]', S.experiments);
pm.test('only black-holes', () => pm.expect(list.map((e) => e.name)).to.eql(['black-holes']));
if (list) pm.collectionVariables.set('bhId', list[0].experiment_id);
""", token="otherScientistToken"),
])

CROSS = folder("Scientists read only their own experiments", "Each demo scientist is refused the other's measures.", [
    request("Peter Higg: GET /measures/{black-holes} → 403", "GET", "/measures/{{bhId}}", "expectProblem(403);",
            token="scientistToken", description="black-holes belongs to Katie Bouman: a scientist reads only theirs."),
    request("Katie Bouman: GET /measures/{device-vibrations} → 403", "GET", "/measures/{{dvId}}", "expectProblem(403);",
            token="otherScientistToken"),
])

NEW_USER = {"user_id": "PM{{runId}}", "name": "Postman Scientist {{runId}}", "username": "postman-{{runId}}",
            "email": "postman-{{runId}}@postman.mymonit.invalid", "role": "SCIENTIST"}

ADMIN = folder("Admin (Allan Alcorn)", "A001. Creates an experiment and a user named after the run id, "
               "associates them, revokes the association and erases the user (GDPR).", [
    request("GET /experiments/ (all)", "GET", "/experiments/", """
const list = expectJson(200);
expectSchema('Experiment[]', S.experiments);
pm.test('every demo experiment', () =>
  pm.expect(list.map((e) => e.name)).to.include.members(['device-vibrations', 'black-holes']));
""", token="adminToken"),
    request("POST /experiments/", "POST", "/experiments/", """
const experiment = expectJson(201);
expectSchema('Experiment', S.experiment);
pm.test('Location of the new experiment', () =>
  pm.expect(pm.response.headers.get('Location')).to.eql(`/experiments/${experiment.experiment_id}`));
pm.collectionVariables.set('newExperimentId', experiment.experiment_id);
""", token="adminToken", body={"name": "postman-{{runId}}"}),
    request("POST /experiments/ duplicate name → 409", "POST", "/experiments/", "expectProblem(409);",
            token="adminToken", body={"name": "postman-{{runId}}"}),
    request("POST /experiments/ without name → 422", "POST", "/experiments/", """
expectProblem(422);
pm.test('names the missing field', () => pm.expect(pm.response.json().errors[0].field).to.eql('name'));
""", token="adminToken", body={}),
    request("POST /experiments/ as text/plain → 415", "POST", "/experiments/", "expectProblem(415);",
            token="adminToken", body="name=x", content_type="text/plain"),
    request("PUT /experiments/{id} (rename)", "PUT", "/experiments/{{newExperimentId}}", """
const experiment = expectJson(200);
expectSchema('Experiment', S.experiment);
pm.test('renamed', () => pm.expect(experiment.name).to.eql(`postman-${pm.variables.get('runId')}-renamed`));
""", token="adminToken", body={"name": "postman-{{runId}}-renamed"}),
    request("PUT /experiments/{unknown} → 404", "PUT", "/experiments/2000000000", "expectProblem(404);",
            token="adminToken", body={"name": "postman-{{runId}}-nowhere"}),
    request("GET /users/", "GET", "/users/", """
const users = expectJson(200);
expectSchema('User[]', S.users);
pm.test('the demo users', () => pm.expect(users.map((u) => u.user_id)).to.include.members(['A001', 'S001', 'S002']));
""", token="adminToken"),
    request("GET /users/{id}", "GET", "/users/S002", """
const user = expectJson(200);
expectSchema('User', S.user);
pm.test('Katie Bouman', () => pm.expect(user).to.include({user_id: 'S002', name: 'Katie Bouman', role: 'SCIENTIST'}));
""", token="adminToken"),
    request("POST /users/", "POST", "/users/", """
const user = expectJson(201);
expectSchema('User', S.user);
pm.test('Location of the new user', () =>
  pm.expect(pm.response.headers.get('Location')).to.eql(`/users/${user.user_id}`));
""", token="adminToken", body=NEW_USER),
    request("POST /users/ duplicate → 409", "POST", "/users/", "expectProblem(409);", token="adminToken",
            body=NEW_USER),
    request("PUT /users/{id}", "PUT", "/users/PM{{runId}}", """
const user = expectJson(200);
expectSchema('User', S.user);
pm.test('name and email changed', () => pm.expect(user.name).to.eql(`Postman Renamed ${pm.variables.get('runId')}`));
""", token="adminToken", body={"name": "Postman Renamed {{runId}}",
                              "email": "postman-{{runId}}-renamed@postman.mymonit.invalid"}),
    request("POST /scientists-experiments/{exp}/{user}", "POST",
            "/scientists-experiments/{{newExperimentId}}/PM{{runId}}", """
const association = expectJson(201);
expectSchema('Association', {type: 'object', required: ['experiment_id', 'user_id'],
  properties: {experiment_id: {type: 'integer'}, user_id: {type: 'string'}}});
""", token="adminToken"),
    request("POST /scientists-experiments/{exp}/{user} again → 200", "POST",
            "/scientists-experiments/{{newExperimentId}}/PM{{runId}}", "expectJson(200);", token="adminToken"),
    request("POST /scientists-experiments/{exp}/A001 (an admin) → 422", "POST",
            "/scientists-experiments/{{newExperimentId}}/A001", "expectProblem(422);", token="adminToken"),
    request("GET /scientists-experiments/", "GET", "/scientists-experiments/", """
const map = expectJson(200);
expectSchema('{experiment_id: {users}}', {type: 'object',
  additionalProperties: {type: 'object', required: ['users'],
                         properties: {users: {type: 'array', items: {type: 'string'}}}}});
pm.test('the new association and the demo ones', () => {
  pm.expect(map[pm.variables.get('newExperimentId')].users).to.include(`PM${pm.variables.get('runId')}`);
  pm.expect(map[pm.variables.get('dvId')].users).to.include('S001');
});
""", token="adminToken"),
    request("DELETE /scientists-experiments/{exp}/{user}", "DELETE",
            "/scientists-experiments/{{newExperimentId}}/PM{{runId}}", """
pm.test('status 204', () => pm.response.to.have.status(204));
pm.test('no body', () => pm.expect(pm.response.text()).to.eql(''));
""", token="adminToken"),
    request("GET /measures/{id} as an admin → 403", "GET", "/measures/{{dvId}}", "expectProblem(403);",
            token="adminToken", description="The original's rule: an ADMIN cannot read measures."),
    request("DELETE /users/{id} (GDPR erasure)", "DELETE", "/users/PM{{runId}}", """
const user = expectJson(200);
expectSchema('User', S.user);
pm.test('personal fields removed, id kept', () =>
  pm.expect(user).to.include({user_id: `PM${pm.variables.get('runId')}`, name: null, email: null,
                               username: null, erased: true}));
""", token="adminToken"),
    request("DELETE /users/{unknown} → 404", "DELETE", "/users/NOBODY{{runId}}", "expectProblem(404);",
            token="adminToken"),
    request("DELETE /experiments/{id} holding measures → 409", "DELETE", "/experiments/{{dvId}}",
            "expectProblem(409);", token="adminToken",
            description="device-vibrations holds the demo's measures: only an empty experiment can be deleted."),
    request("DELETE /experiments/{id} (the run's own, empty)", "DELETE", "/experiments/{{newExperimentId}}", """
pm.test('status 204', () => pm.response.to.have.status(204));
pm.test('no body', () => pm.expect(pm.response.text()).to.eql(''));
""", token="adminToken", description="Deletes the experiment this run created, so runs leave none behind."),
    request("GET /experiments/{deleted} → 404", "GET", "/experiments/{{newExperimentId}}", "expectProblem(404);",
            token="adminToken"),
])

VARIABLES = {"runId": "", "lib": LIB.strip(), "dvId": "", "bhId": "", "nextPage": "", "newExperimentId": ""}


def main() -> None:
    collection = {
        "info": {
            "name": "MyMONIT",
            "description": (
                "Every endpoint of the MyMONIT REST API, with tests on status codes, content types and "
                "body shapes. Run it with postman/run-newman.sh (it gets tokens with ./run.sh token), or in "
                "Postman with an environment of postman/ and demoPassword set (DEMO_PASSWORD of .env): the "
                "collection then signs the demo users in at the Auth Emulator. Run the folders in order: "
                "later requests use ids saved by earlier ones."
            ),
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "event": [script("prerequest", PRE_REQUEST)],
        "variable": [{"key": key, "value": value} for key, value in VARIABLES.items()],
        "item": [PUBLIC, AUTH, SCIENTIST, OTHER, CROSS, ADMIN],
    }
    OUT.write_text(json.dumps(collection, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
