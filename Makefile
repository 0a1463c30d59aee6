# bpoeval — the two commands that matter: `make run` and `make test`.

GO        ?= go
BIN       := bin/bpoeval
PGDIR     ?= .data/postgres

.PHONY: run build test bench fuzz soak generate check clean

## run: build and serve the demo at http://127.0.0.1:8080 (finds or starts PostgreSQL)
run: build
	@url="$$($(BIN) dev-db --dir $(PGDIR))" && DATABASE_URL="$$url" $(BIN) serve --demo

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/bpoeval

## test: every test, with the race detector, against a real PostgreSQL; the server's
## package takes over go test's default 10 minutes under the race detector on 2 cores
test:
	$(GO) test -race -count=1 -timeout 30m ./...

## generate: regenerate templ components
generate:
	$(GO) tool templ generate

## check: what CI checks before the tests
check: generate
	@test -z "$$(git status --porcelain -- '*_templ.go')" || (echo "generated templ files are stale: commit them"; git status --porcelain -- '*_templ.go'; exit 1)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'); exit 1)
	$(GO) vet ./...

clean:
	rm -rf bin

## bench: the server under load on the large demo data set at 1, 4 and 32 connections, a
## burst of 200 sign-ins, the scaling table over generated evaluations and the targets (one
## report, see internal/loadgen), then the Go benchmarks of the scoring engine and the PDF
## report (the report beside headless Chromium printing the same content); within 4 minutes.
## BENCH_DURATION is per route and connection count; BENCH_COUNT=5 gives benchmark medians.
BENCH_DURATION ?= 3s
BENCH_COUNT    ?= 1
bench: build
	$(GO) run ./cmd/bench --server $(BIN) --duration $(BENCH_DURATION)
	$(GO) test -run '^$$' -bench . -benchmem -count=$(BENCH_COUNT) ./internal/scoring/ ./internal/report/ ./internal/ahp/

FUZZTIME ?= 1m
FUZZ_TARGETS := FuzzParseDecimal FuzzFormNumbers FuzzSafeNext FuzzDecodeForms

## fuzz: each fuzz target for FUZZTIME (default 1m); make test runs their seed corpora only
fuzz:
	@for f in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./internal/server/ || exit 1; \
	done
	$(GO) test -run '^$$' -fuzz '^FuzzScore$$' -fuzztime $(FUZZTIME) ./internal/scoring/

## soak: the long reliability runs: every hostile payload in every field, 2000 concurrent autosaves, 10 database restarts, 10 crashes
soak:
	BPOEVAL_SOAK=1 $(GO) test -count=1 -timeout 30m \
		-run 'TestHostileInput|TestConcurrentAutosaves|TestDatabaseFaults|TestCrashKeepsAcknowledgedSaves' \
		./internal/server/ ./cmd/bpoeval/
