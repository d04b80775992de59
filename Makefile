# Thin entry points; the work is in tools/ (see README.rst).
# Variables (make VAR=value, see README.rst "Configuration"): HTTP_PORT, DB_NAME,
# WORKERS, CRON_THREADS, REPLICA, SCM_PG_REPLICA_PORT, PROXY_MODE, T, B, KEEP_DB.
.PHONY: run test test-compat lint i18n bench screenshots pg-stop clean

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh $(T)

test-compat:
	@bash tools/test_compat.sh

lint:
	@bash tools/bootstrap.sh && .venv/bin/ruff check . && .venv/bin/pylint --rcfile=.pylintrc sales_cycle_mgmt

i18n:
	@bash tools/i18n.sh

bench:
	@bash tools/bench.sh $(B)

# the Apps page's screenshots, from the screens tours, on a running `make run`
screenshots:
	@bash tools/bootstrap.sh && .venv/bin/python tools/screenshots.py --base http://127.0.0.1:$${HTTP_PORT:-8069} --db $${DB_NAME:-sales_cycle}

pg-stop:
	@bash tools/pg.sh stop

clean: pg-stop
	rm -rf .venv .state
