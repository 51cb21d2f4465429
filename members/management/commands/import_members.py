from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.roster import import_roster


class Command(BaseCommand):
    help = (
        "Import party members from a roster file (.xlsx or .csv, laid out as the template of the "
        "import page). Nothing is saved unless every row is correct."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; save nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        with path.open("rb") as handle:
            result = import_roster(file=handle, filename=path.name, dry_run=dry_run)
        for error in result.errors:
            self.stderr.write(self._describe(error))
        if result.errors:
            count = len(result.errors)
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported.", "%(count)d errors; nothing was imported.", count
                )
                % {"count": count}
            )
        for cell in result.cells:
            self.stdout.write(f"{cell.code}\t{cell.count}\t{cell.name}")
        if dry_run:
            message = ngettext(
                "The file is correct: %(count)d member can be imported. Nothing was saved.",
                "The file is correct: %(count)d members can be imported. Nothing was saved.",
                result.total,
            )
        else:
            message = ngettext(
                "%(count)d member was imported.", "%(count)d members were imported.", result.total
            )
        self.stdout.write(self.style.SUCCESS(message % {"count": result.total}))

    def _describe(self, error) -> str:
        if error.row is None:
            return error.message
        return _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": error.row,
            "column": error.column,
            "message": error.message,
        }
