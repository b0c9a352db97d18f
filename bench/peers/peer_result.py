"""The result line every Python peer prints: a summary on stderr and one JSON object on stdout in the schema that
bench/report.py reads ({"workload", "impl", "threads", "median_ms", "min_ms", "max_ms", "runs"} plus extras)."""
import json
import sys

import numpy as np


def report(workload, impl, threads, times_ms, note="", **extra):
    """Prints the median, min and max of `times_ms`; `extra` fields (versions, compile time) join the JSON object."""
    times = sorted(times_ms)
    med = float(np.median(times))
    print(f"{workload} {impl} threads={threads}: median {med:.3f} ms (min {times[0]:.3f}, max {times[-1]:.3f}, "
          f"{len(times)} runs{note})", file=sys.stderr)
    print(json.dumps({"workload": workload, "impl": impl, "threads": threads, "median_ms": round(med, 3),
                      "min_ms": round(times[0], 3), "max_ms": round(times[-1], 3), "runs": len(times), **extra}),
          flush=True)
