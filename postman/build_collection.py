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
# The demo's ten hertz measures of device-vibrations in RANGE (mymonit/storage/demo.py). Measures
# cannot be deleted, so they are always there; others may have been published since, so the tests
# ask for "these are among them" and for pages, aggregate and export to agree, never "exactly these".
DEMO_MEASURES = [(f"2022-04-06T07:{minute:02d}:00.000000Z", value)
                 for minute, value in enumerate([100, 95, 94, 110, 120, 130, 110, 110, 105, 120])]

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
  measure: {type: 'object', required: ['experiment', 'measure_type', 'sensor', 'tags', 'timestamp', 'value'],
            additionalProperties: false,
            properties: {experiment: {type: 'string'}, measure_type: {type: 'string'},
                         sensor: {type: ['string', 'null']},
                         tags: {type: 'object', additionalProperties: {type: 'string'}},
                         timestamp: {type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$'},
                         value: {type: 'number'}}},
  series: {type: 'object', required: ['series_id', 'measure_type', 'sensor', 'tags', 'first', 'last'],
           additionalProperties: false,
           properties: {series_id: {type: 'integer'}, measure_type: {type: 'string'},
                        sensor: {type: ['string', 'null']},
                        tags: {type: 'object', additionalProperties: {type: 'string'}},
                        first: {type: ['string', 'null']}, last: {type: ['string', 'null']}}},
  alertRule: {type: 'object', additionalProperties: false,
              required: ['rule_id', 'name', 'experiment_id', 'measure', 'sensor', 'tags', 'statistic', 'condition',
                         'threshold', 'clear', 'window', 'for', 'no_data_after', 'severity', 'webhook_url',
                         'created_by'],
              properties: {rule_id: {type: 'integer'}, name: {type: 'string'}, experiment_id: {type: 'integer'},
                           measure: {type: 'string'}, sensor: {type: ['string', 'null']},
                           tags: {type: 'object', additionalProperties: {type: 'string'}},
                           statistic: {enum: ['last', 'mean', 'min', 'max']}, condition: {enum: ['above', 'below']},
                           threshold: {type: 'number'}, clear: {type: 'number'}, window: {type: 'integer'},
                           for: {type: 'integer'}, no_data_after: {type: ['integer', 'null']},
                           severity: {enum: ['info', 'warning', 'critical']},
                           webhook_url: {type: ['string', 'null']}, created_by: {type: 'string'}}},
  alert: {type: 'object', additionalProperties: false,
          required: ['alert_id', 'rule_id', 'rule', 'experiment_id', 'severity', 'measure', 'series_id', 'sensor',
                     'tags', 'state', 'since', 'fired_at', 'value', 'value_at'],
          properties: {alert_id: {type: 'integer'}, rule_id: {type: 'integer'}, rule: {type: 'string'},
                       experiment_id: {type: 'integer'}, severity: {enum: ['info', 'warning', 'critical']},
                       measure: {type: 'string'}, series_id: {type: 'integer'}, sensor: {type: ['string', 'null']},
                       tags: {type: 'object', additionalProperties: {type: 'string'}},
                       state: {enum: ['normal', 'pending', 'firing', 'resolved', 'no-data']},
                       since: {type: 'string'}, fired_at: {type: ['string', 'null']},
                       value: {type: ['number', 'null']}, value_at: {type: 'string'}}},
  measureType: {type: 'object', required: ['type_id', 'name', 'symbol', 'quantity'],
                properties: {type_id: {type: 'integer'}, name: {type: 'string'}, symbol: {type: 'string'},
                             quantity: {type: 'string'}}},
};
S.experiments = {type: 'array', items: S.experiment};
S.users = {type: 'array', items: S.user};
S.measures = {type: 'array', items: S.measure};
S.seriesList = {type: 'array', items: S.series};
S.alertRules = {type: 'array', items: S.alertRule};
S.alerts = {type: 'array', items: S.alert};
// The run's own data (made by "Setup", removed by "Clean-up"): what the tests assert on, so that
// they pass whatever a user did with the demo stack.
function own(name) { return Number(pm.collectionVariables.get(name)); }
function ownExperiment(who) {
  return {experiment_id: own(`${who}Id`), name: pm.collectionVariables.get(`${who}Name`)};
}
function saveJson(name, value) { pm.collectionVariables.set(name, JSON.stringify(value === undefined ? null : value)); }
function loadJson(name) { return JSON.parse(pm.collectionVariables.get(name) || 'null'); }
// A value for a JSON string in a request body ("{{name}}"): escaped, without the quotes.
function saveForBody(name, value) { pm.collectionVariables.set(name, JSON.stringify(String(value)).slice(1, -1)); }
var RANGE = {from: '2022-04-06T07:00:00.000000Z', to: '2022-04-06T07:10:00.000000Z'};
var DEMO_MEASURES = __DEMO_MEASURES__;
function inRange(m) { return m.timestamp >= RANGE.from && m.timestamp < RANGE.to; }
function sameMeasure(a, b) {
  return a.measure_type === b.measure_type && a.timestamp === b.timestamp && Number(a.value) === Number(b.value);
}
function expectMeasuresPage(page, {length, order = 'asc', type}) {
  pm.test(`${length} measures of device-vibrations in the range`, () => {
    pm.expect(page).to.have.lengthOf(length);
    page.forEach((m) => {
      pm.expect(m.experiment).to.eql('device-vibrations');
      pm.expect(inRange(m), m.timestamp).to.be.true;
      if (type) pm.expect(m.measure_type).to.eql(type);
    });
  });
  pm.test(order === 'asc' ? 'in time order' : 'newest first', () => {
    const times = page.map((m) => m.timestamp);
    const sorted = times.slice().sort();
    pm.expect(times).to.eql(order === 'asc' ? sorted : sorted.reverse());
  });
}
"""

LIB = LIB.replace("__DEMO_MEASURES__", json.dumps(
    [{"experiment": "device-vibrations", "measure_type": "hertz", "timestamp": ts, "value": value}
     for ts, value in DEMO_MEASURES]))

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
            description: str = "", prerequest: str = "") -> dict[str, Any]:
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
    if prerequest:
        item["event"].insert(0, script("prerequest", prerequest))
    return item


def skip_unless(*names: str) -> str:
    """A pre-request script: the request is skipped when an earlier one saved no value in one of NAMES
    (its creation failed: there is nothing to clean up, and the failure is already reported)."""
    wanted = ", ".join(f"'{name}'" for name in names)
    return (f"if ([{wanted}].some((name) => !pm.collectionVariables.get(name))) "
            "pm.execution.skipRequest();")


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

SETUP = folder("Setup (admin): the run's own data", "The data the tests below assert on, made for this run by "
               "the admin and removed by the last folder: an experiment granted to Peter Higg only, one granted "
               "to Katie Bouman only, and the grant of device-vibrations (the demo's measures) to Peter Higg "
               "if a user had revoked it. Nothing below assumes the demo is as ./run.sh loaded it.", [
    request("GET /experiments/ (find device-vibrations)", "GET", "/experiments/", """
