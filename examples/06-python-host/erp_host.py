"""An ERP written in Python calling the aftersales reference server with the standard library only.

It decides a warranty claim over HTTP, handles a refused request, reads the decision's record back from the log,
recomputes the record's hash on its own (RFC 8785 canonical JSON, SHA-256: the formula in docs/audit-log.md),
replays the decision and checks that the replay is identical to the record. Any check that does not hold ends
the program with exit 1 and the reason on stderr.

Decision ids (random UUIDs) and record hashes (which cover the server's clock) differ from run to run: they are
printed masked as <decision-N> and <hash>, so the output is the same on every run.

Usage: python3 erp_host.py http://127.0.0.1:8787     against a running server (`pnpm start` serves on 8787)
       node index.mjs                                starts a server on a free port, runs this, stops the server
"""
import hashlib
import json
import math
import sys
import urllib.error
import urllib.request

BASE_URL = (sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:8787').rstrip('/')
GENESIS = 'sha256:' + '0' * 64


def call(method, path, body=None):
    """One JSON request. Returns (status, headers, body) for 2xx and 4xx alike: urllib raises on >= 400."""
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(BASE_URL + path, data=data, method=method,
                                     headers={'content-type': 'application/json', 'accept': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def js_number(x):
    """A float as ECMAScript's Number.prototype.toString writes it (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(x):
        raise ValueError('NaN and Infinity are not JSON')
    if x == 0:
        return '0'
    if x < 0:
        return '-' + js_number(-x)
    # repr gives the shortest digits that round-trip, as ECMAScript does; only the layout differs.
    mantissa, _, exponent = repr(x).partition('e')
    whole, _, fraction = mantissa.partition('.')
    digits = whole + fraction
    n = len(whole) + int(exponent or 0)  # x = 0.<digits> * 10**n
    n -= len(digits) - len(digits.lstrip('0'))
    digits = digits.strip('0')
    k = len(digits)
    if k <= n <= 21:
        return digits + '0' * (n - k)
    if 0 < n <= 21:
        return digits[:n] + '.' + digits[n:]
    if -6 < n <= 0:
        return '0.' + '0' * -n + digits
    e = n - 1
    return (digits[0] + ('.' + digits[1:] if k > 1 else '')) + 'e' + ('+' if e >= 0 else '-') + str(abs(e))


def canonical_json(value):
    """RFC 8785 (JSON Canonicalization Scheme): no whitespace, keys sorted by UTF-16 code units."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return '[' + ','.join(canonical_json(item) for item in value) + ']'
    keys = sorted(value, key=lambda key: key.encode('utf-16-be'))
    return '{' + ','.join(json.dumps(key, ensure_ascii=False) + ':' + canonical_json(value[key]) for key in keys) + '}'


def record_hash(record):
    """The record's hash as the server computes it: the entry with its place in the chain, canonical, SHA-256
    (format 2); records written before the log record v2 (format 1) hash their chained fields."""
    if record.get('format') == 2:
        body = canonical_json(dict(record['entry'], seq=record['seq'], prevHash=record['prevHash']))
    else:
        fields = ['seq', 'prevHash', 'decisionId', 'recordedAt', 'pack', 'version', 'packHash', 'asOf',
                  'parameters', 'facts', 'outcome', 'decision']
        body = canonical_json({name: record[name] for name in fields})
    return 'sha256:' + hashlib.sha256(body.encode('utf-8')).hexdigest()


masked = {}


def mask(decision_id):
    masked.setdefault(decision_id, '<decision-%d>' % (len(masked) + 1))
    return masked[decision_id]


def check(holds, what):
    if not holds:
        sys.exit('check failed: ' + what)


# ---- decide a claim ---------------------------------------------------------------------------------------
claim = {
    'facts': {'invoiceDate': '2025-11-20', 'claimDate': '2026-03-02', 'odometerKm': 8200, 'faultSystem': 'electrical'},
    'asOf': '2026-03-02T10:00:00+08:00',
    # The ERP's claim number and context: stored and hashed with the record, never seen by the rules.
    'reference': 'WO-2026-0311',
    'context': {'dealer': 'D-17', 'operator': 'li'},
}
status, headers, decision = call('POST', '/v1/packs/warranty-car/decisions', claim)
check(status == 201, 'the decision is answered 201, got %d %s' % (status, decision))
decision_id = decision['decisionId']
print('POST /v1/packs/warranty-car/decisions -> %d, Location: %s'
      % (status, headers['location'].replace(decision_id, mask(decision_id))))
print('  %s: %s@%s as of %s' % (mask(decision_id), decision['pack'], decision['version'], decision['asOf']))
print('  outcome: ' + json.dumps(decision['outcome'], ensure_ascii=False, separators=(',', ':')))
print('  ' + decision['messages']['zh'])
print('  ' + decision['messages']['en'])

# ---- a request the pack refuses: 422, a JSON pointer per problem, nothing logged ---------------------------
status, _, refused = call('POST', '/v1/packs/warranty-car/decisions',
                          {'facts': {'invoiceDate': '2025-11-20', 'odometerKm': -1, 'faultSystem': 'electrical'},
                           'asOf': '2026-03-02T10:00:00+08:00'})
check(status == 422, 'a negative odometer is refused with 422, got %d' % status)
print('POST … with odometerKm -1 -> %d %s' % (status, refused['error']['code']))
for problem in refused['error']['problems']:
    print('  %s %s' % (problem['path'], problem['message']))

# ---- read the record back from the log and check its hash here -------------------------------------------
status, _, record = call('GET', '/v1/decisions/' + decision_id)
check(status == 200, 'the record is found, got %d' % status)
print('GET /v1/decisions/%s: seq %d, prevHash %s' % (mask(decision_id), record['seq'],
                                                       'genesis' if record['prevHash'] == GENESIS else '<hash>'))
check(record['facts'] == claim['facts'], 'the record holds the facts sent')
check(record['outcome'] == decision['outcome'], 'the record holds the outcome answered')
check(record.get('reference') == claim['reference'] and record.get('context') == claim['context'],
      'the record holds the reference and context sent')
print('  facts as sent, outcome as answered, reference %s and its context' % record['reference'])
status, _, found = call('GET', '/v1/decisions?reference=' + claim['reference'])
check([item['decisionId'] for item in found['items']] == [decision_id], 'the claim\'s decisions are found by reference')
print('GET /v1/decisions?reference=%s -> %s' % (claim['reference'], mask(decision_id)))
check(record_hash(record) == record['hash'], 'the hash recomputed here equals the record\'s hash')
print('  hash recomputed in Python (RFC 8785 canonical JSON, SHA-256) equals the record\'s hash')

# ---- replay: the recorded facts, parameters and asOf under the recorded pack version ----------------------
status, _, replay = call('POST', '/v1/decisions/%s/replay' % decision_id)
check(status == 200, 'the replay is answered 200, got %d' % status)
print('POST /v1/decisions/%s/replay: identical %s, %d differences, under %s@%s'
      % (mask(decision_id), str(replay['identical']).lower(), len(replay['differences']), replay['pack'], replay['version']))
check(replay['identical'] is True and replay['differences'] == [], 'the replay is identical: %s' % replay['differences'])
check(replay['outcome'] == record['outcome'], 'the replayed outcome equals the recorded one')
check(replay['packHash'] == record['packHash'], 'the replay ran under the recorded pack')
print('  replayed outcome and pack hash equal the record\'s')
