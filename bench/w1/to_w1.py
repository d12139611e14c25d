#!/usr/bin/python3
"""Turn a `crm-metrics report --format json` document into the W1 output shape.

Usage: to_w1.py REPORT.json [W1.json]
W1 (see the peers' definition in bench/w1/README.md) is a fixed set of keys; this script only
renames and reshapes what our report already contains, it computes nothing.
"""
import json
import sys


def whole(report, metric_id, variant_prefix=None):
    for m in report["metrics"]:
        if m["id"] != metric_id or m["period"] is not None or m["group"] is not None:
            continue
        if variant_prefix is None or m["variant"].startswith(variant_prefix):
            return m["value"]
    raise KeyError(metric_id)


def per_period(report, metric_id):
    return {m["period"]: m["value"] for m in report["metrics"]
            if m["id"] == metric_id and m["period"] is not None and m["group"] is None}


def main():
    rep = json.load(open(sys.argv[1]))
    active = per_period(rep, "active_customers")
    retained = per_period(rep, "retained_customers")
    retention = per_period(rep, "active_retention_rate")
    rfm = rep["rfm"]
    out = {
        "analysis_date": rep["as_of"],
        "customers": int(whole(rep, "customers")),
        "orders": int(whole(rep, "orders")),
        "revenue": whole(rep, "revenue"),
        "aov": whole(rep, "aov"),
        "purchase_frequency": whole(rep, "purchase_frequency"),
        "repeat_rate": whole(rep, "repeat_purchase_rate", "customers with >= 2"),
        "lifespan_years": whole(rep, "customer_lifespan_years"),
        "purchase_frequency_per_year": whole(rep, "purchase_frequency_per_year"),
        "clv": whole(rep, "clv_simple", "observed"),
        "rfm_mean": rfm["mean"],
        "rfm_cells": rfm["cells"],
        "monthly": [{"month": p, "active": int(active[p]),
                     "retained": int(retained[p]) if p in retained else None,
                     "retention": retention.get(p)} for p in sorted(active)],
        "cohorts": [{"cohort": c["cohort"], "size": c["size"], "retention": c["retention"]}
                    for c in rep["cohorts"]["rows"]],
    }
    text = json.dumps(out)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
