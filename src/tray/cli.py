"""The ``tray`` command: ``tray run MODULE:APP`` serves an app, ``tray routes`` lists its rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .serving import INTERFACES, AppNotFound, find_app, run_app

__all__ = ["main"]


def _routes(spec: str, sort: str, all_methods: bool = False) -> int:
    """Print the rule table as ``flask routes`` does; a Subdomain (or, with host matching, a
    Host) column appears when rules are routed by it."""
    app = find_app(spec)
    url_map = app.url_map
    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    rows: list[list[str]] = []
    for rule in url_map.iter_rules():
        methods = ", ".join(sorted((rule.methods or set()) - hidden))
        domain = (rule.host if url_map.host_matching else rule.subdomain) or ""
        rows.append([rule.endpoint, methods, domain, rule.rule])
    if not rows:
        print("No routes were registered.")
        return 0
    if sort != "match":  # "match": the order the router tries them in
        key = {"endpoint": 0, "methods": 1, "domain": 2, "rule": 3}[sort]
        rows.sort(key=lambda row: row[key])
    headers = ["Endpoint", "Methods", "Host" if url_map.host_matching else "Subdomain", "Rule"]
    if not any(row[2] for row in rows):
        headers.pop(2)
        for row in rows:
            del row[2]
    widths = [max(len(h), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers).rstrip())
    print(line.format(*("-" * w for w in widths)).rstrip())
    for row in rows:
        print(line.format(*row).rstrip())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tray", description="Serve and inspect tray apps.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve MODULE:APP with granian")
    run.add_argument("app", help="MODULE:APP, e.g. examples.kitchen:app")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--interface", choices=INTERFACES, default="wsgi")
    run.add_argument("--reload", action="store_true", help="restart when code changes")
    routes = commands.add_parser("routes", help="list the URL rules of MODULE:APP")
    routes.add_argument("app")
    routes.add_argument(
        "--sort",
        "-s",
        choices=("endpoint", "methods", "domain", "rule", "match"),
        default="endpoint",
        help="the column to sort by; 'match' is the order rules are tried in",
    )
    routes.add_argument("--all-methods", action="store_true", help="show HEAD and OPTIONS too")
    args = parser.parse_args(argv)
    try:
        if args.command == "routes":
            return _routes(args.app, args.sort, args.all_methods)
        app = find_app(args.app)
        module, _, attr = args.app.partition(":")
        target = f"{module}:{attr or 'app'}" + (".asgi" if args.interface == "asgi" else "")
        run_app(
            app,
            args.host,
            args.port,
            interface=args.interface,
            workers=args.workers,
            reload=args.reload,
            target=target,
        )
    except AppNotFound as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
