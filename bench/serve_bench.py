#!/usr/bin/env python3
"""Trainyard's model-serving benchmark (`make bench-serve`): `trainyard serve` side by side with
`mlflow models serve` and MLServer (XGBoost runtime), the same model in each, in one run.

Steps:
1. Generate a deterministic synthetic binary-classification CSV (numpy, 28 numeric features) in
   --work-dir (a temporary directory unless given) and train one GBDT on it with
   `trainyard train` (100 trees, depth 6). Its output directory is at once Trainyard's model
   (model.json), an MLflow pyfunc model (MLmodel) and an XGBoost model (model.xgb.json), so the
   three servers score the very same trees.
2. For each server, one process tree on 127.0.0.1, started in a session of its own: start it
   --starts times (spawn -> first 200 on its readiness route, polled every 10 ms; the last start
   is the one measured), check that every request body is answered 200 with the same
   predictions as trainyard's, then load it with wrk (bench/lua/post.lua: one fixed JSON body per request,
   --threads wrk thread, --connections connections, a --warmup run then a --duration run) with
   single-row and 100-row requests. trainyard serve gets both protocols (MLflow /invocations for
   the comparison with mlflow, Open Inference Protocol v2 for the one with MLServer), and a
   fixed-rate latency check with hey. The RSS of the server's whole process tree is sampled
   from /proc every 100 ms from spawn to stop.
3. Print the tables, the trainyard/peer ratios and the goals (PASS/MISS), and write the section
   "## Model serving (make bench-serve)" of bench/RESULTS.md (--out), keeping the other sections.

Exits non-zero if anything that should have run did not ("not run: <reason>" in the tables), so
a broken benchmark never looks green. A goal that is missed is reported, not an error.
"""

import argparse
import dataclasses
import datetime
import http.client
import json
import math
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(REPO, "bench", "lua", "post.lua")
SECTION = "## Model serving (make bench-serve)"
SEED = 0
FEATURES = 28
MODEL_NAME = "gbdt"  # the model directory's name, so the name trainyard serve and MLServer serve it under
GBDT_PARAMS = {"numTrees": 100, "maxDepth": 6}
BATCH_ROWS = (1, 100)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024

PROTOCOLS = {
    "mlflow": ("MLflow /invocations", "/invocations"),
    "oip": ("OIP v2 infer", f"/v2/models/{MODEL_NAME}/infer"),
}

# The goals this benchmark checks (the numbers).
GOAL_SINGLE_VS_MLFLOW = 100.0
GOAL_SINGLE_VS_MLSERVER = 5.0
GOAL_BATCH_VS_MLFLOW = 50.0
GOAL_FIXED_RATE_P99_MS = 2.0
GOAL_READY_S = 1.0
GOAL_RSS_MIB = 50.0
OTHER_LOAD_LIMIT = 0.1  # cores; above this a measurement shared the machine noticeably


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Data, model and request bodies


def write_dataset(path, rows):
    """A deterministic binary-classification set: 28 standard-normal features, a label from a
    logistic model with a few non-linear terms (so the trees have structure to find) and noise."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((rows, FEATURES))
    weights = rng.standard_normal(FEATURES)
    logit = 0.5 * (x @ weights) + np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - np.abs(x[:, 3])
    y = (logit + rng.logistic(size=rows) > 0).astype(int)
    header = ",".join([f"f{i}" for i in range(FEATURES)] + ["label"])
    np.savetxt(
        path, np.column_stack([x, y]), fmt=["%.7g"] * FEATURES + ["%d"], delimiter=",", header=header, comments=""
    )


def read_rows(path, count):
    """The first `count` feature rows of the CSV, as the floats its text denotes."""
    rows = []
    with open(path) as f:
        columns = f.readline().strip().split(",")[:FEATURES]
        for line in f:
            rows.append([float(v) for v in line.strip().split(",")[:FEATURES]])
            if len(rows) == count:
                break
    return columns, rows


def request_body(protocol, columns, rows):
    if protocol == "mlflow":
        body = {"dataframe_split": {"columns": columns, "data": rows}}
    else:
        flat = [v for row in rows for v in row]
        body = {"inputs": [{"name": "input-0", "shape": [len(rows), len(columns)], "datatype": "FP64", "data": flat}]}
    return json.dumps(body, separators=(",", ":")).encode()


def read_answer(text):
    """The predictions in a scoring response, whichever server wrote it: {"p": positive-class
    probabilities or None, "label": predicted classes or None}. MLflow-style {"predictions": [...]}
    (records with prediction and probability_1, or plain numbers), or an OIP response
    (predict_proba's last column; an integer `predict` output is the classes)."""
    doc = json.loads(text)
    answer = {"p": None, "label": None}
    if isinstance(doc, dict) and "outputs" in doc:
        for o in doc["outputs"]:
            if o["name"] == "predict_proba":
                width = o["shape"][-1]
                answer["p"] = [float(v) for v in o["data"][width - 1 :: width]]
            elif o["name"] == "predict" and o.get("datatype", "").startswith(("INT", "UINT", "BOOL")):
                answer["label"] = [int(v) for v in o["data"]]
            elif o["name"] == "predict":
                answer["p"] = [float(v) for v in o["data"]]
        return answer
    predictions = doc["predictions"] if isinstance(doc, dict) else doc
    if predictions and isinstance(predictions[0], dict):
        answer["p"] = [float(p["probability_1"]) for p in predictions]
        answer["label"] = [int(float(p["prediction"])) for p in predictions]
    else:
        answer["p"] = [float(p[-1] if isinstance(p, list) else p) for p in predictions]
    return answer


# ---------------------------------------------------------------------------------------------
# Processes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_processes(session):
    """(pid, RSS bytes, CPU seconds) of every live process in the session `session`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2 :].split()  # from field 3 (state) on
        if int(fields[3]) != session:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        found.append((int(name), int(fields[21]) * PAGE_BYTES, cpu))
    return found


def http_status(port, method, path, body=None, timeout=5.0):
    """(status, response body) of one request on a new connection; (None, error) if it failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)
    finally:
        conn.close()


