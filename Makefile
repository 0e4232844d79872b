# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LIBRARY ?= .ficlens/library.db
HOST ?= 127.0.0.1
PORT ?= 8765

.PHONY: run test venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Analyse the bundled example works, fill the library with them and serve it.
run: $(STAMP)
	$(BIN)/ficlens add --library $(LIBRARY) examples/
	$(BIN)/ficlens serve --library $(LIBRARY) --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache
