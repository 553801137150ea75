"""gunicorn's settings module: `gunicorn -c python:config.gunicorn config.wsgi` (`make run` uses it).

Only what the site needs from every deployment; bind address, processes and threads stay on the
command line. A web process that exits leaves its Prometheus files behind (config/metrics.py): its
counters still count, but its share of the live gauges (requests in progress) must go.
"""


def child_exit(server, worker):
    from prometheus_client import multiprocess

    from config.env import metrics_dir

    multiprocess.mark_process_dead(worker.pid, str(metrics_dir()))