class ServerProcess:
    """One server: its own session (so its whole tree is found and stopped together), its RSS
    sampled every 100 ms from spawn to stop, and its start -> ready time."""

    def __init__(self, label, argv, env, cwd, port, ready_path, log_path):
        self.label, self.argv, self.env, self.cwd = label, argv, env, cwd
        self.port, self.ready_path, self.log_path = port, ready_path, log_path
        self.process = None
        self.peak_rss = 0
        self.max_processes = 0
        self._stop = threading.Event()
        self._sampler = None

    def _sample(self):
        procs = session_processes(self.process.pid)
        rss = sum(p[1] for p in procs)
        self.peak_rss = max(self.peak_rss, rss)
        self.max_processes = max(self.max_processes, len(procs))
        return rss

    def _sample_loop(self):
        while not self._stop.wait(0.1):
            self._sample()

    def start(self, timeout):
        """Spawns the server and waits for the first 200 on its readiness route; returns the
        seconds from just before the spawn to that answer."""
        log = open(self.log_path, "ab")
        log.write(f"\n=== {shlex.join(self.argv)}\n".encode())
        log.flush()
        self._stop.clear()
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as error:
            raise BenchError(f"{self.label}: cannot start {self.argv[0]}: {error}") from error
        finally:
            log.close()
        self._sampler = threading.Thread(target=self._sample_loop, daemon=True)
        self._sampler.start()
        while True:
            status, _ = http_status(self.port, "GET", self.ready_path, timeout=1.0)
            if status == 200:
                ready = time.perf_counter() - started
                break
            if self.process.poll() is not None:
                self.stop()
                code = self.process.returncode
                raise BenchError(f"{self.label} exited with {code} before it was ready: {self.log_tail()}")
            if time.perf_counter() - started > timeout:
                self.stop()
                raise BenchError(f"{self.label} was not ready after {timeout:.0f} s: {self.log_tail()}")
            time.sleep(0.01)
        self.rss_at_ready = self._sample()
        return ready

    def cpu_seconds(self):
        return sum(p[2] for p in session_processes(self.process.pid))

    def stop(self):
        """SIGTERM to the whole session's process group, SIGKILL after 20 s; returns the exit code."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self._sample()
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Anything of the group left behind (a child that ignored SIGTERM) goes too.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._stop.set()
        if self._sampler:
            self._sampler.join()
        return self.process.returncode

    def log_tail(self, lines=5):
        try:
            with open(self.log_path, errors="replace") as f:
                tail = [line.strip() for line in f.read().splitlines() if line.strip()][-lines:]
        except OSError:
            tail = []
        return " | ".join(tail)[-800:] or f"(nothing in {self.log_path})"


def machine_cpu_seconds():
    """Non-idle CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


def own_cpu_seconds():
    """This script's CPU time and that of every child it has reaped (wrk, hey, trainyard train)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuWindow:
    """CPU used during one load run: by the server's process tree, and by everything else on the
    machine (not the server, not this script, not its load generator). The machine is shared: a
    busy neighbour takes cores from the server and the client alike, so each run reports it."""

    def __init__(self, server):
        self.server = server
        self.start = (time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds(), server.cpu_seconds())

    def finish(self):
        wall0, machine0, own0, server0 = self.start
        wall = time.perf_counter() - wall0
        server = self.server.cpu_seconds() - server0
        other = (machine_cpu_seconds() - machine0) - (own_cpu_seconds() - own0) - server
        return server / wall, max(0.0, other) / wall


def other_cores(seconds, server=None):
    """Cores other processes (not this script, its children or the server) use over `seconds`."""
    start = (time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds(), server.cpu_seconds() if server else 0.0)
    time.sleep(seconds)
    wall = time.perf_counter() - start[0]
    busy = machine_cpu_seconds() - start[1] - (own_cpu_seconds() - start[2])
    busy -= (server.cpu_seconds() - start[3]) if server else 0.0
    return max(0.0, busy) / wall


def wait_quiet(args, what, server=None):
    """Waits (up to --quiet-wait seconds) until other processes use at most --quiet-limit cores,
    so a neighbour's burst (a compiler, say) does not land in a measurement."""
    if args.quiet_wait <= 0:
        return
    deadline = time.perf_counter() + args.quiet_wait
    announced = False
    while True:
        load = other_cores(0.5, server)
        if load <= args.quiet_limit:
            if announced:
                print(f"[{what}] quiet now ({load:.2f} cores)", flush=True)
            return
        if time.perf_counter() >= deadline:
            print(f"[{what}] others still use {load:.2f} cores after {args.quiet_wait:.0f} s; measuring anyway")
            return
        if not announced:
            print(
                f"[{what}] other processes use {load:.2f} cores; waiting up to {args.quiet_wait:.0f} s for quiet",
                flush=True,
            )
            announced = True


# ---------------------------------------------------------------------------------------------
# Load generators


def run_wrk(args, port, path, body_path, duration):
    url = f"http://127.0.0.1:{port}{path}"
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s", "-s", LUA, url]
    argv += ["--", body_path]
    done = subprocess.run(argv, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise BenchError(f"wrk exited with {done.returncode}: {detail[0][:300]} ({shlex.join(argv)})")
    result = json.loads(line[len("WRK_JSON ") :])
    result["argv"] = argv
    errors = result["errors"]
    if any(errors.values()):
        raise BenchError(
            f"wrk saw errors against {url}: "
            + ", ".join(f"{k} {v}" for k, v in errors.items() if v)
            + f" of {result['requests']} requests (status = non-2xx answers)"
        )
    if result["requests"] == 0:
        raise BenchError(f"wrk completed no request against {url}")
    return result


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def run_hey(args, port, path, body_path=None):
    """Fixed request rate with hey: --rate-workers workers, each limited to rate/workers requests
    per second (hey's -q is per worker), for --duration seconds; per-request times from its CSV.
    POSTs the body in body_path, or GETs without one."""
    url = f"http://127.0.0.1:{port}{path}"
    per_worker = args.rate / args.rate_workers
    argv = ["hey", "-z", f"{args.duration}s", "-c", str(args.rate_workers), "-q", f"{per_worker:g}"]
    if body_path:
        argv += ["-m", "POST", "-T", "application/json", "-D", body_path]
    argv += ["-o", "csv", url]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise BenchError(f"hey exited with {done.returncode}: {detail[0][:300]} ({shlex.join(argv)})")
    latencies, errors = [], 0
    for line in done.stdout.splitlines()[1:]:
        cells = line.split(",")
        if len(cells) < 8:
            continue
        latencies.append(float(cells[0]) * 1000)
        errors += cells[6] != "200"
    if not latencies:
        raise BenchError(f"hey recorded no request against {url}")
    latencies.sort()
    return {
        "argv": argv,
        "requests": len(latencies),
        "errors": errors,
        "rate": len(latencies) / args.duration,
        "wall": wall,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "p999_ms": percentile(latencies, 99.9),
        "max_ms": latencies[-1],
    }


def ensure_tool(name, package):
    if shutil.which(name):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"[setup] {name} missing: apt-get install -y {package}", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package], env=env, check=False)
    if not shutil.which(name):
        raise BenchError(f"{name} not found; install the Debian package `{package}` (apt-get install -y {package})")


