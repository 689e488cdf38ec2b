"""What SciPy and statsmodels compute for each table of ExperimentStatisticsTests.

Reads a JSON list of tables (each a list of [successes, trials], the first the
control) on stdin and writes, per table, the values HeraldCore's
ExperimentStatistics must agree with.
"""
import json
import math
import sys

from scipy.stats import chi2_contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportion_effectsize, proportions_ztest)


def number(value):
    value = float(value)
    return value if math.isfinite(value) else None


def table_values(table):
    out = {"wilson": [], "comparisons": [], "chi2": None}
    for successes, trials in table:
        low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
        out["wilson"].append([number(low), number(high)])
    control_successes, control_trials = table[0]
    p0 = control_successes / control_trials
    pvalues = []
    for successes, trials in table[1:]:
        p1 = successes / trials
        entry = {}
        pooled = (successes + control_successes) / (trials + control_trials)
        if 0 < pooled < 1:
            z, p = proportions_ztest([successes, control_successes], [trials, control_trials])
            entry["z"], entry["p"] = number(z), number(p)
        else:
            entry["z"], entry["p"] = None, 1.0
        pvalues.append(entry["p"])
        low, high = confint_proportions_2indep(successes, trials, control_successes, control_trials,
                                               method="wald", compare="diff")
        entry["difference"] = [number(low), number(high)]
        if control_successes > 0 and successes > 0:
            low, high = confint_proportions_2indep(successes, trials, control_successes, control_trials,
                                                   method="log", compare="ratio")
            entry["lift"] = [number(low) - 1, number(high) - 1]
        if p0 != p1:
            effect = proportion_effectsize(p1, p0)
            n = NormalIndPower().solve_power(effect_size=effect, alpha=0.05, power=0.8, ratio=1.0,
                                             alternative="two-sided")
            entry["sample"] = math.ceil(n)
        out["comparisons"].append(entry)
    out["holm"] = [number(p) for p in multipletests(pvalues, method="holm")[1]] if pvalues else []
    used = [[s, t - s] for s, t in table if t > 0]
    total_successes = sum(row[0] for row in used)
    total_failures = sum(row[1] for row in used)
    if len(used) >= 2 and total_successes > 0 and total_failures > 0:
        statistic, p, degrees, _ = chi2_contingency(used, correction=False)
        out["chi2"] = [number(statistic), int(degrees), number(p)]
    return out


json.dump([table_values(table) for table in json.load(sys.stdin)], sys.stdout)
