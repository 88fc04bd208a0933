#!/usr/bin/env python3
"""Trains one peer library on one benchmark dataset, for bench/train_bench.py.

Each run is its own process so that the orchestrator can read this process's peak resident memory
(ru_maxrss from os.wait4) for exactly one (library, dataset) pair. Only the library in use is
imported, so one library's import cost never shows in another's memory.

  peer_train.py fit --library xgboost --model gbdt --task classification \
      --train train.csv --valid valid.csv --target label [--categorical a,b] --output DIR [params]
  peer_train.py predict-bench --library xgboost --model-path DIR/model.ubj --data valid.csv --target label

`fit` loads both CSVs with pandas, times only the fit (dataset construction and binning included,
CSV reading excluded), predicts the validation rows, writes DIR/predictions.csv in the format of
`trainyard predict` and DIR/model.*, and prints one JSON line. `predict-bench` loads a saved model
and times in-memory batch prediction on the numeric columns of a CSV.

The parameter mapping (every choice and why) is PARAMETER_MAPPING below; train_bench.py copies it
into bench/RESULTS.md.
"""

import argparse
import json
import os
import pickle
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

# How the shared parameters map onto each library. The orchestrator passes the same values to
# Trainyard, whose GBDT follows XGBoost's hist method with depthwise growth, so XGBoost is the
# reference mapping. Markdown, because train_bench.py writes it into bench/RESULTS.md as is.
PARAMETER_MAPPING = """\
| shared parameter | Trainyard | XGBoost (`tree_method=hist`) | LightGBM | scikit-learn HistGradientBoosting |
|---|---|---|---|---|
| 100 trees | `numTrees=100` | `num_boost_round=100` | `num_boost_round=100` | `max_iter=100` |
| learning rate 0.1 | `learningRate=0.1` | `eta=0.1` | `learning_rate=0.1` | `learning_rate=0.1` |
| depth 6 | `maxDepth=6` (root is depth 0) | `max_depth=6`, `grow_policy=depthwise` | `max_depth=6`, `num_leaves=64` (1) | `max_depth=6` (edges from root to leaf), `max_leaf_nodes=None` (1) |
| min child weight 1 | `minChildWeight=1` | `min_child_weight=1` | `min_sum_hessian_in_leaf=1`, `min_data_in_leaf=1` (2) | `min_samples_leaf=1` (2) |
| L2 1 | `lambda=1` | `lambda=1` | `lambda_l2=1` | `l2_regularization=1` |
| 255 bins | `maxBins=255` | `max_bin=255` (3) | `max_bin=255` | `max_bins=255` |
| 2 threads | `--threads 2` | `nthread=2` | `num_threads=2` | `OMP_NUM_THREADS=2` in its environment |
| categorical columns | native: text columns become category codes and trees split on category sets (sorted partition search, no one-hot splits) | `enable_categorical=True` (partition splits; one-hot splits up to `max_cat_to_onehot=4` categories) | pandas `category` columns (defaults: `max_cat_to_onehot=4`, `cat_smooth=10`, `cat_l2=10`) | `categorical_features="from_dtype"` |
| everything else | defaults | `gamma=0`, `alpha=0`, no row or column subsampling | `min_gain_to_split=0`, `lambda_l1=0`, no bagging or feature fraction | `early_stopping=False` (its default turns it on above 10,000 rows) |
| logistic regression | `--model logistic`, `c=1.0`, `solver=lbfgs`, `tolerance=1e-6`, `maxIterations=1000` (standardises internally) | | | `StandardScaler` + `LogisticRegression(C=1.0, solver="lbfgs", tol=1e-6, max_iter=1000)` (4) |

1. LightGBM and scikit-learn grow trees best-first, XGBoost and Trainyard level by level. A node's
   best split depends only on the rows in that node, so with the depth limit at 6 and room for all
   2^6 = 64 leaves, best-first growth makes the same splits as depthwise growth; only the order differs.
2. XGBoost and Trainyard limit only a child's hessian sum. LightGBM gets the same hessian limit and a
   row-count limit of 1, which the hessian limit already implies. scikit-learn has no public hessian
   limit (it is fixed at 1e-3), so in classification, where a row's hessian p(1-p) is at most 0.25,
   its leaves may be smaller than the others'; `min_samples_leaf=1` is the closest it gets (its
   default, 20, would be a much stronger limit).
3. XGBoost 3's `max_bin=255` gives 255 usable bins per feature (its cut list has one more entry, a
   sentinel below the minimum); LightGBM's `max_bin` and scikit-learn's `max_bins` count real bins
   the same way, and all of them keep missing values out of those bins, as Trainyard does.
4. `tol` means the same as Trainyard's `tolerance` (the largest gradient component of the
   row-averaged objective); 1e-6 is Trainyard's default, tighter than scikit-learn's (1e-4).
5. Each library places its bin boundaries its own way, left at its defaults: Trainyard by exact count
   quantiles of all training rows, XGBoost by a weighted quantile sketch of all rows, LightGBM
   greedily over the distinct values of a 200,000-row sample, scikit-learn by quantiles of a
   200,000-row sample. On the synthetic data most of the metric differences between the peers
   come from this (checked: LightGBM with 1023 bins comes close to XGBoost with 255; sampling all
   rows for LightGBM's bins changes nothing).

Each library starts from its own estimate of the intercept (the mean, or the log-odds of the
positive rate), as Trainyard does. Fit time is from data in memory to a trained model, including
each library's binning or dataset construction; reading the CSV is not part of it.
"""


