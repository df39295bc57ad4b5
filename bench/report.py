"""Tables for the terminal and for README.md (GitHub markdown), and the numbers behind them.

Ratios are time ratios, tray's µs/request divided by the other's: below 1.00 tray is faster,
above 1.00 it is slower (vs the raw floor, it is tray's overhead factor). Geometric means are
taken over the scenarios every column has a number for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.measure import LayerResult

Row = list[str]


def geomean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def markdown(header: Row, rows: Sequence[Row]) -> str:
    """A markdown table with right-aligned numeric columns, padded to read well as text."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Row) -> str:
        numbers = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *numbers]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(["-" * (widths[0] + 2)] + ["-" * (w + 1) + ":" for w in widths[1:]])
    return "\n".join([line(header), rule + "|", *(line(row) for row in rows)])


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def ratio_columns(
    layer: LayerResult,
    reference: str,
    extra: dict[str, dict[str, float]] | None = None,
    skip: Sequence[str] = (),
) -> dict[str, dict[str, float]]:
    """``column name -> scenario -> ratio`` for the reference against every other runner
    (but ``skip``), then the ``extra`` columns."""
    columns: dict[str, dict[str, float]] = {}
    for label in layer.labels:
        if label == reference or label in skip:
            continue
        column: dict[str, float] = {}
        for scenario in layer.cells:
            ratio = layer.ratio(scenario, reference, label)
            if ratio is not None:
                column[scenario] = ratio
        columns[f"{reference}÷{label}"] = column
    columns.update(extra or {})
    return columns


def layer_table(
    layer: LayerResult, scenarios: Sequence[str], ratios: dict[str, dict[str, float]]
) -> str:
    """Rows = scenarios, then µs/request per runner, then the ratio columns; a geomean row."""
    header = ["scenario", *(f"{label} µs" for label in layer.labels), *ratios]
    rows: list[Row] = []
    for scenario in scenarios:
        times = [layer.median(scenario, label) for label in layer.labels]
        failed = layer.failures.get(scenario, {})
        cells = [
            "FAIL" if label in failed else fmt(t, 2 if t is not None and t < 10 else 1)
            for label, t in zip(layer.labels, times, strict=True)
        ]
        rows.append([scenario, *cells, *(fmt(col.get(scenario), 2) for col in ratios.values())])
    complete = [s for s in scenarios if all(layer.median(s, lb) for lb in layer.labels)]
    means = [geomean([layer.median(s, lb) or math.nan for s in complete]) for lb in layer.labels]
    ratio_means = [geomean([col[s] for s in complete if s in col]) for col in ratios.values()]
    rows.append(["**geomean**", *(fmt(m, 2) for m in means), *(fmt(r, 2) for r in ratio_means)])
    return markdown(header, rows)


def layer_json(layer: LayerResult, ratios: dict[str, dict[str, float]]) -> dict[str, object]:
    return {
        "protocol": layer.protocol,
        "frameworks": layer.labels,
        "us_per_request": {
            scenario: {
                label: {
                    "median": cell.median_us,
                    "runs": cell.runs_us,
                    "requests_per_run": cell.requests,
                }
                for label, cell in cells.items()
            }
            for scenario, cells in layer.cells.items()
        },
        "ratios": ratios,
        "failures": layer.failures,
    }