const list = expectJson(200);
expectSchema('Experiment[]', S.experiments);
const dv = (list || []).find((e) => e.name === 'device-vibrations');
pm.test('device-vibrations, the demo experiment that holds measures, is there', () => pm.expect(dv).to.be.an('object'));
if (dv) pm.collectionVariables.set('dvId', dv.experiment_id);
""", token="adminToken", prerequest="""
// A new run id for every run of the collection (the Postman app keeps collection variables
// between runs), and none of a previous run's ids.
pm.collectionVariables.set('runId', Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36));
['dvId', 'higgId', 'higgName', 'boumanId', 'boumanName', 'dvGrantMade', 'newExperimentId', 'ruleId']
  .forEach((name) => pm.collectionVariables.set(name, ''));
"""),
    request("POST /experiments/ (the run's experiment for Peter Higg)", "POST", "/experiments/", """
const experiment = expectJson(201);
expectSchema('Experiment', S.experiment);
pm.test('named as asked', () => pm.expect(experiment.name).to.eql(`postman-${pm.variables.get('runId')}-higg`));
if (experiment) {
  pm.collectionVariables.set('higgId', experiment.experiment_id);
  pm.collectionVariables.set('higgName', experiment.name);
}
""", token="adminToken", body={"name": "postman-{{runId}}-higg"}),
    request("POST /experiments/ (the run's experiment for Katie Bouman)", "POST", "/experiments/", """
