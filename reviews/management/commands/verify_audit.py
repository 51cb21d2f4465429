from django.core.management.base import BaseCommand, CommandError

from reviews.audit import verify_chain
from reviews.audit_checkpoints import checkpoint_break, read_checkpoints
from reviews.models import Season


class Command(BaseCommand):
    help = (
        "Check every season's event log (R-REC-4): the keyed hash chain, then the chain heads written to"
        " the checkpoint files; report the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--season", type=int, help="Only this season (id).")
        parser.add_argument(
            "--checkpoints", help="The folder of checkpoint files (default AUDIT_CHECKPOINT_DIR)."
        )

    def handle(self, *args, **options):
        seasons = Season.objects.select_related("top_organization").order_by("year", "pk")
        if options["season"]:
            seasons = seasons.filter(pk=options["season"])
        checkpoints, forged = read_checkpoints(options["checkpoints"])
        broken = len(forged)
        for source in forged:
            self.stdout.write(f"BROKEN checkpoint {source}: not sealed by a key this server holds")
        for season in seasons:
            problem = self._problem(season, checkpoints.get(season.pk, []))
            label = f"{season.year} {season.top_organization.code}"
            if problem is None:
                self.stdout.write(f"OK   {label}: {season.events.count()} events")
            else:
                broken += 1
                self.stdout.write(f"BROKEN {label}: {problem}")
        if broken:
            raise CommandError(f"{broken} broken audit record(s)")

    @staticmethod
    def _problem(season, checkpoints) -> str | None:
        link = verify_chain(season)
        if link is not None:
            return f"event #{link.seq}{f' (id {link.event_id})' if link.event_id else ''}: {link.problem}"
        cut = checkpoint_break(season.pk, checkpoints)
        return cut[1] if cut else None
