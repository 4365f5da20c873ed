#!/usr/bin/env python3
"""Signs random Didit-shaped webhook payloads exactly as Didit's service does (shared/didit-api.md
section 3.2: shorten_floats, then json.dumps with sort_keys and compact separators, HMAC-SHA256
with Python's own hmac module), then re-encodes each delivery the way a proxy might (keys
unsorted, whitespace, raw UTF-8 or escapes, floats spelled differently), so that only
X-Signature-V2 can still match. Each case also carries a copy with one byte of signed content
changed. This is an oracle independent of the library: nothing here shares its code.

Writes one JSON object per line: seed, secret, then the cases."""

import argparse
import hashlib
import hmac
import json
import math
import random
import sys
import time

ASTRAL = ["\U0001F600", "\U0001F9D1\u200D\U0001F4BB", "\U00010348", "\U0010FFFD"]
AWKWARD = ["\u2028", "\u2029", "\u0085", "\u00a0", "\u007f", "\u0000", "\u001f", "\t", "\n",
           "\"", "\\", "/", "\ufeff", "\u00e9", "\u5317\u4eac", "e\u0301"]


def random_string(rng):
    parts = []
    for _ in range(rng.randint(0, 12)):
        pick = rng.random()
        if pick < 0.5:
            parts.append(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:"))
        elif pick < 0.7:
            parts.append(rng.choice(AWKWARD))
        elif pick < 0.85:
            parts.append(rng.choice(ASTRAL))
        else:
            parts.append(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0x80, 0x7ff),
                                         rng.randint(0x800, 0xd7ff), rng.randint(0xe000, 0xfffd)])))
    return "".join(parts)


def random_float(rng):
    pick = rng.random()
    if pick < 0.2:
        return round(rng.uniform(0, 100), rng.randint(0, 6))            # scores, thresholds
    if pick < 0.35:
        return float(rng.randint(-10**6, 10**6))                          # integral float
    if pick < 0.45:
        return float("%de%d" % (rng.randint(1, 9), rng.randint(15, 307)))  # huge integral
    if pick < 0.55:
        return rng.uniform(-1, 1) * 10.0 ** rng.randint(-320, -5)         # tiny, subnormal
    if pick < 0.65:
        return rng.choice([0.0, -0.0, 0.1 + 0.2, 1e16, 1e-4, 9.999999999999999e15, 5e-324,
                           1.7976931348623157e308, 2.5, -123456789012345.6])
    return rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30)


def random_int(rng):
    pick = rng.random()
    if pick < 0.5:
        return rng.randint(-1000, 10**6)
    if pick < 0.7:
        return rng.choice([2**63 - 1, -2**63, 2**63, 2**64 - 1, 2**64, -2**63 - 1, 2**53 + 1])
    return rng.getrandbits(rng.randint(65, 400)) * rng.choice([1, -1])   # beyond 64 bits


