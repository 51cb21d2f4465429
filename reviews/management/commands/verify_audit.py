from django.core.management.base import BaseCommand, CommandError

from reviews.audit import verify_chain
from reviews.models import Season


class Command(BaseCommand):
    help = "Check the hash chain of every season's event log (R-REC-4); report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--season", type=int, help="Only this season (id).")

    def handle(self, *args, **options):
        seasons = Season.objects.select_related("top_organization").order_by("year", "pk")
        if options["season"]:
            seasons = seasons.filter(pk=options["season"])
        broken = 0
        for season in seasons:
            problem = verify_chain(season)
            if problem is None:
                self.stdout.write(
                    f"OK   {season.year} {season.top_organization.code}: {season.events.count()} events"
                )
                continue
            broken += 1
            self.stdout.write(
                f"BROKEN {season.year} {season.top_organization.code}: event #{problem.seq}"
                f"{f' (id {problem.event_id})' if problem.event_id else ''}: {problem.problem}"
            )
        if broken:
            raise CommandError(f"{broken} season(s) with a broken audit chain")
