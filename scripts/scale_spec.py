#!/usr/bin/env python3
"""Writes a synthetic spec of N family-shaped endpoints, for scripts/scale.sh.

Each endpoint has 12 request fields (strings with limits, two inline enums, integers with
bounds, a timestamp, a map with keys, an array, a shared object), two rules, a response with an
enum and a shared object, and 6 result codes, every item citing the one synthetic source.
Endpoints come in groups of 10 (`g000`, `g001`, ...), each a cargo feature of the crate;
`--no-groups` leaves groups out, for a generator from before they existed (scale.sh's baseline).
Usage: scale_spec.py N OUT_DIR [--no-groups]
"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
groups = "--no-groups" not in sys.argv[3:]
os.makedirs(os.path.join(out, "endpoints"), exist_ok=True)
with open(os.path.join(out, "api.yaml"), "w") as f:
    f.write("""sources:
  - id: synthetic
    title: A synthetic page (scale benchmark)
    url: https://example.invalid/scale
    read: 2026-11-27
api:
  name: Scale API
  crate: scale
""")
    if groups:
        f.write("  groups:\n")
        for g in range((n + 9) // 10):
            f.write(f"    - {{ name: g{g:03d}, description: Synthetic operations {g * 10} to {g * 10 + 9}. }}\n")
    f.write("""types:
  - name: Amount
    type: object
    fields:
      - { name: currency, type: string, required: true, min_length: 3, max_length: 3, source: synthetic }
      - { name: value, type: integer, required: true, minimum: 0, source: synthetic }
  - name: Holder
    type: object
    fields:
      - { name: holderId, type: string, required: true, max_length: 32, source: synthetic }
      - { name: nickname, type: string, max_length: 64, source: synthetic }
""")
for i in range(n):
    name = f"op{i:04d}Call"
    with open(os.path.join(out, "endpoints", f"op{i:04d}.yaml"), "w") as f:
        f.write(f"""endpoint:
  name: {name}
  method: POST
  path: /api/open/v1/scale/op{i:04d}
{f"  group: g{i // 10:03d}" + chr(10) if groups else ""}  summary: Synthetic operation {i}
  request:
    fields:
      - {{ name: merchantId, type: string, required: true, max_length: 64, source: synthetic }}
      - {{ name: userId, type: string, max_length: 32, source: synthetic }}
      - {{ name: openId, type: string, max_length: 32, source: synthetic }}
      - {{ name: reference, type: string, required: true, min_length: 1, max_length: 128, source: synthetic }}
      - name: kind
        type: enum
        required: true
        source: synthetic
        values: [{{ value: STANDARD }}, {{ value: EXPRESS }}, {{ value: RETURN }}]
      - name: channel
        type: enum
        source: synthetic
        values: [{{ value: APP }}, {{ value: WEB }}]
      - {{ name: quantity, type: integer, minimum: 1, maximum: 1000, source: synthetic }}
      - {{ name: points, type: integer, minimum: 0, maximum: 100000000, source: synthetic }}
      - {{ name: bizDate, type: timestamp, required: true, minimum: 0, source: synthetic }}
      - name: dataInfo
        type: map
        source: synthetic
        keys: [{{ key: billNo }}, {{ key: lastChangePoints }}]
      - {{ name: tags, type: array, items: string, source: synthetic }}
      - {{ name: amount, type: Amount, source: synthetic }}
    rules:
      - exactly_one_of: [userId, openId]
        source: synthetic
      - required_when: {{ field: quantity, when: kind, equals: EXPRESS }}
        source: synthetic
  response:
    fields:
      - {{ name: result, type: result, required: true, source: synthetic }}
      - name: state
        type: enum
        source: synthetic
        values: [{{ value: OPEN }}, {{ value: CLOSED }}]
      - {{ name: holder, type: Holder, source: synthetic }}
  result_codes:
    - {{ code: SUCCESS, status: S, message: Success, source: synthetic }}
    - {{ code: PARAM_ILLEGAL, status: F, message: Illegal parameters., source: synthetic }}
    - {{ code: USER_NOT_EXIST, status: F, message: No such user., source: synthetic }}
    - {{ code: ORDER_STATUS_INVALID, status: F, message: Bad state., source: synthetic }}
    - {{ code: PROCESS_FAIL, status: F, message: Do not retry., source: synthetic }}
    - {{ code: UNKNOWN_EXCEPTION, status: U, message: Unknown., source: synthetic }}
""")
