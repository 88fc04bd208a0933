# Trainyard — run `make help` for the targets.
SWIFT ?= swift
VENV := .venv
KUBECTL := $(VENV)/bin/kubectl
DEV_DIR := .trainyard/dev
DEV_PORT ?= 6443
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: bootstrap
bootstrap: ## Create .venv with the pinned Python tools (kubectl)
	@scripts/bootstrap

.PHONY: build
build: ## Build the trainyard binary (debug)
	$(SWIFT) build

.PHONY: test
test: bootstrap ## Set up and run the whole test suite (unit + kubectl integration)
	@scripts/test

.PHONY: lint
lint: ## Check formatting with swift-format
	$(SWIFT) format lint --strict --recursive Sources Tests bench Package.swift

.PHONY: fmt
fmt: ## Format the sources in place
	$(SWIFT) format --in-place --recursive Sources Tests bench Package.swift

.PHONY: demo
demo: bootstrap build ## Start the dev cluster, apply the CRDs and examples, and show them
	@scripts/demo

.PHONY: dev
dev: build ## Run the dev API server in the foreground (state in .trainyard/dev)
	.build/debug/trainyard dev --port $(DEV_PORT) --state-dir $(DEV_DIR)

.PHONY: stop
stop: ## Stop a dev API server started by make demo
	@scripts/demo stop

.PHONY: image
image: ## Build the container image (arrives with a later issue)
	@echo "make image: not implemented yet; the OCI image build arrives with a later issue" >&2; exit 2

.PHONY: deploy
deploy: ## Install into the current cluster (arrives with a later issue)
	@echo "make deploy: not implemented yet; manifests/ and charts/ arrive with a later issue" >&2; exit 2

.PHONY: bench
bench: bench-controller bench-trainingjobs bench-data bench-train bench-serve ## Run every benchmark (release build); record the tables in bench/RESULTS.md

.PHONY: bench-controller
bench-controller: ## Benchmark the controller runtime against trainyard dev (latency, memory, requests)
	$(SWIFT) build -c release
	.build/release/trainyard-bench controller .build/release/trainyard

.PHONY: bench-trainingjobs
bench-trainingjobs: bootstrap ## Benchmark 200 TrainingJobs applied at once on trainyard dev (wall time, pod latency, controller RSS, writes per job)
	$(SWIFT) build -c release
	.build/release/trainyard-bench trainingjobs .build/release/trainyard 200

.PHONY: bench-data
bench-data: ## Benchmark CSV reading (DataIO) on 100 MB of generated data
	$(SWIFT) build -c release
	.build/release/trainyard-bench csv 100

.PHONY: bench-train
bench-train: ## Benchmark trainyard train/predict against XGBoost, LightGBM and scikit-learn (2 threads, 255 bins)
	scripts/bootstrap --bench
	$(SWIFT) build -c release
	.venv/bin/python bench/train_bench.py --trainyard .build/release/trainyard --bench .build/release/trainyard-bench

.PHONY: bench-serve
bench-serve: bootstrap ## Benchmark trainyard serve against mlflow models serve and MLServer (req/s, latency, RSS, start-up)
	scripts/bootstrap --mlserver
	$(SWIFT) build -c release --product trainyard
	.venv/bin/python bench/serve_bench.py --trainyard .build/release/trainyard

.PHONY: clean
clean: ## Remove build output and dev state
	rm -rf .build .trainyard
