# bpoeval — the two commands that matter: `make run` and `make test`.

GO        ?= go
BIN       := bin/bpoeval
PGDIR     ?= .data/postgres

.PHONY: run build test bench generate check clean

## run: build and serve the demo at http://127.0.0.1:8080 (finds or starts PostgreSQL)
run: build
	@url="$$($(BIN) dev-db --dir $(PGDIR))" && DATABASE_URL="$$url" $(BIN) serve --demo

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/bpoeval

## test: every test, with the race detector, against a real PostgreSQL
test:
	$(GO) test -race -count=1 ./...

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

## bench: the Go benchmarks of the scoring engine and of the PDF report, the
## report beside headless Chromium printing the same content (medians: count=5)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=5 ./internal/scoring/ ./internal/report/