def tool_versions():
    versions = {}
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (wrk.stdout or wrk.stderr).split()
    versions["wrk"] = first[1] if len(first) > 1 else "unknown"
    for package in ("hey",):
        q = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
        versions[package] = q.stdout.strip() or "unknown"
    return versions


def venv_versions(python, names):
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    try:
        done = subprocess.run([python, "-c", code, *names], capture_output=True, text=True, timeout=60)
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


# ---------------------------------------------------------------------------------------------
# The servers


@dataclasses.dataclass
class ServerSpec:
    key: str  # trainyard, mlflow, mlserver
    label: str
    command: str  # for the report
    workloads: list  # (protocol, rows)
    make: object  # (args, work) -> ServerProcess
    versions: dict = dataclasses.field(default_factory=dict)
    settings: str = ""


@dataclasses.dataclass
class ServerResult:
    spec: ServerSpec
    error: str = None
    ready_seconds: list = dataclasses.field(default_factory=list)
    rss_at_ready_mib: float = None
    peak_rss_mib: float = None
    processes: int = None
    loads: dict = dataclasses.field(default_factory=dict)  # (protocol, rows) -> dict or {"error": ...}
    fixed_rate: dict = None
    fixed_rate_floor: dict = None  # the same rate of GET /ping: what client, loopback and HTTP cost
    answers: dict = dataclasses.field(default_factory=dict)  # request name -> read_answer(...)
    exit_code: int = None


def trainyard_server(args, work):
    port = free_port()
    argv = [args.trainyard, "serve", "--model", work["model"], "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--request-log", "none"]
    return ServerProcess(
        "trainyard serve", argv, dict(os.environ), work["dir"], port, "/v2/health/ready", work["log"]("trainyard")
    )


def mlflow_server(args, work):
    port = free_port()
    env = dict(os.environ)
    env["PATH"] = os.path.join(args.mlflow_venv, "bin") + os.pathsep + env.get("PATH", "")
    env["UVICORN_ACCESS_LOG"] = "false"  # uvicorn reads its options from UVICORN_*: no line per request
    argv = [os.path.join(args.mlflow_venv, "bin", "mlflow"), "models", "serve", "-m", work["model"]]
    argv += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"]
    return ServerProcess("mlflow models serve", argv, env, work["dir"], port, "/ping", work["log"]("mlflow"))


def mlserver_server(args, work):
    port, grpc_port, metrics_port = free_port(), free_port(), free_port()
    root = os.path.join(work["dir"], "mlserver")
    models = os.path.join(root, "models")
    model_dir = os.path.join(models, MODEL_NAME)
    os.makedirs(model_dir, exist_ok=True)
    shutil.copyfile(os.path.join(work["model"], "model.xgb.json"), os.path.join(model_dir, "model.json"))
    settings = {
        "host": "127.0.0.1",
        "http_port": port,
        "grpc_port": grpc_port,
        "metrics_port": metrics_port,
        "parallel_workers": args.mlserver_parallel_workers,
        "debug": False,  # MLServer's default (true) logs every request (uvicorn access log) at DEBUG level
    }
    with open(os.path.join(models, "settings.json"), "w") as f:
        json.dump(settings, f, indent=1)
    model_settings = {
        "name": MODEL_NAME,
        "implementation": "mlserver_xgboost.XGBoostModel",
        "parameters": {"uri": "./model.json", "version": "v1"},
    }
    with open(os.path.join(model_dir, "model-settings.json"), "w") as f:
        json.dump(model_settings, f, indent=1)
    env = dict(os.environ)
    env["PATH"] = os.path.join(args.mlserver_venv, "bin") + os.pathsep + env.get("PATH", "")
    if args.mlserver_omp_threads:
        env["OMP_NUM_THREADS"] = str(args.mlserver_omp_threads)
    argv = [os.path.join(args.mlserver_venv, "bin", "mlserver"), "start", "models"]
    return ServerProcess("MLServer", argv, env, root, port, "/v2/health/ready", work["log"]("mlserver"))


def server_specs(args):
    specs = []
    if not args.skip_trainyard:
        specs.append(
            ServerSpec(
                "trainyard",
                "trainyard",
                "trainyard serve --model DIR --host 127.0.0.1 --port P --request-log none",
                [(p, n) for n in BATCH_ROWS for p in ("mlflow", "oip")],
                trainyard_server,
                settings="one process (Hummingbird on SwiftNIO: an event loop per core); no request log",
            )
        )
    if not args.skip_mlflow:
        specs.append(
            ServerSpec(
                "mlflow",
                "mlflow",
                "mlflow models serve -m DIR --env-manager local -h 127.0.0.1 -p P -w 1",
                [("mlflow", n) for n in BATCH_ROWS],
                mlflow_server,
                settings="the `mlflow` CLI process and its uvicorn child (1 worker: a single process serves); "
                "UVICORN_ACCESS_LOG=false; the model is Trainyard's pyfunc loader (pure numpy)",
            )
        )
    if not args.skip_mlserver:
        specs.append(
            ServerSpec(
                "mlserver",
                "MLServer",
                "mlserver start models",
                [("oip", n) for n in BATCH_ROWS],
                mlserver_server,
                settings=f'`"parallel_workers": {args.mlserver_parallel_workers}`'
                + (
                    " (inference in the server process itself, one process; the default, 1, adds a worker "
                    "process that every request reaches over IPC)"
                    if args.mlserver_parallel_workers == 0
                    else " (inference in separate worker processes)"
                )
                + ', `"debug": false` (no access log); mlserver_xgboost.XGBoostModel on model.xgb.json (it loads '
                "as an XGBClassifier and answers the benchmark's body with `predict`, the classes, only; trainyard "
                "answers with classes and probabilities); "
                + (
                    f"OMP_NUM_THREADS={args.mlserver_omp_threads}"
                    if args.mlserver_omp_threads
                    else "XGBoost's OpenMP threads at their default, one per core"
                ),
            )
        )
    return specs


