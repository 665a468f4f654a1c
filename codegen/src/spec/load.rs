//! Reading a spec: text (YAML or JSON) into a JSON tree, and a JSON tree into `openapiv3` types,
//! with every failure reported as a [`Diagnostic`] that carries a JSON pointer.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::openapi::{METHODS, operation_at, resolve};

/// An input file held in memory: the name is only used to say where a problem is.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How diagnostics name the file, e.g. `spec/api.github.com.yaml`.
    pub name: String,
    /// The file's text, YAML or JSON (JSON is YAML).
    pub text: String,
}

impl SourceFile {
    /// A source file with a display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// The largest spec accepted, in bytes.
pub const MAX_SPEC_BYTES: usize = 64 << 20;

/// How deeply a spec may nest; real specs stay far below, and the limit keeps the recursive
/// passes of the generator from overflowing the stack on hostile input.
pub const MAX_DEPTH: usize = 200;

/// Parses YAML or JSON text into a JSON tree.
///
/// YAML allows non-string mapping keys (`200:` for a status code); they are turned into strings,
/// as OpenAPI requires. A syntax error reports its line and column.
pub fn parse_tree(source: &SourceFile) -> Result<Value, Diagnostics> {
    if source.text.len() > MAX_SPEC_BYTES {
        return Err(Diagnostics::one(Diagnostic::new(
            &source.name,
            "#",
            format!("the file is {} MiB; specs above {} MiB are refused", source.text.len() >> 20, MAX_SPEC_BYTES >> 20),
            "GitHub's complete description is about 10 MiB; check that this is the file you meant",
        )));
    }
    if let Some(tree) = plain_json(&source.text) {
        return Ok(tree);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(&source.text).map_err(|error| {
        let place = error
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        Diagnostics::one(Diagnostic::new(
            &source.name,
            "#",
            format!("the file is not valid YAML or JSON{place}: {error}"),
            "fix the syntax error; an OpenAPI description must be a YAML or JSON document",
        ))
    })?;
    yaml_to_json(yaml).map_err(|(path, message)| {
        Diagnostics::one(Diagnostic::new(
            &source.name,
            pointer::join(path),
            message,
            "use plain strings, numbers, booleans, lists and maps; OpenAPI is JSON",
        ))
    })
}

/// A JSON document read with the JSON parser, several times faster than the YAML parser on
/// GitHub's 10 MB description. `None` unless it is a JSON object without repeated keys (which
/// the JSON parser would take, the last one winning) within serde_json's nesting limit (128,
/// below [`MAX_DEPTH`]): anything else goes through the YAML parser, which reports problems
/// with their place. A JSON document is YAML, and both readings give the same tree (the
/// whole-description test and regen's byte-identical output check it).
fn plain_json(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str::<UniqueKeys>(text).ok().map(|tree| tree.0)
}

/// A JSON value whose objects have no repeated keys.
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::from(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }
    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| E::custom("a number with no JSON equivalent"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((key, UniqueKeys(item))) = map.next_entry::<String, UniqueKeys>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice")));
            }
            out.insert(key, item);
        }
        Ok(Value::Object(out))
    }
}

/// A YAML tree as a JSON tree, or the path (root first) and message of the first node that has
/// no JSON equivalent.
fn yaml_to_json(value: serde_yaml::Value) -> Result<Value, (Vec<String>, String)> {
    convert_yaml(value, 0).map_err(|(mut path, message)| {
        path.reverse();
        (path, message)
    })
}

