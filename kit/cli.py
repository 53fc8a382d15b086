"""The ``kit`` command: a thin layer over the modules that do the work."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from kit import __version__

STORE_HELP = "store path or URL (default: $KIT_STORE, else a SQLite file in your data folder)"
DEFAULT_URL = "http://localhost:8866"
URL_HELP = (
    f"the server's address (default: the running kit serve's on this store, else {DEFAULT_URL})"
)


def _parser() -> argparse.ArgumentParser:
    from kit.cohort import PERSONAL

    parser = argparse.ArgumentParser(
        prog="kit", description="Customer Value Workbooks: workbooks for customer-centred teams."
    )
    parser.add_argument("--version", action="version", version=f"kit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the workbooks as a web app (Voilà)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 lets a team join"
    )
    serve.add_argument(
        "--port", type=int, default=None, help="port (default 8866, or the next free one)"
    )
    serve.add_argument("--store", help=STORE_HELP)
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="run N servers behind one address, with HAProxy in front (default 1: one process)",
    )
    serve.add_argument("--workbooks", type=Path, help="serve notebooks from this folder instead")
    serve.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        help="pages running at once, at most (default 60; each takes some 55 MiB)",
    )
    serve.add_argument(
        "--max-kernels-per-client",
        type=int,
        default=None,
        help="pages one device (address) runs at once, at most (default 10)",
    )
    serve.add_argument(
        "--trust-proxy",
        action="store_true",
        help="behind a proxy you run (nginx, Traefik, HAProxy): take each visitor's address "
        "from X-Forwarded-For, so the per-device limits do not lump everyone together",
    )
    serve.add_argument(
        "--room",
        type=int,
        default=None,
        help="people who open the join link at once (default 4): while a team session is "
        "open, up to this many warm kernels wait for each page they open, within a 4 GiB budget",
    )
    serve.add_argument(
        "--no-warm-kernels",
        action="store_true",
        help="start every page's kernel when the page is opened (less memory, slower pages)",
    )
    serve.add_argument("--cull-idle", type=int, default=None, help=argparse.SUPPRESS)
    serve.add_argument("--cull-unconnected", type=float, default=None, help=argparse.SUPPRESS)
    serve.add_argument("--abandoned-after", type=float, default=None, help=argparse.SUPPRESS)

    export = sub.add_parser("export", help="write answers as tidy CSV or JSON")
    export.add_argument("--session", help="only this team session")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument(
        "--table",
        choices=("answers", "map-elements", "map-connections"),
        default="answers",
        help="for CSV: the answers, or the customer maps' elements or connections "
        "(JSON always carries answers and maps together)",
    )
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--store", help=STORE_HELP)

    report = sub.add_parser(
        "report", help="write every participant's report and the team report of a session"
    )
    report.add_argument("--session", required=True, help="the team session's join code")
    report.add_argument("--out", type=Path, required=True, help="folder to write the reports in")
    report.add_argument(
        "--jobs", type=int, default=2, help="reports made at once, one per core (default 2)"
    )
    report.add_argument(
        "--instrument",
        choices=tuple(PERSONAL),
        default="hidden_leader",
        help="what each person's report shows (default: hidden_leader)",
    )
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.add_argument("--store", help=STORE_HELP)

    imp = sub.add_parser("import", help="import an answers file (all of it or nothing)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--store", help=STORE_HELP)

    demo = sub.add_parser("demo", help="write simulated answers, marked as demo data")
    demo.add_argument("--participants", type=int, required=True)
    demo.add_argument("--session", help="team session code for the demo people")
    demo.add_argument("--seed", type=int, help="repeatable answers")
    demo.add_argument("--store", help=STORE_HELP)
    demo.add_argument("--url", default=None, help=URL_HELP)

    session = sub.add_parser(
        "session", help="create and list team sessions (join codes, coach links)"
    )
    session_sub = session.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = session_sub.add_parser("new", help="create a team session; prints its links")
    new.add_argument("--name", required=True, help="what the team sees, e.g. 'Service desk, March'")
    new.add_argument(
        "--named",
        action="store_true",
        help="ask people for their names (the coach can open each person's results); "
        "without it the session is anonymous",
    )
    new.add_argument(
        "--min-group",
        type=int,
        default=5,
        help="team figures show once this many have answered (default 5, never below 3)",
    )
    new.add_argument("--url", default=None, help=URL_HELP)
    new.add_argument("--store", help=STORE_HELP)
    listing = session_sub.add_parser("list", help="list team sessions with their links")
    listing.add_argument("--all", action="store_true", help="include closed and demo sessions")
    listing.add_argument("--url", default=None, help=URL_HELP)
    listing.add_argument("--store", help=STORE_HELP)

    kept = sub.add_parser("store", help="look after the store: backups, upgrades, moving it")
    kept_sub = kept.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    backup = kept_sub.add_parser(
        "backup", help="copy the store to a new file, safely while kit serve runs"
    )
    backup.add_argument(
        "dest", nargs="?", type=Path, help="the new file (default: beside the store, dated)"
    )
    backup.add_argument("--store", help=STORE_HELP)
    upgrade = kept_sub.add_parser(
        "upgrade", help="bring the store to this kit's schema (keeps a backup of it first)"
    )
    upgrade.add_argument("--store", help=STORE_HELP)
    copying = kept_sub.add_parser(
        "copy",
        help="copy every record into a new, empty store: SQLite to PostgreSQL and back",
    )
    copying.add_argument("source", metavar="FROM", help="the store to copy (path or URL)")
    copying.add_argument("target", metavar="TO", help="the new store (path or URL)")

    check = sub.add_parser("check", help="validate content files (exit 1 when any is wrong)")
    check.add_argument(
        "dir", nargs="?", type=Path, help="content folder (default: the kit's data/)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kit`` command; return its exit code."""
    args = _parser().parse_args(argv)
    from kit.content import ContentError
    from kit.serve import ServeError
    from kit.store.errors import StoreError
    from kit.store.records import ImportFileError

    try:
        return _COMMANDS[args.command](args)
    except (StoreError, ImportFileError, ContentError, ServeError, ValueError) as err:
        print(f"kit {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _serve(args: argparse.Namespace) -> int:
    from kit.database import open_store
    from kit.serve import ServeOptions, choose_port, serve

    store = open_store(args.store)  # fail here, clearly, before the server starts
    location = store.location
    if args.store:
        # The workers and every page's kernel find the store, and any
        # password in its URL, here: never in a command line `ps` shows.
        os.environ["KIT_STORE"] = args.store
    sessions = [s for s in store.team_sessions() if not (s.closed or s.demo)]
    store.close()
    if args.workbooks and not args.workbooks.is_dir():
        raise ValueError(f"--workbooks {args.workbooks} is not a folder")
    port = choose_port(args.host, args.port or 8866, explicit=args.port is not None)
    options = ServeOptions(
        host=args.host,
        port=port,
        open_browser=not args.no_browser,
        root=args.workbooks.resolve() if args.workbooks else None,
    )
    for name in ("max_kernels", "max_kernels_per_client"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        if value is not None:
            options = replace(options, **{name: value})
    if args.trust_proxy:
        options = replace(options, trust_proxy=True)
    if args.room is not None:
        if args.room < 1:
            raise ValueError("--room must be at least 1")
        options = replace(options, room=args.room)
    if args.no_warm_kernels:
        options = replace(options, preheat=False)
    if args.cull_unconnected:  # hidden, as --cull-idle
        options = replace(options, unconnected_seconds=args.cull_unconnected)
    if args.abandoned_after:  # hidden, as --cull-idle
        options = replace(options, abandoned_seconds=args.abandoned_after)
    if args.cull_idle:  # hidden: lets a test watch culling in seconds, not minutes
        options = replace(
            options,
            cull_idle_seconds=args.cull_idle,
            cull_interval_seconds=max(1, args.cull_idle // 3),
        )
    if args.workers < 1:
        raise ValueError("--workers must be at least 1")
    if args.workers > 1:
        from kit.serve_workers import serve_workers

        serve_workers(options, location, args.workers, sessions)
        return 0
    serve(options, location, sessions)
    return 0


def _session(args: argparse.Namespace) -> int:
    from kit.database import open_store
    from kit.serve import session_lines

    store = open_store(args.store)
    if args.action == "new":
        created = store.create_session(
            args.name, anonymous=not args.named, min_group=args.min_group
        )
        print(f"Created team session {created.code}: {created.title}")
        url, said = _server_url(args.url, store.location)
        print(f"Its links ({said}):")
        for line in session_lines(url, created):
            print(line)
        print("Keep the coach link to yourself: it opens the team's results.")
        return 0
    shown = [s for s in store.team_sessions() if args.all or not (s.closed or s.demo)]
    if not shown:
        print("No open team sessions. Create one with: kit session new --name 'My team'")
        return 0
    url, said = _server_url(args.url, store.location)
    print(f"Links {said}:")
    for team in shown:
        for line in session_lines(url, team):
            print(line)
    return 0


def _export(args: argparse.Namespace) -> int:
    from kit.database import open_store
    from kit.exchange import maps_for_file
    from kit.maps.files import map_tables_csv
    from kit.store import records
    from kit.team.anonymity import shared_rows

    store = open_store(args.store)
    # The same rows, through the same gates, as kit.data.answers gives analysts.
    shared = shared_rows(store, args.session)
    team = shared.session
    if team is not None:
        args.session = team.code  # as typed, with dashes and case forgiven
    if team is not None and team.anonymous:
        print(
            f"Session {team.code} is anonymous: the file has one row per answer under ids no one "
            "can link to a name, with the day, not the time, of each answer. Keep it, and the "
            "team report (your view, with spreads and counts), to yourself: participants see "
            "the revealed results on their own pages.",
            file=sys.stderr,
        )
    for note in shared.held_back:
        print(note, file=sys.stderr)
    rows = shared.rows
    # A held-back session's maps and circles stay in the store with its answers.
    held = {p for s in shared.hidden for p in store.maps(session=s.code)}
    held |= {p for s in shared.hidden for p, _ in store.circle_codes(session=s.code)}
    maps = {p: m for p, m in store.maps(session=args.session).items() if p not in held}
    what = f"{_count(len(rows), 'answer')}, {_count(len(maps), 'customer map')}"
    if args.format == "json":
        circles = {
            p: c for p, c in store.circle_records(session=args.session).items() if p not in held
        }
        what += f", {_count(sum(len(c) for c in circles.values()), 'circle')}"
        held |= {p for s in shared.hidden for p, *_ in store.value_chains(session=s.code)}
        # As with answers, an anonymous session's records carry the day, not the second:
        # a time could be matched to whoever was seen typing then.
        hidden_time = {
            p
            for s in store.team_sessions()
            if s.anonymous and not s.demo
            for p in [
                *store.maps(session=s.code),
                *(c[0] for c in store.value_chains(session=s.code)),
            ]
        }
        chains = {
            p: {"updated_at": _day_of(stamp) if p in hidden_time else stamp, **body}
            for p, _, stamp, body in store.value_chains(session=args.session)
            if p not in held
        }
        maps = {
            p: ((_day_of(stamp), cmap) if p in hidden_time else (stamp, cmap))
            for p, (stamp, cmap) in maps.items()
        }
        what += f" and {_count(len(chains), 'value-chain check')}"
        text = (
            records.to_json(rows, maps=maps_for_file(maps), circles=circles, value_chains=chains)
            + "\n"
        )
    elif args.table == "answers":
        text, what = records.to_csv(rows), f"{len(rows)} answers"
    else:
        text = map_tables_csv(maps, args.table.removeprefix("map-"))
        what = f"the {args.table.removeprefix('map-')} of {len(maps)} customer maps"
    if args.out:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise ValueError(f"cannot write {args.out}: {err.strerror}") from None
        print(f"Wrote {what} to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _report(args: argparse.Namespace) -> int:
    from kit.cohort import plan, run
    from kit.database import open_store

    if args.jobs < 1:
        raise ValueError("--jobs must be 1 or more")
    store = open_store(args.store)
    try:
        jobs, result = plan(store, args.session, args.out, args.instrument)
    finally:
        store.close()
    for note in result.notes:
        print(note, file=sys.stderr)
    for skipped in result.skipped:
        print(f"skipped {skipped}", file=sys.stderr)
    run(jobs, result, workers=args.jobs, progress=not args.quiet)
    print(f"Wrote {_count(len(result.written), 'report')} to {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from kit.database import open_store
    from kit.exchange import import_answers

    try:
        data = args.file.read_bytes()
    except OSError as err:
        raise ValueError(f"cannot read {args.file}: {err.strerror}") from None
    store = open_store(args.store)
    summary = import_answers(store, data, args.file.name)
    maps = (
        f" and {summary.maps} customer map{'s' if summary.maps != 1 else ''}"
        if summary.maps
        else ""
    )
    if summary.circles:
        maps += f" and {summary.circles} circle{'s' if summary.circles != 1 else ''}"
    if summary.value_chains:
        maps += f" and {_count(summary.value_chains, 'value-chain check')}"
    print(
        f"Imported {summary.answers} answers{maps}: {summary.new_participants} new and "
        f"{summary.updated_participants} existing participants, into {store.location}"
    )
    return 0


def _server_url(given: str | None, store_location: str) -> tuple[str, str]:
    """The server address for printed links, and where it came from."""
    from kit.serve import serving_url

    if given:
        return given.rstrip("/"), f"for {given.rstrip('/')}"
    running = serving_url(store_location)
    if running:
        return running, f"for the kit serve running at {running}"
    return DEFAULT_URL, (
        f"for kit serve on {DEFAULT_URL}; if it chose another port, use the links it prints "
        "or kit session list"
    )


def _demo(args: argparse.Namespace) -> int:
    from kit.database import open_store
    from kit.demo import simulate

    store = open_store(args.store)
    summary = simulate(store, args.participants, session=args.session, seed=args.seed)
    where = f" in session {args.session}" if args.session else ""
    print(
        f"Wrote {summary.answers} demo answers for {args.participants} participants{where} "
        f"to {store.location}"
    )
    team = store.team_session(args.session) if args.session else None
    if team is not None:
        from kit.serve import session_lines

        url, said = _server_url(args.url, store.location)
        print(f"The team session's links ({said}):")
        for line in session_lines(url, team):
            print(line)
    if summary.example_code:
        print(
            "The first demo participant has the example customer map and a circle with "
            f"{summary.circle_sessions} past sessions: open 03_customer_map.ipynb or "
            f"05_circle_session.ipynb with ?resume={summary.example_code}"
        )
    return 0


def _store(args: argparse.Namespace) -> int:
    from kit.database import open_store, store_location
    from kit.store.core import SCHEMA_VERSION
    from kit.store.engine import is_postgres
    from kit.store.upkeep import backup, default_backup_path, schema_version, sqlite_path

    if args.store_command == "copy":
        return _copy_store(args.source, args.target)
    location = store_location(args.store)
    if is_postgres(location):
        return _postgres_store(args, location)
    path = sqlite_path(location).expanduser().resolve()
    if args.store_command == "backup":
        done = backup(path, args.dest or default_backup_path(path))
        print(f"Backed up {path} to {done.summary()}")
        return 0
    before = schema_version(path)
    if before == SCHEMA_VERSION:
        print(f"{path} is at schema {SCHEMA_VERSION}, this kit's: nothing to do")
        return 0
    # A migration is one way: a file with anything in it is kept first (a
    # newer kit's file is refused by open_store below, and left alone).
    existing = path.is_file() and path.stat().st_size > 0
    kept = backup(path, default_backup_path(path)) if existing and before < SCHEMA_VERSION else None
    open_store(str(path)).close()
    if kept is None:
        print(f"Created a new store at {path} (schema {SCHEMA_VERSION})")
        return 0
    if before == 0:
        print(
            f"Added the kit's tables to {path}, which had no kit schema (schema {SCHEMA_VERSION})"
        )
    else:
        print(f"Upgraded {path} from schema {before} to {SCHEMA_VERSION}")
    print(f"The file as it was is kept at {kept.path}")
    return 0


def _copy_store(source: str, target: str) -> int:
    from kit.database import open_store
    from kit.store.copy import copy_records
    from kit.store.core import SCHEMA_VERSION
    from kit.store.engine import is_postgres
    from kit.store.errors import StoreError
    from kit.store.upkeep import redacted, schema_version, sqlite_path

    shown_source, shown_target = redacted(source), redacted(target)
    if not is_postgres(source):
        path = sqlite_path(source).expanduser().resolve()
        if not path.is_file():
            raise StoreError(f"there is no store at {path} to copy")
        if schema_version(path) < SCHEMA_VERSION:
            raise StoreError(
                f"{path} is at an older schema; run 'kit store upgrade --store {path}' first "
                "(it keeps a copy of the file as it was)"
            )
        source = str(path)
    if not is_postgres(target):
        target = str(sqlite_path(target).expanduser().resolve())
    if source == target:
        raise StoreError("copy into another store than the one you copy from")
    src = open_store(source)
    dst = open_store(target)
    try:
        done = copy_records(src._db, dst._db, shown_target)
    finally:
        src.close()
        dst.close()
    print(f"Copied {shown_source} to {shown_target}: {done.summary()}")
    print("Counts and content hash are the same on both sides.")
    return 0


def _postgres_store(args: argparse.Namespace, url: str) -> int:
    from sqlalchemy.exc import DBAPIError

    from kit.database import open_store
    from kit.store.core import SCHEMA_VERSION
    from kit.store.engine import Db, postgres_engine
    from kit.store.errors import StoreError, driver_message
    from kit.store.upkeep import redacted, with_known_password, without_password

    shown = redacted(url)
    if args.store_command == "backup":
        print(
            f"{shown} is a PostgreSQL database: back it up with PostgreSQL's own pg_dump, e.g.\n"
            f"  pg_dump --format=custom --file kit-backup.dump '{without_password(url)}'\n"
            "(the password from PGPASSWORD or ~/.pgpass); pg_restore brings it back. "
            "See deploy/README.md.",
            file=sys.stderr,
        )
        return 1
    try:
        db = Db(postgres_engine(with_known_password(url)))
        try:
            before = db.schema_version()
        finally:
            db.close()
    except DBAPIError as err:
        raise StoreError(f"cannot use {shown} as the kit's store ({driver_message(err)})") from None
    if before == SCHEMA_VERSION:
        print(f"{shown} is at schema {SCHEMA_VERSION}, this kit's: nothing to do")
        return 0
    open_store(url).close()
    if before == 0:
        print(f"Created the kit's tables in {shown} (schema {SCHEMA_VERSION})")
    else:
        print(f"Upgraded {shown} from schema {before} to {SCHEMA_VERSION}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kit.circles.content import AGENDA_FILE, agenda_template
    from kit.content import ContentError
    from kit.instruments.content import check_dir
    from kit.paths import data_dir

    directory = args.dir or data_dir()
    found, found_problems = check_dir(directory)
    problems: list[object] = list(found_problems)
    if (directory / AGENDA_FILE).is_file():
        try:
            agenda_template(directory)
        except ContentError as err:
            problems = [*problems, *err.problems]
    from kit.organisation.content import CHAIN_FILE, parse_chain

    if (directory / CHAIN_FILE).is_file():
        try:
            path = directory / CHAIN_FILE
            parse_chain(path.read_text(encoding="utf-8"), str(path))
        except ContentError as err:
            problems = [*problems, *err.problems]
    if (directory / "example_map").is_dir():
        from kit.maps.files import MapFileError, example_map

        try:
            example_map(directory)
        except MapFileError as err:
            problems = [*problems, *err.errors]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found in {directory}", file=sys.stderr)
        return 1
    example = "; so is the example customer map" if (directory / "example_map").is_dir() else ""
    if (directory / CHAIN_FILE).is_file():
        example += "; so is the value-chain check's wording"
    print(
        f"{len(found)} content file(s) in {directory} are valid: "
        f"{', '.join(i.id for i in found)}{example}"
    )
    return 0


def _day_of(stamp: str) -> str:
    """A time stamp cut to its day (UTC midnight), as anonymous sessions' exports give it.

    >>> _day_of("2027-03-15T09:41:07+00:00")
    '2027-03-15T00:00:00+00:00'
    """
    return stamp[:10] + "T00:00:00+00:00"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_COMMANDS = {
    "serve": _serve,
    "export": _export,
    "report": _report,
    "import": _import,
    "demo": _demo,
    "check": _check,
    "session": _session,
    "store": _store,
}
