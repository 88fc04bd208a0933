#!/usr/bin/env python3
"""Checks that the MLflow pyfunc module of a Trainyard model predicts what `trainyard predict` does.

    check_pyfunc.py [--module trainyard_pyfunc.py] [--tolerance 1e-6] [--as-text] MODEL DATA.csv PREDICTIONS.csv

MODEL is a model directory written by `trainyard train` or its model.json. The module is loaded
from --module, else from `code/trainyard_pyfunc.py` in the model directory. DATA.csv is read with
a plain `pd.read_csv`, as a user would (with --as-text: every cell as its exact text), predicted
with the module, and compared with PREDICTIONS.csv, the output of
`trainyard predict --model MODEL --data DATA.csv` (without --keep-columns). Prints the largest absolute and relative difference per column; exits 1 when a
class label differs, a value differs by more than the tolerance, or (regression) a value's relative
difference is above the tolerance. NaN equals NaN.
"""

import argparse
import importlib.util
import os
import sys

import numpy as np
import pandas as pd


def load_module(path):
    spec = importlib.util.spec_from_file_location("trainyard_pyfunc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model directory or its model.json")
    parser.add_argument("data", help="CSV to predict")
    parser.add_argument("predictions", help="trainyard predict's output for DATA")
    parser.add_argument("--module", help="trainyard_pyfunc.py to test (default: MODEL/code/trainyard_pyfunc.py)")
    parser.add_argument("--tolerance", type=float, default=1e-6)
    parser.add_argument(
        "--as-text", action="store_true",
        help="read DATA with every cell as its exact text (dtype=str, no NaN conversion) instead of plain pd.read_csv")
    args = parser.parse_args()

    model_json = os.path.join(args.model, "model.json") if os.path.isdir(args.model) else args.model
    module_path = args.module or os.path.join(os.path.dirname(os.path.abspath(model_json)), "code", "trainyard_pyfunc.py")
    if not os.path.exists(module_path):
        sys.exit("%s: not found; pass the module with --module" % module_path)
    module = load_module(module_path)

    model = module._load_pyfunc(model_json)
    data = pd.read_csv(args.data, dtype=str, keep_default_na=False) if args.as_text else pd.read_csv(args.data)
    got = model.predict(data)
    # Every column as text first, so class names stay exactly as trainyard wrote them.
    expected = pd.read_csv(args.predictions, dtype=str, keep_default_na=False)

    failed = False
    if list(got.columns) != list(expected.columns):
        print("columns differ: pyfunc %s, trainyard %s" % (list(got.columns), list(expected.columns)))
        return 1
    if len(got) != len(expected):
        print("row counts differ: pyfunc %d, trainyard %d" % (len(got), len(expected)))
        return 1

    classification = len(got.columns) > 1
    for name in got.columns:
        if classification and name == "prediction":
            a = got[name].astype(str).to_numpy()
            b = expected[name].to_numpy()
            wrong = np.flatnonzero(a != b)
            print("%-40s %d of %d labels differ" % (name, len(wrong), len(a)))
            if len(wrong):
                failed = True
                for r in wrong[:5]:
                    print("    row %d: pyfunc %r, trainyard %r" % (r, float(a[r]), float(b[r])))
            continue
        a = got[name].to_numpy(dtype=np.float64)
        b = expected[name].to_numpy(dtype=object).astype(np.float64)  # float(): also nan, inf
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = np.where(same, 0.0, np.abs(a - b))
            diff = np.where(np.isnan(diff), np.inf, diff)  # NaN on one side only
            relative = np.where(diff == 0, 0.0, diff / np.abs(b))
        over = diff > args.tolerance
        if not classification:
            over |= relative > args.tolerance
        max_abs = float(diff.max()) if len(diff) else 0.0
        max_rel = float(relative.max()) if len(relative) else 0.0
        print("%-40s max abs diff %.3g, max rel diff %.3g, %d over tolerance" % (name, max_abs, max_rel, int(over.sum())))
        if over.any():
            failed = True
            for r in np.flatnonzero(over)[:5]:
                print("    row %d: pyfunc %r, trainyard %r" % (r, float(a[r]), float(b[r])))
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
