#!/usr/bin/env python3
"""Validate every example in an OpenAPI 3.0 document against its schema.

Checked:
  * response / request-body media types: `example` and each `examples.*.value`
    against the media type's `schema`;
  * parameters: `example` / `examples.*.value` against the parameter's `schema`;
  * every schema object (anywhere in the document, including properties, items,
    allOf members, ...) carrying an `example`: that example against the schema
    itself.

`$ref`s are resolved against the whole document through a `referencing`
registry, so component schemas referenced from anywhere are honoured.

Usage: check_examples.py [SPEC]   (default: spec/cloudflare-ssl.yaml relative to
the repository root, i.e. the parent of this script's directory).

Prints `ok <json-pointer>` per checked example; on failures prints
`FAIL <json-pointer>: <message>` and exits with status 1.
"""

import sys
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

DOC_URI = "urn:openapi-document"

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts):
    return "#/" + "/".join(escape(p) for p in parts)


class Checker:
    def __init__(self, doc):
        self.doc = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT4)
        self.registry = Registry().with_resource(DOC_URI, resource)
        self.failures = 0
        self.checked = 0

    def validate(self, schema_parts, instance, where):
        """Validate `instance` against the schema found at `schema_parts`.

        The schema is referenced by its absolute location inside the registered
        document, so every local `$ref` ("#/components/...") it contains
        resolves against the whole document.
        """
        wrapper = {"$ref": DOC_URI + pointer(schema_parts)}
        validator = OAS30Validator(
            wrapper, registry=self.registry, format_checker=oas30_format_checker
        )
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        self.checked += 1
        if errors:
            self.failures += 1
            for err in errors:
                at = "/".join(escape(p) for p in err.absolute_path)
                print(f"FAIL {where}: at instance /{at}: {err.message}")
        else:
            print(f"ok {where}")

    # -- example carriers (media types, parameters, headers) ------------------
    def check_carrier(self, obj, parts):
        if obj.get("schema") is None:
            return
        schema = parts + ["schema"]
        if "example" in obj:
            self.validate(schema, obj["example"], pointer(parts + ["example"]))
        for name, ex in (obj.get("examples") or {}).items():
            ex = self.deref(ex)
            if isinstance(ex, dict) and "value" in ex:
                self.validate(schema, ex["value"], pointer(parts + ["examples", name, "value"]))

    def deref(self, obj):
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj and seen < 50:
            ref = obj["$ref"]
            if not ref.startswith("#/"):
                raise SystemExit(f"external $ref not supported: {ref}")
            node = self.doc
            for tok in ref[2:].split("/"):
                node = node[tok.replace("~1", "/").replace("~0", "~")]
            obj = node
            seen += 1
        return obj

    def walk_operations(self):
        for path, item in (self.doc.get("paths") or {}).items():
            base = ["paths", path]
            for i, param in enumerate(item.get("parameters") or []):
                if "$ref" not in param:
                    self.check_carrier(param, base + ["parameters", i])
            for method, op in item.items():
                if method not in HTTP_METHODS:
                    continue
                opp = base + [method]
                for i, param in enumerate(op.get("parameters") or []):
                    if "$ref" not in param:
                        self.check_carrier(param, opp + ["parameters", i])
                body = op.get("requestBody")
                if body and "$ref" not in body:
                    for mt, media in (body.get("content") or {}).items():
                        self.check_carrier(media, opp + ["requestBody", "content", mt])
                for status, resp in (op.get("responses") or {}).items():
                    if "$ref" in resp:
                        continue
                    rp = opp + ["responses", status]
                    for mt, media in (resp.get("content") or {}).items():
                        self.check_carrier(media, rp + ["content", mt])
                    for hname, header in (resp.get("headers") or {}).items():
                        if "$ref" not in header:
                            self.check_carrier(header, rp + ["headers", hname])

    def walk_components(self):
        comps = self.doc.get("components") or {}
        for name, param in (comps.get("parameters") or {}).items():
            self.check_carrier(param, ["components", "parameters", name])
        for name, header in (comps.get("headers") or {}).items():
            self.check_carrier(header, ["components", "headers", name])
        for name, resp in (comps.get("responses") or {}).items():
            for mt, media in (resp.get("content") or {}).items():
                self.check_carrier(media, ["components", "responses", name, "content", mt])
        for name, body in (comps.get("requestBodies") or {}).items():
            for mt, media in (body.get("content") or {}).items():
                self.check_carrier(media, ["components", "requestBodies", name, "content", mt])

    # -- schema-level examples -------------------------------------------------
    SCHEMA_KEYS_SINGLE = ("items", "additionalProperties", "not")
    SCHEMA_KEYS_LIST = ("allOf", "anyOf", "oneOf")

    def walk_schema(self, schema, parts):
        if not isinstance(schema, dict) or "$ref" in schema:
            return
        if "example" in schema:
            self.validate(parts, schema["example"], pointer(parts + ["example"]))
        for name, sub in (schema.get("properties") or {}).items():
            self.walk_schema(sub, parts + ["properties", name])
        for key in self.SCHEMA_KEYS_SINGLE:
            if isinstance(schema.get(key), dict):
                self.walk_schema(schema[key], parts + [key])
        for key in self.SCHEMA_KEYS_LIST:
            for i, sub in enumerate(schema.get(key) or []):
                self.walk_schema(sub, parts + [key, i])

    def walk_all_schemas(self, node, parts):
        """Find every `schema` object in the document (outside components.schemas)."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema" and isinstance(value, dict):
                    self.walk_schema(value, parts + [key])
                elif key == "schemas" and parts == ["components"]:
                    for name, sch in value.items():
                        self.walk_schema(sch, parts + [key, name])
                elif key in ("example", "examples"):
                    continue  # example payloads are data, not schemas
                else:
                    self.walk_all_schemas(value, parts + [key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self.walk_all_schemas(value, parts + [i])


def main(argv):
    if len(argv) > 1:
        spec_path = Path(argv[1])
    else:
        spec_path = Path(__file__).resolve().parent.parent / "spec" / "cloudflare-ssl.yaml"
    with open(spec_path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)

    checker = Checker(doc)
    checker.walk_operations()
    checker.walk_components()
    checker.walk_all_schemas(doc, [])

    if checker.checked == 0:
        print(f"FAIL {spec_path}: no examples found")
        return 1
    if checker.failures:
        print(f"{checker.failures} of {checker.checked} examples FAILED in {spec_path}")
        return 1
    print(f"all {checker.checked} examples valid in {spec_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
