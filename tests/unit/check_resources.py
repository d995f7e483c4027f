#!/usr/bin/env python3
"""Validate shared/resources.json, the built-in resource registry of pgkube.

Usage:
    python3 tests/unit/check_resources.py shared/resources.json
    python3 tests/unit/check_resources.py --self-test shared/resources.json

The file is one JSON array with one object per (group, version, resource)
that kube-apiserver v1.32 serves for the built-in kinds pgkube implements.
Exit status is 0 when the file is valid, 1 when it is not (every problem is
printed), 2 on usage errors.  --self-test additionally mutates the loaded
data in many ways and checks that every mutation is rejected.

Python 3 standard library only.

Printer columns
---------------
Each printer column has a "cell": a short identifier naming how the cell is
computed from the object, as kube-apiserver v1.32 computes it
(pkg/printers/internalversion/printers.go, or the default table convertor of
k8s.io/apiserver/pkg/registry/rest/table.go).  CELL_KINDS below documents
every identifier.  Keys ending in ":" are families that take a parameter
after the colon; a <path> parameter is a dotted field path into the object
as served by that group/version (".spec.nodeName").

kube-apiserver always builds tables with GenerateOptions{Wide: true}, so every
row carries every cell, priority-1 columns included; kubectl hides
priority != 0 columns unless -o wide.  Terms used below:
  since(t)  k8s.io/apimachinery/pkg/util/duration.HumanDuration(now - t)
            ("5s", "3m2s", "2d3h", ...); "<unknown>" when t is unset.
  absent    field missing or JSON null.
"""

import base64
import copy
import hashlib
import json
import re
import sys

# ---------------------------------------------------------------------------
# Cell identifiers
# ---------------------------------------------------------------------------

