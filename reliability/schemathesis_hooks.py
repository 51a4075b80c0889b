"""schemathesis hooks of reliability/ (loaded through SCHEMATHESIS_HOOKS=schemathesis_hooks).

The services parse JSON with a prototype-poisoning guard: a body holding a `__proto__` key, or a
`constructor` key whose object holds `prototype`, at any depth, is refused with 400 (documented in
docs/api/openapi.yaml, "Bodies"). Such bodies are valid by the schema alone (unknown fields are
ignored), so they are not generated as cases that must be accepted.
"""
import schemathesis


def _poisoned(value):
    if isinstance(value, dict):
        if "__proto__" in value:
            return True
        constructor = value.get("constructor")
        if isinstance(constructor, dict) and "prototype" in constructor:
            return True
        return any(_poisoned(item) for item in value.values())
    if isinstance(value, list):
        return any(_poisoned(item) for item in value)
    return False


@schemathesis.hook
def filter_body(ctx, body):
    return not _poisoned(body)
