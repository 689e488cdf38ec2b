#!/usr/bin/env python3
"""Checks that every metric a Grafana dashboard's queries use is exposed.

    dashboard_metrics.py DASHBOARD.json EXPOSITION.txt [EXPOSITION.txt …]

The metric names are what is left of each PromQL expression once strings,
label matchers, ranges, grouping clauses, function calls, keywords and
numbers are taken out. A name counts as exposed when an exposition carries a
sample of it, or, for `_bucket`, `_sum` and `_count`, declares its base name a
histogram (summaries likewise). Exits 1 naming what is missing.
"""
import json
import re
import sys

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}


def expressions(node):
    if isinstance(node, dict):
        if isinstance(node.get("expr"), str):
            yield node["expr"]
        # A template variable's `label_values(metric, label)` names a metric too.
        for value in (node.get("query"), node.get("definition")):
            if isinstance(value, str) and (found := re.match(r"\s*label_values\(\s*([^,)]+?)\s*,", value)):
                yield found.group(1)
        for value in node.values():
            yield from expressions(value)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value)


def metric_names(expr):
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)                               # strings
    text = re.sub(r"\{[^}]*\}", " ", text)                                          # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                                         # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = match.group(0)
        rest = text[match.end():].lstrip()
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue                                                                # a function or a keyword
        if match.start() > 0 and (text[match.start() - 1].isdigit() or text[match.start() - 1] in ".$"):
            continue                                                                # 1e3, 0.5, $variable
        names.add(word)
    return names


def exposed(paths):
    samples, typed = set(), {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split()[:4]
                typed[name] = kind
            elif line.strip() and not line.startswith("#"):
                samples.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return samples, typed


def main():
    dashboard = json.load(open(sys.argv[1], encoding="utf-8"))
    samples, typed = exposed(sys.argv[2:])
    used = set()
    for expr in expressions(dashboard):
        used |= metric_names(expr)
    if not used:
        print(f"{sys.argv[1]}: no metric names found in its queries")
        return 1
    missing = []
    for name in sorted(used):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if name in samples or name in typed or (base != name and typed.get(base) in ("histogram", "summary")):
            continue
        missing.append(name)
    if missing:
        print(f"{sys.argv[1]} queries metrics Herald did not expose: {', '.join(missing)}")
        return 1
    print(f"dashboard: all {len(used)} metrics its queries use are exposed ({', '.join(sorted(used))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