CELL_KINDS = {
    # -- generic ----------------------------------------------------------
    "name": "metadata.name.",
    "age": "since(metadata.creationTimestamp).",
    "createdAt": "metadata.creationTimestamp as RFC 3339 in UTC (time.RFC3339, e.g. "
                 "2024-12-11T10:00:00Z); default table convertor only.",
    "jsonpath:": "The value at <path> as is (string, integer or boolean); absent -> the zero value "
                 "of the field's Go type (\"\", 0, false).",
    "orNone:": "The value at <path>; \"<none>\" when absent or the empty string (integers 0 stay 0).",
    "orUnset:": "The value at <path> as a string (integers in decimal); \"<unset>\" when absent.",
    "orUnknown:": "The string at <path>; \"<unknown>\" when absent or empty.",
    "orDefault:": "Parameter is <default>:<path>. The value at <path>; <default> when absent "
                  "(\"true\"/\"false\" defaults are JSON booleans, others strings).",
    "len:": "Number of elements of the list or map at <path> (0 when absent), as an integer.",
    "labels:": "k8s.io/apimachinery labels.FormatLabels of the string map at <path>: \"k=v\" "
               "pairs sorted by key joined with \",\"; \"<none>\" when absent or empty.",
    "labelSelector:": "metav1.FormatLabelSelector of the LabelSelector at <path>: its selector string "
                      "(matchLabels as k=v sorted, then expressions \"k in (a,b)\", \"k notin (a)\", "
                      "\"k\", \"!k\", comma-joined); \"<none>\" when absent or empty; \"<error>\" when invalid.",
    "selectorString:": "metav1.LabelSelectorAsSelector(<path>).String(): same syntax as labelSelector: "
                       "but \"\" when absent or empty, and \"<invalid>\" when invalid.",
    "containerNames:": "Names of the containers in the list at <path> joined with \",\" (\"\" when absent).",
    "containerImages:": "Images of the containers in the list at <path> joined with \",\" (\"\" when absent).",
    "sinceOrNone:": "since(<path>); \"<none>\" when absent.",
    "boolPtr:": "\"True\" or \"False\" for the boolean at <path>; \"<unset>\" when absent (a string, "
                "although the column type is boolean).",
    "intOrStringOrNA:": "The IntOrString at <path> as a string (\"1\", \"50%\"); \"N/A\" when absent.",
    "quantity:": "Canonical resource.Quantity string of the quantity at <path>; \"0\" when absent.",
    "quantityOrUnset:": "Canonical resource.Quantity string of the quantity at <path>; \"<unset>\" when absent.",
    "accessModes:": "Access modes at <path> de-duplicated and written in the fixed order RWO "
                    "(ReadWriteOnce), ROX (ReadOnlyMany), RWX (ReadWriteMany), RWOP (ReadWriteOncePod), "
                    "joined with \",\"; \"\" when none.",
    "phaseOrTerminating:": "\"Terminating\" when metadata.deletionTimestamp is set, else the string at <path>.",
    "loadBalancerIngress:": "For the LoadBalancerIngress list at <path>: each entry's ip, else its "
                            "hostname (entries with neither skipped), de-duplicated, sorted, joined "
                            "with \",\" (not truncated: the server renders wide); \"\" when none.",
    "nodeAddress:": "Parameter is a NodeAddressType. The address of the first status.addresses entry "
                    "of that type; \"<none>\" when there is none.",
    "subjects:": "Parameter is User, Group or ServiceAccount. Over .subjects in order, the entries of "
                 "that kind: name for User and Group, \"<namespace>/<name>\" for ServiceAccount; joined "
                 "with \", \" (\"\" when none).",
    # -- core/v1 Pod ---------------------------------------------------------
    "podReady": "\"<ready>/<total>\": total = len(spec.containers) + number of spec.initContainers with "
                "restartPolicy Always (sidecars); ready = sidecar init statuses with started=true and "
                "ready=true met while scanning initContainerStatuses (see podStatus) + containerStatuses "
                "with ready=true and state.running set (counted only when not initializing or the "
                "Initialized condition is True).",
    "podStatus": "reason = status.reason or status.phase; \"SchedulingGated\" if a PodScheduled condition "
                 "has reason SchedulingGated. Scan initContainerStatuses in order: skip terminated with "
                 "exitCode 0; skip started sidecars; terminated -> \"Init:\"+reason or "
                 "\"Init:Signal:<n>\"/\"Init:ExitCode:<n>\"; waiting with reason other than PodInitializing "
                 "-> \"Init:\"+reason; otherwise \"Init:<index>/<len(initContainers)>\"; the first such "
                 "container stops the scan and marks the pod initializing. If not initializing or the "
                 "Initialized condition is True, scan containerStatuses from last to first: waiting "
                 "reason, else terminated reason, else terminated \"Signal:<n>\"/\"ExitCode:<n>\" overwrite "
                 "reason; a ready running container sets hasRunning. reason \"Completed\" with hasRunning "
                 "becomes \"Running\" if the Ready condition is True else \"NotReady\". Finally, with "
                 "metadata.deletionTimestamp set: \"Unknown\" if status.reason is NodeLost, else "
                 "\"Terminating\" unless phase is Succeeded or Failed.",
    "podRestarts": "n = sum of restartCount of the init container statuses scanned (see podStatus); when "
                   "not initializing or Initialized is True, n = restartCount of the scanned sidecars + "
                   "restartCount of all containerStatuses. last = latest "
                   "lastState.terminated.finishedAt among the counted statuses. \"<n>\", or "
                   "\"<n> (<since(last)> ago)\" when n > 0 and last is set.",
    "podIP": "status.podIPs[0].ip; \"<none>\" when absent or empty.",
    "podReadinessGates": "\"<none>\" when spec.readinessGates is empty; else \"<t>/<len(readinessGates)>\" "
                         "with t = gates whose conditionType's first matching status.conditions entry "
                         "has status True.",
    # -- workloads -----------------------------------------------------------
    "readyOfDesired": "\"<status.readyReplicas>/<spec.replicas>\" (absent counts as 0).",
    "jobStatus": "First match: condition Complete=True -> \"Complete\"; Failed=True -> \"Failed\"; "
                 "metadata.deletionTimestamp set -> \"Terminating\"; Suspended=True -> \"Suspended\"; "
                 "FailureTarget=True -> \"FailureTarget\"; else \"Running\" (the first condition of a "
                 "type decides).",
    "jobCompletions": "With spec.completions: \"<status.succeeded>/<spec.completions>\"; else with "
                      "spec.parallelism > 1: \"<succeeded>/1 of <parallelism>\"; else \"<succeeded>/1\".",
    "jobDuration": "\"\" when status.startTime is absent; HumanDuration(now - startTime) while "
                   "status.completionTime is absent; else HumanDuration(completionTime - startTime).",
    "controllerRef": "The ownerReference with controller=true, as lower(Kind + \".\" + group of its "
                     "apiVersion, or Kind alone for the core group) + \"/\" + name, e.g. "
                     "\"daemonset.apps/fluentd\"; \"<none>\" without one.",
    "hpaReference": "spec.scaleTargetRef.kind + \"/\" + spec.scaleTargetRef.name.",
    "hpaTargets": "\"<none>\" without spec.metrics. Else for metric i (status.currentMetrics[i] is its "
                  "current, \"<unknown>\" when missing): Resource/ContainerResource with averageValue "
                  "target -> \"<res>: <cur avgValue>/<target>\", with utilization -> \"<res>: <cur>%/<t>%\" "
                  "(target \"<auto>\" when no utilization); Pods -> \"<cur avgValue>/<target avgValue>\"; "
                  "Object/External with averageValue target -> \"<cur>/<target> (avg)\", else "
                  "\"<cur value>/<target value>\"; other types \"<unknown type>\". Joined with \", \", at "
                  "most 2, then \" + <n-2> more...\". autoscaling/v1 objects are converted first "
                  "(targetCPUUtilizationPercentage is a cpu Resource utilization metric).",
    # -- services, networking -------------------------------------------------
    "serviceClusterIP": "spec.clusterIPs[0] (\"None\" for headless); \"<none>\" when absent.",
    "serviceExternalIP": "By spec.type: ClusterIP/NodePort -> spec.externalIPs joined \",\" or \"<none>\"; "
                         "LoadBalancer -> the loadBalancerIngress: values of status.loadBalancer.ingress "
                         "followed by spec.externalIPs, joined \",\", \"<pending>\" when both are empty; "
                         "ExternalName -> spec.externalName; any other type -> \"<unknown>\".",
    "servicePorts": "Per spec.ports entry \"<port>/<protocol>\", or \"<port>:<nodePort>/<protocol>\" when "
                    "nodePort > 0, joined with \",\"; \"<none>\" when there are no ports.",
    "ingressHosts": "Non-empty spec.rules[].host values, at most 3, joined \",\"; once 3 are taken and "
                    "more rules follow, \"<hosts> + <len(rules)-3> more...\"; \"*\" when no host was taken.",
    "ingressPorts": "\"80, 443\" when spec.tls is non-empty, else \"80\".",
    "ingressClassParameters": "\"<none>\" without spec.parameters; else kind, then \".\"+apiGroup when set, "
                              "then \"/\"+name.",
    "endpointsList": "\"<none>\" without subsets. Else over subsets: a subset without ports contributes "
                     "its addresses' ip; one with ports contributes \"<ip>:<port>\" (net.JoinHostPort) for "
                     "each port then each address. The first 3 joined \",\", plus \" + <total-3> more...\" "
                     "when there are more (\"\" when subsets give nothing).",
    "endpointSlicePorts": "Per ports entry its port number, else its name, else \"*\"; at most 3 joined "
                          "\",\" plus \" + <n-3> more...\"; \"<unset>\" when there are none.",
    "endpointSliceEndpoints": "All endpoints[].addresses in order; at most 3 joined \",\" plus "
                              "\" + <n-3> more...\"; \"<unset>\" when there are none.",
    # -- nodes -------------------------------------------------------------
    "nodeStatus": "\"Ready\" if the Ready condition is True, \"NotReady\" if present otherwise, \"Unknown\" "
                  "if absent; then \",SchedulingDisabled\" appended when spec.unschedulable.",
    "nodeRoles": "Sorted unique roles from labels node-role.kubernetes.io/<role> (non-empty <role>) and "
                 "kubernetes.io/role=<role> (non-empty value), joined \",\"; \"<none>\" when none.",
    # -- events (core/v1 field names; for events.k8s.io/v1 read regarding for involvedObject, note for
    #    message, deprecatedSource for source, deprecatedFirstTimestamp/deprecatedLastTimestamp/
    #    deprecatedCount for firstTimestamp/lastTimestamp/count, reportingController for reportingComponent)
    "eventFirstSeen": "since(firstTimestamp); when firstTimestamp is unset, since(eventTime) "
                      "(\"<unknown>\" when that is unset too).",
    "eventLastSeen": "since(series.lastObservedTime) when series is set; else since(lastTimestamp); when "
                     "lastTimestamp is unset, the eventFirstSeen value.",
    "eventCount": "series.count when series is set; else count, or 1 when count is 0 (an integer).",
    "eventObject": "lower(involvedObject.kind) + \"/\" + involvedObject.name, or lower(kind) alone when "
                   "the name is empty.",
    "eventSource": "c = source.component or else reportingComponent; h = source.host or else "
                   "reportingInstance; c + \", \" + h, or c alone when h is empty.",
    "eventMessage": "message with leading and trailing white space trimmed (strings.TrimSpace).",
    # -- storage -------------------------------------------------------------
    "pvClaim": "spec.claimRef.namespace + \"/\" + spec.claimRef.name; \"\" without claimRef.",
    "storageClassOf": "Annotation volume.beta.kubernetes.io/storage-class when present (even empty), "
                      "else spec.storageClassName, else \"\".",
    "pvcCapacity": "When spec.volumeName is set: the quantity: value of status.capacity.storage; else \"\".",
    "pvcAccessModes": "When spec.volumeName is set: the accessModes: value of status.accessModes; else \"\".",
    "storageClassName": "metadata.name, plus \" (default)\" when annotation "
                        "storageclass.kubernetes.io/is-default-class or "
                        "storageclass.beta.kubernetes.io/is-default-class is \"true\".",
    "csiTokenRequests": "\"<unset>\" when spec.tokenRequests is absent; else their audience values "
                        "joined with \",\".",
    "csiModes": "spec.volumeLifecycleModes joined with \",\"; \"<none>\" when empty.",
    # -- misc core -----------------------------------------------------------
    "configMapData": "len(data) + len(binaryData), an integer.",
    "componentStatus": "First condition of type Healthy: \"Healthy\" if its status is True else "
                       "\"Unhealthy\"; \"Unknown\" without one.",
    "componentMessage": "message of the first Healthy condition; \"\" without one.",
    "componentError": "error of the first Healthy condition; \"\" without one.",
    "quotaRequest": "For each resource name in status.hard, sorted by name, whose name does not start "
                    "with \"limits.\" (first dot-separated piece != \"limits\"): \"<name>: "
                    "<status.used[name]>/<status.hard[name]>\" (quantity strings, missing used = \"0\"), "
                    "joined with \", \".",
    "quotaLimit": "As quotaRequest, for the names whose first dot-separated piece is \"limits\".",
    # -- rbac, certificates, admission, flowcontrol ----------------------------------
    "roleRef": "roleRef.kind + \"/\" + roleRef.name.",
    "csrRequestedDuration": "\"<none>\" when spec.expirationSeconds is absent; else "
                            "HumanDuration(expirationSeconds seconds).",
    "csrCondition": "\"Denied\" if any condition has type Denied, else \"Approved\" if any has type "
                    "Approved, else \"Pending\"; then \",Failed\" if any has type Failed, then \",Issued\" "
                    "if status.certificate is non-empty (condition status is not consulted).",
    "vapParamKind": "\"<unset>\" without spec.paramKind; else paramKind.apiVersion + \"/\" + paramKind.kind.",
    "vapbParamRef": "\"<unset>\" without spec.paramRef; with paramRef.name: \"<namespace>/<name>\", or "
                    "\"*/<name>\" when namespace is empty; else with paramRef.selector: the Go String() of "
                    "the metav1.LabelSelector struct (\"&LabelSelector{MatchLabels:...}\"); else \"<unset>\".",
    "flowSchemaMissingPL": "status of the first status.conditions entry of type Dangling; \"?\" without one.",
    # -- apiregistration (kube-aggregator's ConvertToTable, not printers.go) ---------
    "apiServiceService": "\"Local\" without spec.service (absent or null); else spec.service.namespace + "
                         "\"/\" + spec.service.name.",
    "apiServiceAvailable": "The first status.conditions entry of type Available: its status when that is "
                           "\"True\" or its reason is empty, else \"<status> (<reason>)\"; \"Unknown\" "
                           "without one.",
}

