"""Time and peak memory of `littlegiant ingest` on hostile list files (issue 15, item 2).

Each bomb (``tests/ingest/bombs.py``: written here, never shipped) is ingested by the command in
a fresh process against a store built once, and the process's wall time, peak RSS, exit status
and the length of what it printed are recorded. A process is stopped past ``--timeout`` seconds
or ``--memory`` MB of address space, so a reader without limits shows as "> 60 s" or "MemoryError"
instead of taking the machine down.

    python bench/bench_bombs.py                      # this checkout
    python bench/bench_bombs.py --repo /path/to/other/checkout   # e.g. the code before a change

The other checkout runs with its own ``.venv``; the bomb files are the same for both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from tests.ingest.bombs import BOMBS  # noqa: E402

# the reader alone, after its imports: parse_list's own time, printed as the last line
READER = (
    "import sys, time; from ingest.parse_list import parse_list; t = time.perf_counter(); "
    "parse_list(sys.argv[1], kind_hint='batch'); print(f'{time.perf_counter() - t:.3f}')"
)


def limit(memory_mb: int) -> None:
    """In the child: cap the address space, so a bomb ends in MemoryError, not the OOM killer."""
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float, memory_mb: int
) -> dict[str, object]:
    """Run ``command``; its own peak RSS comes from wait4, so no other child counts."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=output,
            preexec_fn=lambda: limit(memory_mb),  # only setrlimit, before exec
        )
        status: object = None
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(code)
                break
            if time.perf_counter() - started > timeout:
                proc.kill()
                _, _, usage = os.wait4(proc.pid, 0)
                status = f"> {timeout:g} s"
                break
            time.sleep(0.02)
        proc.returncode = 0  # reaped here: Popen must not wait for it again
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "status": status,
        "printed": len(text),
        "traceback": "Traceback" in text,
        "memory_error": "MemoryError" in text,
        "last": text.strip().splitlines()[-1][:140] if text.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, default=HERE, help="the checkout whose command runs")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--memory", type=int, default=3000, help="address-space cap, MB")
    parser.add_argument("--only", nargs="*", help="bomb names to run (default: all)")
    args = parser.parse_args()
    python = args.repo / ".venv" / "bin" / "python"
    work = Path(tempfile.mkdtemp(prefix="lg-bombs-"))
    try:
        files = work / "files"
        files.mkdir()
        env = {
            **os.environ,
            "LG_STORE": str(work / "store"),
            "LG_REGISTRY": str(work / "registry"),
        }
        shutil.copytree(args.repo / "data" / "registry", work / "registry")
        built = subprocess.run(
            [str(python), "-m", "ingest.cli", "build"], cwd=args.repo, env=env, capture_output=True
        )
        if built.returncode != 0:
            raise SystemExit(built.stderr.decode())
        baseline = run([str(python), "-c", "import ingest.cli"], env, args.repo, 60, args.memory)
        print(f"repo {args.repo}; importing the command alone: {baseline['peak_mb']:.0f} MB")
        columns = f"{'bomb':22} {'bytes':>12} {'seconds':>8} {'peak MB':>8} {'exit':>14}"
        print(f"{columns} {'printed':>9} {'reader s':>9}  last line")
        for name, (file, make) in BOMBS.items():
            if args.only and name not in args.only:
                continue
            path = make(files / file)
            command = [
                str(python),
                "-m",
                "ingest.cli",
                "ingest",
                str(path),
                "--kind",
                "batch",
                "--date",
                "2025-07-01",
            ]
            r = run(command, env, args.repo, args.timeout, args.memory)
            reader = run(
                [str(python), "-c", READER, str(path)], env, args.repo, args.timeout, args.memory
            )
            alone = str(reader["last"]) if reader["status"] == 0 else str(reader["status"])
            status = "MemoryError" if r["memory_error"] else str(r["status"])
            status += " +traceback" if r["traceback"] else ""
            print(
                f"{name:22} {path.stat().st_size:>12,} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f} "
                f"{status:>14} {r['printed']:>9,} {alone[:9]:>9}  {r['last']}"
            )
            path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