const experiment = expectJson(201);
expectSchema('Experiment', S.experiment);
pm.test('named as asked', () => pm.expect(experiment.name).to.eql(`postman-${pm.variables.get('runId')}-bouman`));
if (experiment) {
  pm.collectionVariables.set('boumanId', experiment.experiment_id);
  pm.collectionVariables.set('boumanName', experiment.name);
}
""", token="adminToken", body={"name": "postman-{{runId}}-bouman"}),
    request("POST /scientists-experiments/{higg}/S001 (grant)", "POST", "/scientists-experiments/{{higgId}}/S001", """
const association = expectJson(201);
pm.test('Peter Higg on the run\\'s experiment', () =>
  pm.expect(association).to.eql({experiment_id: own('higgId'), user_id: 'S001'}));
""", token="adminToken", prerequest=skip_unless("higgId")),
    request("POST /scientists-experiments/{bouman}/S002 (grant)", "POST",
            "/scientists-experiments/{{boumanId}}/S002", """
const association = expectJson(201);
pm.test('Katie Bouman on the run\\'s experiment', () =>
  pm.expect(association).to.eql({experiment_id: own('boumanId'), user_id: 'S002'}));
""", token="adminToken", prerequest=skip_unless("boumanId")),
    request("POST /scientists-experiments/{device-vibrations}/S001 (the measures he reads)", "POST",
            "/scientists-experiments/{{dvId}}/S001", """
pm.test('status 200 (the demo grant) or 201 (granted again, revoked at the end)', () =>
  pm.expect(pm.response.code).to.be.oneOf([200, 201]));
pm.test('content type application/json', () =>
  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\\/json/));
if (pm.response.code === 201) pm.collectionVariables.set('dvGrantMade', 'yes');
""", token="adminToken", prerequest=skip_unless("dvId")),
])

SCIENTIST = folder("Scientist (Peter Higg)", "S001: reads the run's experiment granted to him, not the one "
                   "granted to Katie Bouman, and the demo's measures of device-vibrations.", [
    request("GET /users/me", "GET", "/users/me", """
const me = expectJson(200);
expectSchema('User', S.user);
pm.test('is Peter Higg, a scientist', () => {
  pm.expect(me.user_id).to.eql('S001');
  pm.expect(me.role).to.eql('SCIENTIST');
});
if (me) {
  saveForBody('meName', me.name);
  saveForBody('meEmail', me.email);
}
""", token="scientistToken"),
    request("GET /experiments/ (associated only)", "GET", "/experiments/", """
const list = expectJson(200) || [];
expectSchema('Experiment[]', S.experiments);
const ids = list.map((e) => e.experiment_id);
pm.test('includes the run\\'s experiment granted to him', () =>
  pm.expect(list).to.deep.include(ownExperiment('higg')));
pm.test('excludes the run\\'s experiment granted to Katie Bouman only', () =>
  pm.expect(ids).to.not.include(own('boumanId')));
pm.test('includes device-vibrations', () =>
  pm.expect(list).to.deep.include({experiment_id: own('dvId'), name: 'device-vibrations'}));
""", token="scientistToken"),
    request("GET /experiments/{id}", "GET", "/experiments/{{higgId}}", """
