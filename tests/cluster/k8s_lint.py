#!/usr/bin/env python3
"""Checks the Kubernetes manifests of deploy/k8s without a cluster (docs/cluster.md, "Kubernetes").

yamllint (when installed) for the syntax and layout, then, over the parsed documents: every container has
resources (requests for cpu and memory, a memory limit), a readiness and a liveness probe; every Service
selects the pods of a StatefulSet of the folder and each of its targetPorts names a port of that
StatefulSet's containers; every StatefulSet's serviceName is a headless Service of the folder that selects
it; every ConfigMap a pod mounts is defined. Prints each problem; exit 1 when there is one.

Usage: k8s_lint.py [DIR]   (default: deploy/k8s next to this repository's tests/)
       k8s_lint.py --self-test   (broken copies of the manifests must fail)
"""
import pathlib
import shutil
import subprocess
import sys

import yaml


def load(folder):
    docs = []
    for path in sorted(folder.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_container(where, container, problems):
    resources = container.get("resources", {})
    for key in ("cpu", "memory"):
        if key not in resources.get("requests", {}):
            problems.append(f"{where}: no resources.requests.{key}")
    if "memory" not in resources.get("limits", {}):
        problems.append(f"{where}: no resources.limits.memory")
    for probe in ("readinessProbe", "livenessProbe"):
        if probe not in container:
            problems.append(f"{where}: no {probe}")
    names = {p.get("name") for p in container.get("ports", [])}
    for probe in ("readinessProbe", "livenessProbe"):
        for kind in ("httpGet", "tcpSocket", "grpc"):
            port = container.get(probe, {}).get(kind, {}).get("port")
            if isinstance(port, str) and port not in names:
                problems.append(f"{where}: {probe} names port {port!r}, which the container does not declare")


def lint(folder, docs=None):
    problems = []
    docs = load(folder) if docs is None else docs
    if not docs:
        return [f"{folder}: no manifests"]
    services = {d["metadata"]["name"]: (f, d) for f, d in docs if d.get("kind") == "Service"}
    sets = {d["metadata"]["name"]: (f, d) for f, d in docs if d.get("kind") == "StatefulSet"}
    config_maps = {d["metadata"]["name"] for _, d in docs if d.get("kind") == "ConfigMap"}
    if not sets:
        problems.append(f"{folder}: no StatefulSet")
    for name, (f, s) in sets.items():
        template = s["spec"]["template"]
        labels = template["metadata"].get("labels", {})
        if not selects(s["spec"]["selector"].get("matchLabels"), labels):
            problems.append(f"{f}: StatefulSet {name}: its selector does not select its own pods")
        headless = services.get(s["spec"].get("serviceName"))
        if headless is None:
            problems.append(f"{f}: StatefulSet {name}: serviceName {s['spec'].get('serviceName')!r} is not a Service here")
        elif headless[1]["spec"].get("clusterIP") != "None" or not selects(headless[1]["spec"].get("selector"), labels):
            problems.append(f"{f}: StatefulSet {name}: its serviceName is not a headless Service selecting it")
        for c in template["spec"]["containers"]:
            check_container(f"{f}: StatefulSet {name}, container {c['name']}", c, problems)
        for v in template["spec"].get("volumes", []):
            if "configMap" in v and v["configMap"]["name"] not in config_maps:
                problems.append(f"{f}: StatefulSet {name}: ConfigMap {v['configMap']['name']!r} is not defined here")
        claims = {t["metadata"]["name"] for t in s["spec"].get("volumeClaimTemplates", [])}
        if not claims:
            problems.append(f"{f}: StatefulSet {name}: no volumeClaimTemplates (its data would not survive a move)")
    for name, (f, svc) in services.items():
        selector = svc["spec"].get("selector")
        targets = [s for s in sets.values() if selects(selector, s[1]["spec"]["template"]["metadata"].get("labels", {}))]
        if not targets:
            problems.append(f"{f}: Service {name}: selects no StatefulSet's pods")
            continue
        port_names = {p.get("name") for _, s in targets for c in s["spec"]["template"]["spec"]["containers"]
                      for p in c.get("ports", [])}
        for port in svc["spec"].get("ports", []):
            if port.get("targetPort") not in port_names:
                problems.append(f"{f}: Service {name}: targetPort {port.get('targetPort')!r} is no container port name")
    return problems


def self_test(folder):
    """The checks can fail: each broken copy of the manifests must give the problem it plants."""
    import copy
    cases = {
        "no resources.limits.memory": lambda s, svc: s["spec"]["template"]["spec"]["containers"][0]["resources"].pop("limits"),
        "no readinessProbe": lambda s, svc: s["spec"]["template"]["spec"]["containers"][0].pop("readinessProbe"),
        "is no container port name": lambda s, svc: svc["spec"]["ports"][0].update(targetPort="grcp"),
        "selects no StatefulSet": lambda s, svc: svc["spec"]["selector"].update({"app.kubernetes.io/name": "other"}),
    }
    failures = 0
    for expected, breaker in cases.items():
        docs = copy.deepcopy(load(folder))
        stateful = next(d for _, d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "passerelle")
        service = next(d for _, d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "passerelle")
        breaker(stateful, service)
        if not any(expected in p for p in lint(folder, docs)):
            print(f"self-test: a manifest with '{expected}' passed the lint")
            failures += 1
    return failures


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        folder = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "k8s"
        failures = self_test(folder)
        print(f"k8s_lint.py --self-test: {failures} failure(s)")
        return 1 if failures else 0
    folder = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "deploy" / "k8s"
    problems = []
    if shutil.which("yamllint"):
        run = subprocess.run(["yamllint", "-d", "{extends: default, rules: {line-length: {max: 200}}}", str(folder)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            problems.append("yamllint:\n" + run.stdout + run.stderr)
    else:
        print("k8s_lint.py: yamllint is not installed (scripts/install-deps.sh): structure checks only")
    problems += lint(folder)
    for p in problems:
        print(p)
    print(f"k8s_lint.py: {len(problems)} problem(s) in {folder}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