/// [`yaml_to_json`] below `depth`. The path of a failure is collected leaf first on the way
/// back up, so that a document that converts (every one, nearly) allocates no path at all.
fn convert_yaml(value: serde_yaml::Value, depth: usize) -> Result<Value, (Vec<String>, String)> {
    use serde_yaml::Value as Y;
    if depth > MAX_DEPTH {
        return Err((Vec::new(), format!("the document nests deeper than {MAX_DEPTH} levels")));
    }
    let inside = |step: String| move |(mut path, message): (Vec<String>, String)| {
        path.push(step);
        (path, message)
    };
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| (Vec::new(), format!("the number {n} has no JSON equivalent")))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                out.push(convert_yaml(item, depth + 1).map_err(inside(index.to_string()))?);
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err((Vec::new(), format!("a mapping key must be a string, found {other:?}"))),
                };
                match convert_yaml(item, depth + 1) {
                    Err(failure) => return Err(inside(key)(failure)),
                    Ok(item) => match out.entry(key) {
                        serde_json::map::Entry::Vacant(slot) => {
                            slot.insert(item);
                        }
                        serde_json::map::Entry::Occupied(slot) => {
                            let key = slot.key().clone();
                            return Err((vec![key.clone()], format!("the key `{key}` appears twice")));
                        }
                    },
                }
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => convert_yaml(tagged.value, depth)?,
    })
}

/// Converts a JSON tree into `openapiv3` types; a mismatch is reported at the JSON pointer of the
/// node that did not fit.
pub fn parse_openapi(file: &str, tree: &Value) -> Result<openapiv3::OpenAPI, Diagnostics> {
    serde_path_to_error::deserialize(tree).map_err(|error| {
        let (tokens, message) = narrow(tree, path_tokens(error.path()), error.inner().to_string());
        let mut diagnostic = Diagnostic::new(
            file,
            pointer::join(&tokens),
            format!("this node is not valid OpenAPI 3.0: {message}"),
            "compare the node with the OpenAPI 3.0.3 specification (https://spec.openapis.org/oas/v3.0.3) and correct it",
        );
        diagnostic.operation_id = operation_at(tree, &tokens);
        Diagnostics::one(diagnostic)
    })
}

fn path_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

/// openapiv3 wraps most nodes in `ReferenceOr`, an untagged enum, and serde reports an error
/// inside one at the enum itself ("did not match any variant"). To point at the real culprit,
/// the failing node is deserialized again as the concrete type its position calls for, until
/// the error no longer moves deeper.
fn narrow(tree: &Value, mut tokens: Vec<String>, mut message: String) -> (Vec<String>, String) {
    for _ in 0..64 {
        let Some(node) = resolve(tree, &pointer::join(&tokens)) else { break };
        if node.get("$ref").is_some() {
            break;
        }
        let deeper = match node_kind(&tokens) {
            Some(kind) => retry_as(kind, node),
            // A container (`paths`, `responses`, `properties`, ...): find the failing child.
            None => failing_child(node, &tokens),
        };
        match deeper {
            Some((more, inner)) if !more.is_empty() => {
                tokens.extend(more);
                message = inner;
            }
            Some((_, inner)) => {
                // The node itself is rejected; one of its children may be the real culprit.
                match failing_child(node, &tokens) {
                    Some((more, child_message)) => {
                        tokens.extend(more);
                        message = child_message;
                    }
                    None => {
                        message = inner;
                        break;
                    }
                }
            }
            None => break,
        }
    }
    (tokens, message)
}

fn retry_as(kind: Kind, node: &Value) -> Option<(Vec<String>, String)> {
    match kind {
        Kind::PathItem => retry::<openapiv3::PathItem>(node),
        Kind::Operation => retry::<openapiv3::Operation>(node),
        Kind::Parameter => retry::<openapiv3::Parameter>(node),
        Kind::RequestBody => retry::<openapiv3::RequestBody>(node),
        Kind::Response => retry::<openapiv3::Response>(node),
        Kind::MediaType => retry::<openapiv3::MediaType>(node),
        Kind::Header => retry::<openapiv3::Header>(node),
        Kind::Schema => retry::<openapiv3::Schema>(node),
    }
}