def rss_mib():
    """Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def class_order(labels):
    """Classes in Trainyard's order: numerically if every label is a number, else by bytes."""
    unique = set(labels)
    try:
        return sorted(unique, key=float)
    except ValueError:
        return sorted(unique, key=lambda s: s.encode("utf-8"))


def load_split(train_path, valid_path, target, task, categorical):
    """Reads both CSVs; categorical columns become pandas categories over the union of the values
    in both files, sorted, so train and validation share one encoding."""
    dtypes = {column: str for column in categorical}
    if task == "classification":
        dtypes[target] = str  # keep labels exactly as written ("0", "yes", ...)
    train = pd.read_csv(train_path, dtype=dtypes)
    valid = pd.read_csv(valid_path, dtype=dtypes)
    for frame, path in ((train, train_path), (valid, valid_path)):
        if target not in frame.columns:
            sys.exit(f"peer_train: {path}: no column {target!r}; columns are: {', '.join(frame.columns)}")
        if frame[target].isna().any():
            sys.exit(f"peer_train: {path}: column {target!r} has missing values")
    for column in categorical:
        values = set(train[column].dropna()) | set(valid[column].dropna())
        dtype = pd.CategoricalDtype(sorted(values, key=lambda s: s.encode("utf-8")))
        train[column] = train[column].astype(dtype)
        valid[column] = valid[column].astype(dtype)
    return train, valid


class XGBoostGBDT:
    name = "xgboost"

    def __init__(self, task, args):
        import xgboost

        self.xgb = xgboost
        self.version = xgboost.__version__
        self.threads = args.threads
        self.params = {
            "objective": "binary:logistic" if task == "classification" else "reg:squarederror",
            "tree_method": "hist",
            "grow_policy": "depthwise",
            "eta": args.learning_rate,
            "max_depth": args.max_depth,
            "min_child_weight": args.min_child_weight,
            "lambda": args.l2,
            "alpha": 0.0,
            "gamma": 0.0,
            "max_bin": args.max_bins,
            "nthread": args.threads,
            "seed": 0,
        }
        self.rounds = args.num_trees

    def fit(self, x, y):
        # QuantileDMatrix bins while it is built, so its construction is part of the fit.
        data = self.xgb.QuantileDMatrix(
            x, label=y, enable_categorical=True, max_bin=self.params["max_bin"], nthread=self.threads
        )
        self.booster = self.xgb.train(self.params, data, num_boost_round=self.rounds)

    def predict(self, x):
        return self.booster.inplace_predict(x)

    def save(self, directory):
        path = os.path.join(directory, "model.ubj")
        self.booster.save_model(path)
        return path

    def load(self, path):
        self.booster = self.xgb.Booster(model_file=path)
        self.booster.set_param({"nthread": self.threads})


class LightGBMGBDT:
    name = "lightgbm"

    def __init__(self, task, args):
        import lightgbm

        self.lgb = lightgbm
        self.version = lightgbm.__version__
        self.threads = args.threads
        self.params = {
            "objective": "binary" if task == "classification" else "regression",
            "learning_rate": args.learning_rate,
            "max_depth": args.max_depth,
            "num_leaves": 2**args.max_depth,
            "min_sum_hessian_in_leaf": args.min_child_weight,
            "min_data_in_leaf": 1,
            "lambda_l2": args.l2,
            "lambda_l1": 0.0,
            "min_gain_to_split": 0.0,
            "max_bin": args.max_bins,
            "num_threads": args.threads,
            "seed": 0,
            "verbose": -1,
        }
        self.rounds = args.num_trees

    def fit(self, x, y):
        # Binning happens when lgb.train constructs the Dataset, inside the timed region.
        data = self.lgb.Dataset(x, label=y, categorical_feature="auto", params=self.params)
        self.booster = self.lgb.train(self.params, data, num_boost_round=self.rounds)

    def predict(self, x):
        return self.booster.predict(x, num_threads=self.threads)

    def save(self, directory):
        path = os.path.join(directory, "model.txt")
        self.booster.save_model(path)
        return path

    def load(self, path):
        self.booster = self.lgb.Booster(model_file=path)


