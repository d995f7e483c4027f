#!/usr/bin/python3
"""Builds shared/catalog/descriptions.txt, the documentation of the type
catalog's types and fields that the OpenAPI documents carry.

    /usr/bin/python3 shared/catalog/import_descriptions.py [--models DIR] [--check] [--missing]

Run by hand when the catalog or the sources change (make does not run it).
kube-apiserver's descriptions are the Go doc comments of the API types;
two public renderings of them are read here:

- Field descriptions: Debian's python3-kubernetes (API release-1.22).
  Each model's attribute_map gives the JSON names, and each property
  getter's docstring has the field's description as its second paragraph.
  tests/tools/catalog_coverage.py says which catalog type a model stands
  for (renamed types too). The client's generator dropped the description
  of a property that is a bare reference to another type (Pod.spec,
  PodSpec.affinity ...), and it wrote each line break of a description as
  a space. A catalog type that no model of its own version stands for,
  because it went GA after the client's release (autoscaling/v2,
  flowcontrol/v1, storage/v1 CSIStorageCapacity), takes the field texts of
  its newest beta model whose fields all fit.
- descriptions_upstream.txt, transcribed by hand from upstream's OpenAPI
  documents (k8s.io/api's generated swagger docs, which kube-openapi
  renders the same): the descriptions of types, which the models do not
  carry, of reference fields, and of fields newer than the models. Its
  entries win over the models'.

descriptions.txt has one line per entry, sorted by key (bytes), so the
server can binary-search it without building anything:

    <package> <Type><TAB><text>           the type's description
    <package> <Type>.<jsonField><TAB><text>  a field's

with the text's backslashes, line breaks and tabs written \\\\, \\n and
\\t. An embedded (inline) struct's fields are keyed by that struct;
TypeMeta's apiVersion and kind stand for every kind's.

descriptions_upstream.txt has "package <package>" lines and then
"<Type>[.<jsonField>] <text>" lines, the text escaped the same way. A
"<Type>[.<jsonField>]" line without text records that upstream publishes
no description for it (JSONSchemaProps' fields, proto-only fields), so
that the reports below leave it out of what is still to transcribe.

--check regenerates into memory and exits 1 when descriptions.txt differs.
--missing also lists, by package, what has no description yet and is
not known to have none upstream: "<Type>" for a type,
"<Type>.<jsonField>" for a field, "(ref)" marking a field that refers to
another catalog type.
"""
import argparse
import ast
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import catalog_coverage as coverage  # noqa: E402  (the model -> catalog type mapping)

OUTPUT = os.path.join(HERE, "descriptions.txt")
UPSTREAM = os.path.join(HERE, "descriptions_upstream.txt")
TYPE_META = "k8s.io.apimachinery.pkg.apis.meta.v1.TypeMeta"
NOQA = "  # noqa: E501"


