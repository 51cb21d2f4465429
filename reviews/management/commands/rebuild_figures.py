from django.core.management.base import BaseCommand, CommandError

from reviews import kept_figures
from reviews.models import Season


class Command(BaseCommand):
    help = (
        "Recount the kept figures of every open season (or one) from its subjects, each unit's tally "
        "from those figures, and its quarters' figures from their evaluations. A closed season's "
        "figures are frozen as they stood when it closed and are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--season", type=int, help="Only this season (id); refused if it is closed.")

    def handle(self, *args, **options):
        seasons = Season.objects.select_related("top_organization").order_by("year", "pk")
        if options["season"]:
            seasons = seasons.filter(pk=options["season"])
            if not seasons.filter(status=Season.Status.OPEN).exists():
                raise CommandError(f"season {options['season']} is unknown or closed: its figures are frozen")
        for season in seasons.filter(status=Season.Status.OPEN):
            kept_figures.rebuild(season)
            self.stdout.write(f"{season.year} {season.top_organization.code}: figures recounted")
        purged = kept_figures.purge_orphans()
        if purged:
            self.stdout.write(f"{purged} rows of deleted seasons removed")
