"""Turn a synthetic workspace of N offers into build timings, against two baselines.

    make bench            # N=200
    make bench N=5        # the quick mode CI runs so the benchmark cannot rot

    make bench-noop       # only the no-op build of 1,000 offers

Measures, in one run and on the same documents: the cold parallel build, a no-op
rebuild, rebuilds after changing one offer, one client and a template; a naive baseline
(a plain loop in one process rendering every document with fresh templates, fonts and
stylesheet each time); LibreOffice converting the same DOCX files to PDF in one batch
(installed first when the benchmark runs as root), against offergen's PDFs of them, in
CPU time; each worker's peak memory during the cold build (see bench_memory.py). Then
the answers a user waits for, each against its target: `offergen --help`, `check` of
the example, a cold `build OFFER` of one proposal, and the time from saving a 3-page
proposal to its new PDF under `offergen watch`; and a no-op build of 1,000 offers (after
their cold build), against its target of a second. Prints a table and writes
out/bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# bench_memory beside this file, whether run as a script or imported as tools.bench
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_memory import TARGET_MIB, MemorySampler, libreoffice

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("pumps", "valves", "motors", "pipes", "spares", "services")
CLIENT_TEMPLATES = ("acme", "kuznetsova", "tula-water", "nordic-pumps")


@dataclass
class Measure:
    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    documents: int

    @property
    def per_document(self) -> float:
        return self.seconds / self.documents if self.documents else 0.0


# --- the synthetic workspace ----------------------------------------------------------------


def make_workspace(target: Path, offers: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    for name in ("offergen.yaml", "discounts.yaml"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "templates", target / "templates")
    (target / "clients").mkdir()
    (target / "offers").mkdir()
    items = []
    for n in range(120):
        category = CATEGORIES[n % len(CATEGORIES)]
        price = rng.randrange(50_000, 25_000_000) / 100
        items.append(
            f"  - sku: item-{n:03d}\n"
            f'    name: {{ru: "Изделие № {n}, {category}", en: "Item No. {n}, {category}"}}\n'
            f"    unit: {{ru: шт., en: pcs}}\n"
            f"    price: {price:.2f}\n"
            f"    prices: {{EUR: {price / 95:.2f}}}\n"
            f"    category: {category}\n"
        )
    items.append(
        "  - sku: pump-cn100\n    name: {ru: Насос ЦН-100, en: Pump CN-100}\n"
        "    unit: {ru: шт., en: pcs}\n    price: 125000.00\n"
        "    prices: {EUR: 1350.00}\n    category: pumps\n"
    )
    (target / "catalog.yaml").write_text("items:\n" + "".join(items), encoding="utf-8")
    clients = []
    for n in range(max(4, offers // 4)):
        template = CLIENT_TEMPLATES[n % len(CLIENT_TEMPLATES)]
        client_id = f"{template}-{n:04d}"
        shutil.copy2(
            ROOT / "clients" / f"{template}.yaml", target / "clients" / f"{client_id}.yaml"
        )
        clients.append((client_id, template))
    for n in range(offers):
        client_id, template = clients[n % len(clients)]
        foreign = template == "nordic-pumps"
        lines = "".join(
            f"  - sku: item-{rng.randrange(120):03d}\n    qty: {rng.randrange(1, 40)}\n"
            + (f"    discount: {rng.choice([2, 5, 7.5])}\n" if rng.random() < 0.2 else "")
            for _ in range(rng.randrange(30, 41))
        )
        text = (
            f"number: BENCH-{n:05d}\nclient: {client_id}\ndate: 2026-12-{1 + n % 28:02d}\n"
            f"status: draft\n"
            + ("currency: EUR\nprices_include_vat: false\nvat_rate: 0\n" if foreign else "")
            + "schemes: [volume-2026, loyalty, prepay, winter]\n"
            + f"items:\n{lines}"
            + "terms: {prepayment_percent: 50, payment_days: 20, delivery_days: 30,"
            " warranty_months: 12}\n"
        )
        if n % 2 == 0:
            text += (
                f'contract:\n  type: supply\n  number: "B-{n:05d}"\n  city: Москва\n'
                "  negotiation:\n    delivery.acceptance:\n      rounds:\n"
                "        - {by: client, date: 2026-12-01, text: Другая редакция.}\n"
            )
        (target / "offers" / f"bench-{n:05d}.yaml").write_text(text, encoding="utf-8")


# --- running and measuring --------------------------------------------------------------------


def measure(name: str, command: list[str], documents: int) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0,):
        sys.stderr.write(completed.stdout[-2000:] + completed.stderr[-2000:])
        raise SystemExit(f"{name}: {' '.join(command)} failed ({completed.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(name, seconds, cpu, after.ru_maxrss / 1024, documents)


def dask_build(
    offergen: list[str], workspace: Path, out: Path, jobs: int, documents: int
) -> Measure | str:
    """The same cold build on a Dask LocalCluster of `jobs` workers (`--scheduler local`),
    or why it cannot run here."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "dask is not installed (pip install 'offergen[dask]')"
    command = [*offergen, "-C", str(workspace), "build", "--scheduler", "local"]
    return measure(
        f"cold build, Dask ({jobs} workers)",
        [*command, "--jobs", str(jobs), "--out", str(out)],
        documents,
    )