const experiment = expectJson(200);
expectSchema('Experiment', S.experiment);
pm.test('the run\\'s experiment granted to him', () => pm.expect(experiment).to.eql(ownExperiment('higg')));
""", token="scientistToken"),
    request("GET /experiments/{not granted} → 404", "GET", "/experiments/{{boumanId}}", "expectProblem(404);",
            token="scientistToken", description="Granted to Katie Bouman only: for him it does not exist."),
    request("GET /measure-types/", "GET", "/measure-types/", """
const types = expectJson(200);
expectSchema('MeasureType[]', {type: 'array', items: S.measureType});
pm.test('the 7 SI base units and the 22 derived units', () => {
  pm.expect(types).to.have.lengthOf(29);
  pm.expect(types.map((t) => t.name)).to.include.members(['hertz', 'kelvin', 'metre']);
});
""", token="scientistToken"),
    request("GET /measures/{id} (first page)", "GET", f"/measures/{{{{dvId}}}}?{RANGE}&limit=5", """
const page = expectJson(200) || [];
expectSchema('Measure[]', S.measures);
expectMeasuresPage(page, {length: 5});
const link = pm.response.headers.get('Link') || '';
pm.test('Link header to the next page (RFC 8288)', () => pm.expect(link).to.match(/^<[^>]+>; rel="next"$/));
const next = link.match(/^<([^>]+)>/);
if (next) pm.collectionVariables.set('nextPage', next[1]);
saveJson('firstPage', page);
""", token="scientistToken", description="The range holds the demo's ten measures, and whatever was published "
                                           "in it since: at least two pages of five."),
    request("GET /measures/{id} (next page from Link)", "GET", "{{nextPage}}", """
const page = expectJson(200) || [];
expectSchema('Measure[]', S.measures);
expectMeasuresPage(page, {length: 5});
const first = loadJson('firstPage') || [];
pm.test('continues after the first page', () => {
  pm.expect(first).to.have.lengthOf(5);
  pm.expect(page[0].timestamp >= first[first.length - 1].timestamp).to.be.true;
  page.forEach((m) => pm.expect(first.some((f) => sameMeasure(f, m))).to.be.false);
});
saveJson('nextPageMeasures', page);
""", token="scientistToken"),
    request("GET /measures/{id} (newest first, one type)", "GET",
            f"/measures/{{{{dvId}}}}?{RANGE}&measure=hertz&order=desc&limit=3", """
const page = expectJson(200) || [];
expectSchema('Measure[]', S.measures);
expectMeasuresPage(page, {length: 3, order: 'desc', type: 'hertz'});
pm.test('no later than the demo\\'s last measure', () =>
  pm.expect(page[0].timestamp >= DEMO_MEASURES[DEMO_MEASURES.length - 1].timestamp).to.be.true);
saveJson('newestHertz', page);
""", token="scientistToken"),
    request("GET /measures/{id}/aggregate", "GET", f"/measures/{{{{dvId}}}}/aggregate?{RANGE}&buckets=2", """
const body = expectJson(200);
expectSchema('Aggregate', {type: 'object', required: ['experiment', 'start', 'end', 'bucket_seconds', 'buckets'],
  properties: {buckets: {type: 'array', items: {type: 'object',
    required: ['measure_type', 'start', 'count', 'min', 'max', 'mean']}}}});
pm.test('two buckets of five minutes over the range', () => {
  pm.expect(body).to.include({experiment: 'device-vibrations', start: RANGE.from, end: RANGE.to, bucket_seconds: 300});
  body.buckets.forEach((b) => {
    pm.expect(b.count).to.be.above(0);
    pm.expect(b.min).to.be.at.most(b.mean);
    pm.expect(b.mean).to.be.at.most(b.max);
  });
});
pm.test('the hertz buckets hold the demo\\'s five measures each', () => {
  const hertz = body.buckets.filter((b) => b.measure_type === 'hertz');
  pm.expect(hertz.map((b) => b.start)).to.eql([RANGE.from, '2022-04-06T07:05:00.000000Z']);
  [DEMO_MEASURES.slice(0, 5), DEMO_MEASURES.slice(5)].forEach((demo, i) => {
    const values = demo.map((m) => m.value);
    pm.expect(hertz[i].count).to.be.at.least(5);
    pm.expect(hertz[i].min).to.be.at.most(Math.min(...values));
    pm.expect(hertz[i].max).to.be.at.least(Math.max(...values));
  });
});
pm.collectionVariables.set('aggregateCount', body ? body.buckets.reduce((sum, b) => sum + b.count, 0) : '');
""", token="scientistToken"),
    request("GET /measures/{id}/export (CSV)", "GET", f"/measures/{{{{dvId}}}}/export?{RANGE}", """
pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('content type text/csv', () => pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/csv/));
const lines = pm.response.text().trim().split(/\\r?\\n/);
const rows = lines.slice(1).map((line) => {
  const [experiment, measure_type, timestamp, value] = line.split(',');
  return {experiment, measure_type, timestamp, value: Number(value)};
});
pm.test('a header line, then as many measures as the aggregate counted', () => {
  pm.expect(lines[0]).to.eql('experiment,measure_type,timestamp,value,sensor,tags');
  pm.expect(rows).to.have.lengthOf(Number(pm.collectionVariables.get('aggregateCount')));
});
pm.test('the demo\\'s ten measures among them', () =>
  DEMO_MEASURES.forEach((demo) => pm.expect(rows.some((r) => sameMeasure(r, demo)), demo.timestamp).to.be.true));