PATH_FAMILIES = {
    "jsonpath:", "orNone:", "orUnset:", "orUnknown:", "len:", "labels:", "labelSelector:",
    "selectorString:", "containerNames:", "containerImages:", "sinceOrNone:", "boolPtr:",
    "intOrStringOrNA:", "quantity:", "quantityOrUnset:", "accessModes:", "phaseOrTerminating:",
    "loadBalancerIngress:",
}
NODE_ADDRESS_TYPES = {"Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"}
SUBJECT_KINDS = {"User", "Group", "ServiceAccount"}

# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------

KNOWN_VERBS = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
REQUIRED_KEYS = {
    "group": str, "version": str, "resource": str, "kind": str, "singular": str,
    "namespaced": bool, "preferred": bool, "verbs": list, "shortNames": list,
    "categories": list, "subresources": list, "fieldSelectors": list, "printerColumns": list,
}
OPTIONAL_KEYS = {"storageVersionHash": str, "fieldSelectorAliases": dict}
SUB_REQUIRED = {"name": str, "kind": str, "verbs": list}
SUB_OPTIONAL = {"group": str, "version": str}
COL_KEYS = {"name": str, "type": str, "format": str, "description": str, "priority": int, "cell": str}
COL_TYPES = {"string", "integer", "number", "boolean", "date"}
COL_FORMATS = {"", "name"}

