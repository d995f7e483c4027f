#!/usr/bin/python3
"""catalog_coverage.py - checks the type catalog against the Kubernetes
python client's models.

    catalog_coverage.py [--catalog DIR] [--models DIR] [--verbose]

The type catalog (shared/catalog/*.txt, see shared/catalog.c for the
format) was transcribed by hand from upstream's generated.proto files. The
python client (Debian's python3-kubernetes) is generated from upstream's
OpenAPI document, a second and independent source: each model class has
an attribute_map (python name -> JSON name) and openapi_types (python name
-> type). A model V1PodSpec is the catalog's PodSpec of a v1 package;
EventsV1Event and the like name their group; V2... is autoscaling/v2;
alpha and beta versions are not served and are skipped. A short name that
several groups share at one version (V1Subject, V1ServiceReference) matches
any catalog type of that name and version that has all of its fields.

Every JSON field of a matched model must be in the catalog, with a type
that fits (list, map, scalar kind, message type), and every v1/v2 model
must have a catalog type. The client is older than the API we serve
(release-1.22 against v1.32), so the catalog may know more than the models
do; never less, except for what upstream removed since, listed below with
where it went. Prints the coverage; exits 1 on any gap.

The models are read as text (ast), not imported: nothing of the client runs.
"""
import argparse
import ast
import collections
import glob
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = "/usr/lib/python3/dist-packages/kubernetes/client/models"

# Model classes whose names carry their group (the OpenAPI generator adds
# it where two groups define a type of the same name and version).
GROUP_PREFIXES = ("Admissionregistration", "Apiextensions", "Apiregistration", "Authentication", "Core",
                  "Discovery", "Events", "Storage")
MODEL_NAME = re.compile(r"^(%s)?V(\d+)((?:alpha|beta)\d+)?([A-Z]\w*)$" % "|".join(GROUP_PREFIXES))

# Fields of the release-1.22 models that upstream has since removed from
# the API, so a v1.32 catalog rightly lacks them.
REMOVED_UPSTREAM = {
    # ObjectMeta.ClusterName went in v1.25 (kubernetes/kubernetes#108717);
    # generated.proto keeps its number 15 reserved.
    ("V1ObjectMeta", "clusterName"): "removed in v1.25",
}

# Types upstream has since split or replaced: model -> the catalog type
# that now carries its fields, and (model, field) -> the field's type now.
RENAMED_UPSTREAM = {
    # core/v1 Handler became LifecycleHandler and ProbeHandler in v1.23
    # (kubernetes/kubernetes#105979).
    "V1Handler": "LifecycleHandler",
}
RETYPED_UPSTREAM = {
    ("V1Lifecycle", "postStart"): "LifecycleHandler",  # #105979
    ("V1Lifecycle", "preStop"): "LifecycleHandler",
    # networking/v1 got its own copy of LoadBalancerStatus in v1.23 (#106242).
    ("V1IngressStatus", "loadBalancer"): "IngressLoadBalancerStatus",
    # CrossNamespaceVolumeDataSource, v1.26 (#113186).
    ("V1PersistentVolumeClaimSpec", "dataSourceRef"): "TypedObjectReference",
    # PVCs stopped sharing the containers' ResourceRequirements (#115845).
    ("V1PersistentVolumeClaimSpec", "resources"): "VolumeResourceRequirements",
}

# Catalog types whose JSON form is not an object of their fields, by the
# python type the models give them.
SPECIAL_TYPES = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "datetime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "datetime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration": "str",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "object",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "str",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "object",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "object",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON": "object",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "object",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "object",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "object",
}
SCALARS = {"string": "str", "bytes": "str", "bool": "bool", "int32": "int", "int64": "int",
           "double": "float", "float": "float"}


class CatalogType:
    def __init__(self, name, markers):
        self.name = name
        self.package, _, self.short = name.rpartition(".")
        self.version = self.package.rsplit(".", 1)[-1]
        self.markers = markers
        self.fields = []  # (json name, type text with its package resolved, markers)


def read_catalog(directory):
    """All types of shared/catalog/*.txt by full name."""
    types = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        # the defaulting rules and the documentation, not types
        if os.path.basename(path) in ("defaults.txt", "descriptions.txt", "descriptions_upstream.txt"):
            continue
        package, current = None, None
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            words = line.split()
            if line.startswith("package "):
                package = words[1]
            elif line.startswith("type "):
                current = CatalogType("%s.%s" % (package, words[1]), words[2:])
                types[current.name] = current
            elif line.startswith(" ") and current and len(words) >= 3:
                kind = re.match(r"^(\[\]|map\[string\])?(.*)$", words[2])
                element = kind.group(2)
                if element not in SCALARS and "." not in element:
                    element = "%s.%s" % (package, element)
                current.fields.append((words[0], (kind.group(1) or "") + element, words[3:]))
            else:
                sys.exit("%s:%d: cannot read %r" % (path, number, line))
    return types


def json_fields(types, t):
    """JSON name -> type text of t's fields, an embedded struct's spread in."""
    out = collections.OrderedDict()
    for name, type_text, markers in t.fields:
        if "inline" in markers and type_text in types:
            out.update(json_fields(types, types[type_text]))
        else:
            out[name] = type_text
    return out