pm.test('the same measures as the two pages, in the same order', () => {
  const pages = (loadJson('firstPage') || []).concat(loadJson('nextPageMeasures') || []);
  pm.expect(pages).to.have.lengthOf(10);
  pages.forEach((m, i) => pm.expect(sameMeasure(rows[i], m), m.timestamp).to.be.true);
});
pm.test('its last hertz measures are the newest-first page, reversed', () => {
  const newest = loadJson('newestHertz') || [];
  const lastHertz = rows.filter((r) => r.measure_type === 'hertz').slice(-newest.length).reverse();
  pm.expect(newest).to.have.lengthOf(3);
  newest.forEach((m, i) => pm.expect(sameMeasure(lastHertz[i], m), m.timestamp).to.be.true);
});
""", token="scientistToken"),
    request("GET /series/{id}", "GET", "/series/{{dvId}}?measure=hertz", """
const series = expectJson(200) || [];
expectSchema('Series[]', S.seriesList);
pm.test("the demo's hertz measures are in the default series: no sensor, no tags", () => {
  const plain = series.filter((s) => s.sensor === null && Object.keys(s.tags).length === 0);
  pm.expect(plain).to.have.lengthOf(1);
  pm.expect(plain[0].first <= DEMO_MEASURES[0].timestamp).to.be.true;
  pm.expect(plain[0].last >= DEMO_MEASURES[DEMO_MEASURES.length - 1].timestamp).to.be.true;
});
""", token="scientistToken"),
    request("GET /measures/{id}/aggregate?group_by=series", "GET",
            f"/measures/{{{{dvId}}}}/aggregate?{RANGE}&buckets=2&measure=hertz&group_by=series", """
const body = expectJson(200) || {buckets: []};
pm.test('every bucket names its series', () => body.buckets.forEach((b) => {
  pm.expect(b).to.include.keys('series_id', 'sensor', 'tags');
  pm.expect(b.count).to.be.above(0);
}));
pm.test("the default series holds the demo's hertz measures", () => {
  const plain = body.buckets.filter((b) => b.sensor === null && Object.keys(b.tags).length === 0);
  pm.expect(plain.reduce((sum, b) => sum + b.count, 0)).to.be.at.least(10);
});
""", token="scientistToken"),
    request("GET /measures/{id}?sensor=&tag.… (no such series)", "GET",
            f"/measures/{{{{dvId}}}}?{RANGE}&sensor=postman-{{{{runId}}}}&tag.site=nowhere", """
const page = expectJson(200);
expectSchema('Measure[]', S.measures);
pm.test('a selector no series has reads nothing', () => pm.expect(page).to.eql([]));
""", token="scientistToken"),
    request("GET /measures/{id}?tag.Bad=x → 400", "GET", "/measures/{{dvId}}?tag.Bad=x", """
expectProblem(400);
pm.test('says what a tag key must be', () => pm.expect(pm.response.json().detail).to.match(/tag/));
""", token="scientistToken"),
    request("GET /measures/{own, empty}", "GET", "/measures/{{higgId}}", """
