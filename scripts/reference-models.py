#!/usr/bin/env python3
"""Fits the reference models Trainyard's trainer is compared with, on the same data and split.

Usage: reference-models.py CSV SPLIT_JSON OUT_JSON
SPLIT_JSON: {"target": "...", "positive": "...", "train": [...], "validation": [...],
             "ridge_target": "...", "gbdt": {...}, "logistic_c": 1.0, "ridge_alpha": 1.0}
Writes OUT_JSON with the validation log loss of scikit-learn's StandardScaler + LogisticRegression,
the validation ROC AUC of XGBoost (hist), and scikit-learn Ridge coefficients on all rows.
Tests call it (Tests/LearnTests/ReferenceParityTests.swift); it is not part of the product.
"""
import csv
import json
import sys

import numpy as np
import xgboost
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main(csv_path, split_path, out_path):
    with open(split_path) as f:
        spec = json.load(f)
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    target = header.index(spec["target"])
    features = [i for i in range(len(header)) if i != target]
    x = np.array([[float(r[i]) for i in features] for r in body])
    y = np.array([1 if r[target] == spec["positive"] else 0 for r in body])
    train, validation = np.array(spec["train"]), np.array(spec["validation"])

    logistic = make_pipeline(StandardScaler(), LogisticRegression(C=spec["logistic_c"], tol=1e-10, max_iter=10000))
    logistic.fit(x[train], y[train])
    logistic_loss = log_loss(y[validation], logistic.predict_proba(x[validation])[:, 1])

    g = spec["gbdt"]
    booster = xgboost.train(
        {
            "objective": "binary:logistic",
            "tree_method": "hist",
            "max_bin": g["max_bin"],
            "eta": g["learning_rate"],
            "max_depth": g["max_depth"],
            "lambda": g["lambda"],
            "min_child_weight": g["min_child_weight"],
            "nthread": 2,
            "seed": 0,
        },
        xgboost.DMatrix(x[train], label=y[train]),
        num_boost_round=g["num_trees"],
    )
    gbdt_auc = roc_auc_score(y[validation], booster.predict(xgboost.DMatrix(x[validation])))

    names = [header[i] for i in features]
    ridge_target = names.index(spec["ridge_target"])
    others = [i for i in range(len(names)) if i != ridge_target]
    ridge = Ridge(alpha=spec["ridge_alpha"]).fit(x[:, others], x[:, ridge_target])

    with open(out_path, "w") as f:
        json.dump(
            {
                "logistic_validation_log_loss": logistic_loss,
                "xgboost_validation_auc": gbdt_auc,
                "ridge_coefficients": ridge.coef_.tolist(),
                "ridge_intercept": float(ridge.intercept_),
                "versions": {"sklearn": __import__("sklearn").__version__, "xgboost": xgboost.__version__},
            },
            f,
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])
