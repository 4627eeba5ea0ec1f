#!/usr/bin/env python3
"""The scikit-learn reference for issue 15: `funnel score learn` against LogisticRegression.

Reads the UCI Bank Marketing file (../shared/data/bank-marketing/bank-full.csv), drops
`duration` (known only after the call) and predicts y == "yes" from every other column, with
stratified 5-fold cross-validation (shuffled, random_state=7). Prints JSON to stdout:

  rows, positives            the file's rows and its y == "yes" rows
  sklearn_plain_cv_auc       one-hot categories + standardized numbers, LogisticRegression(C=1)
  sklearn_binned_cv_auc      one-hot categories + numbers in 10 quantile bins (one-hot)
  sklearn_funnel_like_cv_auc the features built as Funnel builds them (funnel_like), C=1
  *_fold_aucs                the five folds' ROC AUCs of each

  --funnel-json FILE  reads `funnel score learn --format json` output and adds funnel_cv_auc,
                      difference_plain (Funnel - plain), within_0_01 and, for information,
                      difference_funnel_like; exits 1 when |difference_plain| > 0.01.
  --variants          adds "variants": other C values, `day` one-hot, `day` or `month` left
                      out (about 100 s more).

Needs numpy and scikit-learn (learn-vs-sklearn.sh makes a venv with them); no pandas.
"""

import argparse
import csv
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

NUMERIC = ["age", "balance", "day", "campaign", "pdays", "previous"]
CATEGORICAL = ["job", "marital", "education", "default", "housing", "loan", "contact", "month", "poutcome"]
YES_NO = ["default", "housing", "loan"]
SEED = 7
FOLDS = 5

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "../../../shared/data/bank-marketing/bank-full.csv"))