class SklearnEstimator:
    """Shared by scikit-learn's estimators: threads come from OMP_NUM_THREADS in the environment."""

    name = "sklearn"

    def __init__(self, task):
        import sklearn

        self.version = sklearn.__version__
        self.task = task

    def fit(self, x, y):
        self.model.fit(x, y)

    def predict(self, x):
        if self.task == "classification":
            return self.model.predict_proba(x)[:, 1]
        return self.model.predict(x)

    def save(self, directory):
        path = os.path.join(directory, "model.pkl")
        with open(path, "wb") as f:
            pickle.dump(self.model, f)
        return path

    def load(self, path):
        with open(path, "rb") as f:
            self.model = pickle.load(f)


class SklearnGBDT(SklearnEstimator):
    def __init__(self, task, args):
        super().__init__(task)
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        common = dict(
            learning_rate=args.learning_rate,
            max_iter=args.num_trees,
            max_depth=args.max_depth,
            max_leaf_nodes=None,
            min_samples_leaf=1,
            l2_regularization=args.l2,
            max_bins=args.max_bins,
            categorical_features="from_dtype",
            early_stopping=False,
            random_state=0,
        )
        if task == "classification":
            self.model = HistGradientBoostingClassifier(loss="log_loss", **common)
        else:
            self.model = HistGradientBoostingRegressor(loss="squared_error", **common)
        self.params = {k: v for k, v in self.model.get_params().items()}


class SklearnLogistic(SklearnEstimator):
    def __init__(self, task, args):
        super().__init__(task)
        if task != "classification":
            sys.exit("peer_train: the logistic model needs --task classification")
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        # tol has the same definition as Trainyard's `tolerance` (largest gradient component of the
        # row-averaged objective); 1e-6 is Trainyard's default, tighter than sklearn's 1e-4.
        self.model = make_pipeline(
            StandardScaler(), LogisticRegression(C=args.c, solver="lbfgs", tol=args.tol, max_iter=args.max_iter)
        )
        self.params = {
            "C": args.c,
            "solver": "lbfgs",
            "tol": args.tol,
            "max_iter": args.max_iter,
            "scaler": "StandardScaler",
        }

    def details(self):
        iterations = int(self.model[-1].n_iter_[0])
        return {"iterations": iterations, "converged": iterations < self.model[-1].max_iter}


PEERS = {
    ("xgboost", "gbdt"): XGBoostGBDT,
    ("lightgbm", "gbdt"): LightGBMGBDT,
    ("sklearn", "gbdt"): SklearnGBDT,
    ("sklearn", "logistic"): SklearnLogistic,
}


def make_peer(library, model, task, args):
    try:
        return PEERS[(library, model)](task, args)
    except KeyError:
        known = ", ".join(f"{lib}/{kind}" for lib, kind in PEERS)
        sys.exit(f"peer_train: no peer for library {library!r} with model {model!r}; known: {known}")


def write_predictions(path, task, classes, scores):
    """Writes predictions as `trainyard predict` does: `prediction`, then for classification one
    `probability_<class>` column per class in Trainyard's class order."""
    if task == "regression":
        pd.DataFrame({"prediction": scores}).to_csv(path, index=False)
        return
    positive = np.asarray(scores, dtype=np.float64)
    probabilities = np.column_stack([1.0 - positive, positive])
    labels = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
    frame = pd.DataFrame({"prediction": labels})
    for i, label in enumerate(classes):
        frame[f"probability_{label}"] = probabilities[:, i]
    frame.to_csv(path, index=False)


