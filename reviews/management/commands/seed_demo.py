import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members.demo import DEFAULT_MEMBERS, DEFAULT_SEED, DemoError, demo_logins, seed_demo
from organizations.models import Organization
from reviews.demo import seed_seasons


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo province: the party tree, its members with their "
        "histories, and demo logins (printed at the end). The same seed gives the same province."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help="How many party members (default %(default)s).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--no-seasons",
            dest="with_seasons",
            action="store_false",
            help="Only the tree, members and logins; no review seasons.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Create nothing, without an error, when the database already holds organizations.",
        )

    def handle(self, *args, members, seed, if_empty, with_seasons, verbosity, **options):
        if Organization.objects.exists():
            if not if_empty:
                self._print_logins(demo_logins())
                raise CommandError(
                    _(
                        "The database already holds party organizations, so no demo was created. "
                        "seed_demo only fills an empty database (use --if-empty to skip quietly)."
                    )
                )
            self.stdout.write(_("The database already holds party organizations; no demo was created."))
            self._print_logins(demo_logins())
            return
        try:
            result = seed_demo(
                members=members, seed=seed, progress=self._progress if verbosity >= 2 else None
            )
        except (DemoError, ValueError) as error:
            raise CommandError(str(error)) from error
        total = sum(seconds for _phase, seconds in result.timings)
        if with_seasons:
            started = time.perf_counter()
            seasons = seed_seasons(seed=seed, days=result.days)
            total += time.perf_counter() - started
            if verbosity >= 2:
                self._progress(_("review seasons"), time.perf_counter() - started)
            self.stdout.write(
                _(
                    "Review seasons: %(last_year)d decided (%(decided)d results), "
                    "%(year)d open (%(subjects)d subjects)."
                )
                % seasons
            )
        if verbosity >= 2:
            self._progress(_("total"), total)
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo province created: %(organizations)d organizations, %(members)d party members.")
                % {"organizations": result.organizations, "members": result.members}
            )
        )
        self._print_logins(result.logins)

    def _progress(self, phase: str, seconds: float) -> None:
        self.stdout.write(f"{phase:<26} {seconds:7.1f} s")

    def _print_logins(self, rows) -> None:
        if not rows:
            return
        header = (_("Username"), _("Password"), _("Role"), _("Organization"))
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        self.stdout.write("")
        for row in (header, tuple("-" * width for width in widths), *rows):
            self.stdout.write(
                "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
            )
