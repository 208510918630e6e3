# Two commands do all the set-up (see README.md). Windows: `py bootstrap.py run|test`.
PYTHON ?= python3

.PHONY: run site screenshots test test-fast bench exercises clean-notebooks

run:            ## execute every practice and solution notebook, build the course site in build/site/
	$(PYTHON) bootstrap.py run

site:           ## rebuild build/site/ from the last run's executed notebooks (no execution)
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/course site

screenshots:    ## screenshots of build/site/ in headless Chromium -> build/screenshots/*.png
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/python -m course_utils.tools.site.browser

test:           ## create .venv if needed, then run the whole test suite (unit + notebooks)
	$(PYTHON) bootstrap.py test

test-fast:      ## the unit tests only: no Jupyter kernel, no nbval, no wheel build (about 30 s)
	$(PYTHON) bootstrap.py test tests -m "not notebook and not slow"

bench:          ## run the benchmarks (P1-P7) and print their tables
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/python -m benchmarks.run_all

exercises:      ## regenerate exercises/ from solutions/
	$(PYTHON) bootstrap.py shell >/dev/null && .venv/bin/course generate
