use super::*;

const SPEC: &str = "\
openapi: 3.0.3
info:
  title: Mine   # a comment that must stay
  version: '1'

paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - $ref: '#/components/parameters/Id'
      responses:
        '200':
          description: A thing.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'

# Shared pieces.
components:
  parameters:
    Id:
      name: id
      in: path
      required: true
      schema:
        type: string
  schemas:
    Thing:
      type: object
      properties:
        id:
          type: string
";

/// An upstream document in JSON: an `Item` shaped like our `Thing` (other name, other
/// description), a `Thing` of another shape, an inline path parameter, a new security scheme.
const UPSTREAM: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "Upstream", "version": "2"},
  "security": [{"key": []}],
  "paths": {
    "/things/{id}": {
      "parameters": [{"$ref": "#/components/parameters/ThingId"}],
      "delete": {
        "operationId": "delete-thing",
        "responses": {"200": {"description": "Deleted.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
      },
      "put": {
        "operationId": "put-thing",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "responses": {"204": {"description": "Stored."}}
      }
    },
    "/other": {
      "get": {
        "operationId": "get-other",
        "responses": {"200": {"description": "Other.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tricky"}}}}}
      }
    }
  },
  "components": {
    "parameters": {"ThingId": {"name": "id", "in": "path", "required": true, "description": "The id.", "schema": {"type": "string"}}},
    "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    "schemas": {
      "Item": {"type": "object", "description": "Upstream words.", "properties": {"id": {"type": "string"}}},
      "Thing": {"type": "object", "properties": {"id": {"type": "integer"}, "part": {"$ref": "#/components/schemas/Thing"}}},
      "Tricky": {
        "type": "object",
        "description": "Line one.\n\nLine two: with # and 'quotes' — ünïcode.",
        "properties": {
          "yes": {"type": "string", "enum": ["yes", "no", "on", "true", "1.0", "007", "null", "~", "a: b", "c #d", "", " lead", "multi\nline", "tab\tin", "2024-01-01"]},
          "n": {"type": "number", "default": 1e20, "example": 0.5}
        }
      }
    }
  }
}"##;

fn add(spec: &str, ops: &[&str]) -> Result<Extension, Diagnostics> {
    add_operations(spec, UPSTREAM, ops)
}

/// Whether every line of `spec` is in `text`, in order (what was there is kept byte for byte).
fn keeps_every_line(spec: &str, text: &str) -> bool {
    let mut lines = text.lines();
    spec.lines().all(|want| lines.any(|l| l == want))
}

fn message(result: Result<Extension, Diagnostics>) -> String {
    match result {
        Ok(e) => format!("unexpectedly added:\n{}", e.text),
        Err(d) => d.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
    }
}

