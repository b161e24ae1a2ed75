#!/usr/bin/env python3
"""Checks the spec's YAML files against spec/schema.json, the JSON Schema editors use.

Validates SPEC_DIR/api.yaml and every SPEC_DIR/endpoints/*.yaml against the repository's
spec/schema.json (draft 2020-12). The schema's top level is a `oneOf` of two branches, one
requiring `api` (api.yaml) and one requiring `endpoint` (an endpoint file); each file is
checked against its own branch, so a mistake is reported where it is rather than as "matches
none of oneOf". Prints one line per violation, `file: json-path: message`, and exits 1 if there
is any; else prints `spec/schema.json: N files valid` and exits 0.

YAML is read as YAML 1.2 reads it (as editors and the generator do): only true/false are
booleans and dates stay strings.
Usage: spec_schema.py [SPEC_DIR]   (default: the repository's spec/)
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "spec", "schema.json")


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's yes/no/on/off booleans and its timestamps."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def branch_for(schema, key):
    """The schema a document whose top-level key is `key` must match: the `oneOf` branch that
    requires it, with the root's `$defs`; the whole schema when it has no such branch."""
    for branch in schema.get("oneOf", []):
        if key in branch.get("required", []):
            sub = {k: v for k, v in schema.items() if k != "oneOf"}
            sub.update(branch)
            return sub
    return schema


def json_path(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def leaves(error):
    """The errors to report for one failure. For a oneOf/anyOf no branch of which matched: the
    errors of the one branch whose type the value has (a string-or-object item given an object
    is told what the object lacks), else the oneOf's own message."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = {}
        for e in error.context:
            branches.setdefault(e.relative_schema_path[0], []).append(e)
        fitting = [
            errs for errs in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errs)
        ]
        if len(fitting) == 1:
            return [leaf for e in fitting[0] for leaf in leaves(e)]
    return [error]


def message(error):
    if error.validator == "not":
        # The default repeats the whole instance; say what it must not match instead.
        return f"must not match {json.dumps(error.validator_value)}"
    return error.message


def main():
    spec_dir = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "spec")
    with open(SCHEMA) as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)

    files = [(os.path.join(spec_dir, "api.yaml"), "api")]
    files += [(p, "endpoint") for p in sorted(glob.glob(os.path.join(spec_dir, "endpoints", "*.yaml")))]
    validators = {key: validator_class(branch_for(schema, key)) for key in ("api", "endpoint")}

    violations = 0
    for path, key in files:
        name = os.path.relpath(path, os.path.dirname(spec_dir))
        try:
            with open(path) as f:
                document = yaml.load(f, Loader=Yaml12Loader)
        except (OSError, yaml.YAMLError) as e:
            print(f"{name}: $: {e}".replace("\n", " "))
            violations += 1
            continue
        errors = sorted(validators[key].iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            for leaf in leaves(error):
                print(f"{name}: {json_path(leaf)}: {message(leaf)}")
                violations += 1

    if violations:
        return 1
    print(f"{os.path.relpath(SCHEMA, ROOT)}: {len(files)} files valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
