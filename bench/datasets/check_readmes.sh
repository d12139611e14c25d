#!/bin/sh
# Runs `crm-metrics report` on the public datasets of ../shared/data and prints each figure next
# to the headline figure its README states (issue 4). Development aid, not a test: the datasets'
# licences keep them out of this repository, so the tests cannot read them.
#   bench/datasets/check_readmes.sh [crm-metrics binary] [shared data directory]
set -eu
BIN=${1:-build/release/crm-metrics}
DATA=${2:-../shared/data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run() {  # name, then report arguments
  name=$1
  shift
  "$BIN" report --format json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
}

pick() {  # json file, metric id, optional group key=value: prints value and n
  python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
path, mid, group = sys.argv[1:4]
want = dict([group.split("=", 1)]) if group else {}
for m in json.load(open(path))["metrics"]:
    if m["id"] == mid and m["period"] is None and (m["group"] or {}) == want and m["value"] is not None:
        print(f'{m["value"]:.10g} (n {m["n"]})')
        break
else:
    print("missing")
PY
}

row() { printf '%-28s %-34s %-22s %s\n' "$1" "$2" "$3" "$4"; }
row dataset metric ours README

run nps "$DATA/nps-survey/nps_survey.csv"
row nps-survey nps "$(pick "$TMP/nps.json" nps)" "10.8595 (n 20268)"
row nps-survey promoters_share "$(pick "$TMP/nps.json" promoters_share)" "9404/20268 = 0.463983"

T="$DATA/support-tickets/support_tickets_5000_synthetic.csv"
run tickets "$T"
row support-tickets tickets "$(pick "$TMP/tickets.json" tickets)" "5000"
row support-tickets first_response_time_mean "$(pick "$TMP/tickets.json" first_response_time_mean)" "67.5846 min"
row support-tickets resolution_time_mean "$(pick "$TMP/tickets.json" resolution_time_mean)" "27.6458 h (n 3724)"
row support-tickets resolution_rate "$(pick "$TMP/tickets.json" resolution_rate)" "3724/5000 = 0.7448"
row support-tickets service_satisfaction "$(pick "$TMP/tickets.json" service_satisfaction)" "0.3904 (n 3724)"

K="$DATA/support-tickets/kaggle_customer_support_tickets_subset.csv"
run kaggle --by channel "$K"
row kaggle-tickets-subset tickets "$(pick "$TMP/kaggle.json" tickets)" "2769"
row kaggle-tickets-subset service_satisfaction "$(pick "$TMP/kaggle.json" service_satisfaction)" "0.3926 (n 2769)"
row kaggle-tickets-subset "tickets, channel=Email" "$(pick "$TMP/kaggle.json" tickets channel=Email)" "720"
row kaggle-tickets-subset "tickets, channel=Chat" "$(pick "$TMP/kaggle.json" tickets channel=Chat)" "674"

run funnel --on-error skip "$DATA/olist-marketing-funnel/"
row olist-marketing-funnel leads "$(pick "$TMP/funnel.json" leads)" "8000"
row olist-marketing-funnel conversion_rate "$(pick "$TMP/funnel.json" conversion_rate)" "842/8000 = 0.10525"
row olist-marketing-funnel "leads, source=organic search" "$(pick "$TMP/funnel.json" leads 'source=organic search')" "2296"
row olist-marketing-funnel "leads, source=(blank)" "$(pick "$TMP/funnel.json" leads 'source=(blank)')" "60"

run telco --by Contract "$DATA/ibm-telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
row ibm-telco-churn churn_rate "$(pick "$TMP/telco.json" churn_rate)" "1869/7043 = 0.2654"
row ibm-telco-churn "customers, Month-to-month" "$(pick "$TMP/telco.json" customers Contract=Month-to-month)" "3875"
row ibm-telco-churn "customers, Two year" "$(pick "$TMP/telco.json" customers 'Contract=Two year')" "1695"
row ibm-telco-churn monthly_charges "$(pick "$TMP/telco.json" monthly_charges)" "456116.60"
row ibm-telco-churn tenure_months_mean "$(pick "$TMP/telco.json" tenure_months_mean)" "32.3711"
row ibm-telco-churn revenue "$(pick "$TMP/telco.json" revenue)" "16056168.70 (n 7032)"

O="$DATA/olist-ecommerce-sample"
run olist --as-of 2018-12-31 "$O/olist_orders_dataset.csv" "$O/olist_customers_dataset.csv" \
  "$O/olist_order_payments_dataset.csv" "$O/olist_order_reviews_dataset.csv"
row olist-ecommerce-sample orders "$(pick "$TMP/olist.json" orders)" "8135"
row olist-ecommerce-sample customers "$(pick "$TMP/olist.json" customers)" "8016 customer_unique_id"
row olist-ecommerce-sample repeat_purchase_rate "$(pick "$TMP/olist.json" repeat_purchase_rate)" "73/8016 = 0.0091068"
row olist-ecommerce-sample revenue "$(pick "$TMP/olist.json" revenue)" "1428602.81 (payments)"
row olist-ecommerce-sample csat "$(pick "$TMP/olist.json" csat)" "4538/8225 = 0.5517"