# Upstream quirks, allowed explicitly (group, resource[, column]).
NAME_NOT_FIRST = {("", "events"), ("events.k8s.io", "events")}   # Name is a priority-1 last column
EMPTY_DESCRIPTION = {("node.k8s.io", "runtimeclasses", "Handler")}  # ObjectMeta SwaggerDoc["handler"] == ""
EXTRA_NAME_FORMAT = {("storage.k8s.io", "volumeattachments", "Attacher")}
NAME_CELLS = {"name", "storageClassName"}

GROUP_RE = re.compile(r"^(|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$")
VERSION_RE = re.compile(r"^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$")
RESOURCE_RE = re.compile(r"^[a-z][a-z0-9]*$")
KIND_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
SHORT_RE = re.compile(r"^[a-z][a-z0-9]*$")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9-]*$")
FIELD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")
PATH_RE = re.compile(r"^(\.[A-Za-z][A-Za-z0-9]*)+$")


def storage_version_hash(group, version, kind):
    """k8s.io/apiserver/pkg/endpoints/discovery.StorageVersionHash."""
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def valid_cell(cell):
    if cell in CELL_KINDS and not cell.endswith(":"):
        return True
    family, sep, param = cell.partition(":")
    if not sep or family + ":" not in CELL_KINDS or not param:
        return False
    family += ":"
    if family in PATH_FAMILIES:
        return bool(PATH_RE.match(param))
    if family == "orDefault:":
        default, sep2, path = param.rpartition(":")
        return bool(sep2 and default and PATH_RE.match(path))
    if family == "nodeAddress:":
        return param in NODE_ADDRESS_TYPES
    if family == "subjects:":
        return param in SUBJECT_KINDS
    return False


def plural_ok(singular, resource):
    if resource == singular:  # endpoints
        return True
    cands = {singular + "s", singular + "es"}
    if singular.endswith("y"):
        cands.add(singular[:-1] + "ies")
    return resource in cands