#[test]
fn adds_into_an_existing_path_item_and_reuses_same_shapes() {
    let e = add(SPEC, &["delete-thing"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    // The spec's text is all there, in place: the new method goes after `get`'s last line.
    let want = SPEC.replace(
        "                $ref: '#/components/schemas/Thing'\n",
        "                $ref: '#/components/schemas/Thing'\n    delete:\n      operationId: delete-thing\n      \
         responses:\n        '200':\n          description: Deleted.\n          content:\n            application/json:\n              \
         schema:\n                $ref: '#/components/schemas/Thing'\n      parameters:\n        - $ref: '#/components/parameters/Id'\n      \
         security:\n        - key: []\n",
    );
    let want = want.replace(
        "        id:\n          type: string\n",
        "        id:\n          type: string\n  securitySchemes:\n    key:\n      type: apiKey\n      in: header\n      name: X-Key\n",
    );
    assert_eq!(e.text, want);
    let summary: Vec<String> = e.components.iter().map(ToString::to_string).collect();
    assert_eq!(
        summary,
        [
            "reused schemas/Thing for upstream schemas/Item (same shape)",
            "reused parameters/Id for upstream parameters/ThingId (same shape)",
            "added securitySchemes/key",
        ]
    );
    assert_eq!(e.operations, ["DELETE /things/{id} (delete-thing)"]);
}

#[test]
fn renames_a_different_shape_and_follows_it_everywhere() {
    let e = add(SPEC, &["PUT /things/{id}"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    let renamed: Vec<String> = e.components.iter().map(ToString::to_string).collect();
    assert!(
        renamed.contains(&"added schemas/Thing as schemas/Thing_2 (the spec has another Thing)".to_string()),
        "{renamed:?}"
    );
    // The body and the recursive property both name the copy.
    assert!(e.text.contains("              $ref: '#/components/schemas/Thing_2'\n"), "{}", e.text);
    assert!(e.text.contains("    Thing_2:\n      type: object\n      properties:\n        id:\n          type: integer\n        part:\n          $ref: '#/components/schemas/Thing_2'\n"), "{}", e.text);
    assert!(keeps_every_line(SPEC, &e.text), "{}", e.text);
}

#[test]
fn refuses_what_is_present_or_missing_and_suggests_names() {
    let e = add(SPEC, &["delete-thing"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    let again = message(add_operations(&e.text, UPSTREAM, &["delete-thing"]));
    assert!(again.contains("`delete-thing` is already present in the spec as DELETE /things/{id}"), "{again}");
    assert!(again.contains("(line "), "located: {again}");
    let missing = message(add(SPEC, &["delete-thingz"]));
    assert!(
        missing.contains(
            "no operation `delete-thingz` in the upstream spec: searched the operationId of its 3 operations"
        ),
        "{missing}"
    );
    assert!(missing.contains("nearest: `delete-thing`, `put-thing`"), "{missing}");
    let by_path = message(add(SPEC, &["POST /things/{id}"]));
    assert!(by_path.contains("searched the method and path") && by_path.contains("`PUT /things/{id}`"), "{by_path}");
    // One bad name stops everything: nothing is returned for the good one either.
    assert!(add(SPEC, &["get-other", "nope"]).is_err());
}

#[test]
fn tricky_scalars_read_back_exactly() {
    let e = add(SPEC, &["get-other"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    let read = crate::load::document(&e.text).unwrap_or_default();
    let source: Value = serde_json::from_str(UPSTREAM).unwrap_or_default();
    assert!(same_json(
        read.pointer("/components/schemas/Tricky").unwrap_or(&Value::Null),
        source.pointer("/components/schemas/Tricky").unwrap_or(&Value::Null)
    ));
    assert!(
        e.text
            .contains("      description: |-\n        Line one.\n\n        Line two: with # and 'quotes' — ünïcode.\n"),
        "{}",
        e.text
    );
    assert!(e.text.contains("            - 'yes'\n            - 'no'\n            - 'on'\n            - 'true'\n            - '1.0'\n            - '007'\n"), "{}", e.text);
    assert!(e.text.contains("          default: 1.0e+20\n"), "{}", e.text);
    assert!(keeps_every_line(SPEC, &e.text), "{}", e.text);
    // A new path goes after the last one (the spec's one path item gives no spacing to follow).
    assert!(
        e.text.contains(
            "                $ref: '#/components/schemas/Thing'\n  /other:\n    get:\n      operationId: get-other\n"
        ),
        "{}",
        e.text
    );
}

#[test]
fn output_is_deterministic_and_loads() {
    let a = add(SPEC, &["get-other", "delete-thing", "put-thing"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    let b = add(SPEC, &["get-other", "delete-thing", "put-thing"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    assert_eq!(a, b);
    assert!(crate::lower(&a.text).is_ok());
}

#[test]
fn creates_missing_sections_and_refuses_flow_style() {
    let bare = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '204':\n          description: none\n";
    let e = add_operations(bare, UPSTREAM, &["delete-thing"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    assert!(e.text.starts_with(bare), "{}", e.text);
    assert!(e.text.contains("\ncomponents:\n  schemas:\n    Item:\n"), "{}", e.text);
    let flow = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let err = message(add_operations(flow, UPSTREAM, &["delete-thing"]));
    assert!(err.contains("`paths` is written on one line"), "{err}");
}

#[test]
fn a_result_that_would_not_load_is_refused() {
    let upstream = UPSTREAM
        .replace("\"delete-thing\",", "\"delete-thing\", \"parameters\": [{\"name\": \"q\", \"in\": \"querry\"}],");
    let err = message(add_operations(SPEC, &upstream, &["delete-thing"]));
    assert!(err.contains("would not load; nothing was written"), "{err}");
}

#[test]
fn references_outside_components_are_refused() {
    let upstream = UPSTREAM.replace("#/components/schemas/Item", "other.json#/Item");
    let err = message(add_operations(SPEC, &upstream, &["delete-thing"]));
    assert!(err.contains("is to another document"), "{err}");
}

#[test]
fn an_openapi_31_upstream_is_copied_as_30() {
    let upstream = "\
openapi: 3.1.0
info: {title: New, version: '1'}
paths:
  /notes:
    get:
      operationId: list-notes
      responses:
        '200':
          description: Notes.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Note'
components:
  schemas:
    Note:
      type: object
      properties:
        text:
          type: [string, 'null']
";
    let e = add_operations(SPEC, upstream, &["list-notes"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    assert!(e.text.contains("    Note:\n      type: object\n      properties:\n        text:\n          type: string\n          nullable: true\n"), "{}", e.text);
    assert!(keeps_every_line(SPEC, &e.text), "{}", e.text);
}

#[test]
fn properties_named_like_keywords_are_followed() {
    let upstream = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
      "paths": {"/w": {"get": {"operationId": "get-w", "responses": {"200": {"description": "W.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wrapper"}}}}}}}},
      "components": {"schemas": {
        "Wrapper": {"type": "object", "properties": {
          "value": {"$ref": "#/components/schemas/Inner"},
          "default": {"$ref": "#/components/schemas/Other"},
          "example": {"type": "string", "example": {"$ref": "not a reference"}}}},
        "Inner": {"type": "integer"},
        "Other": {"type": "boolean"}}}}"##;
    let e = add_operations(SPEC, upstream, &["get-w"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    let placed: Vec<String> = e.components.iter().map(ToString::to_string).collect();
    assert_eq!(placed, ["added schemas/Wrapper", "added schemas/Inner", "added schemas/Other"]);
}

#[test]
fn crlf_and_a_missing_final_line_break_are_kept() {
    let crlf = SPEC.trim_end().replace('\n', "\r\n");
    let e = add_operations(&crlf, UPSTREAM, &["delete-thing", "get-other"]).unwrap_or_else(|d| unreachable!("{d:?}"));
    assert!(!e.text.replace("\r\n", "").contains('\n'), "every line break is CRLF:\n{}", e.text);
    assert!(keeps_every_line(&crlf.replace("\r\n", "\n"), &e.text.replace("\r\n", "\n")));
    assert!(e.text.starts_with(crlf.split("\r\n    get:").next().unwrap_or_default()));
}
