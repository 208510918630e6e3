# Two commands do all the set-up (see README.md). Windows: `py bootstrap.py run|test`.
PYTHON ?= python3

.PHONY: run test bench exercises clean-notebooks

run:            ## execute every practice and solution notebook, write build/index.html
	$(PYTHON) bootstrap.py run

test:           ## create .venv if needed, then run the whole test suite (unit + notebooks)
	$(PYTHON) bootstrap.py test

bench:          ## run the benchmarks (P1-P5) and print their tables
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/python -m benchmarks.run_all

exercises:      ## regenerate exercises/ from solutions/
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/course generate