def check_types(obj, required, optional, where, errs):
    if not isinstance(obj, dict):
        errs.append(f"{where}: not an object")
        return False
    ok = True
    for k, t in required.items():
        if k not in obj:
            errs.append(f"{where}: missing key {k!r}")
            ok = False
        elif t is int and (isinstance(obj[k], bool) or not isinstance(obj[k], int)):
            errs.append(f"{where}: {k!r} must be an integer")
            ok = False
        elif not isinstance(obj[k], t):
            errs.append(f"{where}: {k!r} must be {t.__name__}")
            ok = False
    for k in obj:
        if k not in required and k not in optional:
            errs.append(f"{where}: unknown key {k!r}")
            ok = False
        elif k in optional and not isinstance(obj[k], optional[k]):
            errs.append(f"{where}: {k!r} must be {optional[k].__name__}")
            ok = False
    return ok


def check_verbs(verbs, where, errs):
    if not verbs:
        errs.append(f"{where}: verbs is empty")
    if any(not isinstance(v, str) for v in verbs):
        errs.append(f"{where}: verbs must be strings")
        return
    bad = sorted(set(verbs) - KNOWN_VERBS)
    if bad:
        errs.append(f"{where}: unknown verbs {bad}")
    if verbs != sorted(set(verbs)):
        errs.append(f"{where}: verbs must be sorted and unique (discovery order), got {verbs}")


def check_strlist(values, where, what, errs):
    if any(not isinstance(v, str) for v in values):
        errs.append(f"{where}: {what} must be strings")
        return False
    if len(set(values)) != len(values):
        errs.append(f"{where}: duplicate {what}")
    return True


def check_entry(e, where, errs):
    if not check_types(e, REQUIRED_KEYS, OPTIONAL_KEYS, where, errs):
        return
    g, v, r, kind = e["group"], e["version"], e["resource"], e["kind"]
    if not GROUP_RE.match(g):
        errs.append(f"{where}: bad group {g!r}")
    if not VERSION_RE.match(v):
        errs.append(f"{where}: bad version {v!r}")
    if g == "" and v != "v1":
        errs.append(f"{where}: the core group only serves v1")
    if not RESOURCE_RE.match(r):
        errs.append(f"{where}: resource must be a lower-case plural without '/', got {r!r}")
    if not KIND_RE.match(kind):
        errs.append(f"{where}: kind must be CamelCase, got {kind!r}")
    if e["singular"] != kind.lower():
        errs.append(f"{where}: singular must be lower(kind) = {kind.lower()!r}, got {e['singular']!r}")
    elif not plural_ok(e["singular"], r):
        errs.append(f"{where}: resource {r!r} is not a plural of singular {e['singular']!r}")

    verbs = e["verbs"]
    check_verbs(verbs, where, errs)
    vs = set(v_ for v_ in verbs if isinstance(v_, str))
    if "watch" in vs and "list" not in vs:
        errs.append(f"{where}: watch without list")
    if "deletecollection" in vs and not {"delete", "list"} <= vs:
        errs.append(f"{where}: deletecollection without delete and list")
    if "list" in vs and "get" not in vs:
        errs.append(f"{where}: list without get")

    if check_strlist(e["shortNames"], where, "shortNames", errs):
        for s in e["shortNames"]:
            if not SHORT_RE.match(s):
                errs.append(f"{where}: bad shortName {s!r}")
            if s in (r, e["singular"]):
                errs.append(f"{where}: shortName {s!r} repeats the resource name")
    if check_strlist(e["categories"], where, "categories", errs):
        for c in e["categories"]:
            if not CATEGORY_RE.match(c):
                errs.append(f"{where}: bad category {c!r}")
        if "all" in e["categories"] and not e["namespaced"]:
            errs.append(f"{where}: category 'all' on a cluster-scoped resource")

    h = e.get("storageVersionHash")
    if "watch" in vs and h is None:
        errs.append(f"{where}: stored (watchable) resource without storageVersionHash")
    if "watch" not in vs and h is not None:
        errs.append(f"{where}: storageVersionHash on a resource that is not stored")
    if h is not None:
        try:
            raw = base64.b64decode(h, validate=True)
        except ValueError:
            raw = b""
        if len(raw) != 8:
            errs.append(f"{where}: storageVersionHash {h!r} is not base64 of 8 bytes")

    check_subresources(e, where, errs)
    check_field_selectors(e, where, vs, errs)
    check_columns(e, where, vs, errs)


