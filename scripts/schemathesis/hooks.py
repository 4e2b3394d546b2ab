"""Schemathesis hooks for motcua's API (issue 18): a check that every error answer carries the
error envelope, and serializers for the bodies that are files (a PDF to verify, a register's XLSX),
so that those operations are fuzzed too. Loaded with SCHEMATHESIS_HOOKS=hooks (PYTHONPATH=this dir).
"""
import json

import schemathesis


@schemathesis.check
def error_envelope(ctx, response, case):
    """Every 4xx and 5xx answer is {"error": {"code", "message", "details", "operation_id"}}."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as e:
        raise AssertionError(f"{response.status_code} without a JSON body: {e}") from None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        raise AssertionError(f"{response.status_code} without the error envelope: {body!r}"[:300])
    missing = {"code", "message", "details", "operation_id"} - err.keys()
    if missing:
        raise AssertionError(f"{response.status_code}: the envelope lacks {sorted(missing)}")
    if not isinstance(err["code"], str) or not isinstance(err["message"], str) or not err["message"]:
        raise AssertionError(f"{response.status_code}: code and message must be non-empty text")
    return None


def _bytes(ctx, value):
    """A file body as generated: bytes as they are, text as UTF-8, anything else as JSON."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value).encode("utf-8")


for _media in (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
):
    schemathesis.serializer(_media)(_bytes)