def same_documents(one: Path, other: Path) -> bool:
    """Whether two output folders hold the same PDF and DOCX files, byte for byte."""

    def files(folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.suffix in (".pdf", ".docx")
        }

    return files(one) == files(other)


def count_documents(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.suffix in (".pdf", ".docx"))


def naive(workspace: Path, out: Path) -> None:
    """The baseline: one process, a plain loop, nothing reused between documents."""
    from offergen.documents import FORMATS, documents_for
    from offergen.render import Templates
    from offergen.render import pdf as pdf_module
    from offergen.rendering import render_document
    from offergen.validate import load_workspace

    loaded = load_workspace(workspace)
    for offer_id in sorted(loaded.offers):
        for kind in documents_for(loaded, offer_id):
            for fmt in FORMATS:
                pdf_module._ENGINES.clear()  # fresh fonts and stylesheet every time
                templates = Templates(loaded.templates_dir)
                data = render_document(loaded, templates, offer_id, kind.name, fmt)
                path = out / offer_id / f"{kind.file_stem}.{fmt}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


def touch(path: Path) -> None:
    """A change the documents show: an offer's first quantity grows by one (a comment is
    no change to an offer, which is hashed as read); a comment elsewhere."""
    text = path.read_text(encoding="utf-8")
    if path.parent.name == "offers":
        head, _, rest = text.partition("qty: ")
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        changed = f"{head}qty: {int(digits) + 1}{rest[len(digits) :]}"
    else:
        changed = text + ("\n/* changed */\n" if path.suffix == ".css" else "\n# changed\n")
    path.write_text(changed, encoding="utf-8")


# --- the answers a user waits for ---------------------------------------------------------


@dataclass
class Target:
    name: str
    seconds: float  # the best of the runs
    target: float
    runs: list[float]
    cpu_seconds: float | None = None  # of the best run: what a busy machine does not inflate
    note: str = ""

    @property
    def verdict(self) -> str:
        return "PASS" if self.seconds <= self.target else "MISS"


PDF_TARGET = 2.0  # offergen's PDF costs at most twice LibreOffice's, in CPU
PDF_MIN_DOCUMENTS = 100  # below, the ratio says more about two start-ups than about PDFs
ONE_PROPOSAL = "acme-2026-001"  # an example offer whose only document is its proposal
LATENCY_LINES = 60  # lines of the watched proposal: three pages
WATCH_EDITS = 5


def write_long_offer(workspace: Path, qty: int = 1) -> Path:
    """A proposal of LATENCY_LINES lines (three pages) in a synthetic workspace."""
    lines = "".join(
        f"  - sku: item-{n % 120:03d}\n    qty: {qty if n == 0 else 1 + n % 9}\n"
        for n in range(LATENCY_LINES)
    )
    path = workspace / "offers" / "latency.yaml"
    path.write_text(
        "number: LAT-1\nclient: acme-0000\ndate: 2026-12-01\nstatus: draft\n"
        f"documents: [proposal]\nitems:\n{lines}"
        "terms: {prepayment_percent: 50, payment_days: 20, delivery_days: 30,"
        " warranty_months: 12}\n",
        encoding="utf-8",
    )
    return path


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns


def _wait_for_change(path: Path, before: tuple[int, int] | None, timeout: float) -> float:
    """Seconds until `path` is replaced (the build writes it by a rename)."""
    started = time.perf_counter()
    while (waited := time.perf_counter() - started) < timeout:
        if _stamp(path) != before:
            return waited
        time.sleep(0.002)
    raise SystemExit(f"watch: {path} was not rewritten within {timeout:.0f} s")