def check_subresources(e, where, errs):
    names = []
    for i, s in enumerate(e["subresources"]):
        sw = f"{where} subresource[{i}]"
        if not check_types(s, SUB_REQUIRED, SUB_OPTIONAL, sw, errs):
            continue
        names.append(s["name"])
        sw = f"{where}/{s['name']}"
        if not RESOURCE_RE.match(s["name"]):
            errs.append(f"{sw}: bad subresource name")
        if not KIND_RE.match(s["kind"]):
            errs.append(f"{sw}: bad kind {s['kind']!r}")
        check_verbs(s["verbs"], sw, errs)
        has_g, has_v = "group" in s, "version" in s
        if has_g != has_v:
            errs.append(f"{sw}: group and version must be given together")
        if has_g and has_v:
            if (s["group"], s["version"]) == (e["group"], e["version"]):
                errs.append(f"{sw}: group/version given although equal to the parent's (discovery omits them)")
            if not GROUP_RE.match(s["group"]) or not VERSION_RE.match(s["version"]):
                errs.append(f"{sw}: bad group/version")
        if s["name"] == "status":
            if s["kind"] != e["kind"] or has_g or s["verbs"] != ["get", "patch", "update"]:
                errs.append(f"{sw}: status must be the parent kind with verbs get,patch,update")
        if s["name"] == "scale":
            if (s["kind"], s.get("group"), s.get("version")) != ("Scale", "autoscaling", "v1") or \
                    s["verbs"] != ["get", "patch", "update"]:
                errs.append(f"{sw}: scale must be autoscaling/v1 Scale with verbs get,patch,update")
    if names != sorted(set(names)):
        errs.append(f"{where}: subresources must be unique and sorted by name, got {names}")


def check_field_selectors(e, where, verbs, errs):
    fs = e["fieldSelectors"]
    if not check_strlist(fs, where, "fieldSelectors", errs):
        return
    for f in fs:
        if not FIELD_RE.match(f):
            errs.append(f"{where}: bad field label {f!r}")
    if "list" in verbs:
        if "metadata.name" not in fs:
            errs.append(f"{where}: listable resource must accept metadata.name")
        if e["namespaced"] and "metadata.namespace" not in fs:
            errs.append(f"{where}: namespaced resource must accept metadata.namespace")
    elif fs:
        errs.append(f"{where}: fieldSelectors on a resource that cannot be listed")
    aliases = e.get("fieldSelectorAliases", {})
    for k, val in aliases.items():
        if not isinstance(val, str) or not FIELD_RE.match(k):
            errs.append(f"{where}: bad fieldSelectorAliases entry {k!r}")
        elif k in fs or val not in fs:
            errs.append(f"{where}: alias {k!r} -> {val!r} must map a new label onto a listed one")


def check_columns(e, where, verbs, errs):
    cols = e["printerColumns"]
    if "list" in verbs and not cols:
        errs.append(f"{where}: listable resource without printerColumns")
    if "list" not in verbs and cols:
        errs.append(f"{where}: printerColumns on a resource without a table (not listable)")
    seen = set()
    good = []
    for i, c in enumerate(cols):
        cw = f"{where} column[{i}]"
        if not check_types(c, COL_KEYS, {}, cw, errs):
            continue
        good.append(c)
        cw = f"{where} column {c['name']!r}"
        if not c["name"] or c["name"] != c["name"].strip():
            errs.append(f"{cw}: bad name")
        if c["name"] in seen:
            errs.append(f"{cw}: duplicate column name")
        seen.add(c["name"])
        if c["type"] not in COL_TYPES:
            errs.append(f"{cw}: bad type {c['type']!r}")
        if c["format"] not in COL_FORMATS:
            errs.append(f"{cw}: bad format {c['format']!r}")
        if c["priority"] not in (0, 1):
            errs.append(f"{cw}: priority must be 0 or 1")
        if not c["description"] and (e["group"], e["resource"], c["name"]) not in EMPTY_DESCRIPTION:
            errs.append(f"{cw}: empty description")
        if not valid_cell(c["cell"]):
            errs.append(f"{cw}: cell {c['cell']!r} is not documented in CELL_KINDS")
        if (c["cell"] == "createdAt") != (c["type"] == "date"):
            errs.append(f"{cw}: type date goes with cell createdAt and only with it")
        if (c["cell"] == "age") != (c["name"] == "Age"):
            errs.append(f"{cw}: column Age goes with cell age and only with it")
        if c["format"] == "name" and c["name"] != "Name" and \
                (e["group"], e["resource"], c["name"]) not in EXTRA_NAME_FORMAT:
            errs.append(f"{cw}: format name outside the Name column")
    if not good:
        return
    name_cols = [c for c in good if c["name"] == "Name"]
    if len(name_cols) != 1 or name_cols[0]["format"] != "name" or name_cols[0]["cell"] not in NAME_CELLS:
        errs.append(f"{where}: needs exactly one Name column with format name and a name cell")
    elif good[0]["name"] != "Name" and (e["group"], e["resource"]) not in NAME_NOT_FIRST:
        errs.append(f"{where}: the first printer column must be Name, got {good[0]['name']!r}")
    elif good[0]["name"] == "Name" and good[0]["priority"] != 0:
        errs.append(f"{where}: the Name column must have priority 0")
    if any(c["cell"] == "createdAt" for c in good):
        shape = [(c["name"], c["type"], c["format"], c["priority"], c["cell"]) for c in good]
        if shape != [("Name", "string", "name", 0, "name"), ("Created At", "date", "", 0, "createdAt")]:
            errs.append(f"{where}: the default table is exactly Name, Created At")


