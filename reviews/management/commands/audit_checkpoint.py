from django.core.management.base import BaseCommand

from reviews.audit_checkpoints import write_checkpoint


class Command(BaseCommand):
    help = "Write the head of every season's audit chain to a sealed checkpoint file (R-REC-4)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="The folder to write to (default AUDIT_CHECKPOINT_DIR).")

    def handle(self, *args, **options):
        path = write_checkpoint(options["dir"])
        self.stdout.write(f"{path}")
