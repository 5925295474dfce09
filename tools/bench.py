"""Turn a synthetic workspace of N offers into build timings, against two baselines.

    make bench            # N=200
    make bench N=5        # the quick mode CI runs so the benchmark cannot rot

Measures, in one run and on the same documents: the cold parallel build, a no-op
rebuild, rebuilds after changing one offer, one client and a template; a naive baseline
(a plain loop in one process rendering every document with fresh templates, fonts and
stylesheet each time); LibreOffice converting the same DOCX files to PDF in one batch,
when it is installed. Prints a table and writes out/bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

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


def count_documents(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.suffix in (".pdf", ".docx"))


def naive(workspace: Path, out: Path) -> None:
    """The baseline: one process, a plain loop, nothing reused between documents."""
    from offergen.build import Unit, render_document
    from offergen.documents import FORMATS, documents_for
    from offergen.render import Templates
    from offergen.render import pdf as pdf_module
    from offergen.validate import load_workspace

    loaded = load_workspace(workspace)
    for offer_id in sorted(loaded.offers):
        for kind in documents_for(loaded, offer_id):
            for fmt in FORMATS:
                pdf_module._ENGINES.clear()  # fresh fonts and stylesheet every time
                templates = Templates(loaded.templates_dir)
                data = render_document(loaded, templates, Unit(offer_id, kind.name, fmt, "", ""))
                path = out / offer_id / f"{kind.file_stem}.{fmt}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


def touch(path: Path) -> None:
    comment = "/* changed */" if path.suffix == ".css" else "# changed"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{comment}\n", encoding="utf-8")


def run_benchmark(offers: int, jobs: int) -> dict[str, object]:
    offergen = [sys.executable, "-m", "offergen.cli"]
    with tempfile.TemporaryDirectory(prefix="offergen-bench-") as scratch:
        workspace = Path(scratch) / "ws"
        workspace.mkdir()
        make_workspace(workspace, offers)
        out = workspace / "out"
        build = [*offergen, "-C", str(workspace), "build", "--jobs", str(jobs)]
        results = [measure("cold build", build, 0)]
        documents = count_documents(out)
        results[0].documents = documents
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
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
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
        "pdf_per_document_vs_libreoffice": (
            warm_pdf.per_document / lo.per_document if lo else None
        ),
    }
    return {
        "offers": offers,
        "documents": documents,
        "jobs": jobs,
        "cpus": os.cpu_count(),
        "machine": os.uname().machine,
        "python": sys.version.split()[0],
        "measures": [asdict(m) | {"per_document": m.per_document} for m in results],
        "ratios": ratios,
    }


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
    lo = ratios["pdf_per_document_vs_libreoffice"]  # type: ignore[index]
    rows.append(
        "PDF per document / LibreOffice's: "
        + (f"{lo:.2f} (target ≤ 1)" if lo else "LibreOffice not installed")
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
    args = parser.parse_args()
    if args.naive:
        naive(Path(args.naive[0]), Path(args.naive[1]))
        return
    report = run_benchmark(args.offers, args.jobs)
    target = ROOT / "out" / "bench"
    target.mkdir(parents=True, exist_ok=True)
    (target / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(report))
    print(f"\nwritten to {target / 'results.json'}")


if __name__ == "__main__":
    main()