def _cpu_of(pid: int) -> float | None:
    """CPU seconds a running process has used (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def watch_latency(scratch: Path, offergen: list[str]) -> Target:
    """Seconds from saving a 3-page proposal to its new PDF, under a running watcher."""
    from pypdf import PdfReader

    workspace = scratch / "latency"
    workspace.mkdir()
    make_workspace(workspace, 2)
    write_long_offer(workspace)
    pdf = workspace / "out" / "latency" / "proposal.pdf"
    command = [*offergen, "-C", str(workspace), "watch", "latency"]
    watcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_change(pdf, None, 120)
        time.sleep(0.5)  # the first round has finished writing
        pages = len(PdfReader(pdf).pages)
        runs, cpus = [], []
        for edit in range(WATCH_EDITS):
            before, cpu = _stamp(pdf), _cpu_of(watcher.pid)
            write_long_offer(workspace, qty=2 + edit)  # a new quantity: a new PDF
            runs.append(_wait_for_change(pdf, before, 30))
            after = _cpu_of(watcher.pid)
            cpus.append(after - cpu if after is not None and cpu is not None else None)
            time.sleep(0.3)  # let the round finish (the manifest follows the PDF)
    finally:
        watcher.send_signal(signal.SIGINT)
        _, err = watcher.communicate(timeout=30)
    if watcher.returncode != 0 or b"Traceback" in err:
        sys.stderr.write(err.decode("utf-8", "replace")[-2000:])
        raise SystemExit(f"watch ended with {watcher.returncode}")
    median = sorted(runs)[len(runs) // 2]
    note = f"{pages} pages; median of {len(runs)} saves {median:.2f} s"
    best = runs.index(min(runs))
    return Target("watch: save → new PDF", runs[best], 0.8, runs, cpus[best], note)


def targets(offergen: list[str]) -> list[Target]:
    """The four answers of issue 13, each the best of a few cold processes."""
    found = []
    with tempfile.TemporaryDirectory(prefix="offergen-targets-") as scratch:
        out = Path(scratch) / "one"  # the example is read in place, built elsewhere
        commands = [
            ("offergen --help", [*offergen, "--help"], 0.3, ""),
            ("check (the example)", [*offergen, "-C", str(ROOT), "check"], 0.8, ""),
            (
                f"cold build {ONE_PROPOSAL}",
                [
                    *offergen,
                    "-C",
                    str(ROOT),
                    "build",
                    "--force",
                    "--out",
                    str(out),
                    ONE_PROPOSAL,
                ],
                1.2,
                "a proposal, PDF and DOCX",
            ),
        ]
        for name, command, target, note in commands:
            subprocess.run(command, capture_output=True, check=False)  # disk caches warm
            measures = [measure(name, command, 0) for _ in range(3)]
            best = min(measures, key=lambda m: m.seconds)
            runs = [m.seconds for m in measures]
            found.append(Target(name, best.seconds, target, runs, best.cpu_seconds, note))
        found.append(watch_latency(Path(scratch), offergen))
    return found


NOOP_OFFERS = 1000
NOOP_TARGET = 1.0


def noop_at_scale(offergen: list[str], offers: int, jobs: int) -> Target:
    """A build with nothing to do in a workspace of `offers` offers, after their cold
    build: the best of three, and a run with --verify-outputs (every file hashed)."""
    with tempfile.TemporaryDirectory(prefix="offergen-noop-") as scratch:
        workspace = Path(scratch) / "ws"
        workspace.mkdir()
        make_workspace(workspace, offers)
        build = [*offergen, "-C", str(workspace), "build", "--jobs", str(jobs)]
        cold = measure("cold build", build, 0)
        documents = count_documents(workspace / "out")
        measure("no-op (remembers the plan)", build, 0)  # the first after a cold build
        runs = [measure("no-op", build, 0) for _ in range(3)]
        verified = measure("no-op --verify-outputs", [*build, "--verify-outputs"], 0)
    best = min(runs, key=lambda m: m.seconds)
    note = (
        f"{documents} documents, cold build {cold.seconds:.0f} s; "
        f"--verify-outputs {verified.seconds:.2f} s"
    )
    return Target(
        f"no-op build, {offers} offers",
        best.seconds,
        NOOP_TARGET,
        [m.seconds for m in runs],
        best.cpu_seconds,
        note,
    )


def targets_table(found: list[Target]) -> str:
    rows = [f"{'answer':28} {'best s':>7} {'CPU s':>6} {'target':>7}  verdict  runs (wall s)"]
    for t in found:
        runs = " ".join(f"{r:.2f}" for r in t.runs)
        cpu = "" if t.cpu_seconds is None else f"{t.cpu_seconds:.2f}"
        note = f"  ({t.note})" if t.note else ""
        rows.append(
            f"{t.name:28} {t.seconds:7.2f} {cpu:>6} {t.target:7.2f}  {t.verdict:7}  {runs}{note}"
        )
    rows.append(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall times beyond the "
        "CPU times are waiting for a busy machine"
    )
    return "\n".join(rows)


def run_benchmark(offers: int, jobs: int) -> dict[str, object]:
    offergen = [sys.executable, "-m", "offergen.cli"]
    with tempfile.TemporaryDirectory(prefix="offergen-bench-") as scratch:
        workspace = Path(scratch) / "ws"
        workspace.mkdir()
        make_workspace(workspace, offers)
        out = workspace / "out"
        build = [*offergen, "-C", str(workspace), "build", "--jobs", str(jobs)]
        with MemorySampler() as sampler:
            results = [measure("cold build", build, 0)]
        documents = count_documents(out)
        results[0].documents = documents
        distributed = dask_build(offergen, workspace, Path(scratch) / "dask", jobs, documents)
        if isinstance(distributed, Measure):
            results.append(distributed)
        identical = isinstance(distributed, Measure) and same_documents(out, Path(scratch) / "dask")
        results.append(measure("no-op rebuild", build, 0))
        first_offer = sorted((workspace / "offers").iterdir())[0]
        touch(first_offer)
        results.append(measure("one offer changed", build, 0))
        touch(sorted((workspace / "clients").iterdir())[0])
        results.append(measure("one client changed", build, 0))
        touch(workspace / "templates" / "style.css")
        results.append(measure("a template changed", build, documents))
        naive_out = Path(scratch) / "naive"
        results.append(
            measure(
                "naive baseline (1 process)",
                [sys.executable, __file__, "--naive", str(workspace), str(naive_out)],
                documents,
            )
        )
        docx_files = sorted(str(p) for p in out.rglob("*.docx"))
        soffice, no_libreoffice = libreoffice()
        if soffice and docx_files:
            lo_out = Path(scratch) / "lo"
            profile = Path(scratch) / "lo-profile"
            results.append(
                measure(
                    "LibreOffice DOCX→PDF (batch)",
                    [
                        soffice,
                        f"-env:UserInstallation=file://{profile}",
                        "--headless",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        str(lo_out),
                        *docx_files,
                    ],
                    len(docx_files),
                )
            )
        warm_pdf = measure(
            "warm PDF only (1 worker)",
            [
                *offergen,
                "-C",
                str(workspace),
                "build",
                "--jobs",
                "1",
                "--force",
                "--format",
                "pdf",
                "--out",
                str(Path(scratch) / "pdf"),
            ],
            len(docx_files),
        )
        results.append(warm_pdf)
    by_name = {m.name: m for m in results}
    cold, naive_run = by_name["cold build"], by_name["naive baseline (1 process)"]
    lo = by_name.get("LibreOffice DOCX→PDF (batch)")
    ratios = {
        "cold_build_vs_naive": cold.seconds / naive_run.seconds,
        # CPU: on a shared machine the wall time says as much about the neighbours
        "pdf_per_document_vs_libreoffice": (warm_pdf.cpu_seconds / lo.cpu_seconds if lo else None),
        "pdf_vs_libreoffice_wall": warm_pdf.seconds / lo.seconds if lo else None,
    }
    pdf_ratio = ratios["pdf_per_document_vs_libreoffice"]
    pdf_target = {
        "ratio": pdf_ratio,
        "target": PDF_TARGET,
        "verdict": (
            "NOT MEASURED"
            if lo is None
            else "TOO FEW DOCUMENTS"
            if lo.documents < PDF_MIN_DOCUMENTS
            else _verdict(pdf_ratio, PDF_TARGET)
        ),
        "note": no_libreoffice
        or (
            f"both start-ups weigh on fewer than {PDF_MIN_DOCUMENTS} documents"
            if lo is not None and lo.documents < PDF_MIN_DOCUMENTS
            else ""
        ),
    }
    return {
        "offers": offers,
        "documents": documents,
        "dask": {
            "measured": isinstance(distributed, Measure),
            "vs_local_pool": distributed.seconds / cold.seconds
            if isinstance(distributed, Measure)
            else None,
            "identical": identical,
            "note": "" if isinstance(distributed, Measure) else distributed,
        },
        "jobs": jobs,
        "cpus": os.cpu_count(),
        "machine": os.uname().machine,
        "python": sys.version.split()[0],
        "measures": [asdict(m) | {"per_document": m.per_document} for m in results],
        "ratios": ratios,
        "pdf_vs_libreoffice": pdf_target,
        "worker_memory": sampler.report(),
    }


def _verdict(value: float | None, target: float) -> str:
    return "PASS" if value is not None and value <= target else "MISS"


def table(report: dict[str, object]) -> str:
    rows = [
        f"{'measure':32} {'wall s':>8} {'CPU s':>8} {'docs':>6} {'s/doc':>7} "
        f"{'docs/s':>7} {'peak MB':>8}"
    ]
    for m in report["measures"]:  # type: ignore[attr-defined]
        rate = m["documents"] / m["seconds"] if m["documents"] and m["seconds"] else 0
        rows.append(
            f"{m['name']:32} {m['seconds']:8.2f} {m['cpu_seconds']:8.2f} {m['documents']:6d} "
            f"{m['per_document']:7.3f} {rate:7.1f} {m['peak_mb']:8.0f}"
        )
    ratios = report["ratios"]
    rows.append("")
    rows.append(
        f"cold build / naive baseline: {ratios['cold_build_vs_naive']:.2f} "  # type: ignore[index]
        "(target ≤ 0.55)"
    )
    lo = report["pdf_vs_libreoffice"]
    rows.append(
        "offergen's PDFs / LibreOffice's of the same documents, CPU: "
        + (
            f"{lo['ratio']:.2f} (target ≤ {PDF_TARGET:g}): {lo['verdict']}"  # type: ignore[index]
            + (f" ({lo['note']})" if lo["note"] else "")  # type: ignore[index]
            if lo["ratio"]  # type: ignore[index]
            else f"not measured: {lo['note']}"  # type: ignore[index]
        )
    )
    dask = report["dask"]
    rows.append(
        f"Dask LocalCluster / local pool, same workers: {dask['vs_local_pool']:.2f}, "  # type: ignore[index]
        f"documents {'byte-identical' if dask['identical'] else 'DIFFERENT'}"  # type: ignore[index]
        if dask["measured"]  # type: ignore[index]
        else f"Dask: not measured: {dask['note']}"  # type: ignore[index]
    )
    memory = report["worker_memory"]
    for worker in memory["workers"]:  # type: ignore[index]
        rows.append(
            f"worker {worker['pid']}: peak PSS {worker['pss_mib']:.0f} MiB, "
            f"USS {worker['uss_mib']:.0f} MiB, RSS {worker['rss_mib']:.0f} MiB"
        )
    rows.append(
        f"peak memory per worker (PSS): {memory['peak_pss_mib']:.0f} MiB "  # type: ignore[index]
        f"(target ≤ {TARGET_MIB:g} MiB): {memory['verdict']}"  # type: ignore[index]
        if memory["workers"]  # type: ignore[index]
        else f"peak memory per worker: {memory['note']}"  # type: ignore[index]
    )
    rows.append(
        f"{report['offers']} offers, {report['documents']} documents, "
        f"{report['jobs']} workers, {report['cpus']} CPUs"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive", nargs=2, metavar=("WORKSPACE", "OUT"))
    parser.add_argument(
        "--targets-only", action="store_true", help="Only the four answers and their targets."
    )
    parser.add_argument(
        "--noop-offers",
        type=int,
        default=None,
        help=f"Offers of the no-op build (default {NOOP_OFFERS}; skipped by --targets-only and "
        "when --offers < 100, the quick mode).",
    )
    parser.add_argument("--noop-only", action="store_true", help="Only the no-op build.")
    args = parser.parse_args()
    if args.naive:
        naive(Path(args.naive[0]), Path(args.naive[1]))
        return
    offergen = [sys.executable, "-m", "offergen.cli"]
    noop_offers = args.noop_offers
    if noop_offers is None:
        full = args.offers >= 100 and not args.targets_only
        noop_offers = NOOP_OFFERS if full or args.noop_only else 0
    quick = args.targets_only or args.noop_only
    report = {} if quick else run_benchmark(args.offers, args.jobs)
    answers = [] if args.noop_only else targets(offergen)
    if noop_offers:
        answers.append(noop_at_scale(offergen, noop_offers, args.jobs))
    else:
        print(f"(the no-op build of {NOOP_OFFERS} offers is skipped: make bench-noop)")
    report["targets"] = [asdict(t) | {"verdict": t.verdict} for t in answers]
    report.setdefault("cpus", os.cpu_count())
    target = ROOT / "out" / "bench"
    target.mkdir(parents=True, exist_ok=True)
    (target / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not quick:
        print(table(report) + "\n")
    print(targets_table(answers))
    print(f"\nwritten to {target / 'results.json'}")


if __name__ == "__main__":
    main()
