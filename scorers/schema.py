"""JSON Schema of the standard language, so that editors complete and check the YAML as it is typed.

Built from the same pydantic models the loader validates with: the standard, and one schema per
registered criterion kind (chosen by its `kind`), so a new kind appears in the schema by itself.
"""

from __future__ import annotations

from typing import Any

from scorers.registry import kinds
from scorers.standard import Standard


def standard_schema() -> dict[str, Any]:
    schema = Standard.model_json_schema()
    defs = schema.setdefault("$defs", {})
    choices = []
    for kind in sorted(kinds().values(), key=lambda k: k.name):
        kind_schema = kind.config.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(kind_schema.pop("$defs", {}))
        names = sorted({kind.name, kind.base_name})
        kind_schema["properties"]["kind"] = {"enum": names, "description": kind.description}
        defs[kind.config.__name__] = kind_schema
        choices.append({"$ref": f"#/$defs/{kind.config.__name__}"})
    schema["properties"]["criteria"] = {"type": "array", "minItems": 1, "items": {"oneOf": choices}}
    for loader_only in ("source", "sha256", "lines"):
        schema["properties"].pop(loader_only, None)
    schema["title"] = "Touchstone standard"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