def load(path):
    """The file as {column: numpy array} (numbers as float, the rest as str) and y as 0/1."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";", quotechar='"'))
    columns = {c: np.array([float(r[c]) for r in rows]) for c in NUMERIC}
    columns.update({c: np.array([r[c] for r in rows], dtype=object) for c in CATEGORICAL})
    y = np.array([1 if r["y"] == "yes" else 0 for r in rows])
    return columns, y


def matrix(columns, names):
    """An object array of the named columns, in order (ColumnTransformer selects by index)."""
    return np.column_stack([columns[n].astype(object) for n in names])


class FunnelBands(BaseEstimator, TransformerMixin):
    """Numbers in bands as Funnel makes them (LeadFeatureSpace.bands in LeadFeatures.swift):
    walking the distinct values in order, a band closes once it holds a `count`-th of the rows;
    a value held by that share or more is a band of its own (pdays = -1, previous = 0...); a last
    band of less than half a share joins the one before. One-hot, a value below every band in the
    first."""

    def __init__(self, count=10):
        self.count = count

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.lows_ = []
        for j in range(X.shape[1]):
            values, counts = np.unique(X[:, j], return_counts=True)
            share = max(1, X.shape[0] // self.count)
            bands, current = [], None  # [low, rows]
            for value, n in zip(values, counts):
                if n >= share and current is not None:  # a heavy value stands alone
                    bands.append(current)
                    current = None
                if current is None:
                    current = [value, 0]
                current[1] += n
                if current[1] >= share:
                    bands.append(current)
                    current = None
            if current is not None:
                if current[1] < share / 2 and bands:
                    bands[-1][1] += current[1]
                else:
                    bands.append(current)
            self.lows_.append(np.array([low for low, _ in bands]))
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=float)
        blocks = []
        for j, lows in enumerate(self.lows_):
            band = np.maximum(np.searchsorted(lows, X[:, j], side="right") - 1, 0)
            block = np.zeros((X.shape[0], len(lows)))
            block[np.arange(X.shape[0]), band] = 1
            blocks.append(block)
        return np.hstack(blocks)


def plain(C=1.0, numeric=NUMERIC, categorical=CATEGORICAL):
    """One-hot categories, standardized numbers."""
    names = categorical + numeric
    ct = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), list(range(len(categorical)))),
        ("num", StandardScaler(), list(range(len(categorical), len(names)))),
    ])
    return names, make_pipeline(ct, LogisticRegression(C=C, max_iter=2000))


def binned(C=1.0, numeric=NUMERIC, categorical=CATEGORICAL):
    """One-hot categories, numbers in 10 quantile bins, one-hot (KBinsDiscretizer merges the
    duplicate edges of a heavy value such as pdays = -1, with a warning that is silenced)."""
    names = categorical + numeric
    ct = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), list(range(len(categorical)))),
        ("num", KBinsDiscretizer(n_bins=10, strategy="quantile", encode="onehot"),
         list(range(len(categorical), len(names)))),
    ])
    return names, make_pipeline(ct, LogisticRegression(C=C, max_iter=2000))


def funnel_like(C=1.0, count=10):
    """The features as `funnel score learn` builds them (LeadFeatureSpace): text values held by at
    least 0.5% of the rows, 30 at most, one-hot with the rest pooled (month `dec`, 0.47%), yes and
    no one feature each, numbers in Funnel's bands. (Lead fields are constant on this data and
    add nothing; Funnel chooses features on all the outcomes, this on each training fold.)"""
    text = [c for c in CATEGORICAL if c not in YES_NO]
    names = text + YES_NO + NUMERIC
    a, b = len(text), len(text) + len(YES_NO)
    ct = ColumnTransformer([
        ("text", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=0.005, max_categories=31),
         list(range(a))),
        ("yesno", OneHotEncoder(handle_unknown="ignore"), list(range(a, b))),
        ("num", FunnelBands(count), list(range(b, len(names)))),
    ])
    return names, make_pipeline(ct, LogisticRegression(C=C, max_iter=2000))


def day_as_category(C=1.0):
    """`day` one-hot over its 31 values, the other numbers binned."""
    return binned(C, numeric=[n for n in NUMERIC if n != "day"], categorical=CATEGORICAL + ["day"])


def cv_auc(columns, y, model, seed=SEED):
    """Mean and per-fold ROC AUC of stratified shuffled k-fold CV."""
    names, pipeline = model
    X = matrix(columns, names)
    aucs = []
    for train, test in StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed).split(X, y):
        pipeline.fit(X[train], y[train])
        aucs.append(roc_auc_score(y[test], pipeline.predict_proba(X[test])[:, 1]))
    return round(float(np.mean(aucs)), 4), [round(float(a), 4) for a in aucs]


def variants(columns, y):
    """A few quick alternatives, to tell the Swift side what matters for the AUC."""
    without = lambda col: [n for n in NUMERIC if n != col]
    out = {}
    for C in (0.01, 0.1, 1.0, 10.0):
        out[f"plain_C{C:g}"] = cv_auc(columns, y, plain(C))[0]
        out[f"binned_C{C:g}"] = cv_auc(columns, y, binned(C))[0]
        out[f"funnel_like_C{C:g}"] = cv_auc(columns, y, funnel_like(C))[0]
    out["funnel_like_20_bands"] = cv_auc(columns, y, funnel_like(count=20))[0]
    out["plain_seed0"] = cv_auc(columns, y, plain(), seed=0)[0]
    out["binned_day_one_hot"] = cv_auc(columns, y, day_as_category())[0]
    out["plain_without_day"] = cv_auc(columns, y, plain(numeric=without("day")))[0]
    out["binned_without_day"] = cv_auc(columns, y, binned(numeric=without("day")))[0]
    out["binned_without_month"] = cv_auc(columns, y, binned(categorical=[c for c in CATEGORICAL if c != "month"]))[0]
    out["binned_without_day_and_month"] = cv_auc(
        columns, y, binned(numeric=without("day"), categorical=[c for c in CATEGORICAL if c != "month"]))[0]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="bank-full.csv (default: %(default)s)")
    parser.add_argument("--funnel-json", metavar="FILE", help="`funnel score learn --format json` output to compare")
    parser.add_argument("--variants", action="store_true", help="also measure other C values and feature choices")
    args = parser.parse_args()
    # KBinsDiscretizer warns for each column whose duplicate quantile edges it merges.
    warnings.filterwarnings("ignore", message="Bins whose width are too small")

    start = time.monotonic()
    columns, y = load(args.data)
    plain_auc, plain_folds = cv_auc(columns, y, plain())
    binned_auc, binned_folds = cv_auc(columns, y, binned())
    like_auc, like_folds = cv_auc(columns, y, funnel_like())
    result = {
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "sklearn_plain_cv_auc": plain_auc,
        "sklearn_binned_cv_auc": binned_auc,
        "sklearn_funnel_like_cv_auc": like_auc,
        "sklearn_plain_fold_aucs": plain_folds,
        "sklearn_binned_fold_aucs": binned_folds,
        "sklearn_funnel_like_fold_aucs": like_folds,
        "folds": FOLDS,
        "random_state": SEED,
    }
    if args.variants:
        result["variants"] = variants(columns, y)
    result["seconds"] = round(time.monotonic() - start, 1)

    within = True
    if args.funnel_json:
        with open(args.funnel_json) as f:
            funnel = json.load(f)
        result["funnel_cv_auc"] = funnel["cv_auc"]
        for key in ("rules_cv_auc", "outcomes", "converted", "features"):
            if key in funnel:  # a list (of features) is reported by its length
                value = funnel[key]
                result[f"funnel_{key}"] = len(value) if isinstance(value, list) else value
        difference = funnel["cv_auc"] - plain_auc
        result["difference_plain"] = round(difference, 4)
        # Information only: against the model whose features are built as Funnel builds them.
        result["difference_funnel_like"] = round(funnel["cv_auc"] - like_auc, 4)
        within = abs(difference) <= 0.01
        result["within_0_01"] = within
    print(json.dumps(result, indent=2))
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
