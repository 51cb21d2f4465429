import shutil

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from reports.documents import NUMBERED_KINDS, DocumentUnavailable, rerating_issuer
from reports.models import ReportJob
from reports.services import render_now, request_report
from reviews.models import SeasonUnit, Subject


class Command(BaseCommand):
    help = "Render, sign and store a report synchronously (the workers' code path), and copy it to --output."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportJob.Kind.values)
        parser.add_argument("--organization", required=True, help="Organization code.")
        parser.add_argument("--season", type=int, required=True, help="Season year.")
        parser.add_argument(
            "--member", help="Party card number (individual forms, re-rating decisions, quarter forms)."
        )
        parser.add_argument("--quarter", type=int, default=0, help="Quarter number 1–3 (quarter forms).")
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument(
            "--number", default="", help="Register number (decisions, summary, re-rating decisions)."
        )

    def handle(self, *args, kind, organization, season, member, output, number, quarter, **options):
        unit = (
            SeasonUnit.objects.filter(code=organization, season__year=season)
            .select_related("season")
            .order_by("-season__opened_at")
            .first()
        )
        if unit is None:
            raise CommandError(f"No season {season} holds an organization with code {organization}.")
        subject = None
        if kind in (ReportJob.Kind.INDIVIDUAL, ReportJob.Kind.QUARTER):
            if not member:
                raise CommandError("An individual or quarter form needs --member CARD.")
            subject = Subject.objects.filter(season=unit.season, member__card_number=member).first()
            if subject is None:
                raise CommandError(f"No member with card {member} in season {season}.")
            unit = subject.unit if kind == ReportJob.Kind.QUARTER else unit
        if kind == ReportJob.Kind.RERATING:
            # The subject re-rated: the member of --member, else the organization of --organization;
            # the decision is issued by the unit that re-rated it.
            subject = (
                Subject.objects.filter(season=unit.season, member__card_number=member).first()
                if member
                else Subject.objects.filter(
                    season=unit.season, unit=unit, kind=Subject.Kind.ORGANIZATION
                ).first()
            )
            if subject is None:
                raise CommandError(f"No such subject in season {season}.")
            unit = rerating_issuer(subject) or unit
        if number and kind not in NUMBERED_KINDS:
            raise CommandError(f"--number is for {', '.join(NUMBERED_KINDS)} only.")
        try:
            job = request_report(
                kind=kind,
                season=unit.season,
                unit=unit,
                subject=subject,
                number=number,
                quarter=quarter,
                enqueue=False,
            )
        except DocumentUnavailable as refusal:
            raise CommandError(str(refusal)) from refusal
        job = render_now(job)
        if job.status != ReportJob.Status.DONE:
            raise CommandError(f"Report failed: {job.error}")
        with default_storage.open(job.file.name, "rb") as source, open(output, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.title}: {output} ({job.size:,} bytes, {job.pages} pages, SHA-256 {job.sha256}, "
                f"code {job.verification_code})"
            )
        )
