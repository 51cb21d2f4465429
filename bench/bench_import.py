"""Roster import benchmark: 100,000 members from an .xlsx and from a .csv file, on PostgreSQL.

    uv run python bench/bench_import.py [--rows 100000]

It uses its own database (DATABASE_URL, by default kiemdiem_bench on the local server), which it
creates and migrates when needed and whose members it deletes at the start. The goal is validation
plus insertion in under 20 seconds per file.
"""

import argparse
import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup  # noqa: E402

os.environ.setdefault("IMPORT_MAX_BYTES", str(200 * 1024 * 1024))

GOAL_SECONDS = 20
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thị Thu", "Văn Đức", ""]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hường", "Lan", "Long", "Mai", "Nam", "Phúc", "Quỳnh", "Tâm",
         "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Đạt", "Ánh"]  # fmt: skip


def ensure_tree(cells_wanted: int) -> list[str]:
    """A province of direct committees, base committees and cells; the cell codes."""
    from django.db import transaction

    from organizations.models import Kind, Organization
    from organizations.services import create_organization

    codes = list(
        Organization.objects.filter(code__startswith="BCB-", kind=Kind.CELL).values_list("code", flat=True)
    )
    if len(codes) >= cells_wanted:
        return codes[:cells_wanted]
    founded = datetime.date(1990, 1, 1)
    province = Organization.objects.filter(code="BTINH").first() or create_organization(
        code="BTINH", name="Tỉnh ủy Đo tải", kind=Kind.PROVINCIAL_COMMITTEE, founded_on=founded
    )
    per_level = 10
    with transaction.atomic():  # all or nothing, so that an interrupted run can start again
        _create_levels(province, per_level, founded)
    return list(
        Organization.objects.filter(code__startswith="BCB-", kind=Kind.CELL).values_list("code", flat=True)
    )[:cells_wanted]


def _create_levels(province, per_level: int, founded: datetime.date) -> None:
    from organizations.models import Kind
    from organizations.services import create_organization

    for d in range(per_level):
        direct = create_organization(
            code=f"BXA-{d}",
            name=f"Đảng ủy xã {d}",
            kind=Kind.DIRECT_COMMITTEE,
            parent=province,
            founded_on=founded,
        )
        for b in range(per_level):
            base = create_organization(
                code=f"BCS-{d}-{b}",
                name=f"Đảng bộ cơ sở {d}-{b}",
                kind=Kind.BASE_COMMITTEE,
                parent=direct,
                founded_on=founded,
            )
            for c in range(per_level):
                create_organization(
                    code=f"BCB-{d}-{b}-{c}",
                    name=f"Chi bộ {d}-{b}-{c}",
                    kind=Kind.CELL,
                    parent=base,
                    founded_on=founded,
                )


def generate_rows(count: int, codes: list[str], first_card: int, *, real_dates: bool):
    rng = random.Random(first_card)
    for index in range(count):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(12_000))
        admitted = birth + datetime.timedelta(days=rng.randrange(18 * 365, 30 * 365))
        official = admitted + datetime.timedelta(days=365) if index % 10 else None
        dates = [birth, admitted, official]
        if not real_dates:
            dates = [d.strftime("%d/%m/%Y") if d else "" for d in dates]
        yield [
            codes[index % len(codes)],
            rng.choice(FAMILY),
            rng.choice(MIDDLE),
            rng.choice(GIVEN),
            rng.choice(["Nam", "Nữ"]),
            dates[0],
            str(first_card + index),
            dates[1],
            dates[2],
            "Đảng viên" if index % 7 else "Bí thư chi bộ",
            "Chuyên viên",
            f"Cơ quan số {index % 500}",
            "Có" if index % 9 == 0 else "Không",
            "Có" if index % 2 else "Không",
        ]


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def write_xlsx(path: Path, header, rows) -> None:
    """A workbook laid out as Excel saves one: shared strings, a sheet dimension, dates as
    date-formatted serial numbers. (openpyxl writes inline strings and, in write-only mode, no
    dimension, both much slower to read back than what users upload.)"""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    epoch = datetime.date(1899, 12, 30)
    lines = []
    width = len(header)
    for number, row in enumerate([header, *rows], start=1):
        cells = []
        for index, value in enumerate(row):
            ref = f"{chr(ord('A') + index)}{number}"
            if isinstance(value, datetime.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>')
            elif value not in (None, ""):
                position = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{position}</v></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{chr(ord("A") + width - 1)}{len(lines)}"/><sheetData>'
        + "".join(lines)
        + "</sheetData></worksheet>"
    )
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _XLSX_PARTS.items():
            archive.writestr(name, xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def cpu_seconds() -> float:
    """CPU time of this process plus its PostgreSQL backend (when the server runs on this host).

    Other jobs on a shared machine stretch wall-clock times; CPU time shows what the import itself
    costs, close to what an idle machine would take."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        server = 0.0
    return time.process_time() + server


def timed_import(path: Path, *, dry_run: bool):
    from members.roster import import_roster

    cpu, started = cpu_seconds(), time.perf_counter()
    with path.open("rb") as handle:
        result = import_roster(file=handle, filename=path.name, dry_run=dry_run)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.errors:
        sys.exit(f"{path.name}: {len(result.errors)} errors, first: {result.errors[:3]}")
    return elapsed, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=1000)
    options = parser.parse_args()

    setup("kiemdiem_bench")
    from django.db import connection

    from members.models import CellPeriod, Member, StatusPeriod
    from members.roster import COLUMNS

    with connection.cursor() as cursor:
        tables = [model._meta.db_table for model in (StatusPeriod, CellPeriod, Member)]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    codes = ensure_tree(options.cells)
    header = [column.header for column in COLUMNS]
    print(f"PostgreSQL {connection.pg_version // 10000}, {len(codes)} cells, {options.rows:,} rows per file")
    print("load average (1, 5, 15 min) at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, writer, first_card, real_dates in (
            ("xlsx", write_xlsx, 20_000_000, True),
            ("csv", write_csv, 30_000_000, False),
        ):
            path = Path(folder) / f"roster.{kind}"
            writer(path, header, generate_rows(options.rows, codes, first_card, real_dates=real_dates))
            checked, checked_cpu, _ = timed_import(path, dry_run=True)
            imported, imported_cpu, result = timed_import(path, dry_run=False)
            assert result.total == options.rows
            results.append((kind, path.stat().st_size, checked, imported, checked_cpu, imported_cpu))

    print(
        f"members now in the database: {Member.objects.count():,}, "
        f"status periods {StatusPeriod.objects.count():,}, cell periods {CellPeriod.objects.count():,}"
    )
    print("validate = read + check every row + database lookups (a dry run); insert = the rest")
    print("wall-clock seconds, then CPU seconds (Python + PostgreSQL backend) in brackets")
    print(f"{'file':<6}{'MB':>6}{'validate':>16}{'insert':>16}{'total':>16}  goal < {GOAL_SECONDS} s")
    for kind, size, checked, imported, checked_cpu, imported_cpu in results:
        verdict = "ok" if imported < GOAL_SECONDS else "missed"
        columns = [
            (checked, checked_cpu),
            (imported - checked, imported_cpu - checked_cpu),
            (imported, imported_cpu),
        ]
        print(
            f"{kind:<6}{size / 2**20:>6.1f}"
            + "".join(f"{f'{wall:.1f} ({cpu:.1f})':>16}" for wall, cpu in columns)
            + f"  {verdict}"
        )
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
