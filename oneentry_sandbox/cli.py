"""`oneentry-sandbox`: serve a sandbox project until SIGINT/SIGTERM.

    oneentry-sandbox --host 127.0.0.1 --port 8787 --app-token TOKEN \
        [--config FILE] [--deterministic]

Prints `oneentry-sandbox serving http://HOST:PORT` (the real port when `--port 0`) once the
socket listens. Exit codes: 0 after a clean stop, 2 on bad options or a malformed project file
(one line on stderr: the file, the key, the problem and how to fix it; no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from oneentry_sandbox.errors import ConfigError
from oneentry_sandbox.loader import default_project, load_project
from oneentry_sandbox.server import base_url_of, bind, make_server
from oneentry_sandbox.state import SandboxState

__all__ = ["main"]

_PROG = "oneentry-sandbox"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer 0..65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected an integer 0..65535, got {value}")
    return value


def _token(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8787, help="TCP port; 0 picks a free one")
    parser.add_argument("--app-token", type=_token, required=True, help="the x-app-token to accept")
    parser.add_argument("--config", metavar="FILE", help="project file (default: bundled project)")
    parser.add_argument(
        "--deterministic", action="store_true", help="fixed clock and ids for byte-identical runs"
    )
    return parser


def _fail(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return 2


def config_message(exc: ConfigError) -> str:
    """The CLI's one paragraph for a bad project file: what, where, how to fix it."""
    if exc.key == "<file>" and "UTF-8" in exc.problem:
        return f"{exc}."  # the problem already says how to fix it
    if exc.key == "<file>":
        fix = "Check the --config path and that the file is readable."
    elif exc.key == "<top>":
        fix = (
            "A project file is one YAML mapping; start from a copy of the bundled "
            "oneentry_sandbox/default_project.yaml."
        )
    elif exc.key == "<syntax>":
        fix = "Fix the syntax at the line and column shown."
    else:
        fix = (
            f"Fix '{exc.key}' in {exc.file}; the bundled oneentry_sandbox/default_project.yaml "
            "lists every key with its type."
        )
    return f"{exc}. {fix}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        project = load_project(args.config) if args.config else default_project()
    except ConfigError as exc:
        return _fail(config_message(exc))
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        return _fail(
            f"--host/--port: cannot listen on {args.host}:{args.port}: {exc.strerror}. "
            "Give an address of this machine (default 127.0.0.1) and a free port (0 picks one)."
        )
    state = SandboxState(project, deterministic=args.deterministic)
    server = make_server(state, args.app_token)
    print(f"{_PROG} serving {base_url_of(sock)}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print(f"{_PROG} stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
