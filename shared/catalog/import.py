#!/usr/bin/python3
"""Builds shared/catalog/*.txt from transcribed upstream facts.

    import.py SRC_DIR OUT_DIR

SRC_DIR holds two kinds of files, transcribed by hand from upstream
Kubernetes sources (facts only: names, numbers, markers):
  <group>_<version>[_part].txt  one per generated.proto: "package P",
      "type Name [markers]" and "  field number type [markers]" lines;
  go_<group>_<version>[_partN].txt  one line per Go struct of types.go:
      "Name ptr=f:T,... noomit=f,... inline=... skip=...".
Files that share a package (core_v1_a-n, core_v1_o-z) are merged. The Go
facts become field markers: "ptr" (a Go pointer) and "noomit" (a json tag
without omitempty); "go" marks the fields of structs the Go facts cover;
"typemeta" marks the types that embed TypeMeta (kind and apiVersion).
Proto field names that differ from the JSON names are renamed here.
"""
import collections
import glob
import os
import re
import sys

# JSON names that differ from the proto field names (Go json tags).
RENAMES = {
    ("JSONSchemaProps", "schema"): "$schema",
    ("JSONSchemaProps", "ref"): "$ref",
    ("BoundObjectReference", "aPIVersion"): "apiVersion",
    ("BoundObjectReference", "uID"): "uid",
    ("IngressClassParametersReference", "aPIGroup"): "apiGroup",
}
KEEP_CAPITAL = {("DaemonEndpoint", "Port"), ("FieldsV1", "Raw")}


def json_name(type_name, field):
    if (type_name, field) in RENAMES:
        return RENAMES[(type_name, field)]
    m = re.match(r"xKubernetes(.*)$", field)
    if m and type_name == "JSONSchemaProps":
        return "x-kubernetes-" + re.sub(r"(?<!^)([A-Z])", r"-\1", m.group(1)).lower()
    if field[0].isupper() and (type_name, field) not in KEEP_CAPITAL:
        return field[0].lower() + field[1:]
    return field


def main():
    src, out = sys.argv[1], sys.argv[2]
    packages = collections.OrderedDict()  # package -> {"sources": [], "types": OrderedDict}
    stem_package = {}
    for path in sorted(glob.glob(os.path.join(src, "*.txt"))):
        name = os.path.basename(path)
        if name.startswith("go_"):
            continue
        stem = re.sub(r"_(a-n|o-z)$", "", name[:-4])
        pkg = None
        types = None
        for line in open(path):
            line = line.rstrip("\n")
            if line.startswith("# source:"):
                source = line
                continue
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("package "):
                pkg = line.split()[1]
                entry = packages.setdefault(pkg, {"sources": [], "types": collections.OrderedDict(), "stem": stem})
                if source not in entry["sources"]:
                    entry["sources"].append(source)
                types = entry["types"]
                stem_package[stem] = pkg
                continue
            if line.startswith("type "):
                words = line.split()
                cur = words[1]
                types[cur] = {"markers": words[2:], "fields": []}
                continue
            words = line.split()
            # A json=NAME marker (added where the two names differ) renames the field.
            for w in words[3:]:
                if w.startswith("json="):
                    words[0] = w[5:]
                    words.remove(w)
                    break
            types[cur]["fields"].append(words)
    # Go facts.
    for path in sorted(glob.glob(os.path.join(src, "go_*.txt"))):
        stem = re.sub(r"_part\d+$", "", os.path.basename(path)[3:-4])
        pkg = stem_package.get(stem)
        if not pkg:
            print("no proto facts for %s" % path, file=sys.stderr)
            continue
        types = packages[pkg]["types"]
        for line in open(path):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            t = types.get(words[0])
            if t is None:
                continue
            facts = {}
            for w in words[1:]:
                k, _, v = w.partition("=")
                facts[k] = v.split(",") if v else []
            ptr = {x.split(":")[0] for x in facts.get("ptr", [])}
            inline = set(facts.get("inline", []))
            # TypeMeta has no proto field; its two JSON fields (kind,
            # apiVersion) are a fact about the type, which OpenAPI needs.
            if "TypeMeta" in inline and "typemeta" not in t["markers"]:
                t["markers"].append("typemeta")
            noomit = set(facts.get("noomit", []))
            for f in t["fields"]:
                jname = json_name(words[0], f[0])
                # Fields behind a feature gate are newer than most Go facts: leave
                # them to the rule for unknown fields (optional scalars are pointers).
                if not (jname in ptr or jname in noomit) and any(
                        m.startswith(("featureGate=", "k8s:alpha", "k8s:beta")) for m in f[3:]):
                    continue
                extra = ["go"]
                # An embedded struct (json:",inline") spreads its fields into ours.
                if f[2].rsplit(".", 1)[-1] in inline:
                    extra.append("inline")
                if jname in ptr or f[0] in ptr:
                    extra.append("ptr")
                if jname in noomit or f[0] in noomit:
                    extra.append("noomit")
                f.extend(extra)
    os.makedirs(out, exist_ok=True)
    for pkg, entry in packages.items():
        with open(os.path.join(out, entry["stem"] + ".txt"), "w") as f:
            f.write("# Facts transcribed from upstream Kubernetes (see import.py):\n")
            for s in entry["sources"]:
                f.write("%s\n" % s)
            f.write("package %s\n" % pkg)
            for tname, t in entry["types"].items():
                f.write(" ".join(["type", tname] + t["markers"]) + "\n")
                for words in t["fields"]:
                    words = [json_name(tname, words[0])] + words[1:]
                    f.write("  " + " ".join(words) + "\n")


if __name__ == "__main__":
    main()