def random_value(rng, depth):
    pick = rng.random()
    if depth < 4 and pick < 0.15:
        return {random_string(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    if depth < 4 and pick < 0.25:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if pick < 0.45:
        return random_string(rng)
    if pick < 0.65:
        return random_float(rng)
    if pick < 0.85:
        return random_int(rng)
    return rng.choice([True, False, None, {}, []])


def random_payload(rng, now):
    status = rng.choice(["Approved", "Declined", "In Review", "Abandoned", "In Progress"])
    session_id = "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                                   rng.getrandbits(12), rng.getrandbits(12),
                                                   rng.getrandbits(48))
    payload = {
        "session_id": session_id,
        "status": status,
        "webhook_type": "status.updated",
        "event_id": "%032x" % rng.getrandbits(128),
        "timestamp": now,
        "created_at": now - rng.randint(0, 10),
        "application_id": "11111111-2222-3333-4444-555555555555",
        "environment": "live",
        "workflow_version": rng.randint(1, 9),
        "vendor_data": random_string(rng),
        "metadata": {random_string(rng): random_value(rng, 1) for _ in range(rng.randint(0, 6))},
    }
    if status in ("Approved", "Declined", "In Review", "Abandoned"):
        payload["decision"] = {
            "session_id": session_id,
            "status": status,
            "id_verifications": [{"node_id": "id_verification_1", "status": status,
                                  "first_name": random_string(rng),
                                  "warnings": [{"risk": random_string(rng), "short_description": random_string(rng),
                                                "detail": random_value(rng, 3)}
                                               for _ in range(rng.randint(0, 3))]}],
            "liveness_checks": [{"node_id": "liveness_1", "status": status,
                                 "score": random_float(rng), "threshold": random_float(rng)}],
            "extra": random_value(rng, 1),
        }
    return payload


def shorten_floats(value):
    """As Didit's service does before signing: integral floats become ints."""
    if isinstance(value, dict):
        return {k: shorten_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shorten_floats(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sign(secret, message):
    return hmac.new(secret.encode(), message.encode("utf-8"), hashlib.sha256).hexdigest()


class ReEncoder:
    """Writes JSON as a proxy might: its own key order, spacing, escapes and float spellings.
    Returns the text and the spans of bytes whose change changes the content."""

    def __init__(self, rng):
        self.rng = rng
        self.parts = []
        self.mutable = []   # (start, end) character spans of string content and integer digits

    def space(self):
        if self.rng.random() < 0.3:
            self.parts.append(self.rng.choice([" ", "\n", "\t", "\r\n  ", "  "]))

    def emit(self, text, mutable=False):
        if mutable:
            start = sum(len(p) for p in self.parts)
            self.mutable.append((start, start + len(text)))
        self.parts.append(text)

    def string(self, text):
        self.emit('"')
        for ch in text:
            code = ord(ch)
            escape_any = self.rng.random() < 0.2
            if ch == '"':
                self.emit('\\"')
            elif ch == "\\":
                self.emit("\\\\")
            elif ch == "/" and escape_any:
                self.emit("\\/")
            elif code < 0x20 or escape_any:
                if code >= 0x10000:
                    code -= 0x10000
                    self.emit("\\u%04x\\u%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)))
                else:
                    self.emit(("\\u%04x" if self.rng.random() < 0.5 else "\\u%04X") % code)
            else:
                self.emit(ch, mutable=ch.isascii() and ch.isalnum())
        self.emit('"')

    def number(self, value):
        if isinstance(value, bool):
            self.emit("true" if value else "false")
        elif isinstance(value, int):
            if abs(value) < 2**53 and self.rng.random() < 0.2:
                self.emit(self.rng.choice(["%d.0", "%de0", "%d.000E+00"]) % value)
            else:
                text = str(value)
                digits_from = 1 if text.startswith("-") else 0
                self.emit(text[:digits_from])
                self.emit(text[digits_from:], mutable=len(text) - digits_from > 1)
        else:
            spellings = [repr(value), "%.17g" % value, "%.17e" % value, "%.20E" % value,
                         repr(value).replace("e", "E")]
            self.emit(self.rng.choice(spellings))

    def value(self, value):
        self.space()
        if isinstance(value, dict):
            items = list(value.items())
            self.rng.shuffle(items)
            self.emit("{")
            for i, (k, v) in enumerate(items):
                if i:
                    self.emit(",")
                self.space()
                self.string(k)
                self.space()
                self.emit(":")
                self.value(v)
            self.space()
            self.emit("}")
        elif isinstance(value, list):
            self.emit("[")
            for i, v in enumerate(value):
                if i:
                    self.emit(",")
                self.value(v)
            self.space()
            self.emit("]")
        elif isinstance(value, str):
            self.string(value)
        elif value is None:
            self.emit("null")
        else:
            self.number(value)
        self.space()

    def text(self):
        return "".join(self.parts)


def tamper(rng, text, spans):
    """Changes one character of signed content: a letter or digit inside a string, or a digit
    of an integer (never the leading one, which could make it invalid)."""
    start, end = rng.choice(spans)
    at = rng.randrange(start, end)
    if at == start and text[at].isdigit() and text[start - 1:start] != '"':
        at = end - 1     # an integer's leading digit: change its last one instead
    old = text[at]
    pool = "0123456789" if old.isdigit() else "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    new = rng.choice([c for c in pool if c != old])
    return text[:at] + new + text[at + 1:], at


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    rng = random.Random(seed)
    secret = "oracle-secret-%d" % seed
    now = int(time.time())
    with open(args.out, "w", encoding="ascii") as out:
        out.write(json.dumps({"seed": seed, "secret": secret}) + "\n")
        for _ in range(args.count):
            payload = shorten_floats(random_payload(rng, now))
            wire = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            unescaped = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            encoder = ReEncoder(rng)
            encoder.value(payload)
            body = encoder.text()
            if body.encode("utf-8") == wire.encode("utf-8"):
                continue  # the re-encoding happened to be canonical; X-Signature would match
            assert json.loads(body) == payload, "the re-encoding must keep the content"
            tampered, at = tamper(rng, body, encoder.mutable)
            assert json.loads(tampered) != payload, "the change must alter the content"
            out.write(json.dumps({
                "body": body,
                "tampered": tampered,
                "tampered_at": at,
                "signature": sign(secret, wire),
                "signature_v2": sign(secret, unescaped),
                "timestamp": now,
            }) + "\n")
    print("wrote %d webhook deliveries (seed %d) to %s" % (args.count, seed, args.out))


if __name__ == "__main__":
    sys.exit(main())
