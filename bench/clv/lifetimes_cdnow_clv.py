#!/usr/bin/env python3
"""The expected figures of the `crm-metrics clv` CLI tests, computed with the peer lifetimes.

usage: PYTHONPATH=$PEERS/lifetimes:$PEERS/autograd python3 bench/clv/lifetimes_cdnow_clv.py \
           tests/data/clv/cdnow_summary.csv

Fits BetaGeoFitter and GammaGammaFitter (lifetimes 0.11.3) on Hardie's CDNOW summary (ID, x, t_x,
T, zbar; weeks) and prints, for the customers the tests check, P(alive), expected purchases over
12 months (12 * 365.25 / 12 / 7 weeks), the expected spend and a 12-month CLV discounted monthly at
1.1^(1/12) - 1: the monthly increments of conditional_expected_number_of_purchases_up_to_time
times conditional_expected_average_profit, each divided by (1 + d)^i. lifetimes' own
customer_lifetime_value takes a month as 4.345 weeks (freq "W"); ours is 365.25 / 12 / 7 = 4.3482
weeks, so the sum is written out here with the same month as ours.
"""
import sys

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

d = pd.read_csv(sys.argv[1])
bg = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
print("BG/NBD", {k: f"{v:.10g}" for k, v in bg.params_.items()})
buyers = d[(d["x"] > 0) & (d["zbar"] > 0)]
gg = GammaGammaFitter().fit(buyers["x"], buyers["zbar"])
print("Gamma-Gamma", {k: f"{v:.10g}" for k, v in gg.params_.items()})

month = 365.25 / 12 / 7  # weeks
rate = 1.1 ** (1 / 12) - 1
horizon = 12 * month
alive = bg.conditional_probability_alive(d["x"], d["t_x"], d["T"])
expected = bg.conditional_expected_number_of_purchases_up_to_time(horizon, d["x"], d["t_x"], d["T"])
spend = gg.conditional_expected_average_profit(d["x"], d["zbar"])
clv = np.zeros(len(d))
previous = np.zeros(len(d))
for i in range(1, 13):
    cumulative = bg.conditional_expected_number_of_purchases_up_to_time(i * month, d["x"], d["t_x"],
                                                                        d["T"])
    clv += (cumulative - previous) * spend / (1 + rate) ** i
    previous = cumulative
for cid in (1, 2, 4, 157):
    j = int(np.flatnonzero(d["ID"].to_numpy() == cid)[0])
    print(f"ID {cid}: x {d['x'][j]} t_x {d['t_x'][j]} T {d['T'][j]} P(alive) {alive[j]:.8g} "
          f"E {expected[j]:.8g} spend {spend[j]:.8g} CLV {clv[j]:.8g}")
print(f"sum E {expected.sum():.8g}  E[X] new customer {bg.expected_number_of_purchases_up_to_time(horizon):.8g}"
      f"  mean P(alive) {alive.mean():.8g}")
