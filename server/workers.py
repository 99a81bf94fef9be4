"""What ``pmo serve`` prepares in its own process before uvicorn starts the workers: the
metrics' shared directory and port, and the logging configuration.

With metrics on (``PMO_METRICS_TOKEN`` or ``PMO_METRICS_PORT``), the workers share one
directory for their values (prometheus-client's multiprocess mode, server/metrics.py): made
fresh for this run under the temporary directory and removed when ``pmo serve`` exits, unless
``PROMETHEUS_MULTIPROC_DIR`` already names one (then its old values are cleared). It is set in
the environment here, before anything imports prometheus-client, so that every worker (and
this process, which runs the app itself with one worker) writes there.

With ``PMO_METRICS_PORT``, this process serves the sum of every worker's metrics on that
port (a thread): it outlives the workers that uvicorn restarts, and answers while they are
busy. Nothing else in this module imports prometheus-client.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import tempfile
from types import FrameType
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

from server.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
VALUE_FILES = ("counter_*.db", "gauge_*.db", "histogram_*.db", "summary_*.db")


def prepare(settings: Settings, *, host: str) -> str | None:
    """Give the workers their metrics directory and start the metrics port if asked; the
    directory (None with metrics off)."""
    if settings.metrics_token is None and settings.metrics_port is None:
        return None
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        os.makedirs(directory, exist_ok=True)
        for pattern in VALUE_FILES:  # a previous run's values
            for path in glob.glob(os.path.join(directory, pattern)):
                os.remove(path)
    else:
        directory = tempfile.mkdtemp(prefix=f"pmo-metrics-{os.getpid()}-")
        os.environ[MULTIPROC_ENV] = directory
        _remove_at_exit(directory)
    if settings.metrics_port is not None:
        from server.metrics import serve_port  # prometheus-client, now that the variable is set

        serve_port(host, settings.metrics_port, settings.database_url)
    return directory


def _remove_at_exit(directory: str) -> None:
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not in a forked child that inherited the hook
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    # Serving in this process (one worker), uvicorn hands SIGTERM back once it has shut down,
    # and its default action ends the process without atexit: the directory goes first, and
    # the process still ends by the signal, as its supervisor (systemd, Kubernetes) expects.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        def terminated(signum: int, _frame: FrameType | None) -> None:
            remove()
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

        signal.signal(signal.SIGTERM, terminated)


def log_config(settings: Settings) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for uvicorn, its workers and the app, on stderr (the
    banner of ``pmo serve`` and commands' results are stdout's): JSON lines where
    ``settings.json_logs``, uvicorn's readable format otherwise."""
    level = "DEBUG" if settings.debug else "INFO"
    if settings.json_logs:
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.orjson.OrjsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"levelname": "level", "name": "logger",
                              "correlation_id": "request_id"},
            "timestamp": "time",
            # uvicorn adds a coloured copy of some messages: not a field worth shipping.
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
    else:
        formatter = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s",
                     "use_colors": None}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "asgi_correlation_id.CorrelationIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default",
                                 "filters": ["request_id"], "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False},
            "pmo": {"handlers": ["default"], "level": level, "propagate": False},
        },
        # Everything else (SQLAlchemy, libraries' warnings) in the same format.
        "root": {"handlers": ["default"], "level": "WARNING"},
    }
