"""Peak memory and time of an import: an XLSX "zip bomb" (one 400 MB cell in a 412 KB file) and 20,000 rows.

Each case runs in a fresh process on a throwaway database (test_<name>, dropped afterwards), so the peak
resident memory it prints is that case's own. The upload goes through the import page as a browser would;
when the page hands the file to a job (a large file), the job is then run here and timed on its own.
Run with DATABASE_URL set to PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/imports.py [--rows N] [--confirm]
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")  # jobs are queued, not run: this script runs them

BOMB_CELL_BYTES = 400_000_000


def build_bomb(path: Path) -> None:
    """A valid workbook whose one cell holds 400 MB, written in chunks so building it stays small too."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["reference", "title"])
    book.active.append(["UA-BOMB-1", "x"])
    template = io.BytesIO()
    book.save(template)
    source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, data)
                continue
            before, after = data.split(b">x<")
            with target.open(item.filename, "w", force_zip64=True) as member:
                member.write(before + b">")
                chunk = b"A" * 1_000_000
                for _ in range(BOMB_CELL_BYTES // len(chunk)):
                    member.write(chunk)
                member.write(b"<" + after)


def build_rows(path: Path, rows: int) -> None:
    lines = ["agreement,title,due_on,responsible,unit,target_quantity"]
    lines += [f"UA-BENCH-001,Batch {n} delivered,2027-06-30,bench-works,drones,1000" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def run_case(name: str, path: Path, confirm: bool) -> None:
    """In this (child) process: a test database, the upload, then the job if there is one."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from projects.models import Agreement, AgreementParty, Milestone, Organization

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = get_user_model().objects.create_user("bench", is_staff=True)
        agreement = Agreement.objects.create(
            reference="UA-BENCH-001", title="Bench", kind="co_production", currency="EUR", budget=1
        )
        works = Organization.objects.create(name="Bench Works", slug="bench-works", kind="company", country="UA")
        AgreementParty.objects.create(agreement=agreement, organization=works, role="producer")
        client = Client()
        client.force_login(user)
        kind = "agreements" if name == "bomb" else "milestones"
        content = path.read_bytes()
        start = time.perf_counter()
        response = client.post(f"/import/{kind}/", {"file": SimpleUploadedFile(path.name, content)})
        report("upload request", start, f"answered {response.status_code}")
        if response.status_code == 302 and "/import/jobs/" in response["Location"]:
            run_jobs(int(response["Location"].rstrip("/").rsplit("/", 1)[1]), client, response["Location"], confirm)
        print(f"  milestones saved: {Milestone.objects.count():,}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run_jobs(job_id: int, client, url: str, confirm: bool) -> None:
    from projects.web.import_jobs import run_job

    start = time.perf_counter()
    report("preview job", start, run_job(job_id))
    if confirm:
        client.post(url)
        start = time.perf_counter()
        report("import job", start, run_job(job_id))


def report(step: str, start: float, outcome: str) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {step:15} {time.perf_counter() - start:8.1f} s   peak RSS {peak_mb:7.0f} MB   {outcome}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--confirm", action="store_true", help="also import the rows after their preview")
    parser.add_argument("--case", choices=["bomb", "rows"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.file, args.confirm)
        return
    with tempfile.TemporaryDirectory() as folder:
        bomb, rows = Path(folder) / "bomb.xlsx", Path(folder) / "milestones.csv"
        build_bomb(bomb)
        build_rows(rows, args.rows)
        for case, path, label in [
            ("bomb", bomb, f"XLSX of {bomb.stat().st_size / 1000:,.0f} KB holding one 400 MB cell"),
            ("rows", rows, f"CSV of {args.rows:,} milestones ({rows.stat().st_size / 1000:,.0f} KB)"),
        ]:
            print(label, flush=True)
            command = [sys.executable, __file__, "--case", case, "--file", str(path)]
            subprocess.run([*command, *(["--confirm"] if args.confirm else [])], check=True)  # noqa: S603


if __name__ == "__main__":
    main()