def measure(args, key, server, what, run):
    """Runs one measurement after waiting for a quiet machine; when other processes still took
    more than --retry-above cores during it, runs it again (at most --retries more times) and
    keeps the last. The result records how many runs it took."""
    for attempt in range(args.retries + 1):
        wait_quiet(args, key, server)
        result = run()
        result["runs"] = attempt + 1
        if result["other_cores"] <= args.retry_above or attempt == args.retries:
            return result
        print(
            f"[{key}] {what}: other processes used {result['other_cores']:.2f} cores meanwhile; measuring again",
            flush=True,
        )


def run_server(args, spec, work, bodies, problems):
    result = ServerResult(spec)
    server = None
    print(f"\n[{spec.key}] {spec.command}", flush=True)
    try:
        for attempt in range(args.starts):
            wait_quiet(args, spec.key)
            server = spec.make(args, work)
            ready = server.start(args.ready_timeout)
            result.ready_seconds.append(ready)
            print(f"[{spec.key}] start {attempt + 1}/{args.starts}: ready after {ready * 1000:.0f} ms", flush=True)
            if attempt + 1 < args.starts:
                server.stop()
                server = None
        result.rss_at_ready_mib = server.rss_at_ready / MIB

        # Every body once, before any load: it must be answered 200, and the answers are compared
        # across servers. MLServer's XGBoost runtime answers the benchmark's body with the classes
        # only (`predict`); one request more asks it for predict_proba to compare probabilities.
        checks = [(f"{PROTOCOLS[p][0]}, {n} row(s)", p, bodies[(p, n)]["bytes"], n) for p, n in spec.workloads]
        if spec.key == "mlserver":
            doc = json.loads(bodies[("oip", max(BATCH_ROWS))]["bytes"])
            doc["outputs"] = [{"name": "predict_proba"}]
            name = f"{PROTOCOLS['oip'][0]} asking for predict_proba, {max(BATCH_ROWS)} row(s)"
            checks.append((name, "oip", json.dumps(doc).encode(), max(BATCH_ROWS)))
        for name, protocol, body, rows in checks:
            path = PROTOCOLS[protocol][1]
            status, text = http_status(server.port, "POST", path, body, timeout=30)
            if status != 200:
                shown = text[:400].decode(errors="replace") if isinstance(text, bytes) else text
                raise BenchError(f"{spec.label}: POST {path} ({name}) answered {status}: {shown}")
            try:
                result.answers[name] = dict(read_answer(text), rows=rows)
            except (ValueError, KeyError, TypeError, IndexError) as error:
                raise BenchError(f"{spec.label}: cannot read the predictions in {text[:300]!r} ({name}): {error!r}")

        for protocol, rows in spec.workloads:
            _, path = PROTOCOLS[protocol]
            body = bodies[(protocol, rows)]["path"]

            def load_run():
                run_wrk(args, server.port, path, body, args.warmup)
                window = CpuWindow(server)
                load = run_wrk(args, server.port, path, body, args.duration)
                load["server_cores"], load["other_cores"] = window.finish()
                load["rps"] = load["requests"] / (load["duration_us"] / 1e6)
                return load

            what = f"{PROTOCOLS[protocol][0]}, {rows} row(s)"
            try:
                load = measure(args, spec.key, server, what, load_run)
                result.loads[(protocol, rows)] = load
                print(
                    f"[{spec.key}] {what}: {load['rps']:,.0f} req/s, "
                    f"p50 {load['latency_us']['p50'] / 1000:.2f} ms, p99 {load['latency_us']['p99'] / 1000:.2f} ms, "
                    f"server CPU {load['server_cores']:.2f} cores, others {load['other_cores']:.2f} cores",
                    flush=True,
                )
            except BenchError as error:
                result.loads[(protocol, rows)] = {"error": f"not run: {error}"}
                problems.append(f"{spec.label}, {what}: {error}")
                if server.process.poll() is not None:
                    raise BenchError(f"{spec.label} died (exit {server.process.returncode}): {server.log_tail()}")

        if spec.key == "trainyard" and not args.skip_fixed_rate:
            protocol, rows = "mlflow", 1

            def fixed_run(path=PROTOCOLS[protocol][1], body=bodies[(protocol, rows)]["path"]):
                window = CpuWindow(server)
                fixed = run_hey(args, server.port, path, body)
                fixed["server_cores"], fixed["other_cores"] = window.finish()
                return fixed

            try:
                fixed = measure(args, spec.key, server, "fixed rate", fixed_run)
                result.fixed_rate = fixed
                print(
                    f"[{spec.key}] fixed rate {args.rate:,} req/s target, {fixed['rate']:,.0f} achieved: "
                    f"p50 {fixed['p50_ms']:.2f} ms, p99 {fixed['p99_ms']:.2f} ms, max {fixed['max_ms']:.2f} ms, "
                    f"{fixed['errors']} errors, others {fixed['other_cores']:.2f} cores",
                    flush=True,
                )
            except BenchError as error:
                result.fixed_rate = {"error": f"not run: {error}"}
                problems.append(f"{spec.label}, fixed rate: {error}")
            try:
                floor = measure(args, spec.key, server, "fixed rate, GET /ping", lambda: fixed_run("/ping", None))
                result.fixed_rate_floor = floor
                print(
                    f"[{spec.key}] fixed rate, GET /ping (no scoring): p50 {floor['p50_ms']:.2f} ms, "
                    f"p99 {floor['p99_ms']:.2f} ms, {floor['rate']:,.0f} req/s achieved",
                    flush=True,
                )
            except BenchError as error:
                result.fixed_rate_floor = {"error": f"not run: {error}"}
                problems.append(f"{spec.label}, fixed rate GET /ping: {error}")
    except BenchError as error:
        result.error = f"not run: {error}"
        problems.append(str(error))
        print(f"[{spec.key}] {error}", file=sys.stderr, flush=True)
    finally:
        if server is not None:
            alive = server.process.returncode is None and server.process.poll() is None
            result.exit_code = server.stop()
            result.peak_rss_mib = server.peak_rss / MIB
            result.processes = server.max_processes
            if alive and spec.key == "trainyard" and result.exit_code != 0:
                problems.append(f"trainyard serve exited with {result.exit_code} on SIGTERM (expected 0)")
    return result


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def ratio_text(value):
    if value is None:
        return "—"
    return f"{value:.0f}x" if value >= 100 else f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def _is_message(row):
    """A row whose last cell says why it was not run, with the cells before it left empty."""
    return len(row) > 2 and str(row[-1]).startswith("not run") and row[-2] == ""