def escape(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_docs(directory):
    """Model class name -> {python attribute: description}, from the property getters."""
    docs = {}
    for path in sorted(os.listdir(directory)):
        if not path.endswith(".py"):
            continue
        tree = ast.parse(open(os.path.join(directory, path), encoding="utf-8").read(), path)
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            found = {}
            for item in node.body:
                if not isinstance(item, ast.FunctionDef) or not any(
                        isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list):
                    continue
                paragraphs = (ast.get_docstring(item) or "").split("\n\n")
                # "Gets the x of this M.", the description, ":return: ..."
                if len(paragraphs) != 3 or paragraphs[1].startswith(":"):
                    continue
                text = paragraphs[1]
                if text.endswith(NOQA):
                    text = text[:-len(NOQA)]
                text = text.strip()
                if "\n" in text:
                    sys.exit("%s %s.%s: a description of several lines" % (path, node.name, item.name))
                if text:
                    found[item.name] = text
            docs[node.name] = found
    return docs


def declaring_type(types, t, json_name):
    """The name of the catalog type that declares t's field json_name (t or a struct it embeds)."""
    for name, type_text, markers in t.fields:
        if "inline" in markers and type_text in types:
            inner = declaring_type(types, types[type_text], json_name)
            if inner:
                return inner
        elif name == json_name:
            return t.name
    return None


def split_name(full):
    package, _, short = full.rpartition(".")
    return package, short


def prerelease_model(types, models, t):
    """For a catalog type no model of its own version stands for (autoscaling/v2,
    flowcontrol/v1: GA after the client's release), the model of its newest beta
    (or alpha) of the same major version and name whose fields all fit; or None."""
    found = []
    for model, (attribute_map, openapi_types) in models.items():
        m = coverage.MODEL_NAME.match(model)
        if not m or not m.group(3) or m.group(4) != t.short or "v" + m.group(2) != t.version:
            continue
        if m.group(1) and m.group(1).lower() not in t.package.split("."):
            continue
        missing, misfits, matched = coverage.compare(types, model, attribute_map, openapi_types, t)
        if misfits or not matched:
            continue
        stage = m.group(3)
        found.append(("beta" in stage, int(stage.replace("alpha", "").replace("beta", "")), model))
    return max(found)[2] if found else None


def served_models(types, models, stats):
    """[(model, catalog type)] of every model that stands for a catalog type."""
    out, matched = [], set()
    for model in sorted(models):
        attribute_map, openapi_types = models[model]
        match = coverage.best_match(types, model, attribute_map, openapi_types)
        if match is not None and match[3] is not None:
            out.append((model, types[match[3]]))
            matched.add(match[3])
    for name in sorted(types):
        if name not in matched and types[name].fields:
            model = prerelease_model(types, models, types[name])
            if model:
                out.append((model, types[name]))
                stats["prerelease"] += 1
    return out


def model_entries(types, models, docs, stats):
    """{(type name, field or None): text} of the models' field descriptions."""
    entries = {}
    embedded = []
    for model, t in served_models(types, models, stats):
        attribute_map = models[model][0]
        for python_name, json_name in attribute_map.items():
            text = docs.get(model, {}).get(python_name)
            if not text:
                continue
            owner = declaring_type(types, t, json_name)
            if owner is None and json_name in ("apiVersion", "kind"):
                owner = TYPE_META
            if owner is None:  # removed upstream since (catalog_coverage.REMOVED_UPSTREAM)
                continue
            if owner != t.name:
                # A type's own model speaks for it before the models that embed it.
                embedded.append((owner, json_name, text))
                continue
            if (owner, json_name) in entries and entries[(owner, json_name)] != text:
                stats["conflicts"] += 1
            entries.setdefault((owner, json_name), text)
    for owner, json_name, text in embedded:
        entries.setdefault((owner, json_name), text)
    return entries


def read_upstream(path, types):
    """({(type name, field or None): text}, {keys upstream leaves undescribed})
    of the hand-transcribed file."""
    entries, undescribed = {}, set()
    package = None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        where = "%s:%d" % (os.path.basename(path), number)
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("package "):
            package = line.split()[1]
            continue
        name, sep, text = line.partition(" ")
        if not package or not name or (sep and not text.strip()):
            sys.exit("%s: cannot read %r" % (where, line))
        short, _, field = name.partition(".")
        full = "%s.%s" % (package, short)
        if full not in types:
            sys.exit("%s: no catalog type %s" % (where, full))
        if field and not any(f[0] == field for f in types[full].fields):
            sys.exit("%s: type %s declares no field %s" % (where, full, field))
        key = (full, field or None)
        if key in entries or key in undescribed:
            sys.exit("%s: %s is described twice" % (where, name))
        if sep:
            entries[key] = unescape(text)
        else:
            undescribed.add(key)
    return entries, undescribed


def render(entries):
    lines = []
    for (type_name, field), text in entries.items():
        package, short = split_name(type_name)
        key = "%s %s%s" % (package, short, "." + field if field else "")
        lines.append("%s\t%s\n" % (key, escape(text)))
    lines.sort()
    return ("# Generated by shared/catalog/import_descriptions.py; do not edit.\n"
            "# <package> <Type>[.<jsonField>] TAB <text, \\\\ \\n \\t escaped>, sorted by key.\n"
            + "".join(lines))


def report(types, entries, undescribed, stats):
    """Coverage of the catalog: types and fields (an embedded struct's counted where declared)."""
    described_types = sum(1 for name in types if (name, None) in entries)
    types_without = sum(1 for name in types if (name, None) in undescribed)
    fields = [(t.name, name, type_text) for t in types.values() for name, type_text, markers in t.fields
              if not ("inline" in markers and type_text in types)]
    missing = [f for f in fields if (f[0], f[1]) not in entries]
    without = [f for f in missing if (f[0], f[1]) in undescribed]
    missing = [f for f in missing if (f[0], f[1]) not in undescribed]
    # A bare reference to another type: the models' generator dropped these.
    references = [f for f in missing if f[2] in types]
    print("import_descriptions: types %d/%d described, %d without upstream, %d to do; "
          "fields %d/%d described, %d without upstream; of the %d to do, "
          "%d are references to other types, %d are newer than the models; %d types from a prerelease "
          "model; %d conflicting model texts" %
          (described_types, len(types), types_without, len(types) - described_types - types_without,
           len(fields) - len(missing) - len(without), len(fields), len(without), len(missing),
           len(references), len(missing) - len(references), stats["prerelease"], stats["conflicts"]))


def list_missing(types, entries, undescribed):
    """Prints what report() counts as to do, one line per type or field, by package."""
    package = None
    for name in sorted(types):
        t = types[name]
        lines = []
        if (name, None) not in entries and (name, None) not in undescribed:
            lines.append(t.short)
        for field, type_text, markers in t.fields:
            if "inline" in markers and type_text in types:
                continue
            if (name, field) not in entries and (name, field) not in undescribed:
                lines.append("%s.%s%s" % (t.short, field, " (ref)" if type_text in types else ""))
        if lines and t.package != package:
            package = t.package
            print("package %s" % package)
        for line in lines:
            print("  " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=coverage.MODELS)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--missing", action="store_true", help="list what has no description")
    args = parser.parse_args()

    types = coverage.read_catalog(HERE)
    models = coverage.read_models(args.models)
    if not types or not models:
        sys.exit("import_descriptions: no catalog types or no models in %s" % args.models)
    stats = {"conflicts": 0, "prerelease": 0}
    entries = model_entries(types, models, read_docs(args.models), stats)
    upstream, undescribed = read_upstream(UPSTREAM, types)
    for key in sorted(undescribed & set(entries), key=str):
        sys.exit("import_descriptions: the models describe %s %s, which %s says upstream does not" %
                 (key[0], key[1] or "", os.path.basename(UPSTREAM)))
    entries.update(upstream)
    text = render(entries)
    report(types, entries, undescribed, stats)
    if args.missing:
        list_missing(types, entries, undescribed)
    if args.check:
        current = open(OUTPUT, encoding="utf-8").read() if os.path.exists(OUTPUT) else ""
        if current != text:
            print("import_descriptions: %s is not what the sources give" % OUTPUT)
            return 1
        return 0
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