/// The first child of a container whose own type rejects it, as (its key, the error).
fn failing_child(node: &Value, tokens: &[String]) -> Option<(Vec<String>, String)> {
    let children: Vec<(String, &Value)> = match node {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => return None,
    };
    for (key, child) in children {
        let mut child_tokens = tokens.to_vec();
        child_tokens.push(key.clone());
        if child.get("$ref").is_some() {
            continue;
        }
        if let Some(kind) = node_kind(&child_tokens)
            && let Some((mut more, message)) = retry_as(kind, child)
        {
            more.insert(0, key);
            return Some((more, message));
        }
    }
    None
}

fn retry<T: serde::de::DeserializeOwned>(node: &Value) -> Option<(Vec<String>, String)> {
    serde_path_to_error::deserialize::<_, T>(node).err().map(|e| (path_tokens(e.path()), e.inner().to_string()))
}

enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Schema,
}

/// What OpenAPI object sits at `tokens`, judged by the keys leading to it.
fn node_kind(tokens: &[String]) -> Option<Kind> {
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    Some(match t.as_slice() {
        ["paths", _] => Kind::PathItem,
        ["paths", _, method] if METHODS.contains(method) => Kind::Operation,
        [.., "parameters", index] if index.parse::<usize>().is_ok() => Kind::Parameter,
        ["components", "parameters", _] => Kind::Parameter,
        [.., "requestBody"] | ["components", "requestBodies", _] => Kind::RequestBody,
        [.., "responses", _] => Kind::Response,
        [.., "headers", _] => Kind::Header,
        [.., "content", _] => Kind::MediaType,
        [.., "schema" | "items" | "not" | "additionalProperties"] => Kind::Schema,
        ["components", "schemas", _] | [.., "properties", _] => Kind::Schema,
        [.., "allOf" | "anyOf" | "oneOf", index] if index.parse::<usize>().is_ok() => Kind::Schema,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_read_by_the_json_parser_as_the_yaml_parser_reads_it() {
        let text = r#" {"a": [1, -2, 3.5, 18446744073709551615, true, null, "x\u00e9\/"], "b": {"c": {}}, "200": {"d": 1e3}}"#;
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let through_yaml = yaml_to_json(yaml).unwrap();
        assert_eq!(plain_json(text), Some(through_yaml));
        // Repeated keys, YAML, a top-level array and too deep a nesting go the YAML way.
        assert_eq!(plain_json(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#), None);
        assert_eq!(plain_json("a: 1"), None);
        assert_eq!(plain_json("[1]"), None);
        assert_eq!(plain_json(&format!("{{\"a\": {}1{}}}", "[".repeat(130), "]".repeat(130))), None);
        let error = parse_tree(&SourceFile::new("t.json", r#"{"a": 1, "a": 2}"#)).unwrap_err().to_string();
        assert!(error.contains("duplicate entry with key \"a\""), "{error}");
    }

    #[test]
    fn yaml_integer_keys_become_strings() {
        let tree = parse_tree(&SourceFile::new("t.yaml", "responses:\n  200: {description: ok}\n")).unwrap();
        assert_eq!(tree["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn yaml_without_a_json_equivalent_is_located() {
        let error = parse_tree(&SourceFile::new("t.yaml", "paths:\n  /a:\n    - x\n    - {200: 1, '200': 2}\n")).unwrap_err();
        let d = &error.0[0];
        assert_eq!((d.pointer.as_str(), d.message.as_str()), ("#/paths/~1a/1/200", "the key `200` appears twice"));
        let error = parse_tree(&SourceFile::new("t.yaml", "a:\n  b: {[1]: x}\n")).unwrap_err();
        assert_eq!(error.0[0].pointer, "#/a/b");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let error = parse_tree(&SourceFile::new("t.yaml", "a: [1, 2\nb: 3\n")).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("t.yaml#"), "{text}");
        assert!(text.contains("line"), "{text}");
    }

    #[test]
    fn type_errors_point_at_the_node() {
        let tree = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": 5}}}}}
        });
        let error = parse_openapi("t.json", &tree).unwrap_err();
        let d = &error.0[0];
        assert_eq!(d.pointer, "#/paths/~1a/get/responses/200/description");
        assert_eq!(d.operation_id.as_deref(), Some("a"));
    }
}