def text_table(header, rows):
    """Fixed-width table; a "not run" row prints its message after its leading cells."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *[r for r in rows if not _is_message(r)])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    for row in rows:
        if _is_message(row):
            lead = []
            for x, w in zip(row[:-1], widths):
                if str(x) == "":
                    break
                lead.append(str(x).ljust(w))
            lines.append("  ".join(lead + [str(row[-1])]))
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


def find(results, key):
    return next((r for r in results if r.spec.key == key), None)


def load_of(results, key, protocol, rows):
    r = find(results, key)
    if r is None:
        return None
    load = r.loads.get((protocol, rows))
    return load if load and "error" not in load else None


def rps_ratio(results, protocol, rows, peer):
    mine, theirs = load_of(results, "trainyard", protocol, rows), load_of(results, peer, protocol, rows)
    return mine["rps"] / theirs["rps"] if mine and theirs else None


def load_rows(results):
    header = ["server", "protocol", "rows/request", "req/s", "rows/s", "p50 ms", "p99 ms", "max ms"]
    header += ["server CPU, cores", "others' CPU, cores", "runs"]
    rows = []
    for n in BATCH_ROWS:
        for r in results:
            for protocol, rows_per in r.spec.workloads:
                if rows_per != n:
                    continue
                label = PROTOCOLS[protocol][0]
                load = r.loads.get((protocol, n))
                if load is None:
                    rows.append([r.spec.label, label, n] + [""] * (len(header) - 4) + [r.error or "not run"])
                elif "error" in load:
                    rows.append([r.spec.label, label, n] + [""] * (len(header) - 4) + [load["error"]])
                else:
                    lat = load["latency_us"]
                    rows.append(
                        [
                            r.spec.label,
                            label,
                            n,
                            f"{load['rps']:,.0f}",
                            f"{load['rps'] * n:,.0f}",
                            f"{lat['p50'] / 1000:.2f}",
                            f"{lat['p99'] / 1000:.2f}",
                            f"{lat['max'] / 1000:.1f}",
                            f"{load['server_cores']:.2f}",
                            f"{load['other_cores']:.2f}",
                            load["runs"],
                        ]
                    )
    return header, rows


def ratio_rows(results):
    header = ["rows/request", "trainyard / mlflow req/s (MLflow /invocations)", "trainyard / MLServer req/s (OIP v2)"]
    header += ["mlflow / trainyard p50 latency", "MLServer / trainyard p50 latency"]
    rows = []
    for n in BATCH_ROWS:

        def latency_ratio(peer, protocol):
            mine, theirs = load_of(results, "trainyard", protocol, n), load_of(results, peer, protocol, n)
            return theirs["latency_us"]["p50"] / mine["latency_us"]["p50"] if mine and theirs else None

        rows.append(
            [
                n,
                ratio_text(rps_ratio(results, "mlflow", n, "mlflow")),
                ratio_text(rps_ratio(results, "oip", n, "mlserver")),
                ratio_text(latency_ratio("mlflow", "mlflow")),
                ratio_text(latency_ratio("mlserver", "oip")),
            ]
        )
    return header, rows


def server_rows(results, starts):
    header = ["server", "versions", "processes", f"start -> ready, median of {starts}", "all starts ms"]
    header += ["RSS when ready MiB", "peak RSS MiB"]
    rows = []
    for r in results:
        versions = ", ".join(f"{k} {v}" for k, v in r.spec.versions.items())
        if not r.ready_seconds:
            rows.append([r.spec.label] + [""] * (len(header) - 2) + [r.error or "not run"])
            continue
        rows.append(
            [
                r.spec.label,
                versions,
                fmt(r.processes, "d"),
                f"{statistics.median(r.ready_seconds) * 1000:,.0f} ms",
                ", ".join(f"{s * 1000:.0f}" for s in r.ready_seconds),
                fmt(r.rss_at_ready_mib, ".1f"),
                fmt(r.peak_rss_mib, ".1f"),
            ]
        )
    return header, rows


def fixed_rate_rows(args, results):
    header = ["server", "request", "target req/s", "achieved req/s", "requests", "errors", "p50 ms", "p99 ms"]
    header += ["p99.9 ms", "max ms", "server CPU, cores", "others' CPU, cores", "runs"]
    r = find(results, "trainyard")
    rows = []
    for request, fixed in (
        ("MLflow /invocations, 1 row", r.fixed_rate if r else None),
        ("GET /ping (no scoring, for reference)", r.fixed_rate_floor if r else None),
    ):
        if fixed is None or "error" in fixed:
            rows.append(["trainyard", request] + [""] * (len(header) - 3) + [fixed["error"] if fixed else "not run"])
            continue
        rows.append(
            [
                "trainyard",
                request,
                f"{args.rate:,}",
                f"{fixed['rate']:,.0f}",
                f"{fixed['requests']:,}",
                fixed["errors"],
                f"{fixed['p50_ms']:.2f}",
                f"{fixed['p99_ms']:.2f}",
                f"{fixed['p999_ms']:.2f}",
                f"{fixed['max_ms']:.2f}",
                f"{fixed['server_cores']:.2f}",
                f"{fixed['other_cores']:.2f}",
                fixed["runs"],
            ]
        )
    return header, rows


def goal_rows(args, results):
    header = ["goal", "measured", "result"]
    rows = []

    def verdict(value, ok):
        return ("PASS" if ok else "MISS") if value is not None else "not measured"

    for n, peer, protocol, goal in (
        (1, "mlflow", "mlflow", GOAL_SINGLE_VS_MLFLOW),
        (1, "mlserver", "oip", GOAL_SINGLE_VS_MLSERVER),
        (100, "mlflow", "mlflow", GOAL_BATCH_VS_MLFLOW),
    ):
        value = rps_ratio(results, protocol, n, peer)
        name = {"mlflow": "mlflow", "mlserver": "MLServer"}[peer]
        rows.append(
            [
                f"{'single-row' if n == 1 else f'{n}-row'} req/s >= {goal:g}x {name} ({PROTOCOLS[protocol][0]})",
                ratio_text(value),
                verdict(value, value is not None and value >= goal),
            ]
        )
    ty = find(results, "trainyard")
    fixed = ty.fixed_rate if ty and ty.fixed_rate and "error" not in ty.fixed_rate else None
    fixed_goal = f"trainyard p99 <= {GOAL_FIXED_RATE_P99_MS:g} ms at {args.rate:,} req/s"
    if fixed:
        reached = fixed["rate"] >= 0.95 * args.rate
        measured = f"p99 {fixed['p99_ms']:.2f} ms at {fixed['rate']:,.0f} req/s achieved"
        if not reached:
            measured += f" (below 95% of the {args.rate:,} req/s target)"
        if fixed["errors"]:
            measured += f", {fixed['errors']} errors"
        ok = reached and not fixed["errors"] and fixed["p99_ms"] <= GOAL_FIXED_RATE_P99_MS
        rows.append([fixed_goal, measured, verdict(1, ok)])
    else:
        rows.append([fixed_goal, "—", "not measured"])
    ready = statistics.median(ty.ready_seconds) if ty and ty.ready_seconds else None
    rows.append(
        [
            f"trainyard start -> ready <= {GOAL_READY_S:g} s",
            fmt(ready and ready * 1000, ",.0f") + (" ms (median)" if ready else ""),
            verdict(ready, ready is not None and ready <= GOAL_READY_S),
        ]
    )
    rss = ty.peak_rss_mib if ty and ty.loads else None
    rows.append(
        [
            f"trainyard peak RSS <= {GOAL_RSS_MIB:g} MiB",
            fmt(rss, ".1f") + (" MiB" if rss is not None else ""),
            verdict(rss, rss is not None and rss <= GOAL_RSS_MIB),
        ]
    )
    return header, rows


def agreement(results):
    """How each answer compares with trainyard's MLflow answer for the same rows: the largest
    difference in the positive-class probability and the share of equal classes."""
    ty = find(results, "trainyard")
    if ty is None:
        return []
    notes = []
    for r in results:
        for name, answer in r.answers.items():
            reference = ty.answers.get(f"{PROTOCOLS['mlflow'][0]}, {answer['rows']} row(s)")
            if reference is None or answer is reference:
                continue
            parts = []
            for key in ("p", "label"):
                mine, theirs = reference[key], answer[key]
                if mine is None or theirs is None:
                    continue
                if len(mine) != len(theirs):
                    parts.append(f"{len(theirs)} predictions, expected {len(mine)}")
                elif key == "p":
                    parts.append(f"max |Δp| {max(abs(a - b) for a, b in zip(mine, theirs)):.1e}")
                else:
                    parts.append(f"classes equal {sum(a == b for a, b in zip(mine, theirs))}/{len(mine)}")
            notes.append(f"{r.spec.label} {name}: " + (", ".join(parts) or "nothing to compare"))
    return notes


def agreement_problems(notes):
    """Answers that are not the same model's: a probability off by more than float32 rounding
    (XGBoost predicts in float32), or different classes."""
    bad = []
    for note in notes:
        for part in note.split(": ", 1)[1].split(", "):
            if part.startswith("max |Δp|") and float(part.split()[-1]) > 1e-5:
                bad.append(note)
            elif part.startswith("classes equal"):
                same, total = part.split()[-1].split("/")
                if same != total:
                    bad.append(note)
            elif "expected" in part:
                bad.append(note)
    return list(dict.fromkeys(bad))


def machine_info():
    info = {"nproc": os.cpu_count(), "usable cores": len(os.sched_getaffinity(0))}
    try:
        with open("/proc/cpuinfo") as f:
            model = (line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
            info["CPU"] = next(model, "unknown")
        with open("/proc/meminfo") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
        info["memory"] = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        with open("/etc/os-release") as f:
            names = (line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME="))
            info["OS"] = next(names, "")
    except OSError:
        pass
    info["kernel"] = platform.release()
    return info


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


def binary_staleness(binary):
    """A warning when a source file is newer than the binary (so it does not hold what the commit
    shown says), else None."""
    try:
        built = os.path.getmtime(binary)
    except OSError:
        return None
    newest, newest_path = 0.0, None
    for top in ("Sources", "Package.swift"):
        root = os.path.join(REPO, top)
        paths = [root] if os.path.isfile(root) else [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
        for path in paths:
            mtime = os.path.getmtime(path)
            if mtime > newest:
                newest, newest_path = mtime, path
    if newest <= built:
        return None

    def utc(t):
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    return (
        f"{shown_path(binary)} was built {utc(built)}, before the latest source change "
        f"({shown_path(newest_path)}, {utc(newest)}): it may not hold what the commit shown holds"
    )


def shown_path(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, REPO) if path.startswith(REPO + os.sep) else path


def max_other_load(results):
    loads = [load["other_cores"] for r in results for load in r.loads.values() if "error" not in load]
    for r in results:
        loads += [f["other_cores"] for f in (r.fixed_rate, r.fixed_rate_floor) if f and "error" not in f]
    return max(loads) if loads else None


def render_section(args, started, machine, tools, results, model_info, bodies, problems):
    command = shlex.join([shown_path(sys.executable), shown_path(sys.argv[0]), *sys.argv[1:]])
    make_command = ".venv/bin/python bench/serve_bench.py --trainyard .build/release/trainyard"
    if command == make_command:
        how = "what `make bench-serve` runs after `scripts/bootstrap --mlserver` and the release build"
    else:
        how = f"`make bench-serve` runs `{make_command}`"
    out = [SECTION, ""]
    out.append(f"Command: `{command}` (from the repository root; {how}), run {started:%Y-%m-%d %H:%M} UTC.")
    flags = (("trainyard", args.skip_trainyard), ("mlflow", args.skip_mlflow), ("MLServer", args.skip_mlserver))
    skipped = [name for name, flag in flags if flag]
    if skipped:
        out += ["", f"**Not run on purpose (--skip-...): {', '.join(skipped)}; their columns and ratios are empty.**"]
    other = max_other_load(results)
    if other is not None and other > OTHER_LOAD_LIMIT:
        out += [
            "",
            f"**Warning: other processes used up to {other:.2f} cores during a measurement (the others' CPU columns); "
            "on 2 shared cores that lowers the numbers of whichever server ran then.**",
        ]
    stale = binary_staleness(args.trainyard) if not args.skip_trainyard else None
    if stale:
        out += ["", f"**Warning: {stale}.**"]
    out += ["", "Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()) + "."]
    out.append(
        f"Load: wrk {tools['wrk']} (`bench/lua/post.lua`: the same JSON body on every request), {args.threads} "
        f"thread, {args.connections} keep-alive connections, a {args.warmup} s warm-up run then {args.duration} s "
        f"measured, per row; fixed rate: hey {tools['hey']}, {args.rate_workers} workers at "
        f"{args.rate / args.rate_workers:g} req/s each for {args.duration} s. Client and server share the cores."
    )
    out.append(
        f"Model: one Trainyard GBDT classifier ({', '.join(f'`{k}={v}`' for k, v in GBDT_PARAMS.items())}, other "
        f"parameters at their defaults) trained by `trainyard train` on {args.rows:,} generated rows x "
        f"{FEATURES} numeric features (numpy, seed {SEED}); its directory is served by trainyard (model.json) and "
        "mlflow (MLmodel, Trainyard's pure-numpy pyfunc loader), and its model.xgb.json by MLServer's XGBoost "
        f"runtime. {model_info}"
    )
    out.append(
        "Bodies: "
        + "; ".join(
            f"{PROTOCOLS[p][0]} {n} row(s) {len(b['bytes']):,} bytes"
            for (p, n), b in sorted(bodies.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        )
        + " (MLflow: `dataframe_split`; OIP: one FP64 tensor `[N, 28]`)."
    )
    out += ["", "### Throughput and latency", ""]
    out.append(markdown_table(*load_rows(results)))
    out += ["", markdown_table(*ratio_rows(results))]
    out += [
        "",
        "req/s: completed requests over the measured run; latencies from wrk's histogram (a closed loop: 8 "
        "requests always in flight, so latency includes queueing in the server). server CPU: CPU time of the "
        "server's process tree over the run's wall time (2 cores at most). others' CPU: the machine's busy "
        "time minus the server, wrk and this script, that is, other people's processes. runs: a run is repeated "
        f"(up to {args.retries} times, keeping the last) when others used more than {args.retry_above:g} cores "
        f"during it; before each run the benchmark waits up to {args.quiet_wait:g} s for others to use at most "
        f"{args.quiet_limit:g} cores.",
    ]
    out += ["", "### Start-up and memory", ""]
    out.append(markdown_table(*server_rows(results, args.starts)))
    out += [
        "",
        "start -> ready: from just before the process is spawned to the first 200 on its readiness route "
        "(trainyard and MLServer `GET /v2/health/ready`, mlflow `GET /ping`), polled every 10 ms; the last "
        "start is the one loaded. RSS: the sum over every process of the server's session (so shared pages of "
        "the mlflow CLI and its uvicorn child count twice), sampled from /proc every 100 ms from spawn to stop; "
        "peak covers all the load runs. processes: the most seen at once.",
    ]
    out += ["", "Servers as run:"]
    for r in results:
        out.append(f"- **{r.spec.label}**: `{r.spec.command}`; {r.spec.settings}.")
    out += ["", "### Fixed rate", ""]
    out.append(markdown_table(*fixed_rate_rows(args, results)))
    out += [
        "",
        "hey paces each worker with a ticker and times each request from its send, so a slow answer delays "
        "that worker's next request (no coordinated-omission correction); the achieved rate shows whether the "
        "target was held. hey's CSV gives each time to 0.1 ms. The GET /ping row is the same load on a route "
        "that scores nothing: the part of the latency that the client, loopback and HTTP handling take.",
    ]
    notes = agreement(results)
    if notes:
        out += [
            "",
            "Same model, same answers (each server's answer before the load, against trainyard's MLflow answer "
            "for the same rows): " + "; ".join(notes) + ".",
        ]
    out += ["", "### Goals", ""]
    out.append(markdown_table(*goal_rows(args, results)))
    if problems:
        out += ["", "### Problems", ""] + [f"- {p}" for p in problems]
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainyard", default=os.path.join(REPO, ".build", "release", "trainyard"))
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of the warm-up run before each (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--rate", type=int, default=1000, help="fixed-rate check: req/s in all (default 1000)")
    parser.add_argument("--rate-workers", type=int, default=4, help="fixed-rate check: hey workers (default 4)")
    parser.add_argument("--starts", type=int, default=3, help="starts per server for start -> ready (default 3)")
    parser.add_argument("--ready-timeout", type=float, default=120, help="seconds a server may take to be ready")
    parser.add_argument("--rows", type=int, default=20_000, help="rows of generated training data (default 20000)")
    parser.add_argument("--mlflow-venv", default=os.path.join(REPO, ".venv"), help="venv with mlflow (default .venv)")
    parser.add_argument(
        "--mlserver-venv",
        default=os.path.join(REPO, ".venv", "mlserver"),
        help="venv with MLServer (default .venv/mlserver)",
    )
    parser.add_argument(
        "--mlserver-parallel-workers", type=int, default=0, help="MLServer's parallel_workers (default 0: one process)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="before each start and load run, wait up to this many seconds for other processes to go quiet (0: never)",
    )
    parser.add_argument("--quiet-limit", type=float, default=OTHER_LOAD_LIMIT, help="cores others may use meanwhile")
    parser.add_argument(
        "--retry-above",
        type=float,
        default=0.25,
        help="repeat a measurement during which other processes used more cores than this (default 0.25)",
    )
    parser.add_argument("--retries", type=int, default=2, help="repeats at most (default 2)")
    parser.add_argument(
        "--mlserver-omp-threads",
        type=int,
        default=0,
        help="OMP_NUM_THREADS for MLServer (XGBoost's predict threads; default 0: leave it unset, every core)",
    )
    parser.add_argument("--skip-trainyard", action="store_true")
    parser.add_argument("--skip-mlflow", action="store_true")
    parser.add_argument("--skip-mlserver", action="store_true")
    parser.add_argument("--skip-fixed-rate", action="store_true", help="no hey run")
    parser.add_argument("--work-dir", help="data, model and logs (default: a temporary directory, removed at the end)")
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "RESULTS.md"), help="results file to update")
    parser.add_argument("--no-write", action="store_true", help="print the tables but leave --out alone")
    args = parser.parse_args(argv)
    if args.rate % args.rate_workers:
        parser.error("--rate must be a multiple of --rate-workers (hey's -q is per worker)")
    if min(args.duration, args.warmup, args.connections, args.threads, args.starts) < 1:
        parser.error("--duration, --warmup, --connections, --threads and --starts must be at least 1")
    return args


def prepare(args, work_dir):
    data = os.path.join(work_dir, "train.csv")
    print(f"[setup] generating {args.rows:,} rows x {FEATURES} features in {data}", flush=True)
    write_dataset(data, args.rows)
    model = os.path.join(work_dir, MODEL_NAME)
    argv = [args.trainyard, "train", "--data", data, "--target", "label", "--task", "classification"]
    argv += ["--model", "gbdt", "--seed", str(SEED), "--threads", "2", "--progress", "none", "--output", model]
    for key, value in GBDT_PARAMS.items():
        argv += ["--param", f"{key}={value}"]
    print(f"[setup] {shlex.join(argv)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"trainyard train exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    seconds = time.perf_counter() - started
    for name in ("model.json", "model.xgb.json", "MLmodel"):
        if not os.path.exists(os.path.join(model, name)):
            raise BenchError(f"trainyard train wrote no {name} in {model}")
    with open(os.path.join(model, "model.xgb.json")) as f:
        learner = json.load(f)["learner"]
    trees = learner["gradient_booster"]["model"]["trees"]
    leaves = sum(1 for t in trees for left in t["left_children"] if left == -1)
    objective = learner["objective"]["name"]
    try:
        with open(os.path.join(model, "metrics.json")) as f:
            auc = json.load(f)["validation"]["auc"]
        auc_text = f", validation AUC {auc:.3f}"
    except (OSError, KeyError, TypeError, ValueError):
        auc_text = ""
    info = f"It has {len(trees)} trees, {leaves / len(trees):.1f} leaves per tree on average, objective {objective}"
    info += f"{auc_text}."
    print(f"[setup] trained in {seconds:.1f} s: {info}", flush=True)
    return model, info


def main(argv):
    args = parse_args(argv)
    args.trainyard = os.path.abspath(args.trainyard)
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info()
    problems = []

    if not os.access(args.trainyard, os.X_OK):
        raise BenchError(f"{args.trainyard} is not an executable; build it: swift build -c release --product trainyard")
    ensure_tool("wrk", "wrk")
    if not args.skip_fixed_rate:
        ensure_tool("hey", "hey")
    if not args.skip_mlflow and not os.access(os.path.join(args.mlflow_venv, "bin", "mlflow"), os.X_OK):
        raise BenchError(f"no mlflow in {args.mlflow_venv}/bin; run scripts/bootstrap (or pass --skip-mlflow)")
    if not args.skip_mlserver and not os.access(os.path.join(args.mlserver_venv, "bin", "mlserver"), os.X_OK):
        raise BenchError(
            f"no mlserver in {args.mlserver_venv}/bin; run scripts/bootstrap --mlserver (or pass --skip-mlserver)"
        )
    tools = tool_versions()
    stale = binary_staleness(args.trainyard) if not args.skip_trainyard else None
    if stale:
        print(f"warning: {stale}", file=sys.stderr, flush=True)

    work_dir = os.path.abspath(args.work_dir) if args.work_dir else tempfile.mkdtemp(prefix="serve-bench-")
    os.makedirs(work_dir, exist_ok=True)
    print(f"[setup] work directory {work_dir}", flush=True)
    try:
        model, model_info = prepare(args, work_dir)
        columns, rows = read_rows(os.path.join(work_dir, "train.csv"), max(BATCH_ROWS))
        bodies = {}
        for protocol in PROTOCOLS:
            for n in BATCH_ROWS:
                data = request_body(protocol, columns, rows[:n])
                path = os.path.join(work_dir, f"body-{protocol}-{n}.json")
                with open(path, "wb") as f:
                    f.write(data)
                bodies[(protocol, n)] = {"path": path, "bytes": data}
        work = {"dir": work_dir, "model": model, "log": lambda name: os.path.join(work_dir, f"{name}.log")}

        specs = server_specs(args)
        trainyard_version = subprocess.run([args.trainyard, "--version"], capture_output=True, text=True).stdout.strip()
        for spec in specs:
            if spec.key == "trainyard":
                built = datetime.datetime.fromtimestamp(os.path.getmtime(args.trainyard), datetime.timezone.utc)
                spec.versions = {
                    "trainyard": trainyard_version or "unknown",
                    "commit": repo_version(),
                    "binary built": f"{built:%Y-%m-%d %H:%M} UTC",
                }
            elif spec.key == "mlflow":
                python = os.path.join(args.mlflow_venv, "bin", "python")
                spec.versions = venv_versions(python, ["mlflow", "uvicorn", "numpy"])
            else:
                python = os.path.join(args.mlserver_venv, "bin", "python")
                spec.versions = venv_versions(python, ["mlserver", "mlserver-xgboost", "xgboost-cpu", "uvicorn"])
        results = [run_server(args, spec, work, bodies, problems) for spec in specs]
    finally:
        if not args.work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)

    print("\n== throughput and latency (wrk)")
    print(text_table(*load_rows(results)))
    print("\n== ratios")
    print(text_table(*ratio_rows(results)))
    print("\n== start-up and memory")
    print(text_table(*server_rows(results, args.starts)))
    print(f"\n== fixed rate (hey, {args.rate:,} req/s)")
    print(text_table(*fixed_rate_rows(args, results)))
    notes = agreement(results)
    print("\n== answers compared with trainyard's MLflow answer for the same rows")
    for note in notes:
        print(note)
    problems += [f"predictions differ: {note}" for note in agreement_problems(notes)]
    print("\n== goals")
    print(text_table(*goal_rows(args, results)))
    other = max_other_load(results)
    if other is not None and other > OTHER_LOAD_LIMIT:
        print(f"\nwarning: other processes used up to {other:.2f} cores during a measurement", file=sys.stderr)

    if not args.no_write:
        body = render_section(args, started, machine, tools, results, model_info, bodies, problems)
        text = open(args.out).read() if os.path.exists(args.out) else ""
        with open(args.out, "w") as f:
            f.write(replace_section(text, body))
        print(f"\nwrote the section {SECTION!r} of {args.out}")
    if problems:
        print("\nproblems:\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped on the way out
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        sys.exit(f"serve_bench: {error}")
