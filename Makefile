# One command to set up and run the app, one to set up and run the tests (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# constraints.txt pins the CPU build of torch, so a CPU machine never pulls the multi-GB CUDA wheel.
INSTALL := $(PIP) install -c constraints.txt

.PHONY: setup setup-test browser tesseract app lint test test-fast

# Python code the gates check (bench/ is a script, checked by ruff too).
CODE := index assistant tests bench app.py conftest.py

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)
	$(INSTALL) -e .

# llama.cpp's native build uses AMX on CPUs that report it, which crashes where the sandbox forbids it:
# build for the portable AVX2 baseline instead.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

setup-test: $(PY)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(INSTALL) -e '.[test,llm]'

# Debian's chromium (and a CJK font for readable screenshots) for the browser test;
# Playwright's own browser download is impossible here.
browser:
	@(command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .) || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null)

# Tesseract and its simplified-Chinese model, for scanned PDFs (index/load/ocr.py); nothing is done when both are there.
tesseract:
	@(command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim) || \
		(apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim >/dev/null)

app: setup
	$(PY) app.py

# Gates that fail CI before any test runs: lint, formatting, types (settings in pyproject.toml).
lint: setup-test
	$(PY) -m ruff check $(CODE)
	$(PY) -m ruff format --check $(CODE)
	$(PY) -m mypy

test: lint browser tesseract
	$(PY) -m pytest

test-fast: lint tesseract
	$(PY) -m pytest -m "not slow"