const page = expectJson(200);
pm.test('the run\\'s new experiment holds no measures', () => pm.expect(page).to.eql([]));
pm.test('no next page', () => pm.expect(pm.response.headers.get('Link')).to.be.undefined);
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
pm.test('unchanged values kept', () => pm.expect(me).to.include({
  name: JSON.parse(`"${pm.collectionVariables.get('meName')}"`),
  email: JSON.parse(`"${pm.collectionVariables.get('meEmail')}"`)}));
""", token="scientistToken", body='{\n  "name": "{{meName}}",\n  "email": "{{meEmail}}"\n}',
            description="Puts back the name and email GET /users/me answered: nothing changes."),
    request("PUT /users/S001 role (self) → 403", "PUT", "/users/S001", "expectProblem(403);",
            token="scientistToken", body='{\n  "name": "{{meName}}",\n  "email": "{{meEmail}}",\n  "role": "ADMIN"\n}'),
])

OTHER = folder("Scientist (Katie Bouman)", "S002: reads the run's experiment granted to her, not Peter Higg's.", [
    request("GET /users/me", "GET", "/users/me", """
const me = expectJson(200);
expectSchema('User', S.user);
pm.test('is Katie Bouman, a scientist', () => pm.expect(me).to.include({user_id: 'S002', role: 'SCIENTIST'}));
saveJson('otherMe', me);
""", token="otherScientistToken"),
    request("GET /experiments/", "GET", "/experiments/", """
const list = expectJson(200) || [];
expectSchema('Experiment[]', S.experiments);
pm.test('includes the run\\'s experiment granted to her', () =>
  pm.expect(list).to.deep.include(ownExperiment('bouman')));
pm.test('excludes the run\\'s experiment granted to Peter Higg only', () =>
  pm.expect(list.map((e) => e.experiment_id)).to.not.include(own('higgId')));
""", token="otherScientistToken"),
])

CROSS = folder("Scientists read only their own experiments", "Each scientist is refused the measures of the "
               "run's experiment granted to the other, and reads those of the one granted to them.", [
    request("Peter Higg: GET /measures/{Katie's} → 403", "GET", "/measures/{{boumanId}}", "expectProblem(403);",
            token="scientistToken", description="Granted to Katie Bouman only: a scientist reads only theirs."),
    request("Katie Bouman: GET /measures/{Peter's} → 403", "GET", "/measures/{{higgId}}", "expectProblem(403);",
            token="otherScientistToken"),
    request("Katie Bouman: GET /measures/{hers}", "GET", "/measures/{{boumanId}}", """
const page = expectJson(200);
pm.test('empty: the run\\'s new experiment holds no measures', () => pm.expect(page).to.eql([]));
""", token="otherScientistToken"),
])

NEW_USER = {"user_id": "PM{{runId}}", "name": "Postman Scientist {{runId}}", "username": "postman-{{runId}}",
            "email": "postman-{{runId}}@postman.mymonit.invalid", "role": "SCIENTIST"}

ADMIN = folder("Admin (Allan Alcorn)", "A001. Creates an experiment and a user named after the run id, "
               "associates them, revokes the association and erases the user (GDPR).", [
    request("GET /experiments/ (all)", "GET", "/experiments/", """
const list = expectJson(200) || [];
expectSchema('Experiment[]', S.experiments);
pm.test('the run\\'s experiments and device-vibrations', () => pm.expect(list).to.deep.include.members(
  [ownExperiment('higg'), ownExperiment('bouman'), {experiment_id: own('dvId'), name: 'device-vibrations'}]));
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
pm.test('Katie Bouman, as she sees herself in GET /users/me', () => {
  pm.expect(user).to.include({user_id: 'S002', role: 'SCIENTIST'});
  pm.expect(user).to.eql(loadJson('otherMe'));
});
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
pm.test('the new association', () =>
  pm.expect(map[pm.variables.get('newExperimentId')].users).to.eql([`PM${pm.variables.get('runId')}`]));
pm.test('the run\\'s grants, and Peter Higg on device-vibrations', () => {
  pm.expect(map[own('higgId')].users).to.eql(['S001']);
  pm.expect(map[own('boumanId')].users).to.eql(['S002']);
  pm.expect(map[own('dvId')].users).to.include('S001');
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
""", token="adminToken", description="Deletes the experiment this run created, so runs leave none behind.",
            prerequest=skip_unless("newExperimentId")),
    request("GET /experiments/{deleted} → 404", "GET", "/experiments/{{newExperimentId}}", "expectProblem(404);",
            token="adminToken", prerequest=skip_unless("newExperimentId")),
])

RULE = ('{\n  "name": "postman-{{runId}}", "experiment_id": {{higgId}}, "measure": "hertz", "sensor": "north",'
        '\n  "statistic": "max", "condition": "above", "threshold": 80, "clear": 75, "window": 60, "for": 30,'
        '\n  "severity": "critical", "webhook_url": "https://hooks.example.org/mymonit"\n}')

ALERTS = folder("Alert rules (Peter Higg)", "S001 keeps the alert rules of the run's experiment granted to him; "
                "Katie Bouman does not see them.", [
    request("POST /alert-rules/", "POST", "/alert-rules/", """
const rule = expectJson(201);
expectSchema('AlertRule', S.alertRule);
pm.test('Location names the new rule', () =>
  pm.expect(pm.response.headers.get('Location')).to.eql(`/alert-rules/${rule.rule_id}`));
pm.test('read back as given, by S001', () => pm.expect(rule).to.include(
  {experiment_id: own('higgId'), measure: 'hertz', sensor: 'north', clear: 75, for: 30, created_by: 'S001'}));
if (rule) pm.collectionVariables.set('ruleId', rule.rule_id);
""", token="scientistToken", body=RULE, prerequest=skip_unless("higgId")),
    request("POST /alert-rules/ (same name) → 409", "POST", "/alert-rules/", "expectProblem(409);",
            token="scientistToken", body=RULE, prerequest=skip_unless("ruleId")),
    request("POST /alert-rules/ (clear beyond the threshold) → 422", "POST", "/alert-rules/", """
expectProblem(422);
pm.test('names the field', () => pm.expect(pm.response.json().errors.map((e) => e.field)).to.include('clear'));
""", token="scientistToken", body=RULE.replace('"clear": 75', '"clear": 95'), prerequest=skip_unless("higgId")),
    request("GET /alert-rules/?experiment_id={higg}", "GET", "/alert-rules/?experiment_id={{higgId}}", """
const rules = expectJson(200) || [];
expectSchema('AlertRule[]', S.alertRules);
pm.test('holds the new rule', () => pm.expect(rules.map((r) => r.rule_id)).to.eql([own('ruleId')]));
""", token="scientistToken", prerequest=skip_unless("ruleId")),
    request("PUT /alert-rules/{rule}", "PUT", "/alert-rules/{{ruleId}}", """
const rule = expectJson(200);
pm.test('the whole rule replaced', () => pm.expect(rule).to.include({threshold: 90, clear: 90, for: 0}));
""", token="scientistToken", prerequest=skip_unless("ruleId"),
            body='{\n  "name": "postman-{{runId}}", "experiment_id": {{higgId}}, "measure": "hertz",'
                 '\n  "statistic": "mean", "condition": "above", "threshold": 90, "window": 120\n}'),
    request("GET /alerts/?experiment_id={higg}", "GET", "/alerts/?experiment_id={{higgId}}", """
const alerts = expectJson(200) || [];
expectSchema('Alert[]', S.alerts);
pm.test('only alerts of the experiment', () => alerts.forEach((a) => pm.expect(a.experiment_id).to.eql(own('higgId'))));
""", token="scientistToken", prerequest=skip_unless("higgId"),
            description="One alert per rule and series, once the evaluator has seen them."),
    request("Katie Bouman: GET /alerts/?experiment_id={higg} → 403", "GET", "/alerts/?experiment_id={{higgId}}",
            "expectProblem(403);", token="otherScientistToken", prerequest=skip_unless("higgId")),
    request("Admin: GET /alerts/ → 403", "GET", "/alerts/", "expectProblem(403);", token="adminToken",
            description="Alerts carry measures' values: an ADMIN keeps rules but does not read them."),
    request("Katie Bouman: GET /alert-rules/{rule} → 404", "GET", "/alert-rules/{{ruleId}}", "expectProblem(404);",
            token="otherScientistToken", prerequest=skip_unless("ruleId"),
            description="A rule of an experiment she is not associated with: as if it did not exist."),
    request("DELETE /alert-rules/{rule}", "DELETE", "/alert-rules/{{ruleId}}", """
pm.test('status 204', () => pm.response.to.have.status(204));
""", token="scientistToken", prerequest=skip_unless("ruleId")),
    request("GET /alert-rules/{deleted} → 404", "GET", "/alert-rules/{{ruleId}}", "expectProblem(404);",
            token="scientistToken", prerequest=skip_unless("ruleId")),
])

NO_BODY = """
pm.test('status 204', () => pm.response.to.have.status(204));
pm.test('no body', () => pm.expect(pm.response.text()).to.eql(''));
"""

CLEANUP = folder("Clean-up (admin): the run's own data", "Revokes the grants and deletes the experiments of "
                 "\"Setup\", whatever failed before (a request whose id was never saved is skipped), and checks "
                 "that nothing of the run remains.", [
    request("DELETE /scientists-experiments/{higg}/S001", "DELETE", "/scientists-experiments/{{higgId}}/S001",
            NO_BODY, token="adminToken", prerequest=skip_unless("higgId")),
    request("Peter Higg: GET /experiments/{revoked} → 404", "GET", "/experiments/{{higgId}}", "expectProblem(404);",
            token="scientistToken", prerequest=skip_unless("higgId"),
            description="Revoked a moment ago: the experiment is no longer his."),
    request("DELETE /scientists-experiments/{bouman}/S002", "DELETE", "/scientists-experiments/{{boumanId}}/S002",
            NO_BODY, token="adminToken", prerequest=skip_unless("boumanId")),
    request("DELETE /scientists-experiments/{device-vibrations}/S001 (only if granted by this run)", "DELETE",
            "/scientists-experiments/{{dvId}}/S001", NO_BODY, token="adminToken",
            prerequest=skip_unless("dvId", "dvGrantMade"),
            description="Only when Setup had to grant it (a user had revoked the demo's grant): put back as found."),
    request("DELETE /experiments/{higg}", "DELETE", "/experiments/{{higgId}}", NO_BODY, token="adminToken",
            prerequest=skip_unless("higgId")),
    request("DELETE /experiments/{bouman}", "DELETE", "/experiments/{{boumanId}}", NO_BODY, token="adminToken",
            prerequest=skip_unless("boumanId")),
    request("GET /experiments/ (nothing of the run remains)", "GET", "/experiments/", """
const list = expectJson(200) || [];
const runId = pm.variables.get('runId');
pm.test('no experiment of this run is left', () => {
  pm.expect(list.filter((e) => e.name.startsWith(`postman-${runId}`)).map((e) => e.name)).to.eql([]);
  const ids = list.map((e) => e.experiment_id);
  ['higgId', 'boumanId', 'newExperimentId'].filter((name) => pm.collectionVariables.get(name))
    .forEach((name) => pm.expect(ids, name).to.not.include(own(name)));
});
pm.test('device-vibrations still there', () =>
  pm.expect(list).to.deep.include({experiment_id: own('dvId'), name: 'device-vibrations'}));
""", token="adminToken"),
    request("GET /scientists-experiments/ (the demo grant as found)", "GET", "/scientists-experiments/", """
const map = expectJson(200) || {};
pm.test('no grant on the run\\'s experiments is left', () =>
  ['higgId', 'boumanId', 'newExperimentId'].forEach((name) => pm.expect(map).to.not.have.property(String(own(name)))));
pm.test('Peter Higg on device-vibrations only if he was before the run', () => {
  const users = (map[own('dvId')] || {users: []}).users;
  if (pm.collectionVariables.get('dvGrantMade')) pm.expect(users).to.not.include('S001');
  else pm.expect(users).to.include('S001');
});
""", token="adminToken"),
])

VARIABLES = {"runId": "", "lib": LIB.strip(), "dvId": "", "higgId": "", "higgName": "", "boumanId": "",
             "boumanName": "", "dvGrantMade": "", "meName": "", "meEmail": "", "otherMe": "", "nextPage": "",
             "firstPage": "", "nextPageMeasures": "", "newestHertz": "", "aggregateCount": "",
             "newExperimentId": "", "ruleId": ""}


def main() -> None:
    collection = {
        "info": {
            "name": "MyMONIT",
            "description": (
                "Every endpoint of the MyMONIT REST API, with tests on status codes, content types and "
                "body shapes. Run it with postman/run-newman.sh (it gets tokens with ./run.sh token), or in "
                "Postman with an environment of postman/ and demoPassword set (DEMO_PASSWORD of .env): the "
                "collection then signs the demo users in at the Auth Emulator. Run the folders in order: "
                "later requests use ids saved by earlier ones. The tests assert on the run's own data, not on "
                "the exact demo content: \"Setup\" makes experiments and grants named after the run id, "
                "\"Clean-up\" removes them (newman runs every request even after a failed assertion)."
            ),
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "event": [script("prerequest", PRE_REQUEST)],
        "variable": [{"key": key, "value": value} for key, value in VARIABLES.items()],
        "item": [PUBLIC, AUTH, SETUP, SCIENTIST, OTHER, ALERTS, CROSS, ADMIN, CLEANUP],
    }
    OUT.write_text(json.dumps(collection, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