def check_file(entries):
    errs = []
    if not isinstance(entries, list) or not entries:
        return ["top level must be a non-empty JSON array"]
    keys = {}
    for i, e in enumerate(entries):
        where = f"entry[{i}]"
        if isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("group", "version", "resource")):
            where = f"{e['group'] or 'core'}/{e['version']}/{e['resource']}"
            gvr = (e["group"], e["version"], e["resource"])
            if gvr in keys:
                errs.append(f"{where}: duplicate (group, version, resource), also entry[{keys[gvr]}]")
            keys[gvr] = i
        check_entry(e, where, errs)
    if errs:
        return errs
    check_cross(entries, errs)
    return errs


def check_cross(entries, errs):
    def name(e):
        return f"{e['group'] or 'core'}/{e['version']}/{e['resource']}"

    # Same (group, resource) in several versions: same kind, scope, storage.
    by_gr = {}
    for e in entries:
        by_gr.setdefault((e["group"], e["resource"]), []).append(e)
    for (g, r), es in by_gr.items():
        for attr in ("kind", "namespaced", "storageVersionHash", "shortNames", "categories"):
            if len({json.dumps(x.get(attr)) for x in es}) > 1:
                errs.append(f"{g or 'core'}/{r}: {attr} differs between versions")

    # Exactly one preferred version per group, for all of its entries.
    by_group = {}
    for e in entries:
        by_group.setdefault(e["group"], {}).setdefault(e["version"], set()).add(e["preferred"])
    for g, versions in by_group.items():
        pref = [v for v, flags in versions.items() if True in flags]
        mixed = [v for v, flags in versions.items() if len(flags) > 1]
        if len(pref) != 1 or mixed:
            errs.append(f"group {g or 'core'}: needs exactly one preferred version, got {sorted(pref)}")

    # storageVersionHash is the hash of a served group/version of the same kind.
    gvks = {(e["group"], e["version"], e["kind"]) for e in entries}
    for e in entries:
        h = e.get("storageVersionHash")
        if h is None:
            continue
        cands = {storage_version_hash(g, v, k) for g, v, k in gvks if k == e["kind"]}
        if h not in cands:
            errs.append(f"{name(e)}: storageVersionHash {h} is not the hash of any served "
                        f"group/version of kind {e['kind']}")

    # A short name resolves to one resource (the same resource may repeat it
    # across versions and, for events, across groups) and never shadows a name.
    owners = {}
    for e in entries:
        for s in e["shortNames"]:
            owners.setdefault(s, set()).add((e["resource"], e["kind"]))
    names = {e["resource"] for e in entries} | {e["singular"] for e in entries}
    for s, own in sorted(owners.items()):
        if len(own) > 1:
            errs.append(f"shortName {s!r} is used by different resources {sorted(own)}")
        if s in names:
            errs.append(f"shortName {s!r} collides with a resource or singular name")

    # Every documented cell identifier is used (CELL_KINDS does not go stale).
    used = set()
    for e in entries:
        for c in e["printerColumns"]:
            used.add(c["cell"] if c["cell"] in CELL_KINDS else c["cell"].split(":", 1)[0] + ":")
    for k in sorted(set(CELL_KINDS) - used):
        errs.append(f"CELL_KINDS documents {k!r}, which no column uses")

    # Column descriptions of Name/Age are the ObjectMeta docs everywhere.
    for col_name in ("Name", "Age"):
        descs = {c["description"] for e in entries for c in e["printerColumns"] if c["name"] == col_name}
        if len(descs) > 1:
            errs.append(f"column {col_name!r} has {len(descs)} different descriptions")


# ---------------------------------------------------------------------------
# Self test: every mutation below must be rejected.
# ---------------------------------------------------------------------------

def _find(entries, group, resource, version=None):
    for e in entries:
        if e["group"] == group and e["resource"] == resource and (version is None or e["version"] == version):
            return e
    raise KeyError((group, resource))