def read_models(directory):
    """Model class name -> (attribute_map, openapi_types), read with ast."""
    models = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.py"))):
        tree = ast.parse(open(path, encoding="utf-8").read(), path)
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            found = {}
            for item in node.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and \
                        isinstance(item.targets[0], ast.Name) and \
                        item.targets[0].id in ("attribute_map", "openapi_types"):
                    found[item.targets[0].id] = ast.literal_eval(item.value)
            if "attribute_map" in found and "openapi_types" in found:
                models[node.name] = (found["attribute_map"], found["openapi_types"])
    return models


def model_short_name(python_type):
    m = MODEL_NAME.match(python_type)
    return m.group(4) if m else None


def fits(types, python_type, type_text):
    """Whether a model's python type describes a catalog field's type."""
    m = re.match(r"^list\[(.*)\]$", python_type)
    if m:
        if type_text.startswith("[]"):
            return fits(types, m.group(1), type_text[2:])
        # a named slice (Verbs) travels as a message of items
        t = types.get(type_text)
        return bool(t and "protobuf.nullable=true" in t.markers and len(t.fields) == 1 and
                    t.fields[0][1].startswith("[]") and fits(types, python_type, t.fields[0][1]))
    m = re.match(r"^dict\(str, (.*)\)$", python_type)
    if m:
        return type_text.startswith("map[string]") and fits(types, m.group(1), type_text[len("map[string]"):])
    if type_text.startswith(("[]", "map[")):
        return False
    if type_text in SCALARS:
        return SCALARS[type_text] == python_type
    if type_text in SPECIAL_TYPES:
        return SPECIAL_TYPES[type_text] == python_type
    # OpenAPI has a struct without fields as a bare object.
    if python_type == "object" and type_text in types and not types[type_text].fields:
        return True
    return type_text.rsplit(".", 1)[-1] == model_short_name(python_type)


def candidates(types, model):
    """Catalog types the model can stand for, or None when it is not served."""
    m = MODEL_NAME.match(model)
    if not m or m.group(3):
        return None
    prefix, version, short = m.group(1), "v" + m.group(2), RENAMED_UPSTREAM.get(model, m.group(4))
    found = []
    for t in types.values():
        if t.short != short or t.version != version:
            continue
        if version == "v2" and not t.package.startswith("k8s.io.api.autoscaling."):
            continue
        if prefix and prefix.lower() not in t.package.split("."):
            continue
        found.append(t)
    return found


def compare(types, model, attribute_map, openapi_types, t):
    """(missing JSON fields, [(field, python type, catalog type)] that do not fit, fields matched)."""
    have = json_fields(types, t)
    missing, misfits, matched = [], [], 0
    for python_name, json_name in attribute_map.items():
        if json_name not in have:
            # TypeMeta: the envelope carries it, never the message
            if json_name in ("apiVersion", "kind") and not {"apiVersion", "kind"} & set(have) and \
                    {"apiVersion", "kind"} <= set(attribute_map.values()):
                matched += 1
            elif (model, json_name) in REMOVED_UPSTREAM:
                pass
            else:
                missing.append(json_name)
            continue
        matched += 1
        if (model, json_name) in RETYPED_UPSTREAM:
            if have[json_name].rsplit(".", 1)[-1] != RETYPED_UPSTREAM[(model, json_name)]:
                misfits.append((json_name, RETYPED_UPSTREAM[(model, json_name)], have[json_name]))
        elif not fits(types, openapi_types[python_name], have[json_name]):
            misfits.append((json_name, openapi_types[python_name], have[json_name]))
    return missing, misfits, matched


def best_match(types, model, attribute_map, openapi_types):
    """The catalog type a served model stands for, as (missing, misfits, matched, name);
    None when the model is not served, (..., None) when no catalog type has its name.
    Of several candidates: fewest gaps, then the first by name."""
    found = candidates(types, model)
    if found is None:
        return None
    if not found:
        return [], [], 0, None
    results = sorted((compare(types, model, attribute_map, openapi_types, t) + (t.name,) for t in found),
                     key=lambda r: (len(r[0]) + len(r[1]), r[3]))
    return results[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", default=os.path.join(ROOT, "shared/catalog"))
    parser.add_argument("--models", default=MODELS)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()

    types = read_catalog(args.catalog)
    models = read_models(args.models)
    if not types or not models:
        sys.exit("catalog_coverage: no catalog types in %s or no models in %s" % (args.catalog, args.models))
    problems = []
    served = matched_models = skipped = fields_total = fields_matched = 0
    removed = sum(1 for model, _ in REMOVED_UPSTREAM if model in models)
    for model in sorted(models):
        attribute_map, openapi_types = models[model]
        match = best_match(types, model, attribute_map, openapi_types)
        if match is None:
            skipped += 1
            continue
        served += 1
        fields_total += len(attribute_map)
        missing, misfits, matched, name = match
        if name is None:
            problems.append("%s: no catalog type %s" % (model, RENAMED_UPSTREAM.get(model, model_short_name(model))))
            continue
        matched_models += 1
        fields_matched += matched
        if args.verbose:
            print("%s -> %s (%d/%d fields)" % (model, name, matched, len(attribute_map)))
        if missing:
            problems.append("%s (%s): catalog lacks %s" % (model, name, ", ".join(missing)))
        for json_name, python_type, type_text in misfits:
            problems.append("%s (%s): field %s is %s in the catalog, %s in the model" %
                            (model, name, json_name, type_text, python_type))
    print("catalog_coverage: %d catalog types; %d models (%d alpha/beta or unversioned skipped), "
          "%d of %d v1/v2 models matched; fields %d/%d (%d removed upstream since)" %
          (len(types), len(models), skipped, matched_models, served, fields_matched, fields_total, removed))
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