def command_fit(args):
    categorical = [c for c in args.categorical.split(",") if c]
    peer = make_peer(args.library, args.model, args.task, args)

    start = time.perf_counter()
    train, valid = load_split(args.train, args.valid, args.target, args.task, categorical)
    load_seconds = time.perf_counter() - start
    rss_after_load = rss_mib()

    classes = None
    if args.task == "classification":
        classes = class_order(train[args.target])
        if len(classes) != 2:
            sys.exit(f"peer_train: {args.train}: {len(classes)} classes in {args.target!r}; only binary is benchmarked")
        unknown = set(valid[args.target]) - set(classes)
        if unknown:
            sys.exit(f"peer_train: {args.valid}: labels {sorted(unknown)} do not occur in the training rows")
        y = (train[args.target] == classes[1]).to_numpy(dtype=np.int32)
    else:
        y = train[args.target].to_numpy(dtype=np.float64)
    x_train = train.drop(columns=[args.target])
    x_valid = valid.drop(columns=[args.target])

    start = time.perf_counter()
    peer.fit(x_train, y)
    fit_seconds = time.perf_counter() - start
    rss_after_fit = rss_mib()

    start = time.perf_counter()
    scores = peer.predict(x_valid)
    predict_seconds = time.perf_counter() - start

    os.makedirs(args.output, exist_ok=True)
    predictions = os.path.join(args.output, "predictions.csv")
    write_predictions(predictions, args.task, classes, scores)
    model_path = peer.save(args.output)

    report = {
        "library": peer.name,
        "version": peer.version,
        "model": args.model,
        "task": args.task,
        "fitSeconds": fit_seconds,
        "predictSeconds": predict_seconds,
        "loadSeconds": load_seconds,
        "trainRows": len(train),
        "validRows": len(valid),
        "features": x_train.shape[1],
        "categorical": categorical,
        "threads": args.threads,
        "rssAfterLoadMiB": rss_after_load,
        "rssAfterFitMiB": rss_after_fit,
        "params": peer.params,
        "predictions": predictions,
        "modelPath": model_path,
    }
    if hasattr(peer, "details"):
        report.update(peer.details())
    print(json.dumps(report, default=str))


def command_predict_bench(args):
    peer = make_peer(args.library, args.model, args.task, args)
    peer.load(args.model_path)
    frame = pd.read_csv(args.data)
    features = frame.drop(columns=[args.target])
    non_numeric = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if non_numeric:
        sys.exit(f"peer_train: predict-bench needs numeric features; {args.data} has {', '.join(non_numeric)}")
    # One C-ordered float64 matrix, the layout every library takes without conversion.
    x = np.ascontiguousarray(features.to_numpy(dtype=np.float64))
    del frame, features
    # The scikit-learn model was fitted on a DataFrame; a plain array is fine for it.
    warnings.filterwarnings("ignore", message="X does not have valid feature names")
    peer.predict(x)  # warm-up: first-call allocations and lazy initialisation
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        peer.predict(x)
        seconds.append(time.perf_counter() - start)
    best = min(seconds)
    print(
        json.dumps(
            {
                "library": peer.name,
                "version": peer.version,
                "rows": x.shape[0],
                "features": x.shape[1],
                "threads": args.threads,
                "repeats": args.repeats,
                "bestSeconds": best,
                "medianSeconds": float(np.median(seconds)),
                "rowsPerSecond": x.shape[0] / best,
            }
        )
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--library", required=True, choices=sorted({lib for lib, _ in PEERS}))
        p.add_argument("--model", default="gbdt", choices=sorted({kind for _, kind in PEERS}))
        p.add_argument("--task", default="classification", choices=["classification", "regression"])
        p.add_argument("--target", required=True)
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--num-trees", type=int, default=100)
        p.add_argument("--learning-rate", type=float, default=0.1)
        p.add_argument("--max-depth", type=int, default=6)
        p.add_argument("--min-child-weight", type=float, default=1.0)
        p.add_argument("--l2", type=float, default=1.0, help="L2 penalty on leaf weights")
        p.add_argument("--max-bins", type=int, default=255)
        p.add_argument("--c", type=float, default=1.0, help="logistic: inverse L2 strength")
        p.add_argument("--solver", default="lbfgs", choices=["lbfgs"], help="logistic: the only one both sides share")
        p.add_argument("--tol", type=float, default=1e-6, help="logistic: gradient tolerance")
        p.add_argument("--max-iter", type=int, default=1000, help="logistic: iteration limit")

    fit = commands.add_parser("fit", help="fit, predict the validation rows, save the model")
    common(fit)
    fit.add_argument("--train", required=True)
    fit.add_argument("--valid", required=True)
    fit.add_argument("--categorical", default="", help="comma-separated categorical feature columns")
    fit.add_argument("--output", required=True, help="directory for predictions.csv and the model")

    bench = commands.add_parser("predict-bench", help="time in-memory batch prediction with a saved model")
    common(bench)
    bench.add_argument("--model-path", required=True, help="the model file a fit run saved")
    bench.add_argument("--data", required=True, help="CSV with the features (and the target, ignored)")
    bench.add_argument("--repeats", type=int, default=5)
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if args.command == "fit":
        command_fit(args)
    else:
        command_predict_bench(args)


if __name__ == "__main__":
    main(sys.argv[1:])