def _mutations():
    def m(desc):
        def deco(fn):
            MUTATIONS.append((desc, fn))
            return fn
        return deco

    @m("duplicate entry")
    def _(E): E.append(copy.deepcopy(E[0]))

    @m("unknown key")
    def _(E): E[0]["plural"] = E[0]["resource"]

    @m("missing key")
    def _(E): del _find(E, "", "pods")["verbs"]

    @m("wrong type")
    def _(E): _find(E, "", "pods")["namespaced"] = "true"

    @m("unsorted verbs")
    def _(E): _find(E, "", "pods")["verbs"].reverse()

    @m("unknown verb")
    def _(E): _find(E, "", "pods")["verbs"].append("proxy")

    @m("watch without list")
    def _(E): _find(E, "", "configmaps")["verbs"].remove("list")

    @m("singular not lower(kind)")
    def _(E): _find(E, "", "pods")["singular"] = "pods"

    @m("resource not a plural")
    def _(E): _find(E, "", "pods")["resource"] = "podz"

    @m("bad kind")
    def _(E): _find(E, "", "pods")["kind"] = "pod"

    @m("shortName reused by another resource")
    def _(E): _find(E, "", "services")["shortNames"].append("po")

    @m("shortName shadows a resource")
    def _(E): _find(E, "", "services")["shortNames"].append("pods")

    @m("missing storageVersionHash")
    def _(E): del _find(E, "", "pods")["storageVersionHash"]

    @m("wrong storageVersionHash")
    def _(E): _find(E, "apps", "deployments")["storageVersionHash"] = storage_version_hash("apps", "v1beta2", "Deployment")

    @m("storageVersionHash on a review")
    def _(E): _find(E, "authentication.k8s.io", "tokenreviews")["storageVersionHash"] = "AAAAAAAAAAA="

    @m("two preferred versions")
    def _(E): _find(E, "autoscaling", "horizontalpodautoscalers", "v1")["preferred"] = True

    @m("no preferred version")
    def _(E): _find(E, "", "pods")["preferred"] = False

    @m("versions disagree on storage")
    def _(E): _find(E, "autoscaling", "horizontalpodautoscalers", "v1")["storageVersionHash"] = \
        storage_version_hash("autoscaling", "v1", "HorizontalPodAutoscaler")

    @m("status subresource with wrong verbs")
    def _(E): _find(E, "", "pods")["subresources"][-1]["verbs"] = ["get"]

    @m("scale subresource without group")
    def _(E):
        s = [x for x in _find(E, "apps", "deployments")["subresources"] if x["name"] == "scale"][0]
        del s["group"], s["version"]

    @m("redundant subresource group/version")
    def _(E):
        s = [x for x in _find(E, "", "pods")["subresources"] if x["name"] == "binding"][0]
        s["group"], s["version"] = "", "v1"

    @m("unsorted subresources")
    def _(E): _find(E, "", "pods")["subresources"].reverse()

    @m("fieldSelectors without metadata.name")
    def _(E): _find(E, "", "secrets")["fieldSelectors"].remove("metadata.name")

    @m("fieldSelectors on a create-only resource")
    def _(E): _find(E, "", "bindings")["fieldSelectors"].append("metadata.name")

    @m("alias onto an unknown label")
    def _(E): _find(E, "", "pods")["fieldSelectorAliases"]["spec.host"] = "spec.host2"

    @m("undocumented cell")
    def _(E): _find(E, "", "pods")["printerColumns"][1]["cell"] = "podReadyness"

    @m("bad cell path")
    def _(E): _find(E, "", "pods")["printerColumns"][6]["cell"] = "orNone:spec.nodeName"

    @m("first column not Name")
    def _(E): _find(E, "", "pods")["printerColumns"].reverse()

    @m("Name column without format name")
    def _(E): _find(E, "", "configmaps")["printerColumns"][0]["format"] = ""

    @m("duplicate column")
    def _(E):
        cols = _find(E, "", "configmaps")["printerColumns"]
        cols.append(copy.deepcopy(cols[1]))

    @m("priority 2")
    def _(E): _find(E, "", "pods")["printerColumns"][5]["priority"] = 2

    @m("empty description")
    def _(E): _find(E, "", "pods")["printerColumns"][1]["description"] = ""

    @m("broken default table")
    def _(E): _find(E, "rbac.authorization.k8s.io", "roles")["printerColumns"][1]["name"] = "Age"

    @m("listable resource without columns")
    def _(E): _find(E, "", "limitranges")["printerColumns"] = []

    @m("columns on a create-only resource")
    def _(E):
        E2 = _find(E, "", "bindings")
        E2["printerColumns"] = copy.deepcopy(_find(E, "", "limitranges")["printerColumns"])

    @m("Age column with another description")
    def _(E):
        for c in _find(E, "", "pods")["printerColumns"]:
            if c["name"] == "Age":
                c["description"] = "Age of the pod."

    @m("documented cell no longer used")
    def _(E):
        for e in E:
            for c in e["printerColumns"]:
                if c["cell"] == "flowSchemaMissingPL":
                    c["cell"] = "jsonpath:.status.conditions"

    @m("category all on a cluster-scoped resource")
    def _(E): _find(E, "", "nodes")["categories"].append("all")


MUTATIONS = []
_mutations()


def self_test(entries):
    failures = 0
    for desc, fn in MUTATIONS:
        mutated = copy.deepcopy(entries)
        try:
            fn(mutated)
        except (KeyError, IndexError) as exc:
            print(f"self-test: cannot apply mutation {desc!r}: {exc!r}")
            failures += 1
            continue
        if not check_file(mutated):
            print(f"self-test: mutation not detected: {desc}")
            failures += 1
    return failures


def main(argv):
    args = argv[1:]
    selftest = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    if len(args) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            entries = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"{args[0]}: {exc}")
        return 1
    errs = check_file(entries)
    for err in errs:
        print(f"{args[0]}: {err}")
    failed = 1 if errs else 0
    passed = 1 - failed
    if selftest and not errs:
        bad = self_test(entries)
        passed += len(MUTATIONS) - bad
        failed += bad
    if not errs:
        print(f"{args[0]}: {len(entries)} entries valid")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
